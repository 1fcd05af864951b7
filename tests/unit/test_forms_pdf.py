"""Feedback forms as PDFs: fillable and paper copies, and filled-in copies read back."""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import re
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from sqlalchemy import func, select

from mentordesk.errors import UserError
from mentordesk.models import (
    Audience,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    Pairing,
    PairingMember,
    Participant,
    ParticipantRole,
    Programme,
    QuestionKind,
)
from mentordesk.services.demo import load_demo
from mentordesk.services.documents import forms, layout, wording
from mentordesk.services.documents.branding import BrandingChanges, save_branding
from mentordesk.services.documents.forms import (
    find_form,
    import_filled_forms,
    list_forms,
    render_form,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.privacy import erase_participant
from mentordesk.services.programmes import ProgrammeData, create_programme

ZOE = "Zoë Łukasiewicz"
MINH = "Nguyễn Thị Minh Khai"
UNICODE_QUESTION = "Qu'avez-vous appris à Łódź, Hà Nội et 東京 ?"
QUESTIONS: list[tuple[QuestionKind, str, int | None, str, bool]] = [
    (QuestionKind.RATING, "How valuable are your check-ins with your mentor?", 5, "", True),
    (QuestionKind.RATING, "How likely are you to recommend the programme?", 10, "", False),
    (QuestionKind.CHOICE, "How often do you meet?", None, "Weekly\nEvery two weeks\nMonthly",
     True),
    (QuestionKind.YES_NO, "Have you agreed goals together?", None, "", False),
    (QuestionKind.TEXT, UNICODE_QUESTION, None, "", True),
    (QuestionKind.TEXT, "Anything else you would like to tell us?", None, "", False),
]


def _text(data: bytes, tmp_path: Path, name: str = "text.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def _qpdf_ok(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def _fill(blank: bytes, path: Path, values: dict[str, str], *, producer: str = "") -> Path:
    """Fill fields as a PDF viewer would: text as text, a button's state as /name."""
    writer = PdfWriter(clone_from=io.BytesIO(blank))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    if producer:
        writer.add_metadata({"/Producer": producer})
    with path.open("wb") as out:
        writer.write(out)
    return path


@pytest.fixture
def setup(db: Any) -> dict[str, Any]:
    """A programme with a six-question form and two people with non-Latin names."""
    with db.Session.begin() as s:
        programme = create_programme(s, ProgrammeData(
            name="Grow Together 2027", coordinator_name="Alex Morgan",
            coordinator_email="alex@example.org")).id
        zoe = add_participant(s, ParticipantData(full_name=ZOE, email="zoe@example.org")).id
        minh = add_participant(s, ParticipantData(full_name=MINH, email="minh@example.org",
                                                  role=ParticipantRole.MENTOR)).id
        form = FeedbackForm(programme_id=programme, title="Mid-point check",
                            introduction="Five minutes, honest answers welcome.",
                            questions=[FeedbackQuestion(position=i, kind=k, text=t, scale_max=m,
                                                        choices=c, required=r)
                                       for i, (k, t, m, c, r) in enumerate(QUESTIONS, 1)])
        s.add(form)
        s.flush()
        qids = [q.id for q in form.questions]
        blank = render_form(s, form.id)
    return {"programme": programme, "form": form.id, "q": qids, "zoe": zoe, "minh": minh,
            "blank": blank}


def _answers(setup: dict[str, Any], **overrides: str) -> dict[str, str]:
    q = setup["q"]
    values = {f"q{q[0]}": "/4", f"q{q[1]}": "/9", f"q{q[2]}": "/c2", f"q{q[3]}": "/yes",
              f"q{q[4]}": f"Listening first — thanks {ZOE}!\nSecond line.", f"q{q[5]}": ""}
    values.update(overrides)
    return values


def _responses(db: Any) -> int:
    with db.Session() as s:
        return int(s.scalar(select(func.count(FeedbackResponse.id))) or 0)


def _import(db: Any, *paths: Path) -> list[forms.FormImport]:
    with db.Session.begin() as s:
        return import_filled_forms(s, list(paths))


# ---------------------------------------------------------------------------- the fields


def test_fillable_form_has_one_named_field_per_question_and_radio_groups_of_the_scale(
        setup: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(setup["blank"]))
    fields = reader.get_fields()
    assert fields is not None
    q = setup["q"]
    assert set(fields) == {"md_form", "md_name", "md_email", *(f"q{i}" for i in q)}
    assert fields[f"q{q[0]}"]["/_States_"] == [f"/{n}" for n in range(1, 6)]
    assert fields[f"q{q[1]}"]["/_States_"] == [f"/{n}" for n in range(1, 11)]
    assert fields[f"q{q[2]}"]["/_States_"] == ["/c1", "/c2", "/c3"]
    assert fields[f"q{q[3]}"]["/_States_"] == ["/yes", "/no"]
    for i in (0, 1, 2, 3):
        assert fields[f"q{q[i]}"]["/FT"] == "/Btn"
        assert fields[f"q{q[i]}"]["/Ff"] & (1 << 15)  # a radio group
    for i in (4, 5):
        assert fields[f"q{q[i]}"]["/FT"] == "/Tx"
        assert fields[f"q{q[i]}"]["/Ff"] & (1 << 12)  # multi-line
    assert fields[f"q{q[0]}"]["/Ff"] & (1 << 1)  # required
    assert not fields[f"q{q[1]}"]["/Ff"] & (1 << 1)
    identity = fields["md_form"]
    assert identity["/Ff"] & 1  # read-only
    assert re.fullmatch(rf"mentordesk-form/1 form={setup['form']} version=[0-9a-f]{{16}}",
                        identity["/V"])
    hidden = [a.get_object() for a in reader.pages[0]["/Annots"]
              if a.get_object().get("/T") == "md_form"]
    assert hidden and hidden[0]["/F"] & 2  # not shown by a viewer


def test_both_versions_pass_qpdf_and_paper_has_no_fields_but_every_question(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with db.Session() as s:
        paper = render_form(s, setup["form"], fillable=False)
    _qpdf_ok(setup["blank"], tmp_path)
    _qpdf_ok(paper, tmp_path)
    reader = PdfReader(io.BytesIO(paper))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert reader.get_fields() is None
    assert not any("/Annots" in page for page in reader.pages)
    text = _text(paper, tmp_path)
    for _, question, *_ in QUESTIONS:
        assert question in text
    for word in ("Mid-point check", "Grow Together 2027", "Weekly", "Every two weeks",
                 "Not at all", "Very much", "Yes", "No", "Alex Morgan"):
        assert word in text
    pages = len(reader.pages)
    assert all(f"Page {n} of {pages}" in text for n in range(1, pages + 1))
    fillable = _text(setup["blank"], tmp_path)
    assert UNICODE_QUESTION in fillable and "Fill in this form on screen" in fillable
    assert "Mark one circle" in text


def test_long_form_flows_onto_more_pages_without_splitting_a_question(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with db.Session.begin() as s:
        texts = [f"Question about topic number {n}: how did it go?" for n in range(1, 15)]
        form = FeedbackForm(programme_id=setup["programme"], title="Long review", questions=[
            FeedbackQuestion(position=n, text=t, kind=QuestionKind.TEXT if n % 3 == 0
                             else QuestionKind.RATING, scale_max=None if n % 3 == 0 else 7)
            for n, t in enumerate(texts, 1)])
        s.add(form)
        s.flush()
        data = render_form(s, form.id)
        ids = [q.id for q in form.questions]
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages >= 2
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    page_of_field: dict[str, set[int]] = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            name = annot.get("/T") or annot["/Parent"].get_object()["/T"]
            page_of_field.setdefault(name, set()).add(number)
    for qid, text in zip(ids, texts, strict=True):
        on = page_of_field[f"q{qid}"]
        assert len(on) == 1, f"question {qid} split over pages {on}"
        page_text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(min(on) + 1), "-l", str(min(on) + 1),
             str(path), "-"], check=True, capture_output=True, text=True).stdout
        assert text in " ".join(page_text.split())
    assert f"Page {pages} of {pages}" in _text(data, tmp_path)


# ---------------------------------------------------------------------------- round trip


def test_filled_form_imports_as_a_response_with_its_numbers_and_texts(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    path = _fill(setup["blank"], tmp_path / "filled.pdf",
                 {**_answers(setup), "md_name": MINH, "md_email": "MINH@Example.org"})
    [result] = _import(db, path)
    assert result.status == "imported", result.message
    assert result.form_title == "Mid-point check" and result.file == str(path)
    assert "by their email" in result.message
    q = setup["q"]
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None
        assert response.form_id == setup["form"]
        assert response.participant_id == setup["minh"]
        assert response.pairing_id is None
        assert re.fullmatch(r"[0-9a-f]{64}", response.source_digest or "")
        assert response.source == "pdf"
        got = {a.question_id: (a.value_text, a.value_number) for a in response.answers}
    assert got == {q[0]: (None, 4.0), q[1]: (None, 9.0), q[2]: ("Every two weeks", None),
                   q[3]: ("yes", None),
                   q[4]: (f"Listening first — thanks {ZOE}!\nSecond line.", None)}


def test_the_same_form_imported_twice_is_a_duplicate_even_when_saved_again(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    # Identified by an email: the same answers on the same copy, saved again, are one.
    named = {**_answers(setup), "md_email": "zoe@example.org"}
    first = _fill(setup["blank"], tmp_path / "a.pdf", named)
    resaved = _fill(setup["blank"], tmp_path / "b.pdf", named, producer="Viewer 2")
    assert first.read_bytes() != resaved.read_bytes()
    [imported] = _import(db, first)
    again, other = _import(db, first, resaved)
    assert imported.status == "imported"
    assert (again.status, other.status) == ("duplicate", "duplicate")
    assert again.response_id == other.response_id == imported.response_id
    # Anonymous: only the very same file is a duplicate. Saved again, it could as well be
    # someone else's identical answers, so it is kept, and the message says whose it matches.
    anonymous = _fill(setup["blank"], tmp_path / "c.pdf", _answers(setup))
    anonymous_resaved = _fill(setup["blank"], tmp_path / "d.pdf", _answers(setup),
                              producer="Viewer 2")
    kept, same_file, resaved_result = _import(db, anonymous, anonymous, anonymous_resaved)
    assert (kept.status, same_file.status) == ("imported", "duplicate")
    assert same_file.response_id == kept.response_id
    assert resaved_result.status == "imported"
    assert f"same answers as response {imported.response_id}" in resaved_result.message
    assert _responses(db) == 3
    with db.Session() as s:
        digest = s.scalar(select(FeedbackResponse.source_digest)
                          .where(FeedbackResponse.id == kept.response_id))
    assert digest == hashlib.sha256(anonymous.read_bytes()).hexdigest()


def test_two_anonymous_people_with_the_same_answers_are_two_responses(
        db: Any, tmp_path: Path) -> None:
    with db.Session.begin() as s:
        programme = load_demo(s)
        summary = find_form(s, programme, "Mentoring readiness survey")
        blank = render_form(s, summary.id)
        form = s.get(FeedbackForm, summary.id)
        assert form is not None and len(form.questions) == 1
        field = f"q{form.questions[0].id}"
    one = _fill(blank, tmp_path / "one.pdf", {field: "/4"})
    two = _fill(blank, tmp_path / "two.pdf", {field: "/4"}, producer="Another viewer")
    first, second = _import(db, one, two)
    assert (first.status, second.status) == ("imported", "imported"), second.message
    assert first.response_id != second.response_id
    assert f"same answers as response {first.response_id}" in second.message
    assert "same answers" not in first.message
    with db.Session() as s:
        assert find_form(s, programme, str(summary.id)).responses == summary.responses + 2


def test_same_answers_from_two_named_people_are_two_responses(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    # The respondent's name is read (Unicode intact) and tells the two apart.
    one = _fill(setup["blank"], tmp_path / "1.pdf", {**_answers(setup), "md_name": ZOE})
    two = _fill(setup["blank"], tmp_path / "2.pdf", {**_answers(setup), "md_name": MINH})
    results = _import(db, one, two)
    assert [r.status for r in results] == ["imported", "imported"]
    assert _responses(db) == 2
    with db.Session() as s:  # no email: anonymous, since names are not unique
        assert s.scalars(select(FeedbackResponse.participant_id)).all() == [None, None]


def test_required_question_left_blank_is_incomplete_and_nothing_is_stored(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    q = setup["q"]
    path = _fill(setup["blank"], tmp_path / "blank-answer.pdf",
                 _answers(setup, **{f"q{q[4]}": "   "}))
    [result] = _import(db, path)
    assert result.status == "incomplete"
    assert "Question 5" in result.message and result.response_id is None
    unanswered = _fill(setup["blank"], tmp_path / "nothing.pdf", {})
    [result] = _import(db, unanswered)
    assert result.status == "incomplete"
    assert "Questions 1, 3 and 5" in result.message
    assert _responses(db) == 0


def test_an_answer_the_form_does_not_offer_is_refused(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    path = _fill(setup["blank"], tmp_path / "ok.pdf", _answers(setup))
    # Rating 9 on the 1-5 scale: no viewer can produce it, so set it by hand.
    writer = PdfWriter(clone_from=path)
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        field = field.get_object()
        if field.get("/T") == f"q{setup['q'][0]}":
            field[NameObject("/V")] = NameObject("/9")
    tampered = tmp_path / "tampered.pdf"
    writer.write(tampered)
    [result] = _import(db, tampered)
    assert result.status == "unreadable"
    assert "question 1" in result.message and "1 to 5" in result.message
    assert _responses(db) == 0


def test_files_that_are_not_filled_forms_are_unreadable(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("Dear coordinator, my answers are: 5, 4, yes.")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with db.Session() as s:
        paper = tmp_path / "paper.pdf"
        paper.write_bytes(render_form(s, setup["form"], fillable=False))
    results = _import(db, text, damaged, paper, tmp_path / "missing.pdf")
    assert [r.status for r in results] == ["unreadable"] * 4
    assert "not a PDF" in results[0].message
    assert "not a fillable MentorDesk form" in results[2].message
    assert "could not be opened" in results[3].message
    assert _responses(db) == 0


def test_a_copy_of_a_changed_or_deleted_form_is_unreadable(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    path = _fill(setup["blank"], tmp_path / "filled.pdf", _answers(setup))
    with db.Session.begin() as s:
        form = s.get(FeedbackForm, setup["form"])
        assert form is not None
        form.questions[2].choices = "Weekly\nMonthly\nEvery two weeks"
    [changed] = _import(db, path)
    assert changed.status == "unreadable" and "questions of this form have changed" in (
        changed.message)
    with db.Session.begin() as s:
        s.delete(s.get(FeedbackForm, setup["form"]))
    [deleted] = _import(db, path)
    assert deleted.status == "unreadable" and "no longer exists" in deleted.message
    assert _responses(db) == 0


def test_personal_copy_prints_the_name_and_links_the_response_without_an_email(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with db.Session() as s:
        personal = render_form(s, setup["form"], participant_id=setup["zoe"])
        paper = render_form(s, setup["form"], fillable=False, participant_id=setup["zoe"])
    fields = PdfReader(io.BytesIO(personal)).get_fields() or {}
    assert "md_name" not in fields and "md_email" not in fields
    check = hashlib.sha256(b"zoe@example.org").hexdigest()[:12]
    assert fields["md_form"]["/V"].endswith(f" participant={setup['zoe']} check={check}")
    for data in (personal, paper):
        text = _text(data, tmp_path)
        assert ZOE in text and "zoe@example.org" in text
    _qpdf_ok(personal, tmp_path)
    path = _fill(personal, tmp_path / "zoe.pdf", _answers(setup))
    [result] = _import(db, path)
    assert result.status == "imported" and "personal copy" in result.message
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None and response.participant_id == setup["zoe"]


def test_an_unknown_email_is_stored_anonymously_and_nothing_personal_is_logged(
        db: Any, setup: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _fill(setup["blank"], tmp_path / "filled.pdf",
                 {**_answers(setup), "md_name": MINH, "md_email": "someone@else.example"})
    caplog.clear()  # pypdf's own warning while filling quotes the name; that is the test's
    with caplog.at_level(logging.DEBUG):
        [result] = _import(db, path)
    assert result.status == "imported"
    assert "matches no participant" in result.message
    for secret in (MINH, "someone@else.example", ZOE, "Listening first"):
        assert secret not in caplog.text
        assert secret not in result.message
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None and response.participant_id is None


def test_demo_form_round_trip_links_the_pairing(db: Any, tmp_path: Path) -> None:
    with db.Session.begin() as s:
        programme = load_demo(s)
        summary = find_form(s, programme, "MID-PROGRAMME check")
        pairing, mentee = s.execute(
            select(Pairing.id, PairingMember.mentee_id).join(PairingMember)
            .where(Pairing.programme_id == programme).order_by(Pairing.id)).first() or (0, 0)
        blank = render_form(s, summary.id, participant_id=mentee)
        form = s.get(FeedbackForm, summary.id)
        assert form is not None
        q = [question.id for question in form.questions]
    _qpdf_ok(blank, tmp_path)
    path = _fill(blank, tmp_path / "demo.pdf", {f"q{q[0]}": "/5", f"q{q[1]}": "/no",
                                                f"q{q[2]}": "Honest feedback."})
    [result] = _import(db, path)
    assert result.status == "imported", result.message
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None
        assert (response.participant_id, response.pairing_id) == (mentee, pairing)
        assert sorted((a.value_text, a.value_number) for a in response.answers
                      if a.value_number is not None) == [(None, 5.0)]
        assert find_form(s, programme, str(summary.id)).responses == summary.responses + 1


# ---------------------------------------------------------------------------- listing


def test_list_and_find_forms(db: Any, setup: dict[str, Any]) -> None:
    with db.Session.begin() as s:
        s.add(FeedbackForm(programme_id=setup["programme"], title="Exit survey"))
        [mid] = [f for f in list_forms(s, setup["programme"]) if f.title == "Mid-point check"]
        assert (mid.id, mid.questions, mid.responses, mid.purpose, mid.audience) == (
            setup["form"], 6, 0, "feedback", "everyone")
        assert [f.title for f in list_forms(s, setup["programme"])] == [
            "Exit survey", "Mid-point check"]
        assert find_form(s, setup["programme"], str(setup["form"])) == mid
        assert find_form(s, setup["programme"], "  mid-POINT   check ") == mid
        with pytest.raises(UserError, match="no form “Weekly”"):
            find_form(s, setup["programme"], "Weekly")
        s.add(FeedbackForm(programme_id=setup["programme"], title="EXIT SURVEY"))
        s.flush()
        with pytest.raises(UserError, match="More than one form"):
            find_form(s, setup["programme"], "exit survey")


def test_render_refuses_what_cannot_be_printed(db: Any, setup: dict[str, Any]) -> None:
    with db.Session.begin() as s:
        empty = FeedbackForm(programme_id=setup["programme"], title="Empty")
        one_choice = FeedbackForm(programme_id=setup["programme"], title="One choice",
                                  questions=[FeedbackQuestion(position=1, text="Pick",
                                                              kind=QuestionKind.CHOICE,
                                                              choices="Only\n\n")])
        no_ticks = FeedbackForm(programme_id=setup["programme"], title="No ticks",
                                questions=[FeedbackQuestion(position=1, text="Tick",
                                                            kind=QuestionKind.MULTI_CHOICE,
                                                            choices=" \n")])
        s.add_all([empty, one_choice, no_ticks])
        s.flush()
        with pytest.raises(UserError, match="no questions"):
            render_form(s, empty.id)
        with pytest.raises(UserError, match="fewer than two choices"):
            render_form(s, one_choice.id)
        with pytest.raises(UserError, match="tick-box question without choices"):
            render_form(s, no_ticks.id)
        with pytest.raises(UserError, match="no form 999"):
            render_form(s, 999)
        with pytest.raises(UserError, match="no participant 999"):
            render_form(s, setup["form"], participant_id=999)


# ---------------------------------------------------------------------------- personal copies


def _without_check(path: Path, target: Path) -> Path:
    """``path`` as a personal copy made before the email check: md_form without it."""
    writer = PdfWriter(clone_from=path)
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        field = field.get_object()
        if field.get("/T") == "md_form":
            identity, check = str(field["/V"]).split(" check=")
            assert re.fullmatch(r"[0-9a-f]{12}", check)
            field[NameObject("/V")] = TextStringObject(identity)
    writer.write(target)
    return target


def test_a_personal_copy_of_an_erased_person_is_not_given_to_a_newcomer_with_their_id(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    minh = setup["minh"]
    with db.Session() as s:
        personal = render_form(s, setup["form"], participant_id=minh)
    copy = _fill(personal, tmp_path / "minh.pdf", _answers(setup))
    legacy = _without_check(copy, tmp_path / "minh-old.pdf")
    erase_participant(db, minh)
    with db.Session.begin() as s:  # SQLite hands the freed id to the next person
        newcomer = add_participant(s, ParticipantData(full_name="Sam Newcomer",
                                                      email="sam@example.org")).id
    assert newcomer == minh
    results = _import(db, copy, legacy)
    assert [r.status for r in results] == ["imported", "imported"]
    for result in results:
        assert "no longer in MentorDesk" in result.message
        assert "personal copy" in result.message and "anonymously" in result.message
    with db.Session() as s:
        stored = [s.get(FeedbackResponse, r.response_id) for r in results]
        assert [(r.participant_id, r.pairing_id) for r in stored if r] == [(None, None)] * 2


def test_a_personal_copy_made_before_the_check_is_trusted_unless_its_email_changed(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with db.Session() as s:
        personal = render_form(s, setup["form"], participant_id=setup["zoe"])
    copy = _fill(personal, tmp_path / "zoe.pdf", _answers(setup))
    legacy = _without_check(copy, tmp_path / "zoe-old.pdf")
    [old] = _import(db, legacy)
    assert old.status == "imported" and "from their personal copy" in old.message
    with db.Session.begin() as s:
        person = s.get(Participant, setup["zoe"])
        assert person is not None
        person.email = "zoe.l@example.org"
    [changed] = _import(db, copy)
    assert changed.status == "imported"
    assert "no longer in MentorDesk (or their email address has changed" in changed.message
    with db.Session() as s:
        linked = [s.get(FeedbackResponse, r.response_id) for r in (old, changed)]
        assert [r.participant_id for r in linked if r] == [setup["zoe"], None]


# ---------------------------------------------------------------------------- tick boxes, scores

TOPICS = ("Career planning", "Giving and receiving feedback", "Łódź office visits",
          "Presentation skills", "Work-life balance")


@pytest.fixture
def kinds(db: Any, setup: dict[str, Any]) -> dict[str, Any]:
    """A form with a 0-10 score, a required and an optional tick-box question, a comment."""
    with db.Session.begin() as s:
        form = FeedbackForm(programme_id=setup["programme"], title="Exit survey", questions=[
            FeedbackQuestion(position=1, kind=QuestionKind.SCORE, required=True,
                             text="How likely are you to recommend the programme?"),
            FeedbackQuestion(position=2, kind=QuestionKind.MULTI_CHOICE, required=True,
                             text="Which topics did you cover?", choices="\n".join(TOPICS)),
            FeedbackQuestion(position=3, kind=QuestionKind.MULTI_CHOICE,
                             text="Would you like any of these?",
                             choices="A follow-up call\nA second mentor\n"),
            FeedbackQuestion(position=4, kind=QuestionKind.TEXT, text="Anything else?"),
        ])
        s.add(form)
        s.flush()
        ids = [q.id for q in form.questions]
        blank = render_form(s, form.id)
        paper = render_form(s, form.id, fillable=False)
    return {"form": form.id, "q": ids, "blank": blank, "paper": paper}


def test_tick_boxes_are_one_checkbox_per_choice_and_a_score_is_eleven_radio_buttons(
        kinds: dict[str, Any], tmp_path: Path) -> None:
    fields = PdfReader(io.BytesIO(kinds["blank"])).get_fields() or {}
    score, topics, extras, comment = kinds["q"]
    boxes = {f"q{topics}_c{n}" for n in range(1, 6)} | {f"q{extras}_c1", f"q{extras}_c2"}
    assert set(fields) == {"md_form", "md_name", "md_email", f"q{score}", f"q{comment}",
                           *boxes}
    assert fields[f"q{score}"]["/_States_"] == [f"/{n}" for n in range(11)]
    assert fields[f"q{score}"]["/Ff"] & (1 << 15) and fields[f"q{score}"]["/Ff"] & (1 << 1)
    for name in boxes:
        box = fields[name]
        assert box["/FT"] == "/Btn" and set(box["/_States_"]) == {"/Yes", "/Off"}
        # a checkbox (not a radio or push button), never required: "at least one" is ours
        assert not box.get("/Ff", 0) & ((1 << 15) | (1 << 16) | (1 << 1))
    _qpdf_ok(kinds["blank"], tmp_path)


def test_tick_boxes_and_a_score_of_zero_round_trip(
        db: Any, kinds: dict[str, Any], tmp_path: Path) -> None:
    score, topics, extras, comment = kinds["q"]
    path = _fill(kinds["blank"], tmp_path / "exit.pdf", {
        f"q{score}": "/0", f"q{topics}_c5": "/Yes", f"q{topics}_c3": "/Yes",
        f"q{topics}_c1": "/Off", f"q{comment}": "Merci"})
    [result] = _import(db, path)
    assert result.status == "imported", result.message
    assert result.message.startswith("3 answers imported")
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None
        got = {a.question_id: (a.value_text, a.value_number) for a in response.answers}
    # the ticked choices in the form's order, whatever order they were ticked in
    assert got == {score: (None, 0.0), topics: ("Łódź office visits\nWork-life balance", None),
                   comment: ("Merci", None)}
    ten = _fill(kinds["blank"], tmp_path / "ten.pdf", {
        f"q{score}": "/10", **{f"q{topics}_c{n}": "/Yes" for n in range(1, 6)},
        f"q{extras}_c2": "/Yes"})
    [result] = _import(db, ten)
    assert result.status == "imported", result.message
    with db.Session() as s:
        response = s.get(FeedbackResponse, result.response_id)
        assert response is not None
        got = {a.question_id: (a.value_text, a.value_number) for a in response.answers}
    assert got == {score: (None, 10.0), topics: ("\n".join(TOPICS), None),
                   extras: ("A second mentor", None)}


def test_a_required_tick_box_question_left_empty_is_incomplete_and_bad_states_refused(
        db: Any, kinds: dict[str, Any], tmp_path: Path) -> None:
    score, topics, extras, _ = kinds["q"]
    empty = _fill(kinds["blank"], tmp_path / "empty.pdf",
                  {f"q{score}": "/7", f"q{extras}_c1": "/Yes"})
    [result] = _import(db, empty)
    assert result.status == "incomplete" and "Question 2 needs an answer" in result.message
    ok = _fill(kinds["blank"], tmp_path / "ok.pdf", {f"q{score}": "/7", f"q{topics}_c1": "/Yes"})
    writer = PdfWriter(clone_from=ok)
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        field = field.get_object()
        if field.get("/T") == f"q{score}":
            field[NameObject("/V")] = NameObject("/11")
        if field.get("/T") == f"q{topics}_c1":
            field[NameObject("/V")] = NameObject("/On")
    tampered = tmp_path / "tampered.pdf"
    writer.write(tampered)
    [result] = _import(db, tampered)
    assert result.status == "unreadable"
    assert "question 1: “11” is not on its scale of 0 to 10" in result.message
    assert "question 2: “On” is not a tick of choice 1" in result.message
    assert _responses(db) == 0


def _words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words of a page with their boxes (x min, y min, x max, y max; y down)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path),
                           "-"], check=True, capture_output=True, text=True).stdout
    return [(unicodedata.normalize("NFC", m[5]), float(m[1]), float(m[2]), float(m[3]),
             float(m[4]))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', html)]


def _mark_before(data: bytes, tmp_path: Path, labels: Sequence[str]) -> list[float]:
    """For each label on page 1, the longest row of grey (in points) drawn just left of it:
    about 11 for a square (its side between the rounded corners), 7 for a circle's top."""
    path = tmp_path / "marks.pdf"
    path.write_bytes(data)
    scale = 3  # pixels per point
    subprocess.run(["pdftoppm", "-r", str(72 * scale), "-gray", "-f", "1", "-l", "1",
                    "-singlefile", "-png", str(path), str(tmp_path / "marks")], check=True)
    page = Image.open(tmp_path / "marks.png").convert("L")
    words = _words(path, 1)
    found = []
    for label in labels:
        first = label.split()[0]
        x, top, _, bottom = next(w[1:] for w in words if w[0] == first)
        longest = 0
        for y in range(int((top - 8) * scale), int((bottom + 8) * scale)):
            run = 0
            for px in range(int((x - 22) * scale), int((x - 5) * scale)):
                run = run + 1 if page.getpixel((px, y)) < 200 else 0
                longest = max(longest, run)
        found.append(longest / scale)
    return found


def test_paper_shows_the_tick_boxes_and_the_score_scale(
        db: Any, setup: dict[str, Any], kinds: dict[str, Any], tmp_path: Path) -> None:
    reader = PdfReader(io.BytesIO(kinds["paper"]))
    assert reader.get_fields() is None
    _qpdf_ok(kinds["paper"], tmp_path)
    text = _text(kinds["paper"], tmp_path)
    for word in (*TOPICS, "A follow-up call", "A second mentor", "Not at all likely",
                 "Extremely likely", "tick every square that applies"):
        assert word in text
    path = tmp_path / "paper.pdf"
    path.write_bytes(kinds["paper"])
    words = _words(path, 1)
    zero = next(w for w in words if w[0] == "0")
    row = [w for w in words if abs(w[2] - zero[2]) < 1 and w[0].isdigit()]
    assert [w[0] for w in sorted(row, key=lambda w: w[1])] == [str(n) for n in range(11)]
    fillable_text = _text(kinds["blank"], tmp_path, "blank.pdf")
    assert "tick every square" not in fillable_text and TOPICS[2] in fillable_text
    squares = _mark_before(kinds["paper"], tmp_path,
                           [*TOPICS, "A follow-up call", "A second mentor"])
    assert all(side >= 10 for side in squares), squares
    with db.Session() as s:  # the circles of a choice question, for comparison
        choice_paper = render_form(s, setup["form"], fillable=False)
    circles = _mark_before(choice_paper, tmp_path, ["Weekly", "Every two weeks", "Monthly"])
    assert all(3 <= top < 9 for top in circles), circles


# ---------------------------------------------------------------------------- page furniture

LONG_TITLE = ("Mid-point check for the Grow Together leadership mentoring programme of the "
              "Northwind Traders International Holding, second cohort, all regions")
LONG_PROGRAMME = ("Grow Together 2027 — cross-functional leadership mentoring for new managers "
                  "across all regional offices")
LONG_ORGANISATION = ("Northwind Traders International Holding Company Limited, People and "
                     "Culture Department, Europe, Middle East and Africa")


def _png(size: tuple[int, int] = (300, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 90)).save(out, "PNG")
    return out.getvalue()


def test_long_names_are_cut_short_in_the_band_headers_and_footers_never_shrunk_or_overlapping(
        db: Any, setup: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[Any, ...]] = []

    def draw_logo(*args: Any, **kwargs: Any) -> tuple[float, float]:
        drawn.append(args[2:])
        return layout.draw_logo(*args, **kwargs)

    monkeypatch.setattr(forms, "draw_logo", draw_logo)
    with db.Session.begin() as s:
        programme = s.get(Programme, setup["programme"])
        assert programme is not None
        programme.name = LONG_PROGRAMME
        save_branding(s, setup["programme"], BrandingChanges(organisation=LONG_ORGANISATION,
                                                             logo_png=_png()))
        form = FeedbackForm(programme_id=setup["programme"], title=LONG_TITLE, questions=[
            FeedbackQuestion(position=n, kind=QuestionKind.TEXT, text=f"Question {n}?")
            for n in range(1, 12)])
        s.add(form)
        s.flush()
        data = render_form(s, form.id)
    assert len(drawn) == 2  # the logo of page 1, once in each of the two passes
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    _qpdf_ok(data, tmp_path)
    reader = PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert len(reader.pages) >= 2
    margin = 20 * 72 / 25.4
    identity = (reader.get_fields() or {})["md_form"]["/V"]
    reference = f"Form {form.id} · version {identity.split('version=')[1][:8]}".split()
    for number in range(1, len(reader.pages) + 1):
        words = _words(path, number)
        furniture = [w for w in words if w[4] < margin + 6 or w[2] > height - margin]
        lines: dict[int, list[tuple[str, float, float, float, float]]] = {}
        for word in furniture:
            lines.setdefault(round(word[4]), []).append(word)
        for line in lines.values():
            line.sort(key=lambda w: w[1])
            assert line[0][1] >= margin - 1 and line[-1][3] <= width - margin + 1, line
            for left, right in itertools.pairwise(line):
                assert left[3] <= right[1] + 0.5, f"{left[0]!r} runs into {right[0]!r}"
            for word in line:  # 8.5 pt (the form's reference is a deliberate 7 pt)
                assert word[4] - word[2] > 8 or word[0] in reference, f"{word[0]!r} shrunk"
        text = " ".join(w[0] for w in furniture)
        assert "…" in text and LONG_ORGANISATION not in text
        if number > 1:
            assert text.startswith("Mid-point check for the") and LONG_TITLE not in text
            assert "Grow Together 2027 —" in text and LONG_PROGRAMME not in text
    first = " ".join(w[0] for w in _words(path, 1))
    assert "Mid-point check for the Grow Together" in first  # two lines in the band
    images = subprocess.run(["pdfimages", "-list", str(path)], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) == 1 and images[0].split()[0] == "1"


def test_audience_words_are_the_documents_own(
        db: Any, setup: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(wording.AUDIENCE_LABELS, Audience.EVERYONE, "For everyone taking part")
    with db.Session() as s:
        data = render_form(s, setup["form"], fillable=False)
    assert "Feedback form · Grow Together 2027 · For everyone taking part" in _text(data,
                                                                                   tmp_path)


def test_render_form_can_be_cancelled(db: Any, setup: dict[str, Any]) -> None:
    asked: list[bool] = []

    def cancel_on_second_question() -> bool:
        asked.append(True)
        return len(asked) > 1

    with db.Session() as s:
        with pytest.raises(UserError, match="Cancelled: nothing was written"):
            render_form(s, setup["form"], cancelled=lambda: True)
        with pytest.raises(UserError, match="Cancelled"):
            render_form(s, setup["form"], cancelled=cancel_on_second_question)
        assert render_form(s, setup["form"], cancelled=lambda: False).startswith(b"%PDF")
