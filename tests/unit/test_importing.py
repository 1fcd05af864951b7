"""Importing participants from HR exports: reading real-world files, mapping, preview, commit."""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentordesk.db import list_backups
from mentordesk.errors import UserError
from mentordesk.models import AuditEvent, Participant, ParticipantRole
from mentordesk.services import importing
from mentordesk.services.importing import (
    IGNORE,
    ImportProfileData,
    SourceOptions,
    commit_import,
    find_profile_for,
    guess_mapping,
    list_profiles,
    preview_import,
    read_source,
    save_profile,
)
from mentordesk.services.participants import (
    ParticipantData,
    SkillLevel,
    add_participant,
    find_participant,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "hr_exports"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _import(db, path: Path):
    table = read_source(path)
    return commit_import(db, table, guess_mapping(table.headers))


def _count(db, entity=Participant) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count()).select_from(entity)) or 0


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(("name", "encoding", "delimiter", "header_row", "first_row"), [
    ("workday_semicolon_bom.csv", "utf-8-sig", ";", 3, 4),
    ("bamboo_cp1252.csv", "cp1252", ",", 1, 2),
    ("unicode_text_utf16.csv", "utf-16", "\t", 1, 2),
    ("problems_pipe.csv", "utf-8", "|", 1, 2),
])
def test_reads_hr_exports_as_they_are_written(name, encoding, delimiter, header_row,
                                              first_row) -> None:
    table = read_source(DATA / name)
    assert (table.kind, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.header_row == header_row
    assert table.rows[0][0] == first_row
    assert all(len(cells) == len(table.headers) for _, cells in table.rows)


def test_non_ascii_text_survives_each_encoding() -> None:
    assert read_source(DATA / "bamboo_cp1252.csv").rows[0][1][0] == "Renée Müller"
    assert read_source(DATA / "bamboo_cp1252.csv").rows[3][1][-1] == "Price: 5 €"
    assert read_source(DATA / "unicode_text_utf16.csv").rows[1][1][0] == "Ōtani Shōhei"
    table = read_source(DATA / "workday_semicolon_bom.csv")
    assert table.headers[0] == "First Name"  # no BOM left on the first header


def test_utf16_big_endian_with_bom(tmp_path) -> None:
    text = "Name,Email\r\nŁucja,lucja@example.pl\r\n"
    path = tmp_path / "be.csv"
    path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    table = read_source(path)
    assert table.encoding == "utf-16"
    assert table.rows == ((2, ("Łucja", "lucja@example.pl")),)


def test_row_numbers_are_the_physical_lines_where_records_start() -> None:
    table = read_source(DATA / "workday_semicolon_bom.csv")
    # Li's quoted note spans lines 5-6, so Zoë's record starts on line 7.
    assert [n for n, _ in table.rows] == [4, 5, 7]
    assert table.rows[1][1][-1] == "Prefers mornings;\nnot Fridays"


def test_explicit_encoding_overrides_and_names_the_bad_row(tmp_path) -> None:
    with pytest.raises(UserError, match=r"Row 2 of bamboo_cp1252.csv cannot be read as utf-8"):
        read_source(DATA / "bamboo_cp1252.csv", SourceOptions(encoding="utf-8"))
    path = _write(tmp_path / "x.csv", "Name,Email\nAna,ana@example.org\n")
    assert read_source(path, SourceOptions(encoding="cp1252")).encoding == "cp1252"


def test_explicit_delimiter_overrides_detection(tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email;Notes\nAna,ana@example.org;hi\n")
    assert read_source(path, SourceOptions(delimiter=";")).headers == ("Name,Email", "Notes")
    assert read_source(path, SourceOptions(delimiter=",")).headers == ("Name", "Email;Notes")


def test_delimiter_is_taken_from_the_header_not_from_data(tmp_path) -> None:
    # Data cells full of commas must not make a semicolon file look comma-separated.
    path = _write(tmp_path / "x.csv", "Title, with commas, everywhere, really\n\n"
                  "Name;Email;Skills\nAna;ana@example.org;Python, SQL, Go, Rust\n")
    table = read_source(path)
    assert table.delimiter == ";"
    assert table.header_row == 3
    assert table.rows == ((4, ("Ana", "ana@example.org", "Python, SQL, Go, Rust")),)


def test_without_known_headers_the_widest_row_is_the_header(tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Report\n\nColA,ColB,ColC\n1,2,3\n")
    table = read_source(path)
    assert table.header_row == 3
    assert table.headers == ("ColA", "ColB", "ColC")


def test_blank_and_repeated_headers_get_distinct_names(tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,,Email\nAna,a@example.org,x,b@example.org\n")
    assert read_source(path).headers == ("Name", "Email", "Column 3", "Email (2)")


def test_reads_xlsx_from_the_first_sheet_with_data() -> None:
    table = read_source(DATA / "staff_directory.xlsx")
    assert table.kind == "xlsx"
    assert table.sheets == ("Read me", "Employees", "Contractors")
    assert table.sheet == "Employees"
    assert table.header_row == 3
    amara, bjorn = (cells for _, cells in table.rows)
    assert [n for n, _ in table.rows] == [4, 5]
    assert amara[2:5] == ("7", "2", "2021-03-15")  # numbers as typed, 2.0 -> "2", ISO date
    assert bjorn[4] == "2019-06-01 09:30"
    # A text cell starting with "=" is text; a formula cell gives its stored result,
    # which openpyxl-written files do not have: empty.
    assert bjorn[6] == "=not a formula"
    assert bjorn[7] == ""


def test_reads_the_chosen_sheet_and_names_the_sheets_when_it_is_missing() -> None:
    table = read_source(DATA / "staff_directory.xlsx", SourceOptions(sheet="Contractors"))
    assert table.rows == ((2, ("Kai Tanaka", "kai.tanaka@example.org")),)
    with pytest.raises(UserError, match=r"no sheet called 'Staff'.*Read me, Employees"):
        read_source(DATA / "staff_directory.xlsx", SourceOptions(sheet="Staff"))


def test_xlsx_rows_past_a_wrong_recorded_size_are_read(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email"])
    for n in range(5):
        sheet.append([f"P{n}", f"p{n}@example.org"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    _replace_in_zip(path, "xl/worksheets/sheet1.xml", b'<dimension ref="A1:B6" />',
                    b'<dimension ref="A1:B2" />')
    assert len(read_source(path).rows) == 5


def _replace_in_zip(path: Path, member: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    assert old in parts[member]
    parts[member] = parts[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


@pytest.mark.parametrize("own_check", [True, False])
def test_xlsx_with_an_entity_expansion_doctype_is_refused(tmp_path, monkeypatch,
                                                          own_check) -> None:
    if not own_check:  # defusedxml inside openpyxl must refuse it on its own too
        monkeypatch.setattr(importing, "_check_xlsx_archive", lambda _path: None)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Email"])
    book.active.append(["Ana", "ana@example.org"])
    path = tmp_path / "laughs.xlsx"
    book.save(path)
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                         else b"&lol;") * 10)
                       for i in range(1, 10))
            + b"]>\n")
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"Ana" in sheet
    parts["xl/worksheets/sheet1.xml"] = bomb + sheet.replace(b"Ana", b"&lol9;", 1)
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    with pytest.raises(UserError, match="DOCTYPE" if own_check else "not a readable XLSX"):
        read_source(path)


def test_openpyxl_itself_parses_through_defusedxml() -> None:
    # The second line of defence behind our own DOCTYPE check.
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(("name", "message"), [
    ("legacy.xls", r"old-style Excel \(.xls\).*save it as CSV or XLSX"),
    ("report_renamed.csv", r"PDF.*save it as CSV or XLSX"),
])
def test_files_that_are_not_tables_are_refused_with_what_to_do(name, message) -> None:
    with pytest.raises(UserError, match=message):
        read_source(DATA / name)


def test_binary_data_in_a_csv_is_refused(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"Name,Email\nAna,a@example.org\n\x00\x01\x02garbage")
    with pytest.raises(UserError, match=r"binary data.*save it as CSV or XLSX"):
        read_source(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UserError, match="not a readable XLSX workbook"):
        read_source(path)


def test_too_big_is_refused_before_reading(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(importing, "MAX_BYTES", 10)
    path = _write(tmp_path / "x.csv", "Name,Email\nAna,a@example.org\n")
    with pytest.raises(UserError, match="the limit is"):
        read_source(path)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows_is_refused(tmp_path, monkeypatch, kind) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [["Name", "Email"], *([f"P{n}", f"p{n}@example.org"] for n in range(4))]
    if kind == "csv":
        path = _write(tmp_path / "x.csv", "\n".join(",".join(r) for r in rows))
    else:
        from openpyxl import Workbook

        book = Workbook()
        for row in rows:
            book.active.append(row)
        path = tmp_path / "x.xlsx"
        book.save(path)
    with pytest.raises(UserError, match="more than 3 rows"):
        read_source(path)
    rows.pop()
    path.unlink()
    if kind == "csv":
        _write(path, "\n".join(",".join(r) for r in rows))
        assert len(read_source(path).rows) == 3


def test_empty_and_missing_files_are_plain_errors(tmp_path) -> None:
    with pytest.raises(UserError, match="empty"):
        read_source(_write(tmp_path / "e.csv", ""))
    with pytest.raises(UserError, match="There is no file"):
        read_source(tmp_path / "missing.csv")
    with pytest.raises(UserError, match="no header row"):
        read_source(_write(tmp_path / "one.csv", "just one column\nvalue\n"))


def test_cancel_while_reading(tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email\n" + "".join(
        f"P{n},p{n}@example.org\n" for n in range(3000)))
    with pytest.raises(UserError, match="Cancelled"):
        read_source(path, cancelled=lambda: True)


def test_the_exporters_quote_is_removed_once(tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,Notes\n"
                  "'=A1,a@example.org,''=B2\n"
                  "'Sam,s@example.org,'-5\n")
    rows = [cells for _, cells in read_source(path).rows]
    assert rows[0][0] == "=A1" and rows[0][2] == "'=B2"
    assert rows[1][0] == "'Sam"  # a quote before an ordinary letter is the person's text
    assert rows[1][2] == "-5"


# --------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(("header", "field"), [
    ("Work Email", "email"), ("E-mail", "email"), ("Email Address", "email"),
    ("EMAIL", "email"), ("First Name", "first_name"), ("Given name", "first_name"),
    ("Surname", "last_name"), ("Family name", "last_name"), ("Employee name", "full_name"),
    ("Known as", "preferred_name"), ("Dept.", "department"), ("Team", "department"),
    ("Role title", "job_title"), ("Position", "job_title"), ("Band", "level"),
    ("Line Manager Email", "manager"), ("Reports to", "manager"), ("Strengths", "skills"),
    ("Wants to develop", "goals"), ("Learning goals", "goals"), ("Hobbies", "interests"),
    ("Mentor or mentee?", "role"), ("Programme role", "role"), ("Max mentees", "mentor_capacity"),
    ("Spoken languages", "languages"), ("TZ", "timezone"), ("time_zone", "timezone"),
    ("Office", "location"), ("Happy to share story?", "consent_stories"),
    ("Employee ID", IGNORE), ("Employee #", IGNORE), ("Worker", "full_name"),
    ("Email - Primary Work", "email"), ("Management Level", "level"),
    ("Reporting to", "manager"), ("Business Title", "job_title"), ("Vorname", "first_name"),
    ("Nachname", "last_name"), ("Abteilung", "department"), ("Vorgesetzte(r)", "manager"),
    ("Standort", "location"), ("Sprachen", "languages"), ("Prénom", "first_name"),
    ("Nom", "last_name"), ("Adresse e-mail", "email"), ("Département", "department"),
    ("Poste", "job_title"), ("Responsable", "manager"), ("Fuseau horaire", "timezone"),
    ("Correo electrónico", "email"), ("Apellidos", "last_name"),
])
def test_guess_mapping_knows_hr_synonyms(header, field) -> None:
    assert guess_mapping([header]) == {header: field}


def test_guess_mapping_maps_each_field_once_and_prefers_a_full_name() -> None:
    assert guess_mapping(["Email", "Work Email", "Name", "First name", "Last name"]) == {
        "Email": "email", "Work Email": IGNORE, "Name": "full_name",
        "First name": IGNORE, "Last name": IGNORE}


@pytest.mark.parametrize(("name", "expected"), [
    ("google_forms_signup.csv", {
        "Timestamp": IGNORE, "Email Address": "email", "Full name": "full_name",
        "Which would you like to be?": "role",
        "What skills can you offer? (choose all that apply)": "skills",
        "Skills you want to develop": "goals",
        "How many mentees could you take on?": "mentor_capacity",
        "Preferred languages": "languages", "Anything else we should know?": "notes"}),
    ("microsoft_forms.xlsx", {
        "ID": IGNORE, "Start time": IGNORE, "Completion time": IGNORE, "Email": "email",
        "Name": "full_name", "Do you want to be a mentor or a mentee?": "role",
        "Department": "department", "What are your strengths?": "skills",
        "What would you like to learn?": "goals", "Time zone": "timezone"}),
    ("bamboohr_report.csv", {
        "Employee #": IGNORE, "First Name": "first_name", "Last Name": "last_name",
        "Preferred Name": "preferred_name", "Work Email": "email",
        "Department": "department", "Division": IGNORE, "Job Title": "job_title",
        "Reporting to": "manager", "Location": "location", "Hire Date": IGNORE}),
])
def test_sign_up_form_questions_and_hr_reports_are_mapped(name, expected) -> None:
    assert guess_mapping(read_source(DATA / name).headers) == expected


def test_a_known_header_wins_over_a_question_that_mentions_the_field() -> None:
    assert guess_mapping(["Would you mentor or be mentored?", "Role", "Email", "Name"]) == {
        "Would you mentor or be mentored?": IGNORE, "Role": "role", "Email": "email",
        "Name": "full_name"}


def test_a_mapping_needs_email_and_name_and_no_doubles(db) -> None:
    table = read_source(DATA / "problems_pipe.csv")
    mapping = guess_mapping(table.headers)
    with db.Session() as s:
        with pytest.raises(UserError, match="email address"):
            preview_import(s, table, {**mapping, "Email": IGNORE})
        with pytest.raises(UserError, match="name"):
            preview_import(s, table, {**mapping, "Name": IGNORE})
        with pytest.raises(UserError, match="both mapped to Notes"):
            preview_import(s, table, {**mapping, "Manager": "notes"})


# --------------------------------------------------------------------------- preview


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_preview_lists_every_problem_with_row_column_and_reason(db) -> None:
    table = read_source(DATA / "problems_pipe.csv")
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    found = {(p.row, p.column): p.reason for p in preview.problems}
    expected = {
        (3, "Email"): "Email is empty",
        (4, "Email"): "'not-an-email' is not a valid email address",
        (5, "Email"): "dup@example.org is also on row 6",
        (6, "Email"): "DUP@example.org is also on row 5",
        (7, "Time zone"): "'London' is not a known time zone",
        (8, "Capacity"): "cannot be negative",
        (9, "Capacity"): "'two' is not a whole number",
        (10, "Name"): "Name is empty",
        (11, "Notes"): "Notes is 2,001 characters long; the limit is 2,000",
        (12, "Skills"): "the level 7 is not between 0 and 5",
        (13, "Role"): "'boss' is not a programme role",
        (14, "Manager"): "manager 'Pat Smith' is not a participant and not an email address",
    }
    for key, fragment in expected.items():
        assert fragment in found.get(key, ""), (key, found.get(key))
    assert preview.refused_rows == tuple(range(3, 15))
    assert [(c.row, c.action) for c in preview.changes] == [(2, "add")]


def test_preview_writes_nothing(db) -> None:
    source = DATA / "bamboo_cp1252.csv"
    before_source = _digest(source)
    with db.Session.begin() as s:
        add_participant(s, ParticipantData(full_name="Renée Müller",
                                           email="renee.muller@example.com"))
    db_files = [db.path, db.path.with_name(db.path.name + "-wal")]
    before_db = [_digest(p) for p in db_files if p.exists()]
    table = read_source(source)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert (preview.adds, preview.updates) == (3, 1)
    assert _count(db) == 1
    assert _count(db, AuditEvent) == 1
    assert _digest(source) == before_source
    assert [_digest(p) for p in db_files if p.exists()] == before_db


@pytest.mark.parametrize(("cell", "expected"), [
    ("Python:4", (SkillLevel("Python", 4),)),
    ("Python (4)", (SkillLevel("Python", 4),)),
    ("Python - 4", (SkillLevel("Python", 4),)),
    ("Python", (SkillLevel("Python", importing.DEFAULT_SKILL_LEVEL),)),
    ("C++: 5; Go (0), Follow-up", (SkillLevel("C++", 5), SkillLevel("Go", 0),
                                   SkillLevel("Follow-up", 3))),
    ("Covid-19 response", (SkillLevel("Covid-19 response", 3),)),
    ("Python - Expert, SQL - beginner", (SkillLevel("Python", 5), SkillLevel("SQL", 1))),
    ("Leadership (advanced); Coaching (Intermediate)", (SkillLevel("Leadership", 4),
                                                       SkillLevel("Coaching", 3))),
    ("Excel: 4/5, Power BI: 2 / 5", (SkillLevel("Excel", 4), SkillLevel("Power BI", 2))),
    ("Python:Expert", (SkillLevel("Python", 5),)),
    # Words that are not levels stay part of the name, as before.
    ("Python (Django), Python - Flask", (SkillLevel("Python (Django)", 3),
                                        SkillLevel("Python - Flask", 3))),
])
def test_skill_levels_in_the_ways_people_write_them(db, tmp_path, cell, expected) -> None:
    path = _write(tmp_path / "x.csv", f'Name,Email,Skills\nAna,ana@example.org,"{cell}"\n')
    _import(db, path)
    with db.Session() as s:
        skills = find_participant(s, "ana@example.org").data.skills
    assert {(x.name, x.level) for x in skills} == {(x.name, x.level) for x in expected}


@pytest.mark.parametrize(("cell", "reason"), [
    ("Python:6", "level 6 is not between 0 and 5"),
    ("Python (-1)", "level -1 is not between 0 and 5"),
    ("Python:guru", "'guru' is not a number from 0 to 5 or one of: none, beginner"),
    ("Excel: 8/10", "8/10 is not on the 0 to 5 scale"),
    ("Excel (6/5)", "level 6 is not between 0 and 5"),
])
def test_bad_skill_levels_are_problems(db, tmp_path, cell, reason) -> None:
    path = _write(tmp_path / "x.csv", f'Name,Email,Skills\nAna,ana@example.org,"{cell}"\n')
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Skills")]
    assert reason in preview.problems[0].reason


@pytest.mark.parametrize(("cell", "role"), [
    ("Mentor", ParticipantRole.MENTOR), ("MENTEE", ParticipantRole.MENTEE),
    ("both", ParticipantRole.BOTH), ("Mentor & mentee", ParticipantRole.BOTH),
    ("Either", ParticipantRole.BOTH), ("", ParticipantRole.MENTEE),
])
def test_role_words(db, tmp_path, cell, role) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Role\nAna,ana@example.org,{cell}\n")
    _import(db, path)
    with db.Session() as s:
        assert find_participant(s, "ana@example.org").data.role == role


def test_a_full_import_of_a_realistic_file(db) -> None:
    result = _import(db, DATA / "workday_semicolon_bom.csv")
    assert (result.added, result.refused) == (3, 0)
    with db.Session() as s:
        ana = find_participant(s, "ana.castano@example.org")
        li = find_participant(s, "li.wei@example.org")
        zoe = find_participant(s, "zoe.odegaard@example.org")
    assert ana.data.full_name == "Ana Castaño"  # first + last
    assert ana.data.timezone == "Europe/Madrid"  # case fixed to the IANA name
    assert {(x.name, x.level) for x in ana.data.skills} == {("Python", 4), ("SQL", 3)}
    # Ana's manager is on a later row: resolved all the same.
    assert ana.manager_id == li.id and zoe.manager_id == li.id
    assert li.data.role == ParticipantRole.BOTH and li.data.mentor_capacity == 2
    assert li.data.notes == "Prefers mornings;\nnot Fridays"
    assert zoe.data.notes == "=not a formula"
    assert zoe.data.role == ParticipantRole.MENTOR


def test_managers_by_name_and_outside_emails(db) -> None:
    result = _import(db, DATA / "bamboo_cp1252.csv")
    assert (result.added, result.refused) == (4, 0)
    with db.Session() as s:
        renee = find_participant(s, "renee.muller@example.com")
        jose = find_participant(s, "jose.nunez@example.com")
        chloe = find_participant(s, "chloe.obrien@example.com")
        soren = find_participant(s, "soren.k@example.com")
    assert jose.manager_id == renee.id  # by exact full name
    assert soren.manager_id == renee.id and soren.data.consent_stories is True
    assert chloe.manager_id is None
    assert chloe.data.manager_email == "outside.boss@partner.example"
    assert jose.data.department == "Sales, EMEA"
    assert jose.data.goals == ("Public speaking", "Leadership")


def test_an_outside_manager_email_still_cannot_be_ones_own(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,Manager\nAna,ana@example.org,ANA@example.org\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Manager")]
    assert "own manager" in preview.problems[0].reason


def test_a_manager_loop_is_a_problem(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,Manager\n"
                  "Ana,ana@example.org,bob@example.org\nBob,bob@example.org,ana@example.org\n"
                  "Cy,cy@example.org,ana@example.org\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert preview.refused_rows == (2, 3)
    assert preview.adds == 1


def test_a_row_with_more_cells_than_the_header_is_a_problem(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,Department\n"
                  "Ana,ana@example.org,Sales, EMEA\nBob,bob@example.org,Sales,,\n")
    table = read_source(path)
    assert table.rows[1][1] == ("Bob", "bob@example.org", "Sales")  # empty extras dropped
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [p.row for p in preview.problems] == [2]
    assert "unquoted delimiter" in preview.problems[0].reason
    assert [(c.row, c.action) for c in preview.changes] == [(3, "add")]


def test_an_ambiguous_manager_name_is_a_problem(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email,Manager\nPat Smith,pat1@example.org,\n"
                  "Pat Smith,pat2@example.org,\nAna,ana@example.org,pat smith\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [p.row for p in preview.problems] == [4]
    assert "matches 2 participants" in preview.problems[0].reason


# --------------------------------------------------------------------------- commit


def test_commit_backs_up_then_writes_and_a_second_import_changes_nothing(db) -> None:
    first = _import(db, DATA / "bamboo_cp1252.csv")
    assert first.backup is not None and first.backup.exists()
    assert "pre-import" in first.backup.name
    audits = _count(db, AuditEvent)
    backups = len(list_backups(db.path))
    table = read_source(DATA / "bamboo_cp1252.csv")
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [c.action for c in preview.changes] == ["unchanged"] * 4
    again = commit_import(db, table, guess_mapping(table.headers))
    assert (again.added, again.updated, again.unchanged, again.backup) == (0, 0, 4, None)
    assert _count(db) == 4
    assert _count(db, AuditEvent) == audits  # no audit rows for unchanged people
    assert len(list_backups(db.path)) == backups


def test_updates_report_changed_fields_and_keep_unmapped_ones(db, tmp_path) -> None:
    with db.Session.begin() as s:
        add_participant(s, ParticipantData(
            full_name="Ana Castaño", email="Ana.Castano@example.org", department="Sales",
            skills=(SkillLevel("Python", 4),), timezone="Europe/Madrid",
            notes="keep me"))
    path = _write(tmp_path / "x.csv", "Name,Email,Department,Time zone\n"
                  "Ana Castaño,ana.castano@EXAMPLE.org,Engineering,europe/madrid\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(c.action, c.changed_fields) for c in preview.changes] == [
        ("update", ("department",))]
    result = commit_import(db, table, guess_mapping(table.headers))
    assert result.updated == 1
    with db.Session() as s:
        ana = find_participant(s, "ana.castano@example.org")
        edits = s.scalars(select(AuditEvent).where(AuditEvent.action == "edit")).all()
    assert ana.data.department == "Engineering"
    assert ana.data.email == "Ana.Castano@example.org"  # the stored spelling stays
    assert ana.data.notes == "keep me" and ana.data.skills == (SkillLevel("Python", 4),)
    assert [e.fields for e in edits] == ["department"]
    assert _import(db, path).unchanged == 1


def test_an_update_can_name_a_manager_added_by_the_same_file(db, tmp_path) -> None:
    with db.Session.begin() as s:
        add_participant(s, ParticipantData(full_name="Ana", email="ana@example.org"))
    path = _write(tmp_path / "x.csv", "Name,Email,Manager\n"
                  "Ana,ana@example.org,Boss Person\nBoss Person,boss@example.org,\n")
    result = _import(db, path)
    assert (result.added, result.updated) == (1, 1)
    with db.Session() as s:
        ana = find_participant(s, "ana@example.org")
        boss = find_participant(s, "boss@example.org")
    assert ana.manager_id == boss.id


def test_rows_with_problems_are_refused_and_the_rest_written(db) -> None:
    result = _import(db, DATA / "problems_pipe.csv")
    assert (result.added, result.refused) == (1, 12)
    with db.Session() as s:
        emails = s.scalars(select(Participant.email)).all()
    assert emails == ["good@example.org"]


def test_cancel_during_commit_writes_nothing(db) -> None:
    table = read_source(DATA / "bamboo_cp1252.csv")
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(UserError, match="Cancelled"):
        commit_import(db, table, guess_mapping(table.headers), cancelled=cancelled)
    assert _count(db) == 0
    assert _count(db, AuditEvent) == 0


def test_an_error_while_writing_rolls_everything_back(db, monkeypatch) -> None:
    table = read_source(DATA / "bamboo_cp1252.csv")

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(importing, "_write_updates", broken)
    with pytest.raises(OSError):
        commit_import(db, table, guess_mapping(table.headers))
    assert _count(db) == 0


def test_import_from_xlsx(db) -> None:
    result = _import(db, DATA / "staff_directory.xlsx")
    assert result.added == 2
    with db.Session() as s:
        amara = find_participant(s, "amara.okafor@example.org")
    assert amara.data.mentor_capacity == 2
    assert amara.data.level == "7" and amara.data.location == "Lagos"


# --------------------------------------------------------------------------- profiles


def test_profiles_are_saved_replaced_and_found_by_headers(db) -> None:
    mapping = {"Work Email": "email", "Full Name": "full_name", "Staff no": IGNORE}
    with db.Session.begin() as s:
        save_profile(s, ImportProfileData("Workday", mapping,
                                          SourceOptions(encoding="cp1252", delimiter=";")))
        save_profile(s, ImportProfileData("Short", {"Work Email": "email"}, SourceOptions()))
    with db.Session.begin() as s:
        save_profile(s, ImportProfileData("Workday", {**mapping, "Dept": "department"},
                                          SourceOptions(sheet="People")))
    with db.Session() as s:
        profiles = list_profiles(s)
        assert [p.name for p in profiles] == ["Short", "Workday"]
        workday = profiles[1]
        assert workday.mapping["Dept"] == "department"
        assert workday.options == SourceOptions(sheet="People")
        found = find_profile_for(s, ["full name", "Work Email", "Dept", "Other"])
        assert found is not None and found.name == "Workday"  # the most specific match
        found = find_profile_for(s, ["Work Email", "Name"])
        assert found is not None and found.name == "Short"
        assert find_profile_for(s, ["Email", "Name"]) is None


def test_a_profile_with_an_unknown_field_is_refused(db) -> None:
    with db.Session.begin() as s, pytest.raises(UserError, match="Unknown fields"):
        save_profile(s, ImportProfileData("X", {"A": "salary"}, SourceOptions()))


def test_records_are_frozen_for_the_ui() -> None:
    problem = importing.Problem(2, "Email", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.row = 3  # type: ignore[misc]


# --------------------------------------------------------------------------- unseen exports


def test_excel_csv_macintosh_is_read_as_mac_roman() -> None:
    table = read_source(DATA / "excel_mac_cr.csv")
    assert table.encoding == "mac_roman"
    assert [cells[0] for _, cells in table.rows] == ["Anaïs Petit", "Björn Ek"]
    assert [n for n, _ in table.rows] == [2, 3]


def test_a_workday_report_title_filters_and_total_row_are_skipped(db) -> None:
    table = read_source(DATA / "workday_candidates.xlsx")
    assert table.header_row == 5
    assert [n for n, _ in table.rows] == list(range(6, 14))  # not the "Total: 8" footer
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    # Only the Windows-style zone is refused, and says why and what to write instead.
    assert [(p.row, p.column) for p in preview.problems] == [(10, "Time Zone")]
    assert "offset, not a place" in preview.problems[0].reason
    assert "America/New_York" in preview.problems[0].reason
    result = commit_import(db, table, guess_mapping(table.headers))
    assert (result.added, result.refused) == (7, 1)
    with db.Session() as s:
        marco = find_participant(s, "marco.rossi@acme.example")
        helene = find_participant(s, "helene.dubois@acme.example")
        priya = find_participant(s, "priya.raman@acme.example")
    assert marco.data.timezone == "Europe/Rome" and marco.manager_id == helene.id
    assert priya.data.timezone == "America/New_York"
    assert helene.data.level == "3 Director"


@pytest.mark.parametrize("cells", [
    ["Total: 12 workers"], ["Grand total 12"], ["12 rows"],
    ["Count: 3"], ["3 employees listed"],
])
def test_footer_lines_are_not_people(tmp_path, cells) -> None:
    footer = ",".join(cells + [""] * (3 - len(cells)))
    path = _write(tmp_path / "x.csv", f"Name,Email,Notes\nAna,ana@example.org,\n{footer}\n")
    assert [n for n, _ in read_source(path).rows] == [2]


@pytest.mark.parametrize("line", ["Total Rewards,total@example.org,", "Totally Real,,",
                                  "Ana,,", "Count Dracula,,"])
def test_rows_that_only_look_like_footers_stay(tmp_path, line) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Notes\nAna,ana@example.org,\n{line}\n")
    assert [n for n, _ in read_source(path).rows] == [2, 3]


def test_bamboohr_managers_written_last_comma_first(db) -> None:
    result = _import(db, DATA / "bamboohr_report.csv")
    assert (result.added, result.refused) == (10, 0)
    with db.Session() as s:
        def person(email):
            return find_participant(s, f"{email}@acme.example")
        jane, renee, jose = person("jane.smith"), person("renee.oconnor"), person("jose.nunez")
        zoe, mk, wei = person("zoe.vanderberg"), person("marykate.oneill"), person("wei.chen")
    assert renee.manager_id == jane.id and renee.data.full_name == "Renée O'Connor"
    assert renee.data.preferred_name == "Ren"
    assert jose.manager_id == renee.id  # "O'Connor, Renée"
    assert mk.manager_id == zoe.id  # "van der Berg, Zoë"
    assert wei.manager_id == jane.id  # "Jane Smith" as written
    assert jane.data.full_name == "Jane Smith"  # not "1" from "Employee #"


def test_a_last_comma_first_manager_nobody_has_is_still_a_problem(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", 'Name,Email,Reporting to\n'
                  'Ana Ruiz,ana@example.org,"Smith, Jane"\n')
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [p.reason for p in preview.problems] == [
        "manager 'Smith, Jane' is not a participant and not an email address"]


def test_emails_written_as_name_and_address(db) -> None:
    result = _import(db, DATA / "messy_emails.csv")
    assert (result.added, result.refused) == (4, 0)
    with db.Session() as s:
        saoirse = find_participant(s, "saoirse.kelly@example.org")
        padraig = find_participant(s, "padraig.walsh@example.org")
        assert find_participant(s, "eoin.oshea@example.org") is not None
        assert find_participant(s, "noor.alsayed@example.org").manager_id == saoirse.id
    assert padraig.manager_id == saoirse.id
    assert saoirse.data.email == "saoirse.kelly@example.org"


def test_a_display_name_with_a_bad_address_is_still_a_problem(db, tmp_path) -> None:
    path = _write(tmp_path / "x.csv", "Name,Email\nAna,Ana Ruiz <ana at example.org>\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Email")]


def test_a_google_forms_sign_up(db) -> None:
    result = _import(db, DATA / "google_forms_signup.csv")
    assert (result.added, result.refused) == (5, 0)
    with db.Session() as s:
        chloe = find_participant(s, "chloe.martin@example.org").data
        liam = find_participant(s, "liam.obrien@example.org").data
    assert (chloe.role, chloe.mentor_capacity) == (ParticipantRole.BOTH, 3)  # Either, Up to 3
    assert chloe.goals == ("Python",) and chloe.languages == ("French", "English")
    assert {s.name for s in liam.skills} == {"Python", "Public speaking"}
    assert liam.notes == "I'm away in August.\nMornings are best."


@pytest.mark.parametrize(("cell", "capacity"), [
    ("Up to 3", 3), ("up to 2 mentees", 2), ("Max 4", 4), ("Maximum of 2", 2),
    ("3 mentees", 3), ("None", 0), ("2.0", 2),
])
def test_mentor_capacity_as_forms_write_it(db, tmp_path, cell, capacity) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Role,Max mentees\n"
                  f"Ana,ana@example.org,mentor,{cell}\n")
    _import(db, path)
    with db.Session() as s:
        assert find_participant(s, "ana@example.org").data.mentor_capacity == capacity


@pytest.mark.parametrize(("cell", "reason"), [
    ("1-2", "is a range"), ("2 or 3", "is a range"), ("a few", "is not a whole number"),
])
def test_mentor_capacity_that_cannot_be_one_number_is_a_problem(db, tmp_path, cell,
                                                               reason) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Role,Max mentees\n"
                  f"Ana,ana@example.org,mentor,{cell}\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Max mentees")]
    assert reason in preview.problems[0].reason


@pytest.mark.parametrize(("cell", "zone"), [
    ("GMT+01:00 Europe/Paris", "Europe/Paris"), ("(GMT-05:00) America/New_York",
                                                 "America/New_York"),
    ("UTC+09:00 asia/tokyo", "Asia/Tokyo"), ("Europe/London", "Europe/London"),
])
def test_time_zones_labelled_with_their_offset(db, tmp_path, cell, zone) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Time zone\nAna,ana@example.org,{cell}\n")
    _import(db, path)
    with db.Session() as s:
        assert find_participant(s, "ana@example.org").data.timezone == zone


@pytest.mark.parametrize("cell", ["(GMT-05:00) Eastern Time", "W. Europe Standard Time",
                                  "Europe/Paris or Europe/Berlin", "PST", "GMT+1"])
def test_time_zones_without_one_clear_iana_name_are_problems(db, tmp_path, cell) -> None:
    path = _write(tmp_path / "x.csv", f"Name,Email,Time zone\nAna,ana@example.org,{cell}\n")
    table = read_source(path)
    with db.Session() as s:
        preview = preview_import(s, table, guess_mapping(table.headers))
    assert [(p.row, p.column) for p in preview.problems] == [(2, "Time zone")]
    assert "IANA name" in preview.problems[0].reason


@pytest.mark.parametrize(("name", "people"), [
    ("personio_de_cp1252.csv", 4), ("hibob_fr_bom.csv", 3), ("excel_unicode_text.txt", 2),
    ("trailing_empties.csv", 2), ("skill_words.csv", 4), ("excel_mac_cr.csv", 2),
])
def test_unseen_exports_import_without_editing(db, name, people) -> None:
    result = _import(db, DATA / name)
    assert (result.added, result.refused) == (people, 0)


def test_personio_and_hibob_managers_by_name_across_languages(db) -> None:
    _import(db, DATA / "personio_de_cp1252.csv")
    _import(db, DATA / "hibob_fr_bom.csv")
    with db.Session() as s:
        juergen = find_participant(s, "juergen.gross@firma.example")
        rene = find_participant(s, "rene.daubigne@firma.example")
        baerbel = find_participant(s, "baerbel.mueller@firma.example")
        loic = find_participant(s, "loic.legall@societe.example")
        elodie = find_participant(s, "elodie.garnier@societe.example")
    assert baerbel.manager_id == juergen.id and rene.manager_id == baerbel.id
    assert rene.data.full_name == "René d'Aubigné"
    assert rene.data.languages == ("Französisch", "Deutsch")
    assert loic.manager_id == elodie.id and loic.data.timezone == "Europe/Paris"
    assert elodie.data.department == "Ressources humaines"
