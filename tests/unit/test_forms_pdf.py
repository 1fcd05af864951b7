"""Feedback forms as PDFs: fillable and paper copies, and filled-in copies read back."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from sqlalchemy import func, select

from mentordesk.errors import UserError
from mentordesk.models import (
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    Pairing,
    PairingMember,
    ParticipantRole,
    QuestionKind,
)
from mentordesk.services.demo import load_demo
from mentordesk.services.documents import forms
from mentordesk.services.documents.forms import (
    find_form,
    import_filled_forms,
    list_forms,
    render_form,
)
from mentordesk.services.participants import ParticipantData, add_participant
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
        got = {a.question_id: (a.value_text, a.value_number) for a in response.answers}
    assert got == {q[0]: (None, 4.0), q[1]: (None, 9.0), q[2]: ("Every two weeks", None),
                   q[3]: ("yes", None),
                   q[4]: (f"Listening first — thanks {ZOE}!\nSecond line.", None)}


def test_the_same_form_imported_twice_is_a_duplicate_even_when_saved_again(
        db: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    first = _fill(setup["blank"], tmp_path / "a.pdf", _answers(setup))
    resaved = _fill(setup["blank"], tmp_path / "b.pdf", _answers(setup), producer="Viewer 2")
    assert first.read_bytes() != resaved.read_bytes()
    [imported] = _import(db, first)
    again, other = _import(db, first, resaved)
    assert imported.status == "imported"
    assert (again.status, other.status) == ("duplicate", "duplicate")
    assert again.response_id == other.response_id == imported.response_id
    assert _responses(db) == 1


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
    assert fields["md_form"]["/V"].endswith(f" participant={setup['zoe']}")
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
        s.add_all([empty, one_choice])
        s.flush()
        with pytest.raises(UserError, match="no questions"):
            render_form(s, empty.id)
        with pytest.raises(UserError, match="fewer than two choices"):
            render_form(s, one_choice.id)
        with pytest.raises(UserError, match="no form 999"):
            render_form(s, 999)
        with pytest.raises(UserError, match="no participant 999"):
            render_form(s, setup["form"], participant_id=999)
