"""Write exports of common HR systems and sign-up forms the importer must take as they are.

``python tests/data/hr_exports/make_unseen_exports.py [FOLDER]`` (default: this folder).
Each function imitates the bytes one system (or Excel "Save as") writes: its headers, its
encoding and line endings, its title rows and footers, and the value formats its users
type (managers as "Last, First", skill levels as words, time zones with an offset, emails
as "Name <address>"). Deterministic: running it again gives the same files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _csv(rows: list[list[str]], delimiter: str = ",") -> list[str]:
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        out.append(delimiter.join(cells))
    return out


def _save(book: object, path: Path) -> None:
    """Save a workbook with fixed zip timestamps, so the bytes do not change between runs."""
    buffer = io.BytesIO()
    book.save(buffer)  # type: ignore[attr-defined]
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-01T00:00:00Z",
                              data)
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def bamboohr(folder: Path) -> None:
    """BambooHR "Custom report" CSV: UTF-8, commas, "Reporting to" as "Last, First"."""
    header = ["Employee #", "First Name", "Last Name", "Preferred Name", "Work Email",
              "Department", "Division", "Job Title", "Reporting to", "Location", "Hire Date"]
    people = [
        ["1", "Jane", "Smith", "", "jane.smith@acme.example", "Executive", "HQ", "CEO", "",
         "London", "03/01/2015"],
        ["2", "Renée", "O'Connor", "Ren", "renee.oconnor@acme.example", "People", "HQ",
         "Head of People", "Smith, Jane", "London", "11/15/2017"],
        ["3", "José", "Núñez García", "", "jose.nunez@acme.example", "Sales", "EMEA",
         "Account Executive", "O'Connor, Renée", "Madrid", "02/07/2020"],
        ["4", "François", "Lefèvre", "Franck", "francois.lefevre@acme.example", "Sales",
         "EMEA", "Sales Manager", "Smith, Jane", "Paris", "09/30/2018"],
        ["5", "Siobhán", "Ní Bhriain", "", "siobhan.nibhriain@acme.example", "Engineering",
         "HQ", "Software Engineer", "Chen, Wei", "Dublin", "01/10/2022"],
        ["6", "Wei", "Chen", "", "wei.chen@acme.example", "Engineering", "HQ",
         "Engineering Manager", "Jane Smith", "London", "06/01/2019"],
        ["7", "Dmitri", "D'Angelo", "", "dmitri.dangelo@acme.example", "Engineering", "HQ",
         "QA Engineer", "Chen, Wei", "Remote", "04/18/2023"],
        ["8", "Åsa", "Lindqvist", "", "asa.lindqvist@acme.example", "Finance", "Nordics",
         "Controller", "Lefèvre, François", "Stockholm", "12/05/2016"],
        ["9", "Zoë", "van der Berg", "", "zoe.vanderberg@acme.example", "Marketing",
         "Benelux", "Marketing Lead", "Smith, Jane", "Amsterdam", "08/22/2021"],
        ["10", "Mary-Kate", "O'Neill", "MK", "marykate.oneill@acme.example", "Marketing",
         "HQ", "Copywriter", "van der Berg, Zoë", "London", "10/03/2024"],
    ]
    text = "\r\n".join(_csv([header, *people])) + "\r\n"
    (folder / "bamboohr_report.csv").write_bytes(text.encode("utf-8"))


def workday(folder: Path) -> None:
    """Workday report exported to Excel: a merged title, filter rows, header on row 5,
    "Last, First"-free names, time zones written with their GMT offset, and a total row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Mentoring Candidates"
    sheet["A1"] = "Mentoring Programme Candidates"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Company"
    sheet["B2"] = "Acme Group (All)"
    sheet["A3"] = "Include Subordinate Organizations"
    sheet["B3"] = "Yes"
    sheet.append([])
    sheet.append(["Worker", "Email - Primary Work", "Supervisory Organization", "Manager",
                  "Management Level", "Time Zone"])
    workers = [
        ["Hélène Dubois", "helene.dubois@acme.example", "Finance (Hélène Dubois)", "",
         "3 Director", "GMT+01:00 Europe/Paris"],
        ["Marco Rossi", "Marco.Rossi@acme.example", "Finance (Hélène Dubois)",
         "Hélène Dubois", "5 Manager", "GMT+01:00 Europe/Rome"],
        ["Aoife Byrne", "aoife.byrne@acme.example", "Finance (Marco Rossi)", "Marco Rossi",
         "7 Individual Contributor", "GMT+00:00 Europe/Dublin"],
        ["Tomás Ó Briain", "tomas.obriain@acme.example", "Finance (Marco Rossi)",
         "Marco Rossi", "7 Individual Contributor", "GMT+00:00 Europe/Dublin"],
        ["Jamal Washington", "jamal.washington@acme.example", "Sales Americas (Jamal "
         "Washington)", "Hélène Dubois", "4 Senior Manager", "(GMT-05:00) Eastern Time"],
        ["Priya Raman", "priya.raman@acme.example", "Sales Americas (Jamal Washington)",
         "Jamal Washington", "7 Individual Contributor", "GMT-05:00 America/New_York"],
        ["D'Arcy Fletcher", "darcy.fletcher@acme.example", "Sales Americas (Jamal "
         "Washington)", "Jamal Washington", "6 Supervisor", "GMT-08:00 America/Los_Angeles"],
        ["Lena Schäfer", "lena.schaefer@acme.example", "Sales EMEA (Hélène Dubois)",
         "Hélène Dubois", "5 Manager", "GMT+01:00 Europe/Berlin"],
    ]
    for row in workers:
        sheet.append(row)
    sheet.append([f"Total: {len(workers)} workers"])
    book.properties.created = dt.datetime(2026, 11, 1)
    book.properties.modified = dt.datetime(2026, 11, 1)
    _save(book, folder / "workday_candidates.xlsx")


def personio(folder: Path) -> None:
    """Personio CSV in German, semicolons, Windows-1252 (Excel on a German Windows)."""
    header = ["Vorname", "Nachname", "E-Mail", "Abteilung", "Position", "Vorgesetzte(r)",
              "Standort", "Sprachen"]
    people = [
        ["Jürgen", "Groß", "juergen.gross@firma.example", "Vertrieb", "Vertriebsleiter", "",
         "München", "Deutsch, Englisch"],
        ["Özlem", "Yılmaz".replace("ı", "i"), "oezlem.yilmaz@firma.example", "Vertrieb",
         "Key Account Managerin", "Jürgen Groß", "München", "Deutsch, Türkisch"],
        ["Bärbel", "Müller-Lüdenscheidt", "baerbel.mueller@firma.example", "Personal",
         "HR Business Partnerin", "Jürgen Groß", "Köln", "Deutsch"],
        ["René", "d'Aubigné", "rene.daubigne@firma.example", "IT", "Entwickler",
         "Bärbel Müller-Lüdenscheidt", "Köln", "Französisch; Deutsch"],
    ]
    text = "\r\n".join(_csv([header, *people], ";")) + "\r\n"
    (folder / "personio_de_cp1252.csv").write_bytes(text.encode("cp1252"))


def hibob(folder: Path) -> None:
    """HiBob CSV in French, semicolons, UTF-8 with a BOM."""
    header = ["Prénom", "Nom", "Adresse e-mail", "Département", "Poste", "Responsable",
              "Site", "Fuseau horaire"]
    people = [
        ["Élodie", "Garnier", "elodie.garnier@societe.example", "Ressources humaines",
         "DRH", "", "Lyon", "Europe/Paris"],
        ["Loïc", "Le Gall", "loic.legall@societe.example", "Informatique",
         "Développeur", "Élodie Garnier", "Rennes", "Europe/Paris"],
        ["Anaïs", "N'Diaye", "anais.ndiaye@societe.example", "Informatique",
         "Cheffe de projet", "Élodie Garnier", "Dakar", "Africa/Dakar"],
    ]
    text = "\r\n".join(_csv([header, *people], ";")) + "\r\n"
    (folder / "hibob_fr_bom.csv").write_bytes(text.encode("utf-8-sig"))


def google_forms(folder: Path) -> None:
    """Google Forms responses downloaded as CSV: UTF-8, no BOM, LF, long question headers."""
    header = ["Timestamp", "Email Address", "Full name", "Which would you like to be?",
              "What skills can you offer? (choose all that apply)",
              "Skills you want to develop", "How many mentees could you take on?",
              "Preferred languages", "Anything else we should know?"]
    rows = [
        ["2026/10/01 9:14:03 AM GMT+1", "ana.castano@example.org", "Ana Castaño", "Mentee",
         "", "Public speaking, Leadership", "", "Spanish, English", ""],
        ["2026/10/01 9:20:47 AM GMT+1", "liam.obrien@example.org", "Liam O'Brien", "Mentor",
         "Python, Public speaking", "", "2", "English",
         "I'm away in August.\nMornings are best."],
        ["2026/10/01 10:02:11 AM GMT+1", "chloe.martin@example.org", "Chloé Martin",
         "Either", "Stakeholder management", "Python", "Up to 3", "French, English", ""],
        ["2026/10/02 8:45:30 AM GMT+1", "nadia.haddad@example.org", "Nadia Haddad", "Mentor",
         "Negotiation, Budgeting", "", "1", "Arabic, French, English", ""],
        ["2026/10/02 1:15:00 PM GMT+1", "kenji.sato@example.org", "Kenji Satō", "Mentee", "",
         "Leadership", "", "Japanese, English", "Can't do Fridays"],
    ]
    text = "\n".join(_csv([header, *rows])) + "\n"
    (folder / "google_forms_signup.csv").write_bytes(text.encode("utf-8"))


def microsoft_forms(folder: Path) -> None:
    """Microsoft Forms "Open results in Excel": ID, times, Email, Name, then questions."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name",
                  "Do you want to be a mentor or a mentee?", "Department",
                  "What are your strengths?", "What would you like to learn?",
                  "Time zone"])
    t0 = dt.datetime(2026, 10, 3, 9, 0)
    answers = [
        ["Ingrid Bergström", "Mentor", "Operations", "Lean;Coaching;",
         "", "W. Europe Standard Time"],
        ["Rafael Peña", "Mentee", "Operations", "", "Lean;Excel;", "Europe/Madrid"],
        ["Thandiwe Nkosi", "Mentor", "Legal", "Contract law;", "", "Africa/Johannesburg"],
    ]
    for n, (name, role, dept, strengths, learn, tz) in enumerate(answers, start=1):
        email = name.lower().replace(" ", ".").replace("ö", "o").replace("ñ", "n")
        sheet.append([n, t0 + dt.timedelta(minutes=n * 7),
                      t0 + dt.timedelta(minutes=n * 7 + 3), f"{email}@example.org", name,
                      role, dept, strengths, learn, tz])
    book.properties.created = dt.datetime(2026, 11, 1)
    book.properties.modified = dt.datetime(2026, 11, 1)
    _save(book, folder / "microsoft_forms.xlsx")


def excel_unicode_text(folder: Path) -> None:
    """Excel "Unicode Text (*.txt)": UTF-16 LE with a BOM, tabs, quotes around cells with
    a comma, and the trailing tabs of columns that once had formatting."""
    lines = [
        "Name\tWork Email\tDepartment\tSkills\t\t",
        "Ngozi Adébáyọ̀\tngozi.adebayo@example.org\tR&D\t\"Chemistry:5, Writing:3\"\t\t",
        "Oisín Mac Giolla\toisin.macgiolla@example.org\tR&D\tChemistry\t\t",
    ]
    (folder / "excel_unicode_text.txt").write_bytes(
        ("\r\n".join(lines) + "\r\n").encode("utf-16"))


def excel_mac_csv(folder: Path) -> None:
    """Excel "CSV (Macintosh)": Mac Roman bytes and CR line endings."""
    lines = [
        "Name,Email,Department,Role",
        "Ana\u00efs Petit,anais.petit@example.org,Design,mentee",
        "Bj\u00f6rn Ek,bjorn.ek@example.org,Design,mentor",
    ]
    (folder / "excel_mac_cr.csv").write_bytes(("\r".join(lines) + "\r").encode("mac_roman"))


def trailing_empties(folder: Path) -> None:
    """A hand-kept sheet saved as CSV: empty columns right of the data, empty rows below."""
    lines = [
        "Name,Email,Department,,,,",
        "Grace Hopper,grace.hopper@example.org,Engineering,,,,",
        "Ada Lovelace,ada.lovelace@example.org,Engineering,,,,",
        ",,,,,,",
        ",,,,,,",
    ]
    (folder / "trailing_empties.csv").write_text("\r\n".join(lines) + "\r\n",
                                                 encoding="utf-8")


def messy_emails(folder: Path) -> None:
    """Emails as Outlook copies them: "Name <address>", upper case, surrounding spaces."""
    rows = [
        ["Name", "Email", "Manager"],
        ["Saoirse Kelly", "Saoirse Kelly <saoirse.kelly@example.org>", ""],
        ["Pádraig Walsh", "  PADRAIG.WALSH@EXAMPLE.ORG ",
         "Saoirse Kelly <saoirse.kelly@example.org>"],
        ["Noor Al-Sayed", "<noor.alsayed@example.org>", "saoirse.kelly@example.org"],
        ["Eoin O'Shea", "\"O'Shea, Eoin\" <eoin.oshea@example.org>", ""],
    ]
    (folder / "messy_emails.csv").write_text("\n".join(_csv(rows)) + "\n", encoding="utf-8")


def skill_words(folder: Path) -> None:
    """Skill levels as people write them in a spreadsheet they keep themselves."""
    rows = [
        ["Name", "Email", "Skills"],
        ["Amaal Farah", "amaal.farah@example.org", "Python - Expert, SQL - Beginner"],
        ["Björk Guðmundsdóttir", "bjork.g@example.org",
         "Leadership (advanced); Coaching (intermediate)"],
        ["Rory McIlroy", "rory.mcilroy@example.org", "Excel: 4/5, Power BI: 2/5"],
        ["Ines Duarte", "ines.duarte@example.org", "Negotiation (Expert), Spanish - native"],
    ]
    (folder / "skill_words.csv").write_text("\n".join(_csv(rows)) + "\n", encoding="utf-8")


ALL = (bamboohr, workday, personio, hibob, google_forms, microsoft_forms, excel_unicode_text,
       excel_mac_csv, trailing_empties, messy_emails, skill_words)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    target.mkdir(parents=True, exist_ok=True)
    for write in ALL:
        write(target)
