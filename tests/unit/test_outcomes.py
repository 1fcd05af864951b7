"""Importing HR outcomes: real-world files, dates, problems by row, re-imports, and privacy
(other employees kept only as a one-way code; a participant's row goes with them)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from mentordesk.db import sidecar_files
from mentordesk.errors import UserError
from mentordesk.models import AuditEvent, HrOutcome, Setting
from mentordesk.services import outcomes
from mentordesk.services.importing import SourceOptions
from mentordesk.services.outcomes import (
    employee_key,
    guess_outcome_mapping,
    import_outcomes,
    parse_hr_date,
    preview_outcomes,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.privacy import erase_participant

OUTSIDERS = ("Zed.Outsider@Example.org", "yan.other@example.org")


@pytest.fixture
def people(db: Any) -> dict[str, int]:
    with db.Session.begin() as s:
        return {name: add_participant(s, ParticipantData(
            full_name=f"{name.title()} Person", email=f"{name}@example.org")).id
            for name in ("ann", "ben")}


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(db: Any) -> dict[str, HrOutcome]:
    with db.Session() as s:
        return {r.employee_key: r for r in s.scalars(select(HrOutcome))}


def _import(db: Any, path: Path, **kw: Any) -> outcomes.OutcomeImportResult:
    with db.Session.begin() as s:
        return import_outcomes(s, path, **kw)


WORKDAY = (
    "Work Email;Hire Date;Termination Date;Last Promotion Date;Department\n"
    "ann@example.org;15/01/2019;;01/03/2027;Sales\n"
    "BEN@example.org;01/02/2020;31/03/2027;;Finance\n"
    "Zed.Outsider@Example.org;03/04/2015;;;Sales, EMEA\n"
    "yan.other@example.org;28/02/2021;30/04/2027;15/05/2026;Legal\n"
)


def test_semicolons_and_day_first_dates(db: Any, people: dict[str, int],
                                        tmp_path: Path) -> None:
    path = _write(tmp_path / "workday.csv", WORKDAY, "utf-8-sig")
    result = _import(db, path)
    assert (result.linked, result.others, result.added, result.updated, result.refused) == (
        2, 2, 4, 0, 0)
    rows = _rows(db)
    ann = rows[employee_key("ann@example.org")]
    assert (ann.participant_id, ann.hired_on, ann.left_on, ann.promoted_on, ann.department) == (
        people["ann"], date(2019, 1, 15), None, date(2027, 3, 1), "Sales")
    ben = rows[employee_key("ben@example.org")]  # any case of the email is the same person
    assert (ben.participant_id, ben.left_on) == (people["ben"], date(2027, 3, 31))
    zed = rows[employee_key("zed.outsider@example.org")]
    assert (zed.participant_id, zed.hired_on, zed.department) == (
        None, date(2015, 4, 3), "Sales, EMEA")
    assert len(zed.employee_key) == 64
    with db.Session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "hr_outcome")).one()
    assert event.fields == "department,hired_on,left_on,promoted_on"


def test_other_employees_emails_are_nowhere_in_the_database_file(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "workday.csv", WORKDAY))
    stored = b"".join(p.read_bytes() for p in sidecar_files(db.path) if p.exists())
    for email in OUTSIDERS:
        for form in (email, email.lower(), email.split("@")[0].lower()):
            assert form.encode() not in stored, form
    # The participants' own emails are there, of course (their participant record).
    assert b"ann@example.org" in stored


def test_an_excel_workbook_with_dates_serial_numbers_and_its_own_headers(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["HR export, 1 April 2027"])
    sheet.append([])
    sheet.append(["Employee", "E-mail address", "Date of hire", "Exit date", "Grade",
                  "Promoted on"])
    sheet.append(["Ann Person", "ann@example.org", datetime(2019, 1, 15), None, "L3",
                  datetime(2027, 3, 1, 0, 0)])
    sheet.append(["Zed Outsider", "zed.outsider@example.org", 42005, 46112.0, "L2", None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    preview = preview_outcomes(path)
    assert preview.mapping == {"Employee": "", "E-mail address": "email",
                               "Date of hire": "hired_on", "Exit date": "left_on",
                               "Grade": "", "Promoted on": "promoted_on"}
    assert preview.table.header_row == 3
    assert [(r.hired_on, r.left_on, r.promoted_on) for r in preview.rows] == [
        (date(2019, 1, 15), None, date(2027, 3, 1)),
        (date(2015, 1, 1), date(2026, 3, 31), None)]  # Excel's day numbers
    assert all(r.action == "" for r in preview.rows)  # no database given: nothing known
    result = _import(db, path)
    assert (result.linked, result.others) == (1, 1)
    # Names in the file are never stored: the column is not imported.
    stored = b"".join(p.read_bytes() for p in sidecar_files(db.path) if p.exists())
    assert b"Zed Outsider" not in stored


def test_bad_rows_are_reported_and_the_others_imported(db: Any, people: dict[str, int],
                                                       tmp_path: Path) -> None:
    path = _write(tmp_path / "hr.csv", (
        "Email,Hire date,Leaving date,Promotion date\n"
        "ann@example.org,2019-01-15,,\n"
        "not-an-email,2019-01-15,,\n"
        ",2019-01-15,,\n"
        "c@example.org,soon,,\n"
        "d@example.org,04/25/2024,,\n"
        "e@example.org,2020-05-01,2019-01-01,\n"
        "f@example.org,2020-05-01,2021-01-01,2022-01-01\n"
        "g@example.org,31/02/2024,,\n"
        "h@example.org,2020-01-01,,\n"
        "H@example.org,2020-01-01,,\n"))
    with db.Session.begin() as s:
        result = import_outcomes(s, path)
    reasons = {(p.row, p.column): p.reason for p in result.problems}
    assert reasons[(3, "Email")].startswith("'not-an-email' is not a valid email address")
    assert reasons[(4, "Email")] == "Email is empty"
    assert reasons[(5, "Hire date")] == ("Hire date: 'soon' is not a date (write it like "
                                         "2026-01-31 or 31/01/2026)")
    assert reasons[(6, "Hire date")] == ("Hire date: '04/25/2024' is not a day/month/year "
                                         "date (is the file written month first?)")
    assert reasons[(7, "Leaving date")] == ("the leaving date 2019-01-01 is before the hire "
                                            "date 2020-05-01")
    assert reasons[(8, "Promotion date")] == ("the promotion date 2022-01-01 is after the "
                                              "leaving date 2021-01-01")
    assert reasons[(9, "Hire date")] == "Hire date: '31/02/2024' is not a real date"
    assert reasons[(10, "Email")] == "h@example.org is also on row 11"
    assert reasons[(11, "Email")] == "H@example.org is also on row 10"
    assert (result.added, result.refused) == (1, 9)
    assert list(_rows(db)) == [employee_key("ann@example.org")]


def test_month_first_files(db: Any, people: dict[str, int], tmp_path: Path) -> None:
    path = _write(tmp_path / "us.csv", "Email,Hire date\nann@example.org,04/25/2024\n"
                                       "ben@example.org,25/04/2024\n")
    preview = preview_outcomes(path, day_first=False)
    assert [r.hired_on for r in preview.rows] == [date(2024, 4, 25)]
    assert preview.problems[0].reason == ("Hire date: '25/04/2024' is not a month/day/year "
                                          "date (is the file written day first?)")


def test_reimport_updates_by_email_and_keeps_what_the_file_does_not_say(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "first.csv", WORKDAY))
    later = _write(tmp_path / "later.csv", (
        "Email,Leaving date\n"
        "zed.outsider@example.org,2027-06-30\n"     # left since
        "ann@example.org,\n"                        # the same
        "new.person@example.org,\n"))               # a new row
    with db.Session() as s:
        preview = preview_outcomes(later, session=s)
    assert [r.action for r in preview.rows] == ["update", "unchanged", "add"]
    result = _import(db, later)
    assert (result.updated, result.unchanged, result.added) == (1, 1, 1)
    zed = _rows(db)[employee_key("zed.outsider@example.org")]
    # The leaving date changed; the hire date and department, not in the file, stayed.
    assert (zed.left_on, zed.hired_on, zed.department) == (
        date(2027, 6, 30), date(2015, 4, 3), "Sales, EMEA")
    with db.Session() as s:
        assert s.scalar(select(func.count(HrOutcome.id))) == 5
        # Importing the same file again changes nothing.
        assert preview_outcomes(later, session=s).updates == 0


def test_someone_who_joins_later_is_linked_at_the_next_import(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "first.csv", WORKDAY))
    with db.Session.begin() as s:
        zed = add_participant(s, ParticipantData(full_name="Zed Outsider",
                                                 email="zed.outsider@example.org")).id
    _import(db, _write(tmp_path / "other.csv", "Email,Department\nann@example.org,Sales\n"))
    assert _rows(db)[employee_key("zed.outsider@example.org")].participant_id == zed
    with db.Session() as s:
        summary = outcomes.outcome_summary(s)
    assert (summary.linked, summary.others) == (3, 1)


def test_erasing_a_participant_removes_their_hr_outcome(db: Any, people: dict[str, int],
                                                        tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "workday.csv", WORKDAY))
    erase_participant(db, people["ann"])
    rows = _rows(db)
    assert employee_key("ann@example.org") not in rows
    assert len(rows) == 3 and rows[employee_key("ben@example.org")].participant_id == \
        people["ben"]


def test_mapping_choices(tmp_path: Path) -> None:
    assert guess_outcome_mapping(["Email - Primary Work", "Original Hire Date", "Terminated",
                                  "Dept", "Start date"]) == {
        "Email - Primary Work": "email", "Original Hire Date": "hired_on",
        "Terminated": "left_on", "Dept": "department", "Start date": ""}
    path = _write(tmp_path / "x.csv", "Mail,Joined,Notes\na@example.org,2020-01-01,x\n")
    assert preview_outcomes(path).mapping == {"Mail": "email", "Joined": "hired_on",
                                              "Notes": ""}
    moved = preview_outcomes(path, mapping={"Notes": "department"})
    assert moved.rows[0].department == "x"
    with pytest.raises(UserError, match="email address"):
        preview_outcomes(path, mapping={"Mail": ""})
    with pytest.raises(UserError, match="both mapped to Hire date"):
        preview_outcomes(path, mapping={"Notes": "hired_on"})
    with pytest.raises(UserError, match="no column 'Shoe size'"):
        preview_outcomes(path, mapping={"Shoe size": "department"})
    only_email = _write(tmp_path / "y.csv", "Email,Notes\na@example.org,x\n")
    with pytest.raises(UserError, match="at least one column"):
        preview_outcomes(only_email)
    tabbed = _write(tmp_path / "z.txt", "Email\tLeft\na@example.org\t2021-02-03\n")
    assert preview_outcomes(tabbed, options=SourceOptions(delimiter="\t")).rows[0].left_on == \
        date(2021, 2, 3)


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("", True, None),
    ("2027-03-01", True, date(2027, 3, 1)),
    ("2027-03-01 00:00:00", True, date(2027, 3, 1)),
    ("2027-03-01T09:30:00Z", True, date(2027, 3, 1)),
    ("2027/3/1", True, date(2027, 3, 1)),
    ("01/03/2027", True, date(2027, 3, 1)),
    ("01/03/2027", False, date(2027, 1, 3)),
    ("1.3.2027", True, date(2027, 3, 1)),
    ("01-03-27", True, date(2027, 3, 1)),
    ("01/03/95", True, date(1995, 3, 1)),
    ("01/03/2027 00:00", True, date(2027, 3, 1)),
    ("3/1/2027 12:00 AM", False, date(2027, 3, 1)),
    ("1 Mar 2027", True, date(2027, 3, 1)),
    ("01-Mar-27", True, date(2027, 3, 1)),
    ("1st March 2027", True, date(2027, 3, 1)),
    ("March 1, 2027", True, date(2027, 3, 1)),
    ("20270301", True, date(2027, 3, 1)),
    ("46447", True, date(2027, 3, 1)),
])
def test_dates_in_common_formats(text: str, day_first: bool, expected: date | None) -> None:
    assert parse_hr_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2027", "13/13/2027", "1 Smarch 2027",
                                  "1899-12-31", "123"])
def test_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match=r"date|1900"):
        parse_hr_date(text)


def test_someone_added_after_the_hr_import_is_linked_to_their_row(db) -> None:
    from mentordesk.models import HrOutcome
    from mentordesk.services.outcomes import employee_key
    from mentordesk.services.participants import (
        ParticipantData,
        add_participant,
        add_participants,
    )

    with db.Session.begin() as session:
        for email in ("late@example.org", "Bulk@Example.org", "stranger@example.org"):
            session.add(HrOutcome(employee_key=employee_key(email)))
    with db.Session.begin() as session:
        late = add_participant(session, ParticipantData(full_name="Late Joiner",
                                                        email="LATE@example.org")).id
        bulk = add_participants(session, [ParticipantData(full_name="Bulk Joiner",
                                                          email="bulk@example.org")]).ids[0]
    with db.Session() as session:
        linked = {key: pid for key, pid in session.execute(
            select(HrOutcome.employee_key, HrOutcome.participant_id))}
        assert linked[employee_key("late@example.org")] == late
        assert linked[employee_key("bulk@example.org")] == bulk
        assert linked[employee_key("stranger@example.org")] is None


def _count(db: Any) -> int:
    with db.Session() as s:
        return s.scalar(select(func.count(HrOutcome.id))) or 0


def test_replacing_deletes_everyone_not_in_the_file(db: Any, people: dict[str, int],
                                                     tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "first.csv", WORKDAY))
    later = _write(tmp_path / "later.csv", (
        "Email,Leaving date\n"
        "ann@example.org,\n"
        "ben@example.org,the day before yesterday\n"  # refused, but Ben is in the file
        "new.person@example.org,\n"))
    with db.Session() as s:
        assert preview_outcomes(later, session=s).deletes == 0
        preview = preview_outcomes(later, session=s, replace=True)
    assert (preview.deletes, preview.adds, len(preview.refused_rows)) == (2, 1, 1)
    assert _count(db) == 4  # a preview writes nothing
    result = _import(db, later, replace=True)
    assert (result.deleted, result.added, result.refused) == (2, 1, 1)
    assert set(_rows(db)) == {employee_key(e) for e in (
        "ann@example.org", "ben@example.org", "new.person@example.org")}
    # Without replace, nobody goes.
    assert _import(db, _write(tmp_path / "one.csv", "Email,Department\nann@example.org,X\n")
                   ).deleted == 0
    assert _count(db) == 3


def test_replacing_with_no_readable_email_deletes_nothing(db: Any, people: dict[str, int],
                                                          tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "first.csv", WORKDAY))
    broken = _write(tmp_path / "broken.csv", "Email,Department\nnot an email,Sales\n")
    with pytest.raises(UserError, match="every HR outcome"):
        _import(db, broken, replace=True)
    assert _count(db) == 4


def test_clearing_deletes_every_row(db: Any, people: dict[str, int], tmp_path: Path) -> None:
    _import(db, _write(tmp_path / "first.csv", WORKDAY))
    with db.Session.begin() as s:
        outcomes.forget_employee(s, "yan.other@example.org")
    with db.Session.begin() as s:
        assert outcomes.clear_outcomes(s) == 3
    assert _count(db) == 0
    with db.Session.begin() as s:
        assert outcomes.clear_outcomes(s) == 0
        assert s.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.entity == "hr_outcome", AuditEvent.action == "delete")) == 1
        # The erased stay erased.
        assert outcomes.suppressed_keys(s) == {employee_key("yan.other@example.org")}


def test_an_erased_participant_is_not_brought_back_by_the_next_import(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    path = _write(tmp_path / "workday.csv", WORKDAY)
    _import(db, path)
    erase_participant(db, people["ann"])
    with db.Session.begin() as s:  # what privacy.erase_participant does at erasure
        outcomes.forget_employee(s, "Ann@Example.org")
        outcomes.forget_employee(s, "ann@example.org")  # twice: the same
    result = _import(db, path)
    assert (result.left_out, result.linked, result.others, result.added) == (1, 1, 2, 0)
    assert employee_key("ann@example.org") not in _rows(db)
    with db.Session() as s:
        preview = preview_outcomes(path, session=s, replace=True)
        stored = s.get(Setting, outcomes.SUPPRESSED_SETTING)
    assert (preview.left_out, preview.deletes) == (1, 0)
    assert [r.row for r in preview.rows] == [3, 4, 5]  # not listed either
    # Only the one-way code is kept.
    assert stored is not None
    assert json.loads(stored.value) == [employee_key("ann@example.org")]
    assert "ann" not in stored.value.lower()


def test_forgetting_an_outsider_deletes_their_row_and_keeps_them_out(
        db: Any, people: dict[str, int], tmp_path: Path) -> None:
    path = _write(tmp_path / "workday.csv", WORKDAY)
    _import(db, path)
    with db.Session.begin() as s:
        outcomes.forget_employee(s, OUTSIDERS[0])
    assert employee_key(OUTSIDERS[0]) not in _rows(db)
    assert _import(db, path).left_out == 1
    assert employee_key(OUTSIDERS[0]) not in _rows(db)
    # Someone who joins the programme again under that email is imported again.
    with db.Session.begin() as s:
        zed = add_participant(s, ParticipantData(full_name="Zed Outsider",
                                                 email=OUTSIDERS[0])).id
    assert _import(db, path).left_out == 0
    assert _rows(db)[employee_key(OUTSIDERS[0])].participant_id == zed


def test_a_damaged_suppression_list_stops_the_import(db: Any, people: dict[str, int],
                                                     tmp_path: Path) -> None:
    with db.Session.begin() as s:
        s.add(Setting(key=outcomes.SUPPRESSED_SETTING, value="{not json"))
    with pytest.raises(UserError, match="damaged"):
        _import(db, _write(tmp_path / "workday.csv", WORKDAY))
    assert _count(db) == 0
