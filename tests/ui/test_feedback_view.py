"""The Feedback area: forms from templates, the designer (inline errors, reordering,
deleting answered questions), typing in responses, confidential results, survey-tool
imports, CSV exports, deleting a form, and what a read-only database and an empty
programme show."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.models import QuestionKind
from mentordesk.services.feedback import (
    EMAIL,
    IGNORE,
    SUBMITTED,
    AnswerData,
    FormData,
    FormRecord,
    QuestionData,
    create_form,
    get_form,
    list_form_records,
    list_responses,
    preview_survey,
    submit_response,
    summarise_form,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import ProgrammeData, create_programme
from mentordesk.ui.dialogs.form_designer_dialog import FormDesignerDialog
from mentordesk.ui.dialogs.response_dialog import ResponseDialog, ScaleInput, TicksInput
from mentordesk.ui.dialogs.survey_import_dialog import SurveyImportDialog
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.feedback import (
    CommentsTableModel,
    FormColumn,
    FormsTableModel,
    QuestionColumn,
    QuestionsTableModel,
    Role,
    SummaryColumn,
    SummaryTableModel,
    SurveyMappingTableModel,
    SurveyRowsTableModel,
    comments_of,
)
from mentordesk.ui.views.feedback_view import FeedbackView
from tests.ui.helpers import click, expect, make_window, programme_id, show_area, wait_for

RATING = "How satisfied are you with the programme?"
SCORE = "How likely are you to recommend mentoring to a colleague?"
OFTEN = "How often do you meet?"
HELPED = "What has helped you most?"
COMMENT = "Anything else you would like to tell us?"


def feedback_view(window: MainWindow) -> FeedbackView:
    return show_area(window, "feedback", FeedbackView)


def forms(db: Database) -> list[FormRecord]:
    with db.Session() as session:
        return list_form_records(session, programme_id(db))


def form(db: Database, form_id: int) -> FormRecord:
    with db.Session() as session:
        return get_form(session, form_id)


def shown_titles(view: FeedbackView) -> list[str]:
    return [view.forms_proxy.index(r, FormColumn.TITLE).data()
            for r in range(view.forms_proxy.rowCount())]


def result(view: FeedbackView, position: int) -> str:
    """The Result cell of question ``position`` in the summary."""
    return str(view.summary_model.index(position - 1, SummaryColumn.RESULT).data())


SURVEY_FORM = FormData(title="Pilot feedback", questions=(
    QuestionData(RATING, QuestionKind.RATING, scale_max=5, required=True,
                 measure="satisfaction"),
    QuestionData(SCORE, QuestionKind.SCORE, measure="recommendation"),
    QuestionData(OFTEN, QuestionKind.CHOICE, choices=("Weekly", "Monthly", "Rarely")),
    QuestionData(HELPED, QuestionKind.MULTI_CHOICE, choices=("Goals", "Feedback", "Network")),
    QuestionData(COMMENT, QuestionKind.TEXT),
))


@pytest.fixture
def pilot_db(fresh_db: Database) -> Database:
    """A programme with two participants and no form."""
    with fresh_db.Session.begin() as s:
        create_programme(s, ProgrammeData(name="Pilot"))
        for name in ("Dana Manager", "Sam Engineer"):
            first = name.split()[0].lower()
            add_participant(s, ParticipantData(full_name=name, email=f"{first}@example.org",
                                               role="mentee"))  # type: ignore[arg-type]
    return fresh_db


@pytest.fixture
def pilot_window(qtbot: QtBot, pilot_db: Database, settings: QSettings) -> MainWindow:
    return make_window(qtbot, pilot_db, settings)


@pytest.fixture
def survey_form(pilot_db: Database) -> FormRecord:
    """The pilot's form: a rating, a 0-10 score, one choice, tick boxes and free text."""
    with pilot_db.Session.begin() as s:
        return create_form(s, programme_id(pilot_db), SURVEY_FORM)


def answer(record: FormRecord, rating: int, *, score: int | None = None,
           often: str | None = None, helped: tuple[str, ...] = (),
           comment: str = "") -> list[AnswerData]:
    values = {RATING: rating, SCORE: score, OFTEN: often, HELPED: helped, COMMENT: comment}
    return [AnswerData(q.id, values[q.text]) for q in record.questions]


# --------------------------------------------------------------------------- models


def test_the_models_pass_the_model_tester(qtmodeltester: ModelTester, pilot_db: Database,
                                          survey_form: FormRecord, tmp_path: Path) -> None:
    with pilot_db.Session.begin() as s:
        submit_response(s, survey_form.id, answer(survey_form, 4, score=9, often="Weekly",
                                                  helped=("Goals",), comment="Useful"))
    record = form(pilot_db, survey_form.id)
    forms_model = FormsTableModel()
    forms_model.set_rows([record, *forms(pilot_db)])
    qtmodeltester.check(forms_model)

    questions = QuestionsTableModel()
    questions.set_questions(record.to_data().questions, {q.id: q.answers for q in
                                                        record.questions})
    qtmodeltester.check(questions)
    assert questions.move_question(4, 0)
    assert [q.text for q in questions.questions()][:2] == [COMMENT, RATING]
    assert questions.index(0, QuestionColumn.NUMBER).data() == "1"
    questions.set_errors({"questions.2.text": "is required"})
    assert questions.index(1, 0).data(Role.ERRORS) == {"text": "is required"}
    qtmodeltester.check(questions)

    with pilot_db.Session() as s:
        summary = summarise_form(s, survey_form.id)
    summaries = SummaryTableModel()
    summaries.set_rows(summary.questions)
    qtmodeltester.check(summaries)
    assert summaries.index(0, SummaryColumn.RESULT).data(Role.VALUE) == 4.0
    comments = CommentsTableModel()
    comments.set_rows(comments_of(summary.questions))
    qtmodeltester.check(comments)
    assert comments.rowCount() == 1

    path = tmp_path / "survey.csv"
    path.write_text(f"Timestamp,Email Address,{RATING}\n2024/03/05 2:31:07 PM GMT+1,"
                    "dana@example.org,5\n", encoding="utf-8")
    with pilot_db.Session() as s:
        preview = preview_survey(s, survey_form.id, path)
    mapping = SurveyMappingTableModel()
    mapping.set_questions([(q.id, q.position, q.text) for q in record.questions])
    mapping.set_columns(preview.columns)
    qtmodeltester.check(mapping)
    assert [mapping.index(r, 1).data(Role.VALUE) for r in range(3)] == [
        SUBMITTED, EMAIL, record.questions[0].id]
    chosen: list[tuple[str, object]] = []
    mapping.target_chosen.connect(lambda header, target: chosen.append((header, target)))
    assert mapping.setData(mapping.index(2, 1), "Don't import")
    assert chosen == [(RATING, IGNORE)]
    assert mapping.index(2, 3).data() == "Chosen by you"
    rows = SurveyRowsTableModel()
    rows.set_rows(preview.rows)
    qtmodeltester.check(rows)


def test_dragging_a_question_moves_it_without_losing_it() -> None:
    model = QuestionsTableModel()
    model.set_questions([QuestionData(t, QuestionKind.TEXT, id=n)
                         for n, t in enumerate(("A", "B", "C", "D"), start=1)])
    mime = model.mimeData([model.index(0, 0)])
    # The view must not delete the dragged row afterwards: the move says False.
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex()) is False
    assert [q.text for q in model.questions()] == ["B", "C", "A", "D"]
    mime = model.mimeData([model.index(3, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, model.index(0, 0))
    assert [(q.text, q.id) for q in model.questions()] == [("D", 4), ("B", 2), ("C", 3),
                                                           ("A", 1)]


# --------------------------------------------------------------------------- designing


def test_a_form_made_from_a_template_is_listed(qtbot: QtBot, pilot_window: MainWindow,
                                               pilot_db: Database) -> None:
    view = feedback_view(pilot_window)
    # No form yet: the area offers the templates, with their descriptions.
    assert view.body.currentWidget() is view.no_forms_page
    buttons = view.template_chooser.buttons
    assert len(buttons) == 6 and "" in buttons  # five templates and a blank form
    assert "halfway through" in buttons["mid_programme_pulse"].description()
    click(qtbot, buttons["mid_programme_pulse"])
    dialog = view.designer_dialog
    assert isinstance(dialog, FormDesignerDialog) and dialog.isVisible()
    assert dialog.title_edit.text() == "Mid-programme pulse check"
    assert dialog.model.rowCount() == 6
    assert forms(pilot_db) == []  # nothing stored before saving
    dialog.title_edit.setText("Pulse — spring")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.designer_dialog is None)

    [stored] = forms(pilot_db)
    assert (stored.title, stored.template, len(stored.questions)) == (
        "Pulse — spring", "mid_programme_pulse", 6)
    assert view.body.currentWidget() is view.work
    assert shown_titles(view) == ["Pulse — spring"]
    assert view.selected_form_id() == stored.id
    assert view.summary_model.rowCount() == 6
    assert result(view, 1) == "No answers yet"

    # New form… asks what to start from, then designs it.
    chooser = view.new_form()
    assert chooser is not None and chooser.isVisible()
    click(qtbot, chooser.chooser.buttons["mentor_satisfaction"])
    qtbot.waitUntil(lambda: view.designer_dialog is not None)
    designer = view.designer_dialog
    assert designer is not None
    click(qtbot, designer.save_button)
    qtbot.waitUntil(lambda: view.designer_dialog is None)
    assert sorted(shown_titles(view)) == sorted(f.title for f in forms(pilot_db))
    assert len(forms(pilot_db)) == 2


def test_designer_errors_are_shown_inline_and_nothing_is_saved(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database) -> None:
    view = feedback_view(pilot_window)
    dialog = view.open_designer("")
    assert dialog is not None
    assert dialog.model.rowCount() == 1  # a blank form starts with one empty question
    dialog.select_question(0)
    dialog.text_edit.setPlainText("Which sessions did you attend?")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(QuestionKind.CHOICE))
    dialog.choices_edit.setPlainText("Only one")
    row = dialog.add_question()
    assert row == 1 and dialog.current_row() == 1
    dialog.text_edit.setPlainText("Anything else?")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(QuestionKind.TEXT))
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.errors.text("title") == "The title is required."
    assert dialog.model.rows_with_errors() == [0]
    assert dialog.model.index(0, QuestionColumn.TEXT).data(Qt.ItemDataRole.ForegroundRole)
    assert dialog.current_row() == 0  # the question refused is brought up
    assert dialog.question_errors.text("choices") == "Give at least two choices"
    assert dialog.questions_error.text().startswith("Question 1 needs attention")
    assert forms(pilot_db) == []

    # Editing the field clears its error; fixing everything saves.
    dialog.choices_edit.setPlainText("Only one\nThe other one")
    assert dialog.question_errors.text("choices") == ""
    dialog.title_edit.setText("Sessions")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.designer_dialog is None)
    [stored] = forms(pilot_db)
    assert [(q.text, q.kind, q.choices) for q in stored.questions] == [
        ("Which sessions did you attend?", QuestionKind.CHOICE, ("Only one", "The other one")),
        ("Anything else?", QuestionKind.TEXT, ())]


def test_a_change_the_service_refuses_is_shown_inline(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database,
        survey_form: FormRecord) -> None:
    with pilot_db.Session.begin() as s:
        submit_response(s, survey_form.id, answer(survey_form, 4, often="Monthly"))
    view = feedback_view(pilot_window)
    dialog = view.edit_form()
    assert dialog is not None
    dialog.select_question(2)
    assert not dialog.kind_combo.isEnabled()  # answered: its kind cannot change
    assert "1 answer" in dialog.answers_note.text()
    dialog.choices_edit.setPlainText("Weekly\nRarely")  # "Monthly" was picked
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert "'Monthly' was chosen in answers" in dialog.question_errors.text("choices")
    assert dialog.model.rows_with_errors() == [2]
    assert form(pilot_db, survey_form.id).questions[2].choices == ("Weekly", "Monthly",
                                                                   "Rarely")
    dialog.reject()


@pytest.fixture
def answered_form(pilot_db: Database, survey_form: FormRecord) -> FormRecord:
    """The pilot's form with two responses answering every question."""
    with pilot_db.Session.begin() as s:
        submit_response(s, survey_form.id, answer(survey_form, 4, score=9, often="Weekly",
                                                  helped=("Goals",), comment="Good"))
        submit_response(s, survey_form.id, answer(survey_form, 2, score=5, often="Rarely",
                                                  helped=("Network",), comment="Slow"))
    return form(pilot_db, survey_form.id)


def test_reordering_questions_keeps_their_answers(qtbot: QtBot, pilot_window: MainWindow,
                                                  pilot_db: Database,
                                                  answered_form: FormRecord) -> None:
    before = {q.id: (q.text, q.answers) for q in answered_form.questions}
    assert all(answers == 2 for _, answers in before.values())
    view = feedback_view(pilot_window)
    dialog = view.edit_form()
    assert dialog is not None
    dialog.select_question(4)
    click(qtbot, dialog.up_button)
    click(qtbot, dialog.up_button)
    assert dialog.current_row() == 2
    assert dialog.question_heading.text() == "Question 3"
    dialog.select_question(1)
    click(qtbot, dialog.down_button)
    click(qtbot, dialog.down_button)
    click(qtbot, dialog.down_button)
    assert dialog.current_row() == 4 and not dialog.down_button.isEnabled()
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.designer_dialog is None)

    after = form(pilot_db, answered_form.id)
    assert [q.text for q in after.questions] == [RATING, COMMENT, OFTEN, HELPED, SCORE]
    assert {q.id: (q.text, q.answers) for q in after.questions} == before
    assert after.responses == 2
    assert [view.summary_model.index(r, SummaryColumn.QUESTION).data()[:3]
            for r in range(5)] == ["1. ", "2. ", "3. ", "4. ", "5. "]
    assert view.summary_model.index(1, SummaryColumn.QUESTION).data() == f"2. {COMMENT}"
    assert result(view, 5) == "NPS +0\nAverage 7.00 out of 10"
    assert view.comments_model.rowCount() == 2


def test_removing_an_answered_question_asks_before_its_answers_go(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database,
        answered_form: FormRecord, prompts: SimpleNamespace) -> None:
    view = feedback_view(pilot_window)
    dialog = view.edit_form()
    assert dialog is not None
    dialog.select_question(2)
    click(qtbot, dialog.remove_button)
    assert dialog.removal_note.text() == f"Saving deletes the 2 answers to “{OFTEN}”."
    expect(prompts.confirm, False)
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert f"• {OFTEN} (2 answers)" in prompts.confirm.call_args.args[2]
    assert len(form(pilot_db, answered_form.id).questions) == 5  # nothing saved

    expect(prompts.confirm, True)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.designer_dialog is None)
    after = form(pilot_db, answered_form.id)
    assert [q.text for q in after.questions] == [RATING, SCORE, HELPED, COMMENT]
    assert [q.answers for q in after.questions] == [2, 2, 2, 2]
    assert view.summary_model.rowCount() == 4


# --------------------------------------------------------------------------- responses


def fill(qtbot: QtBot, dialog: ResponseDialog, record: FormRecord, *, rating: int,
         score: int, helped: tuple[str, ...], comment: str) -> None:
    """Answer as a coordinator would: click the buttons, tick the boxes, type."""
    inputs = {q.text: dialog.inputs[q.id] for q in record.questions}
    rating_input, score_input, ticks = inputs[RATING], inputs[SCORE], inputs[HELPED]
    assert isinstance(rating_input, ScaleInput) and isinstance(score_input, ScaleInput)
    assert isinstance(ticks, TicksInput)
    click(qtbot, rating_input.button(str(rating)))
    click(qtbot, score_input.button(str(score)))
    for box, choice in zip(ticks.boxes, ticks.choices, strict=True):
        if choice in helped:
            box.click()  # a tick box's label may not reach the middle of its row
    inputs[COMMENT].set_value(comment)


def test_entering_responses_updates_the_results(qtbot: QtBot, pilot_window: MainWindow,
                                                pilot_db: Database,
                                                survey_form: FormRecord) -> None:
    with pilot_db.Session.begin() as s:
        submit_response(s, survey_form.id, answer(survey_form, 4, score=10))
    view = feedback_view(pilot_window)
    assert result(view, 1) == "Average 4.00 out of 5"
    dialog = view.enter_response()
    assert isinstance(dialog, ResponseDialog) and dialog.isVisible()

    # A required question left blank is refused under the question; nothing is stored.
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.errors.text("questions.1") == "This question needs an answer."
    assert form(pilot_db, survey_form.id).responses == 1

    fill(qtbot, dialog, survey_form, rating=3, score=9, helped=("Goals", "Network"),
         comment="Helpful conversations")
    dialog.set_respondent(next(pid for pid, name in people(pilot_db) if name == "Dana Manager"))
    click(qtbot, dialog.another_button)
    assert dialog.isVisible() and dialog.errors.text("questions.1") == ""
    assert "1 response entered" in dialog.status.text()
    rating_input = dialog.inputs[survey_form.questions[0].id]
    assert rating_input.value() is None and dialog.respondent() is None  # ready for the next
    fill(qtbot, dialog, survey_form, rating=5, score=3, helped=("Network",), comment="")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.response_dialog is None)

    assert form(pilot_db, survey_form.id).responses == 3
    # (4 + 3 + 5) / 3 and (10 + 9 + 3) / 3, exactly.
    assert view.summary_model.index(0, SummaryColumn.RESULT).data(Role.VALUE) == 4.0
    assert view.summary_model.index(1, SummaryColumn.RESULT).data(Role.VALUE) == 22 / 3
    assert result(view, 2) == "NPS +33\nAverage 7.33 out of 10"
    assert view.summary_model.index(3, SummaryColumn.DISTRIBUTION).data(
        Role.DISTRIBUTION) == (("Goals", 1), ("Feedback", 0), ("Network", 2))
    assert [view.comments_model.index(r, 1).data()
            for r in range(view.comments_model.rowCount())] == ["Helpful conversations"]
    assert view.banner.headline.text() == "Pilot feedback — 3 responses"
    with pilot_db.Session() as s:
        respondents = [r.respondent for r in list_responses(s, survey_form.id)]
    assert respondents == ["", "Dana Manager", ""]


def people(db: Database) -> list[tuple[int, str]]:
    from mentordesk.services.participants import list_participants

    with db.Session() as s:
        return sorted((p.id, p.full_name) for p in list_participants(s))


def test_a_confidential_group_shows_only_from_five(qtbot: QtBot, pilot_window: MainWindow,
                                                   pilot_db: Database,
                                                   survey_form: FormRecord) -> None:
    with pilot_db.Session.begin() as s:
        for rating in (2, 3, 4, 5):
            submit_response(s, survey_form.id, answer(survey_form, rating, comment="SECRET"),
                            confidential=True)
    view = feedback_view(pilot_window)
    assert result(view, 1) == "Hidden: 4 confidential answers left out until there are 5"
    assert view.summary_model.index(0, SummaryColumn.DISTRIBUTION).data(
        Role.DISTRIBUTION) is None
    assert view.summary_model.index(0, SummaryColumn.ANSWERS).data() == "4 (4 confidential)"
    assert result(view, 5) == "Hidden: 4 confidential comments not shown"
    assert view.comments_model.rowCount() == 0
    assert "4 of them confidential" in view.banner.headline.text()
    assert "Some results leave them out or are hidden" in view.banner.details.text()

    dialog = view.enter_response()
    assert dialog is not None
    fill(qtbot, dialog, survey_form, rating=5, score=8, helped=(), comment="SECRET too")
    dialog.confidential_check.setChecked(True)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: view.response_dialog is None)

    assert result(view, 1) == "Average 3.80 out of 5"  # (2 + 3 + 4 + 5 + 5) / 5
    assert view.summary_model.index(0, SummaryColumn.RESULT).data(Role.VALUE) == 3.8
    assert view.summary_model.index(0, SummaryColumn.DISTRIBUTION).data(
        Role.DISTRIBUTION) == (("1", 0), ("2", 1), ("3", 1), ("4", 1), ("5", 2))
    assert view.comments_model.rowCount() == 0  # confidential comments: never
    # A score answered once, confidentially, stays hidden.
    assert result(view, 2) == "Hidden: 1 confidential answer left out until there are 5"


# --------------------------------------------------------------------------- import, export


GOOGLE_FORMS = [
    ["Timestamp", "Email Address", RATING, "Meeting frequency", HELPED, COMMENT],
    ["2024/03/05 2:31:07 PM GMT+1", "dana@example.org", "4", "Weekly", "Goals, Network",
     "Great pairing"],
    ["2024/03/05 3:02:44 PM GMT+1", "", "5", "Monthly", "Feedback", ""],
    ["2024/03/06 9:15:00 AM GMT+1", "", "7", "Rarely", "Goals", "Seven?"],
    ["2024/03/05 2:31:07 PM GMT+1", "dana@example.org", "4", "Weekly", "Goals, Network",
     "Great pairing"],
]


def test_a_survey_export_is_imported_with_a_mapping_chosen(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database, survey_form: FormRecord,
        tmp_path: Path, prompts: SimpleNamespace) -> None:
    path = tmp_path / "Pilot feedback (Responses) - Form responses 1.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(GOOGLE_FORMS)
    view = feedback_view(pilot_window)
    dialog = view.import_survey()
    assert isinstance(dialog, SurveyImportDialog) and dialog.isVisible()
    assert not dialog.import_button.isEnabled()
    expect(prompts.choose_survey_file, path)
    task = dialog.choose_file()
    assert task is not None and wait_for(qtbot, task)[0] == "done"

    often = survey_form.questions[2].id
    mapping = dialog.mapping_model.mapping()
    assert mapping["Timestamp"] == SUBMITTED and mapping["Email Address"] == EMAIL
    assert mapping[RATING] == survey_form.questions[0].id
    assert mapping["Meeting frequency"] == IGNORE  # its heading matches no question
    assert "Google Forms" in dialog.counts.text()

    task = dialog.set_target("Meeting frequency", often)
    assert task is not None and wait_for(qtbot, task)[0] == "done"
    preview = dialog.preview
    assert preview is not None and preview.mapping["Meeting frequency"] == often
    assert (preview.importable, preview.duplicates, preview.refused_rows) == (2, 1, (4,))
    assert dialog.problems_model.rowCount() == 1
    assert "7 is not on the scale of 1 to 5" in dialog.problems_model.problem_at(0).reason
    assert dialog.import_button.text() == "Import 2 responses"
    assert dialog.mapping_model.index(3, 3).data() == "Chosen by you"

    click(qtbot, dialog.import_button)
    task = dialog.import_task
    assert task is not None and wait_for(qtbot, task)[0] == "done"
    assert dialog.import_result is not None and dialog.import_result.imported == 2
    assert "Imported 2 responses" in dialog.outcome.text()
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: view.import_dialog is None)

    stored = form(pilot_db, survey_form.id)
    assert (stored.responses, stored.confidential_responses) == (2, 0)
    assert view.forms_model.index(0, FormColumn.RESPONSES).data() == "2"
    assert view.summary_model.index(2, SummaryColumn.DISTRIBUTION).data(
        Role.DISTRIBUTION) == (("Weekly", 1), ("Monthly", 1), ("Rarely", 0))
    with pilot_db.Session() as s:
        assert [r.respondent for r in list_responses(s, survey_form.id)] == [
            "Dana Manager", ""]


def test_columns_matching_no_question_can_be_mapped_by_hand(
        qtbot: QtBot, pilot_window: MainWindow, pilot_db: Database, survey_form: FormRecord,
        tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Timestamp,Stars\n2024/03/05 2:31:07 PM GMT+1,4\n", encoding="utf-8")
    view = feedback_view(pilot_window)
    dialog = view.import_survey()
    assert dialog is not None
    task = dialog.set_path(path)
    assert task is not None and wait_for(qtbot, task)[0] == "done"
    assert dialog.preview is None and not dialog.import_button.isEnabled()
    assert "Choose below which question" in dialog.message.text()
    assert dialog.mapping_model.mapping() == {"Timestamp": SUBMITTED, "Stars": IGNORE}
    task = dialog.set_target("Stars", survey_form.questions[0].id)
    assert task is not None and wait_for(qtbot, task)[0] == "done"
    assert dialog.preview is not None and dialog.preview.importable == 1
    assert dialog.message.isHidden()
    assert dialog.import_button.isEnabled()
    dialog.reject()


def test_the_export_leaves_confidential_text_out(qtbot: QtBot, pilot_window: MainWindow,
                                                 pilot_db: Database, survey_form: FormRecord,
                                                 tmp_path: Path,
                                                 prompts: SimpleNamespace) -> None:
    with pilot_db.Session.begin() as s:
        submit_response(s, survey_form.id, answer(survey_form, 4, comment="Open comment"))
        for rating in (1, 2, 3, 4, 5):
            submit_response(s, survey_form.id, answer(survey_form, rating,
                                                       comment=f"SECRET {rating}"),
                            confidential=True)
    view = feedback_view(pilot_window)
    folder = tmp_path / "exports"
    expect(prompts.choose_folder, folder)
    expect(prompts.offer_open_folder)
    task = view.export_responses()
    assert task is not None and wait_for(qtbot, task)[0] == "done"
    [written] = folder.iterdir()
    assert written.name == "Pilot feedback - responses.csv"
    text = written.read_text(encoding="utf-8-sig")
    assert "Open comment" in text
    assert "SECRET" not in text
    assert "5 confidential responses are not listed row by row" in text
    prompts.offer_open_folder.assert_called_once()
    assert "5 confidential responses are counted only in the results" in \
        prompts.offer_open_folder.call_args.args[2]


# --------------------------------------------------------------------------- deleting, states


def test_deleting_a_form_asks_first(pilot_window: MainWindow, pilot_db: Database,
                                    answered_form: FormRecord,
                                    prompts: SimpleNamespace) -> None:
    with pilot_db.Session.begin() as s:
        submit_response(s, answered_form.id, answer(answered_form, 3), confidential=True)
    view = feedback_view(pilot_window)
    expect(prompts.confirm, False)
    assert view.delete_selected() is False
    assert prompts.confirm.call_args.args[2] == (
        "Delete the form “Pilot feedback” and its 3 responses (1 confidential)?")
    assert [f.id for f in forms(pilot_db)] == [answered_form.id]

    expect(prompts.confirm, True)
    assert view.delete_selected() is True
    assert forms(pilot_db) == []
    assert view.body.currentWidget() is view.no_forms_page  # the templates are offered


def test_duplicating_copies_the_questions_without_responses(
        pilot_window: MainWindow, pilot_db: Database, answered_form: FormRecord) -> None:
    view = feedback_view(pilot_window)
    copy = view.duplicate_selected()
    assert copy is not None and copy.title == "Pilot feedback (copy)"
    assert view.selected_form_id() == copy.id
    assert [q.text for q in copy.questions] == [q.text for q in answered_form.questions]
    assert copy.responses == 0 and result(view, 1) == "No answers yet"
    assert sorted(shown_titles(view)) == ["Pilot feedback", "Pilot feedback (copy)"]


@pytest.fixture
def read_only_window(qtbot: QtBot, demo_db: Database, settings: QSettings) -> MainWindow:
    """The demo opened read-only."""
    return make_window(qtbot, Database.open(demo_db.path, read_only=True), settings)


def test_read_only_shows_the_results_but_changes_nothing(read_only_window: MainWindow,
                                                         demo_db: Database) -> None:
    view = feedback_view(read_only_window)
    count = len(forms(demo_db))
    assert view.forms_model.rowCount() == count > 0
    assert view.selected_form() is not None
    for button in (view.new_button, view.edit_button, view.duplicate_button,
                   view.delete_button, view.respond_button, view.import_button):
        assert not button.isEnabled(), button.text()
    assert not view.template_chooser.isEnabled()
    assert view.new_form() is None and view.open_designer("mid_programme_pulse") is None
    assert view.edit_form() is None and view.enter_response() is None
    assert view.import_survey() is None and view.duplicate_selected() is None
    assert view.delete_selected() is False
    assert view.export_button.isEnabled()  # exporting only reads
    assert len(forms(demo_db)) == count


def test_without_a_programme_the_area_says_where_to_start(empty_window: MainWindow) -> None:
    view = feedback_view(empty_window)
    assert view.body.currentWidget() is view.empty_label
    assert view.empty_label.text().startswith("There is no programme yet")
    assert not view.new_button.isEnabled()


def test_print_link_opens_the_form_in_documents(window: MainWindow, demo_db: Database) -> None:
    from mentordesk.ui.views.documents_view import DocumentKind, DocumentsView

    view = feedback_view(window)
    survey = forms(demo_db)[-1]
    assert view.select_form(survey.id)
    assert view.open_in_documents() is True
    assert window.current_area() == "documents"
    documents = window.views["documents"]
    assert isinstance(documents, DocumentsView)
    assert documents.current_kind() == DocumentKind.FORMS
    assert documents.form_combo.currentData() == survey.id
