"""Write the HR export fixtures in this folder: ``python tests/data/hr_exports/make_fixtures.py``.

Each file imitates what a real HR system or Excel writes, so the importer is tested on the
bytes users actually have, not on tidy CSV. Deterministic: running it again gives the same
files (XLSX timestamps are fixed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent


def workday_semicolon() -> None:
    """Excel (European locale) "CSV UTF-8": BOM, semicolons, a title row and a blank line,
    first/last names, a quoted note with a line break, a report listed before its manager."""
    lines = [
        "Employee list – exported 2026-11-01;;;;;;;;;",
        ";;;;;;;;;",
        "First Name;Last Name;Work Email;Dept;Job title;Line Manager Email;Skills;"
        "Mentor or mentee?;Max mentees;Time zone;Notes",
        "Ana;Castaño;ana.castano@example.org;Engineering;Developer;li.wei@example.org;"
        "Python:4, SQL (3);Mentee;;europe/madrid;",
        'Li;Wei;Li.Wei@Example.org;Engineering;Engineering manager;;"Leadership - 5; Python";'
        'Mentor & mentee;2.0;Asia/Shanghai;"Prefers mornings;\nnot Fridays"',
        "Zoë;Ødegaard;zoe.odegaard@example.org;Finance;Controller;li.wei@example.org;"
        "Budgeting:5;MENTOR;1;Europe/Oslo;=not a formula",
    ]
    (HERE / "workday_semicolon_bom.csv").write_bytes(
        ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def bamboo_cp1252() -> None:
    """An older HR system writing Windows-1252 with commas; managers given by name."""
    lines = [
        "Full name,E-mail,Department,Reports to,Expertise,Wants to develop,Role,"
        "Capacity,TZ,Happy to share story?,Notes",
        'Renée Müller,renee.muller@example.com,People,,"Coaching:5; Negotiation:4",'
        "Budgeting,mentor,3,Europe/Berlin,yes,",
        'José Núñez,jose.nunez@example.com,"Sales, EMEA",Renée Müller,Negotiation,'
        '"Public speaking, Leadership",mentee,,Europe/Madrid,no,',
        "Søren Kierkegård,soren.k@example.com,Finance,renee.muller@example.com,,"
        "Budgeting,either,1,UTC,1,",
        "Chloë O'Brien,chloe.obrien@example.com,Marketing,outside.boss@partner.example,"
        'Writing,,mentee,,Europe/Dublin,,"Price: 5 €"',
    ]
    (HERE / "bamboo_cp1252.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def unicode_text_tab() -> None:
    """Excel "Unicode Text": UTF-16 LE with a BOM, tab-separated."""
    lines = [
        "Name\tEmail Address\tTeam\tManager\tLanguages\tSpoken languages",
        "Łukasz Żółw\tlukasz.zolw@example.pl\tOperations\t\tPolish, English\t",
        "Ōtani Shōhei\tshohei.otani@example.jp\tOperations\tlukasz.zolw@example.pl\t"
        "Japanese; English\t",
    ]
    (HERE / "unicode_text_utf16.csv").write_bytes(
        ("\r\n".join(lines) + "\r\n").encode("utf-16"))


def problems_pipe() -> None:
    """Pipe-separated, with one row for each kind of problem the preview must report."""
    long_note = "x" * 2001
    lines = [
        "Name|Email|Time zone|Capacity|Skills|Role|Manager|Notes",
        "Good Person|good@example.org|UTC|1|Python:4|mentor||",  # 2
        "No Email||UTC|||mentee||",  # 3: missing email
        "Bad Email|not-an-email|UTC|||mentee||",  # 4: malformed email
        "Dup One|dup@example.org|UTC|||mentee||",  # 5: duplicate of 6
        "Dup Two|DUP@example.org|UTC|||mentee||",  # 6
        "Zone Person|zone@example.org|London|||mentee||",  # 7: unknown time zone
        "Negative Cap|neg@example.org|UTC|-1||mentor||",  # 8
        "Word Cap|word@example.org|UTC|two||mentor||",  # 9
        "|noname@example.org|UTC|||mentee||",  # 10: empty name
        f"Long Note|long@example.org|UTC|||mentee||{long_note}",  # 11
        "Bad Level|level@example.org|UTC||Python:7|mentee||",  # 12
        "Bad Role|role@example.org|UTC|||boss||",  # 13
        "Ghost Boss|ghost@example.org|UTC|||mentee|Pat Smith|",  # 14
    ]
    (HERE / "problems_pipe.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def workbook() -> None:
    """An XLSX with an empty first sheet, a title row, numbers, a date and formulas."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Read me"  # left empty: the importer picks the first sheet with data
    sheet = book.create_sheet("Employees")
    sheet.append(["Staff directory – exported 2026-11-01"])
    sheet.append([])
    sheet.append(["Full name", "Email", "Grade", "Max mentees", "Start date", "Role",
                  "Notes", "Office"])
    sheet.append(["Amara Okafor", "amara.okafor@example.org", 7, 2.0,
                  dt.date(2021, 3, 15), "mentor", "Likes chess", "Lagos"])
    sheet.append(["Björn Lund", "bjorn.lund@example.org", "G5", 0,
                  dt.datetime(2019, 6, 1, 9, 30), "mentee", None, "=1+1"])
    # A text cell that merely starts with "=" stays text; a formula cell has no cached
    # value when openpyxl writes it, so it reads back empty (see importing.py).
    sheet["G5"] = "=not a formula"
    sheet["G5"].data_type = "s"
    other = book.create_sheet("Contractors")
    other.append(["Name", "Email"])
    other.append(["Kai Tanaka", "kai.tanaka@example.org"])
    book.properties.created = dt.datetime(2026, 11, 1)
    book.properties.modified = dt.datetime(2026, 11, 1)
    book.save(HERE / "staff_directory.xlsx")


def hostile() -> None:
    """Files that are not CSV or XLSX under a CSV or XLS name."""
    # An old BIFF .xls starts with the OLE2 compound-file signature.
    (HERE / "legacy.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    (HERE / "report_renamed.csv").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x00\n")


if __name__ == "__main__":
    workday_semicolon()
    bamboo_cp1252()
    unicode_text_tab()
    problems_pipe()
    workbook()
    hostile()
