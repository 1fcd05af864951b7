"""Feedback forms and their responses: design, entry, survey-tool imports, summaries.

Confidentiality: a confidential response is only ever shown or exported inside an
aggregate of at least :data:`MIN_GROUP` confidential answers, and its free text never.

The flow the GUI and the CLI follow:

1. Design: :class:`FormData` with its :class:`QuestionData`, checked by
   :func:`validate_form`, stored by :func:`create_form` / :func:`update_form`, or made from
   one of the ready-made :data:`TEMPLATES` (``resources/forms/*.json``) by
   :func:`create_from_template`.
2. Responses: typed in on screen (:func:`submit_response`), read from filled-in fillable
   PDFs (:mod:`mentordesk.services.documents.forms`), or imported from a survey tool's CSV
   or XLSX export (:func:`preview_survey`, then :func:`import_survey`).
3. Results: :func:`summarise_form` (per-question aggregates) and :func:`export_responses`
   (CSV), both honouring confidentiality.

Decisions worth knowing:

* Question numbers: errors name a question by its number on the form, from 1
  ("questions.3.choices"), the ``position`` a :class:`QuestionRecord` reports.
* Editing an answered question (:func:`update_form`): a question keeps its answers when it is
  matched -- by its ``id`` (as :func:`get_form` hands it out), or, for a question given
  without an id, by unchanged wording. It may be reworded, moved, made required or not, and
  given new choices; its kind and its rating scale cannot change once it has answers (a 4
  out of 5 is not a 4 out of 10), and a choice someone picked cannot be removed or renamed.
  A question left out is deleted with its answers (``QuestionRecord.answers`` lets the GUI
  warn first), and a response left with no answers at all is deleted too.
* Confidentiality and differencing: non-confidential responses are shown and exported one
  by one, so an aggregate that mixed them with a few confidential answers would give those
  answers away (the total minus the rows one can see); so would comparing two aggregates
  that differ by a few confidential answers -- two forms, two questions, or the same
  figures a day apart. So confidential answers count only in whole blocks of
  :data:`MIN_GROUP`, question by question, in the order they were submitted
  (``submitted_at``, then the response's id): of ``n`` confidential answers to a question,
  the first ``n // 5 * 5`` count (:func:`counted_confidential`) and the rest are left out
  ("2 confidential answers left out until there are 5") until the block they start is
  complete. Non-confidential answers always count. Then any two aggregates -- summaries
  here, the aggregates of an export, the KPIs and their months and snapshots
  (:mod:`mentordesk.services.kpis`) -- differ only by whole blocks of at least five
  confidential answers. An aggregate with no answer to count is hidden ("fewer than 5
  confidential answers"). Counts of answers are always shown. Known limits: a group in
  which everyone gave the same answer reveals it, and deleting a counted confidential
  response changes the blocks after it.
* Survey-tool exports are read with :func:`mentordesk.services.importing.read_source`
  (encodings, delimiters, XLSX), the first non-empty row being the header (survey tools
  always put it first; an XLSX cell merged over a question's options reads as blank, like
  the CSV's). SurveyMonkey's second header row (the answer
  options under each question) is merged into the column names; each column is matched to
  a question by the similarity of its header to the question's wording (see
  :func:`_similarity`). Values may be written as survey tools write them: "5 - Very
  satisfied", "Strongly agree" on a five-point rating, "10 - Extremely likely", "4/5";
  choices in any case; tick boxes joined by ";" or ",", or one column per option.
  Submission times are read as the HR outcomes import reads dates (day first unless told
  otherwise: "31/03/2026 14:31:07", "3/5/26 14:31"), with a time and a zone label; one
  that cannot be read is a problem of its row, never replaced by the time of the import.
* A survey row is a duplicate -- not stored again -- when a response already holds the same
  respondent email and answers (without an email: the same answers with the same response
  id or time, when the file has one). Rows with a problem are refused; the others are
  stored, all or nothing, in the caller's transaction.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import selectinload

from mentordesk.errors import NotFoundError, UserError, ValidationError
from mentordesk.models import (
    Audience,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    FormPurpose,
    Pairing,
    Participant,
    Programme,
    QuestionKind,
)
from mentordesk.paths import resource_path
from mentordesk.services import audit
from mentordesk.services.exporting import neutralise
from mentordesk.services.importing import (
    Cancelled,
    Problem,
    Progress,
    SourceOptions,
    SourceTable,
    fold_header,
    guess_mapping,
    read_source,
)
from mentordesk.services.outcomes import parse_hr_date
from mentordesk.services.pairing import pairing_of
from mentordesk.services.validation import MAX_TEXT, check_email, check_length

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MIN_GROUP = 5
HIDDEN_REASON = f"fewer than {MIN_GROUP} confidential answers"

MAX_QUESTIONS = 100
MAX_CHOICES = 30
MAX_TITLE = 200
MAX_QUESTION_TEXT = 1000
MAX_CHOICE_TEXT = 200
MAX_ANSWER = 10_000
SCORE_MAX = 10
DEFAULT_SCALE = 5
MEASURES = ("", "satisfaction", "recommendation")
SOURCES = ("screen", "pdf", "csv")

# What a column of a survey export may be mapped to, besides a question id.
EMAIL = "email"
SUBMITTED = "submitted"
RESPONSE_ID = "response_id"
IGNORE = "ignore"
TARGETS = (EMAIL, SUBMITTED, RESPONSE_ID, IGNORE)

Target = int | str
AnswerValue = str | int | float | bool | Sequence[str] | None


def counted_confidential(confidential: int) -> int:
    """How many of a question's ``confidential`` answers count in aggregates: the first
    whole blocks of :data:`MIN_GROUP` of them, in the order they were submitted."""
    return confidential - confidential % MIN_GROUP


def aggregate_allowed(responses: int, confidential: int) -> bool:
    """Whether an aggregate over ``responses`` answers to one question, ``confidential`` of
    them confidential, may be shown as it is: when the confidential ones make whole blocks
    of :data:`MIN_GROUP` (none at all included), as :func:`counted_confidential` keeps them.

    At least five would not do: the non-confidential answers are shown one by one, and a
    summary before and after one more confidential answer arrived (or a form's summary
    beside the programme's KPI) differ by that one answer. Whole blocks make every such
    difference at least MIN_GROUP confidential answers.
    """
    return 0 <= confidential <= responses and confidential % MIN_GROUP == 0


def left_out_note(count: int, what: str = "answer") -> str:
    """"2 confidential answers left out until there are 5": why some are not counted."""
    return (f"{count} confidential {what}{'s' if count != 1 else ''} left out until there "
            f"are {MIN_GROUP}")


# =========================================================================== design


@dataclass(frozen=True)
class QuestionData:
    """A question as the designer edits it.

    ``scale_max`` is for ratings (2 to 10; None means 5); a score is always 0 to 10.
    ``choices`` are for choice and multiple-choice questions. ``measure`` says what the
    answers count towards in the KPIs: "satisfaction" (a rating) or "recommendation" (a
    score). ``id`` is the stored question's, as :func:`get_form` gives it: keep it when
    editing so the question keeps its answers (None for a new question).
    """

    text: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()
    scale_max: int | None = None
    required: bool = False
    measure: str = ""
    id: int | None = None


@dataclass(frozen=True)
class FormData:
    """A form as the designer edits it; the questions in their order on the form."""

    title: str
    purpose: FormPurpose = FormPurpose.FEEDBACK
    audience: Audience = Audience.EVERYONE
    introduction: str = ""
    questions: tuple[QuestionData, ...] = ()


@dataclass(frozen=True)
class QuestionRecord:
    """A stored question; ``position`` is its number on the form (from 1), ``answers``
    how many responses answered it."""

    id: int
    position: int
    text: str
    kind: QuestionKind
    choices: tuple[str, ...]
    scale_max: int | None
    required: bool
    measure: str
    answers: int

    def to_data(self) -> QuestionData:
        """The question as :func:`update_form` takes it back (with its id)."""
        return QuestionData(text=self.text, kind=self.kind, choices=self.choices,
                            scale_max=self.scale_max, required=self.required,
                            measure=self.measure, id=self.id)


@dataclass(frozen=True)
class FormRecord:
    """A stored form with its questions and how many responses it has."""

    id: int
    programme_id: int
    title: str
    purpose: FormPurpose
    audience: Audience
    introduction: str
    template: str
    created_at: datetime
    questions: tuple[QuestionRecord, ...]
    responses: int
    confidential_responses: int

    def to_data(self) -> FormData:
        """The form as :func:`update_form` takes it back (questions with their ids)."""
        return FormData(title=self.title, purpose=self.purpose, audience=self.audience,
                        introduction=self.introduction,
                        questions=tuple(q.to_data() for q in self.questions))


@dataclass(frozen=True)
class FormTemplate:
    """A ready-made form: ``key`` is its file's name, ``name`` and ``description`` are
    for the template picker."""

    key: str
    name: str
    description: str
    data: FormData


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _same_text(a: str, b: str) -> bool:
    return _one_line(a).casefold() == _one_line(b).casefold()


def _normalise_form(data: FormData) -> tuple[FormData, dict[str, str]]:
    """``data`` tidied (spaces, defaults) and the reasons it cannot be stored, by field."""
    errors: dict[str, str] = {}
    title = _one_line(data.title)
    if not title:
        errors["title"] = "is required"
    else:
        check_length(errors, "title", title, MAX_TITLE)
    try:
        purpose = FormPurpose(data.purpose)
    except ValueError:
        errors["purpose"] = f"'{data.purpose}' is not a form purpose"
        purpose = FormPurpose.FEEDBACK
    try:
        audience = Audience(data.audience)
    except ValueError:
        errors["audience"] = f"'{data.audience}' is not an audience"
        audience = Audience.EVERYONE
    introduction = data.introduction.replace("\r\n", "\n").replace("\r", "\n").strip()
    check_length(errors, "introduction", introduction, MAX_TEXT)
    if not data.questions:
        errors["questions"] = "a form needs at least one question"
    elif len(data.questions) > MAX_QUESTIONS:
        errors["questions"] = f"a form can have at most {MAX_QUESTIONS} questions"
    questions: list[QuestionData] = []
    texts: dict[str, int] = {}
    measured: dict[str, int] = {}
    ids: dict[int, int] = {}
    for n, q in enumerate(data.questions, start=1):
        key = f"questions.{n}"
        text = _one_line(q.text)
        if not text:
            errors[f"{key}.text"] = "is required"
        elif len(text) > MAX_QUESTION_TEXT:
            errors[f"{key}.text"] = (f"is {len(text)} characters long; the limit is "
                                     f"{MAX_QUESTION_TEXT}")
        elif text.casefold() in texts:
            errors[f"{key}.text"] = f"is the same as question {texts[text.casefold()]}"
        else:
            texts[text.casefold()] = n
        try:
            kind = QuestionKind(q.kind)
        except ValueError:
            errors[f"{key}.kind"] = f"'{q.kind}' is not a kind of question"
            kind = QuestionKind.TEXT
        scale_max: int | None = None
        if kind is QuestionKind.RATING:
            scale_max = DEFAULT_SCALE if q.scale_max is None else q.scale_max
            if isinstance(scale_max, bool) or not isinstance(scale_max, int) \
                    or not 2 <= scale_max <= 10:
                errors[f"{key}.scale_max"] = "a rating goes from 1 to between 2 and 10"
                scale_max = DEFAULT_SCALE
        choices: tuple[str, ...] = ()
        if kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE):
            choices = tuple(_one_line(c) for c in q.choices if _one_line(c))
            folded = [c.casefold() for c in choices]
            long = next((c for c in choices if len(c) > MAX_CHOICE_TEXT), None)
            if len(choices) < 2:
                errors[f"{key}.choices"] = "give at least two choices"
            elif len(choices) > MAX_CHOICES:
                errors[f"{key}.choices"] = f"at most {MAX_CHOICES} choices"
            elif len(set(folded)) != len(folded):
                twice = next(c for c in choices if folded.count(c.casefold()) > 1)
                errors[f"{key}.choices"] = f"'{twice}' is there twice"
            elif long is not None:
                errors[f"{key}.choices"] = (f"'{long[:40]}…' is longer than "
                                            f"{MAX_CHOICE_TEXT} characters")
        measure = q.measure.strip().casefold()
        if measure not in MEASURES:
            errors[f"{key}.measure"] = f"'{q.measure}' is not satisfaction or recommendation"
            measure = ""
        elif measure == "satisfaction" and kind is not QuestionKind.RATING:
            errors[f"{key}.measure"] = "only a rating question can measure satisfaction"
        elif measure == "recommendation" and kind is not QuestionKind.SCORE:
            errors[f"{key}.measure"] = ("only a 0-10 score question can measure "
                                        "recommendation")
        elif measure and measure in measured:
            errors[f"{key}.measure"] = (f"question {measured[measure]} already measures "
                                        f"{measure}; a form counts once towards it")
        elif measure:
            measured[measure] = n
        if q.id is not None:
            if q.id in ids:
                errors[f"{key}.id"] = f"is the same question as question {ids[q.id]}"
            ids[q.id] = n
        questions.append(QuestionData(text=text, kind=kind, choices=choices,
                                      scale_max=scale_max, required=bool(q.required),
                                      measure=measure, id=q.id))
    return FormData(title=title, purpose=purpose, audience=audience,
                    introduction=introduction, questions=tuple(questions)), errors


def validate_form(data: FormData) -> dict[str, str]:
    """The reasons ``data`` cannot be stored, by field ("title", "questions.3.choices",
    ...); empty when it can. Questions are numbered from 1."""
    return _normalise_form(data)[1]


def _answer_counts(session: Session, question_ids: Sequence[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    return {qid: int(n) for qid, n in session.execute(
        select(FeedbackAnswer.question_id, func.count(FeedbackAnswer.id))
        .where(FeedbackAnswer.question_id.in_(question_ids))
        .group_by(FeedbackAnswer.question_id))}


def _choices(question: FeedbackQuestion) -> tuple[str, ...]:
    return tuple(c.strip() for c in question.choices.splitlines() if c.strip())


def _records(session: Session, forms: Sequence[FeedbackForm]) -> list[FormRecord]:
    if not forms:
        return []
    form_ids = [f.id for f in forms]
    counts = _answer_counts(session, [q.id for f in forms for q in f.questions])
    responses: dict[int, tuple[int, int]] = {}
    for form_id, total, confidential in session.execute(
            select(FeedbackResponse.form_id, func.count(FeedbackResponse.id),
                   func.count(FeedbackResponse.id).filter(FeedbackResponse.confidential))
            .where(FeedbackResponse.form_id.in_(form_ids))
            .group_by(FeedbackResponse.form_id)):
        responses[form_id] = (int(total), int(confidential))
    out = []
    for f in forms:
        ordered = sorted(f.questions, key=lambda q: q.position)
        total, confidential = responses.get(f.id, (0, 0))
        out.append(FormRecord(
            id=f.id, programme_id=f.programme_id, title=f.title,
            purpose=FormPurpose(f.purpose), audience=Audience(f.audience),
            introduction=f.introduction, template=f.template, created_at=f.created_at,
            questions=tuple(QuestionRecord(
                id=q.id, position=n, text=q.text, kind=QuestionKind(q.kind),
                choices=_choices(q), scale_max=q.scale_max, required=bool(q.required),
                measure=q.measure, answers=counts.get(q.id, 0))
                for n, q in enumerate(ordered, start=1)),
            responses=total, confidential_responses=confidential))
    return out


def _load_form(session: Session, form_id: int) -> FeedbackForm:
    form = session.get(FeedbackForm, form_id, options=[selectinload(FeedbackForm.questions)])
    if form is None:
        raise NotFoundError(f"There is no form with id {form_id}.")
    return form


def get_form(session: Session, form_id: int) -> FormRecord:
    """One form with its questions (and their ids)."""
    return _records(session, [_load_form(session, form_id)])[0]


def list_form_records(session: Session, programme_id: int) -> list[FormRecord]:
    """The programme's forms with their questions, by title."""
    forms = list(session.scalars(
        select(FeedbackForm).where(FeedbackForm.programme_id == programme_id)
        .options(selectinload(FeedbackForm.questions))))
    forms.sort(key=lambda f: (f.title.casefold(), f.id))
    return _records(session, forms)


def _new_question(position: int, q: QuestionData) -> FeedbackQuestion:
    return FeedbackQuestion(position=position, text=q.text, kind=q.kind,
                            choices="\n".join(q.choices), scale_max=q.scale_max,
                            required=q.required, measure=q.measure)


def create_form(session: Session, programme_id: int, data: FormData, *,
                template: str = "") -> FormRecord:
    """Create a form in the programme; raises :class:`ValidationError` naming each bad
    field (see :func:`validate_form`). Question ids in ``data`` are ignored."""
    if session.get(Programme, programme_id) is None:
        raise NotFoundError(f"There is no programme with id {programme_id}.")
    data, errors = _normalise_form(data)
    if errors:
        raise ValidationError(errors)
    form = FeedbackForm(programme_id=programme_id, title=data.title, purpose=data.purpose,
                        audience=data.audience, introduction=data.introduction,
                        template=template,
                        questions=[_new_question(n, q)
                                   for n, q in enumerate(data.questions, start=1)])
    session.add(form)
    session.flush()
    audit.record(session, "add", "feedback_form", form.id)
    return get_form(session, form.id)


def _match_questions(data: FormData, existing: Sequence[FeedbackQuestion],
                     errors: dict[str, str]) -> list[FeedbackQuestion | None]:
    """The stored question each of ``data``'s questions continues, or None for a new one."""
    by_id = {q.id: q for q in existing}
    matched: list[FeedbackQuestion | None] = [None] * len(data.questions)
    named = {q.id for q in data.questions if q.id is not None}
    for i, q in enumerate(data.questions):
        if q.id is None:
            continue
        if q.id not in by_id:
            errors[f"questions.{i + 1}.id"] = "is not a question of this form"
        else:
            matched[i] = by_id[q.id]
    free = [q for q in sorted(existing, key=lambda q: q.position) if q.id not in named]
    for i, q in enumerate(data.questions):
        if q.id is not None:
            continue
        # Unchanged wording keeps the answers: at the same place first, else anywhere.
        same = [old for old in free if _same_text(old.text, q.text)]
        if same:
            at_place = [old for old in same if old.position == i + 1]
            chosen = (at_place or same)[0]
            matched[i] = chosen
            free.remove(chosen)
    return matched


def _used_choices(session: Session, question_id: int) -> dict[str, int]:
    used: dict[str, int] = defaultdict(int)
    for (text,) in session.execute(select(FeedbackAnswer.value_text)
                                   .where(FeedbackAnswer.question_id == question_id)):
        for choice in (text or "").split("\n"):
            if choice:
                used[choice] += 1
    return used


def _check_answered_changes(session: Session, data: FormData,
                            matched: Sequence[FeedbackQuestion | None],
                            counts: Mapping[int, int], errors: dict[str, str]) -> None:
    """Refuse changes that would make stored answers wrong (see the module's notes)."""
    for n, (q, old) in enumerate(zip(data.questions, matched, strict=True), start=1):
        answered = counts.get(old.id, 0) if old is not None else 0
        if old is None or not answered:
            continue
        many = f"{answered} answer{'s' if answered != 1 else ''}"
        if q.kind != old.kind:
            errors[f"questions.{n}.kind"] = (f"has {many}, so its kind cannot change; add "
                                             "a new question instead")
        elif q.kind is QuestionKind.RATING and q.scale_max != old.scale_max:
            errors[f"questions.{n}.scale_max"] = (
                f"has {many} on the scale of 1 to {old.scale_max}, so the scale cannot "
                "change; add a new question instead")
        elif q.kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE):
            kept = {c.casefold() for c in q.choices}
            gone = [c for c in _used_choices(session, old.id) if c.casefold() not in kept]
            if gone:
                listed = ", ".join(f"'{c}'" for c in sorted(gone))
                errors[f"questions.{n}.choices"] = (
                    f"{listed} {'was' if len(gone) == 1 else 'were'} chosen in answers, so "
                    "cannot be removed or renamed")


def _refresh_choice_answers(session: Session, question: FeedbackQuestion,
                            choices: tuple[str, ...]) -> None:
    """Stored choices spelt as the form now spells them; tick boxes in the form's order."""
    canonical = {c.casefold(): c for c in choices}
    order = {c: i for i, c in enumerate(choices)}
    for answer in session.scalars(select(FeedbackAnswer)
                                  .where(FeedbackAnswer.question_id == question.id)):
        picked = [canonical.get(c.casefold(), c) for c in (answer.value_text or "").split("\n")
                  if c]
        picked.sort(key=lambda c: order.get(c, len(order)))
        text = "\n".join(picked)
        if text != answer.value_text:
            answer.value_text = text


def update_form(session: Session, form_id: int, data: FormData) -> FormRecord:
    """Replace a form's details and questions, keeping answers with their questions.

    See the module's notes for how questions are matched and what cannot change once a
    question has answers; raises :class:`ValidationError` naming each refused change.
    """
    form = _load_form(session, form_id)
    data, errors = _normalise_form(data)
    existing = list(form.questions)
    matched = _match_questions(data, existing, errors)
    counts = _answer_counts(session, [q.id for q in existing])
    _check_answered_changes(session, data, matched, counts, errors)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in ("title", "purpose", "audience", "introduction")
               if getattr(form, name) != getattr(data, name)]
    form.title, form.purpose, form.audience = data.title, data.purpose, data.audience
    form.introduction = data.introduction
    kept = {old.id for old in matched if old is not None}
    removed = [old for old in existing if old.id not in kept]
    before = {old.id: (old.position, old.text, old.kind, old.choices, old.scale_max,
                       old.required, old.measure) for old in existing}
    # Positions are unique per form: park the kept questions out of the way first.
    for i, old in enumerate(existing):
        old.position = -1 - i
    session.flush()
    questions: list[FeedbackQuestion] = []
    for n, (q, match) in enumerate(zip(data.questions, matched, strict=True), start=1):
        if match is None:
            questions.append(_new_question(n, q))
            changed.append("questions")
            continue
        reorder = _choices(match) != q.choices
        match.position, match.text, match.kind = n, q.text, q.kind
        match.choices, match.scale_max = "\n".join(q.choices), q.scale_max
        match.required, match.measure = q.required, q.measure
        if reorder and counts.get(match.id) and q.kind in (QuestionKind.CHOICE,
                                                            QuestionKind.MULTI_CHOICE):
            _refresh_choice_answers(session, match, q.choices)
        if before[match.id] != (match.position, match.text, match.kind, match.choices,
                                match.scale_max, match.required, match.measure):
            changed.append("questions")
        questions.append(match)
    form.questions = questions
    session.flush()
    if removed:
        changed.append("questions")
        # The database removes their answers; a response with nothing left goes too.
        session.execute(delete(FeedbackResponse).where(
            FeedbackResponse.form_id == form.id,
            ~select(FeedbackAnswer.id).where(FeedbackAnswer.response_id == FeedbackResponse.id)
            .exists()))
        session.expire(form, ["responses"])
    audit.record(session, "edit", "feedback_form", form.id, sorted(set(changed)))
    return get_form(session, form.id)


def delete_form(session: Session, form_id: int) -> None:
    """Delete a form with its questions and every response to it."""
    form = _load_form(session, form_id)
    session.delete(form)
    session.flush()
    audit.record(session, "delete", "feedback_form", form_id)


def duplicate_form(session: Session, form_id: int, *, title: str | None = None) -> FormRecord:
    """A copy of the form (questions only, no responses), titled ``title`` or "… (copy)"."""
    source = get_form(session, form_id)
    data = source.to_data()
    data = dataclasses.replace(
        data, title=title if title is not None else f"{source.title} (copy)",
        questions=tuple(dataclasses.replace(q, id=None) for q in data.questions))
    return create_form(session, source.programme_id, data, template=source.template)


def _template_from(key: str, raw: Mapping[str, Any]) -> FormTemplate:
    questions = tuple(QuestionData(
        text=str(q["text"]), kind=QuestionKind(q["kind"]),
        choices=tuple(str(c) for c in q.get("choices", ())),
        scale_max=q.get("scale_max"), required=bool(q.get("required", False)),
        measure=str(q.get("measure", ""))) for q in raw["questions"])
    data = FormData(title=str(raw["title"]), purpose=FormPurpose(raw["purpose"]),
                    audience=Audience(raw["audience"]),
                    introduction=str(raw.get("introduction", "")), questions=questions)
    normalised, errors = _normalise_form(data)
    if errors:
        raise RuntimeError(f"The form template {key} is not valid: {errors}")
    return FormTemplate(key=key, name=str(raw.get("name", normalised.title)),
                        description=str(raw.get("description", "")), data=normalised)


def load_templates(folder: Path | None = None) -> dict[str, FormTemplate]:
    """The ready-made forms in ``folder`` (the bundled ``resources/forms``), by key.

    A template that cannot be read is a bug in the bundle, raised as RuntimeError.
    """
    folder = folder or resource_path("forms")
    templates: dict[str, FormTemplate] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            templates[path.stem] = _template_from(path.stem, raw)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RuntimeError(f"The form template {path.name} cannot be read: {exc}") from exc
    return templates


TEMPLATES: dict[str, FormTemplate] = load_templates()


def create_from_template(session: Session, programme_id: int, template_key: str, *,
                         title: str | None = None) -> FormRecord:
    """A new form in the programme made from the ready-made template ``template_key``."""
    template = TEMPLATES.get(template_key)
    if template is None:
        known = ", ".join(TEMPLATES) or "none"
        raise NotFoundError(f"There is no form template '{template_key}'; the templates are "
                            f"{known}.")
    data = template.data if title is None else dataclasses.replace(template.data, title=title)
    return create_form(session, programme_id, data, template=template.key)


# =========================================================================== responses


@dataclass(frozen=True)
class AnswerData:
    """An answer typed in on screen.

    ``value`` by kind: a rating or score as a whole number; a choice as its text; tick
    boxes as a sequence of choices (or their text, one per line); yes/no as a bool or
    "yes"/"no"; free text as text. None, "" or an empty sequence is no answer.
    """

    question_id: int
    value: AnswerValue


@dataclass(frozen=True)
class _Answer:
    text: str | None = None
    number: float | None = None


@dataclass(frozen=True)
class _Question:
    """A question as answers are checked against it: a snapshot, not the ORM row."""

    id: int
    number: int
    text: str
    kind: QuestionKind
    choices: tuple[str, ...]
    scale_max: int
    required: bool

    @property
    def low(self) -> int:
        return 0 if self.kind is QuestionKind.SCORE else 1

    @property
    def high(self) -> int:
        return SCORE_MAX if self.kind is QuestionKind.SCORE else self.scale_max


def _questions(form: FeedbackForm) -> list[_Question]:
    ordered = sorted(form.questions, key=lambda q: q.position)
    return [_Question(id=q.id, number=n, text=q.text, kind=QuestionKind(q.kind),
                      choices=_choices(q), scale_max=q.scale_max or DEFAULT_SCALE,
                      required=bool(q.required))
            for n, q in enumerate(ordered, start=1)]


def _is_empty(value: AnswerValue) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, bool | int | float):
        return False
    return not any(str(v).strip() for v in value)


def _whole(value: AnswerValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
            return int(float(text))
    return None


def _shown(value: AnswerValue) -> str:
    text = value if isinstance(value, str) else str(value)
    text = _one_line(text)
    return text if len(text) <= 40 else text[:39] + "…"


def _check_value(q: _Question, value: AnswerValue) -> tuple[_Answer | None, str | None]:
    """The answer to store for ``value``, or the reason it is not an answer to ``q``."""
    if _is_empty(value):
        return None, None
    kind = q.kind
    if kind in (QuestionKind.RATING, QuestionKind.SCORE):
        number = _whole(value)
        if number is None:
            return None, f"'{_shown(value)}' is not a whole number from {q.low} to {q.high}"
        if not q.low <= number <= q.high:
            return None, f"{number} is not on the scale of {q.low} to {q.high}"
        return _Answer(number=float(number)), None
    if kind is QuestionKind.YES_NO:
        if isinstance(value, bool):
            return _Answer(text="yes" if value else "no"), None
        text = str(value).strip().casefold() if isinstance(value, str) else ""
        if text in ("yes", "no"):
            return _Answer(text=text), None
        return None, f"'{_shown(value)}' is neither yes nor no"
    if kind is QuestionKind.TEXT:
        if not isinstance(value, str):
            return None, "is not text"
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_ANSWER:
            return None, f"is {len(text):,} characters long; the limit is {MAX_ANSWER:,}"
        return _Answer(text=text), None
    canonical = {_one_line(c).casefold(): c for c in q.choices}
    if kind is QuestionKind.CHOICE:
        if not isinstance(value, str):
            return None, "give one of the choices"
        found = canonical.get(_one_line(value).casefold())
        if found is None:
            return None, f"'{_shown(value)}' is not one of the choices"
        return _Answer(text=found), None
    # Multiple choice: any of the choices, stored one per line in the form's order.
    if value is None or isinstance(value, bool | int | float):
        return None, "give the chosen choices"
    items = value.split("\n") if isinstance(value, str) else [str(v) for v in value]
    picked: set[str] = set()
    for item in items:
        if not item.strip():
            continue
        found = canonical.get(_one_line(item).casefold())
        if found is None:
            return None, f"'{_shown(item)}' is not one of the choices"
        picked.add(found)
    return _Answer(text="\n".join(c for c in q.choices if c in picked)), None


def _check_answers(questions: Sequence[_Question], values: Mapping[int, AnswerValue],
                   ) -> tuple[dict[int, _Answer], dict[str, str]]:
    answers: dict[int, _Answer] = {}
    errors: dict[str, str] = {}
    for q in questions:
        answer, reason = _check_value(q, values.get(q.id))
        if reason:
            errors[f"questions.{q.number}"] = reason
        elif answer is not None:
            answers[q.id] = answer
        elif q.required:
            errors[f"questions.{q.number}"] = "needs an answer"
    return answers, errors


def submit_response(session: Session, form_id: int, answers: Sequence[AnswerData], *,
                    participant_id: int | None = None, pairing_id: int | None = None,
                    confidential: bool = False, source: str = "screen") -> int:
    """Store one person's answers to a form; returns the new response's id.

    Raises:
        ValidationError: keyed "questions.N" (N: the question's number on the form) for
            each answer refused or required question left blank, "answers" for an answer
            to a question not on the form.
        NotFoundError: the form, the participant or the pairing does not exist.
    """
    form = _load_form(session, form_id)
    if source not in SOURCES:
        raise UserError(f"'{source}' is not a source of responses; use one of "
                        f"{', '.join(SOURCES)}.")
    if participant_id is not None and session.get(Participant, participant_id) is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    if pairing_id is not None and session.get(Pairing, pairing_id) is None:
        raise NotFoundError(f"There is no pairing with id {pairing_id}.")
    questions = _questions(form)
    known = {q.id for q in questions}
    values: dict[int, AnswerValue] = {}
    errors: dict[str, str] = {}
    for a in answers:
        if a.question_id not in known:
            errors["answers"] = f"question id {a.question_id} is not on this form"
        elif a.question_id in values:
            errors["answers"] = f"question id {a.question_id} is answered twice"
        else:
            values[a.question_id] = a.value
    stored, reasons = _check_answers(questions, values)
    errors.update(reasons)
    if not errors and not stored:
        errors["answers"] = "no question was answered"
    if errors:
        raise ValidationError(errors)
    if pairing_id is None and participant_id is not None:
        pairing_id = pairing_of(session, form.programme_id, participant_id)
    response = FeedbackResponse(
        form_id=form.id, participant_id=participant_id, pairing_id=pairing_id,
        source=source, confidential=confidential,
        answers=[FeedbackAnswer(question_id=qid, value_text=a.text, value_number=a.number)
                 for qid, a in stored.items()])
    session.add(response)
    session.flush()
    audit.record(session, "add", "feedback_response", response.id, ["answers"])
    return response.id


def delete_response(session: Session, response_id: int) -> None:
    """Delete one response and its answers."""
    response = session.get(FeedbackResponse, response_id)
    if response is None:
        raise NotFoundError(f"There is no response with id {response_id}.")
    session.delete(response)
    session.flush()
    audit.record(session, "delete", "feedback_response", response_id)


@dataclass(frozen=True)
class ResponseRecord:
    """A non-confidential response as a list shows it: answers by question id (a number
    for ratings and scores, else text; tick boxes one per line)."""

    id: int
    submitted_at: datetime
    source: str
    participant_id: int | None
    respondent: str
    answers: dict[int, str | float]


def _open_responses(form_id: int, *columns: Any) -> Select[Any]:
    """The columns asked for, of the form's non-confidential responses (with their
    participant, if any), oldest first."""
    return (select(*columns)
            .outerjoin(Participant, Participant.id == FeedbackResponse.participant_id)
            .where(FeedbackResponse.form_id == form_id,
                   FeedbackResponse.confidential.is_(False))
            .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id))


def _open_answers(session: Session, form_id: int,
                  ) -> dict[int, dict[int, tuple[str | None, float | None]]]:
    """Response id -> question id -> (text, number), of the form's non-confidential
    responses."""
    values: dict[int, dict[int, tuple[str | None, float | None]]] = defaultdict(dict)
    for rid, qid, text, number in session.execute(
            select(FeedbackAnswer.response_id, FeedbackAnswer.question_id,
                   FeedbackAnswer.value_text, FeedbackAnswer.value_number)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(FeedbackResponse.form_id == form_id,
                   FeedbackResponse.confidential.is_(False))):
        values[rid][qid] = (text, number)
    return values


def list_responses(session: Session, form_id: int) -> list[ResponseRecord]:
    """The form's non-confidential responses, oldest first. Confidential responses are
    never listed one by one (:attr:`FormRecord.confidential_responses` counts them)."""
    _load_form(session, form_id)
    rows = session.execute(_open_responses(
        form_id, FeedbackResponse.id, FeedbackResponse.submitted_at, FeedbackResponse.source,
        FeedbackResponse.participant_id, Participant.full_name)).all()
    answers = {rid: {qid: number if number is not None else (text or "")
                     for qid, (text, number) in got.items()}
               for rid, got in _open_answers(session, form_id).items()}
    return [ResponseRecord(id=r[0], submitted_at=r[1], source=r[2], participant_id=r[3],
                           respondent=r[4] or "", answers=answers.get(r[0], {}))
            for r in rows]


# =========================================================================== summaries


@dataclass(frozen=True)
class QuestionSummary:
    """The aggregates of one question's answers.

    ``answers`` counts every answer (``confidential`` of them confidential); ``included``
    is how many the aggregates cover. ``average`` is for ratings and scores, ``nps`` (the
    net promoter score: % of 9-10 minus % of 0-6) for scores; ``distribution`` counts each
    point of the scale, each choice, or yes and no. When ``hidden``, every aggregate is
    None and ``reason`` says why; ``reason`` also notes confidential answers left out.
    ``comments`` are the free-text answers of non-confidential responses only.
    """

    question_id: int
    position: int
    text: str
    kind: QuestionKind
    measure: str
    answers: int
    confidential: int
    included: int
    hidden: bool
    reason: str
    average: float | None
    nps: float | None
    distribution: tuple[tuple[str, int], ...] | None
    comments: tuple[str, ...]


@dataclass(frozen=True)
class FormSummaryData:
    """A form's results, question by question."""

    form_id: int
    title: str
    purpose: FormPurpose
    audience: Audience
    responses: int
    confidential_responses: int
    questions: tuple[QuestionSummary, ...]


def _nps(scores: Sequence[float]) -> float:
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return (promoters - detractors) * 100 / len(scores)


def _distribution(q: _Question, answers: Sequence[_Answer]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = defaultdict(int)
    if q.kind in (QuestionKind.RATING, QuestionKind.SCORE):
        labels = [str(v) for v in range(q.low, q.high + 1)]
        for a in answers:
            counts[f"{a.number:g}"] += 1
    elif q.kind is QuestionKind.YES_NO:
        labels = ["yes", "no"]
        for a in answers:
            counts[a.text or ""] += 1
    else:
        labels = list(q.choices)
        for a in answers:
            for choice in (a.text or "").split("\n") if q.kind is QuestionKind.MULTI_CHOICE \
                    else [a.text or ""]:
                if choice:
                    counts[choice] += 1
    extra = [k for k in counts if k not in labels]
    return tuple((label, counts.get(label, 0)) for label in [*labels, *sorted(extra)])


def _summarise_question(q: _Question, measure: str, open_answers: Sequence[_Answer],
                        secret: Sequence[_Answer]) -> QuestionSummary:
    """``secret``: the confidential answers in the order they were submitted."""
    total = len(open_answers) + len(secret)
    counted = counted_confidential(len(secret))
    used = [*open_answers, *secret[:counted]]
    left = len(secret) - counted
    reason = left_out_note(left) if left else ""
    hidden = not used and total > 0
    comments: tuple[str, ...] = ()
    if q.kind is QuestionKind.TEXT:
        comments = tuple(a.text for a in open_answers if a.text)
        if hidden and not secret:
            hidden = False
    average = nps = None
    distribution = None
    if used and q.kind is not QuestionKind.TEXT:
        distribution = _distribution(q, used)
        if q.kind in (QuestionKind.RATING, QuestionKind.SCORE):
            numbers = [a.number for a in used if a.number is not None]
            average = sum(numbers) / len(numbers)
            if q.kind is QuestionKind.SCORE:
                nps = _nps(numbers)
    if q.kind is QuestionKind.TEXT and secret:
        # Free text is an answer, not an aggregate: confidential comments are never shown.
        reason = (f"{len(secret)} confidential comment{'s' if len(secret) != 1 else ''} "
                  "not shown")
        hidden = not open_answers
    return QuestionSummary(
        question_id=q.id, position=q.number, text=q.text, kind=q.kind, measure=measure,
        answers=total, confidential=len(secret), included=len(used) if q.kind
        is not QuestionKind.TEXT else len(open_answers), hidden=hidden, reason=reason,
        average=average, nps=nps, distribution=distribution, comments=comments)


def _answers_by_question(session: Session, form_id: int,
                         ) -> dict[int, tuple[list[_Answer], list[_Answer]]]:
    """(non-confidential, confidential) answers of each question of the form."""
    out: dict[int, tuple[list[_Answer], list[_Answer]]] = defaultdict(lambda: ([], []))
    for qid, text, number, confidential in session.execute(
            select(FeedbackAnswer.question_id, FeedbackAnswer.value_text,
                   FeedbackAnswer.value_number, FeedbackResponse.confidential)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(FeedbackResponse.form_id == form_id)
            .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id)):
        out[qid][1 if confidential else 0].append(_Answer(text, number))
    return out


def summarise_form(session: Session, form_id: int) -> FormSummaryData:
    """Per-question aggregates of the form's responses, honouring confidentiality (see the
    module's notes): confidential answers only in whole blocks of five per question, in
    the order they were submitted; confidential free text never."""
    form = _load_form(session, form_id)
    record = get_form(session, form_id)
    measures = {q.id: q.measure for q in record.questions}
    answers = _answers_by_question(session, form_id)
    questions = tuple(_summarise_question(q, measures[q.id], *answers.get(q.id, ([], [])))
                      for q in _questions(form))
    return FormSummaryData(form_id=form.id, title=form.title, purpose=record.purpose,
                           audience=record.audience, responses=record.responses,
                           confidential_responses=record.confidential_responses,
                           questions=questions)


# =========================================================================== export


@dataclass(frozen=True)
class ResponsesExport:
    """What :func:`export_responses` wrote: ``rows`` responses one per row, and how many
    confidential responses were left out of the rows (counted only in the summary)."""

    path: Path
    rows: int
    confidential_left_out: int


def _cell(q: _Question, text: str | None, number: float | None) -> str | int | float:
    if number is not None:
        return int(number) if float(number).is_integer() else number
    if q.kind is QuestionKind.MULTI_CHOICE:
        return "; ".join(c for c in (text or "").split("\n") if c)
    return text or ""


def _summary_rows(summary: FormSummaryData) -> list[list[str | int | float]]:
    rows: list[list[str | int | float]] = [
        ["Summary"],
        ["Question", "Answers", "Included", "Average", "NPS", "Distribution", "Note"]]
    for q in summary.questions:
        distribution = "; ".join(f"{label}: {n}" for label, n in q.distribution or ())
        rows.append([f"{q.position}. {q.text}", q.answers, q.included,
                     "" if q.average is None else f"{q.average:.2f}",
                     "" if q.nps is None else f"{q.nps:.0f}", distribution, q.reason])
    return rows


def export_responses(session: Session, form_id: int, path: Path) -> ResponsesExport:
    """Write the form's responses as CSV (UTF-8 with a byte-order mark, for Excel).

    One row per non-confidential response (respondent, then one column per question,
    headed by its wording), then a blank row and the summary of :func:`summarise_form`,
    then a note. Confidential responses never appear as rows and their free text never at
    all; they count only in the summary's aggregates, under its rules. The file is written
    atomically and owner-only; a cell a spreadsheet would run as a formula is neutralised.
    """
    from mentordesk.db import private_output

    form = _load_form(session, form_id)
    questions = _questions(form)
    summary = summarise_form(session, form_id)
    header: list[str | int | float] = ["Response", "Submitted (UTC)", "Source", "Respondent",
                               "Email", *(q.text for q in questions)]
    responses = session.execute(_open_responses(
        form_id, FeedbackResponse.id, FeedbackResponse.submitted_at, FeedbackResponse.source,
        Participant.full_name, Participant.email)).all()
    values = _open_answers(session, form_id)
    rows: list[list[str | int | float]] = [header]
    for rid, submitted, source, name, email in responses:
        got = values.get(rid, {})
        rows.append([rid, f"{submitted:%Y-%m-%d %H:%M}", source, name or "", email or "",
                     *(_cell(q, *got[q.id]) if q.id in got else "" for q in questions)])
    rows.append([])
    rows.extend(_summary_rows(summary))
    secret = summary.confidential_responses
    if secret:
        rows.append([])
        rows.append([f"{secret} confidential response{'s are' if secret != 1 else ' is'} not "
                     "listed row by row: they count only in whole blocks of "
                     f"{MIN_GROUP} confidential answers to a question, and their free text "
                     "is never exported."])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    payload = buffer.getvalue().encode("utf-8-sig")
    path = Path(path)
    try:
        with private_output(path) as handle:
            handle.write(payload)
    except OSError as exc:
        reason = str(exc.strerror or exc).rstrip(".")
        hint = (" If it is open in another program such as Excel, close it there and export "
                "again." if isinstance(exc, PermissionError) and path.exists() else "")
        raise UserError(f"Cannot write {path}: {reason}.{hint}") from exc
    return ResponsesExport(path=path, rows=len(responses), confidential_left_out=secret)


# =========================================================================== survey import


@dataclass(frozen=True)
class SurveyColumn:
    """A column of a survey export and what it is mapped to.

    ``header`` is the key of the mapping (SurveyMonkey's two header rows joined with
    " / " when the second says more than "Response"); ``target`` a question id,
    :data:`EMAIL`, :data:`SUBMITTED`, :data:`RESPONSE_ID` or :data:`IGNORE`;
    ``suggested`` what MentorDesk proposed and ``score`` how alike the header and the
    question's wording are (1.0: the same).
    """

    index: int
    header: str
    target: Target
    suggested: Target
    score: float
    sample: str


@dataclass(frozen=True)
class SurveyRow:
    """What importing one row would do: "import", "duplicate" or "refused"."""

    row: int
    email: str
    status: str
    answers: int
    note: str


@dataclass(frozen=True)
class SurveyPreview:
    """Everything a survey import would do, computed without writing.

    ``shape`` is the tool the file looks like it came from ("microsoft_forms",
    "google_forms", "surveymonkey", or "table"), ``header_rows`` 1 or 2.
    """

    form_id: int
    table: SourceTable
    shape: str
    header_rows: int
    columns: tuple[SurveyColumn, ...]
    mapping: dict[str, Target]
    rows: tuple[SurveyRow, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]

    @property
    def importable(self) -> int:
        """Rows that would be stored."""
        return sum(1 for r in self.rows if r.status == "import")

    @property
    def duplicates(self) -> int:
        """Rows already stored (or repeated in the file)."""
        return sum(1 for r in self.rows if r.status == "duplicate")

    @property
    def refused_rows(self) -> tuple[int, ...]:
        """Rows with a problem, which are not imported."""
        return tuple(r.row for r in self.rows if r.status == "refused")


@dataclass(frozen=True)
class SurveyImportResult:
    """What :func:`import_survey` stored: ``skipped_rows`` are the rows refused or already
    stored; ``problems`` say why each refused row was refused."""

    imported: int
    skipped_rows: tuple[int, ...]
    problems: tuple[Problem, ...]
    duplicates: int
    response_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    question_text: str  # what is matched against the questions' wording
    option: str  # SurveyMonkey's second header row, when it names an answer option


@dataclass
class _Survey:
    table: SourceTable
    shape: str
    header_rows: int
    columns: list[_Column]
    rows: list[tuple[int, tuple[str, ...]]]


_SUBMITTED_HEADERS = {"completiontime", "timestamp", "enddate", "submitted", "submittedat",
                      "submissiontime", "submissiondate", "endtime", "datesubmitted",
                      "recordeddate", "submittedon"}
_ID_HEADERS = {"id", "respondentid", "responseid", "submissionid"}
# Columns survey tools add that are never an answer (not matched to questions).
_METADATA_HEADERS = {"starttime", "startdate", "lastmodifiedtime", "name", "fullname",
                     "firstname", "lastname", "collectorid", "ipaddress", "customdata1",
                     "customdata", "score", "totalscore", "totalpoints", "quizfeedback",
                     "status", "progress", "duration", "durationinseconds", "finished",
                     "language", "userlanguage", "distributionchannel", "recipientlastname",
                     "recipientfirstname", "recipientemail", "externalreference",
                     "locationlatitude", "locationlongitude", "responsetype",
                     *_SUBMITTED_HEADERS, *_ID_HEADERS}
_GENERIC_OPTIONS = {"response", "openendedresponse", "responses", "answer"}
_OTHER_OPTION = re.compile(r"^other\b.*\b(?:specify|please)\b", re.I)


def _shape(headers: Sequence[str]) -> str:
    norms = {fold_header(h) for h in headers}
    if {"respondentid", "collectorid"} <= norms:
        return "surveymonkey"
    if {"id", "starttime", "completiontime"} <= norms:
        return "microsoft_forms"
    if "timestamp" in norms:
        return "google_forms"
    return "table"


def _read_survey(path: Path, options: SourceOptions, progress: Progress | None,
                 cancelled: Cancelled | None) -> _Survey:
    # Survey tools always write the header first; guessing it by participant fields would
    # take a fuller answer row over one with blank cells above a question's options.
    table = read_source(Path(path), dataclasses.replace(options, header_row="first"),
                        progress, cancelled)
    shape = _shape(table.headers)
    rows = list(table.rows)
    width = max([len(table.headers), *(len(cells) for _, cells in rows)])
    headers = [*table.headers, *(f"Column {n}" for n in range(len(table.headers) + 1,
                                                             width + 1))]
    # read_source names an empty header cell "Column N": a question spanning columns.
    blank = {i for i, h in enumerate(headers)
             if i >= len(table.headers) or re.fullmatch(r"Column \d+", h)}
    sub: tuple[str, ...] = ()
    if shape == "surveymonkey" and rows:
        id_col = next(i for i, h in enumerate(headers) if fold_header(h) == "respondentid")
        first = rows[0][1]
        if id_col >= len(first) or not first[id_col].strip():
            sub = first  # the answer options under each question, not a respondent
            rows = rows[1:]
    if _looks_like_data(headers):
        raise UserError(f"The first row of {Path(path).name} holds answers, not the "
                        "questions; survey exports start with a row naming each column. "
                        "Export the responses again, or add that row.")
    columns: list[_Column] = []
    top = ""
    for i, header in enumerate(headers):
        if i in blank and sub and top:
            question = top  # SurveyMonkey leaves the question's other columns unnamed
        else:
            question = top = header
        option = sub[i].strip() if i < len(sub) else ""
        if fold_header(option) in _GENERIC_OPTIONS:
            option = ""
        columns.append(_Column(i, question, question, option))
    # Unique names: a question's option columns are "Question / Option".
    seen: dict[str, int] = defaultdict(int)
    named: list[_Column] = []
    for c in columns:
        label = f"{c.question_text} / {c.option}" if c.option else c.question_text
        seen[label.casefold()] += 1
        if seen[label.casefold()] > 1:
            label = f"{label} ({seen[label.casefold()]})"
        named.append(dataclasses.replace(c, header=label))
    return _Survey(table, shape, 2 if sub else 1, named, rows)


_EMAIL_IN_TEXT = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _looks_like_data(headers: Sequence[str]) -> bool:
    """Whether the row taken for the header holds an email address or a time (a
    respondent's row, when the real header row was missing)."""
    return any(_EMAIL_IN_TEXT.match(h.strip()) for h in headers)


_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):\-–]\s*", re.I)
_ASIDES = re.compile(r"\((?:required|optional|select all that apply|choose one)\)|\*+\s*$",
                     re.I)


def _words(text: str) -> str:
    text = _ASIDES.sub(" ", _NUMBERING.sub("", text.replace("&", " and ")))
    return " ".join(re.findall(r"\w+", text.casefold()))


def _similarity(header: str, question: str) -> float:
    """How alike a column's header and a question's wording are, from 0 to 1.

    Numbering ("Q3.", "3)"), "(Required)", punctuation and case do not count. The best of:
    the characters in common (difflib), the words in common, and 0.9 when one holds the
    whole of the other (a tool that added words before or after the question).
    """
    a, b = _words(header), _words(question)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    wa, wb = set(a.split()), set(b.split())
    overlap = len(wa & wb) / len(wa | wb)
    contained = 0.9 if min(len(a), len(b)) >= 12 and (a in b or b in a) else 0.0
    return max(ratio, overlap, contained)


MATCH_THRESHOLD = 0.7


def _suggest(survey: _Survey, questions: Sequence[_Question],
             ) -> tuple[dict[str, Target], dict[str, float]]:
    """Header -> target, and the similarity behind each question matched."""
    headers = [c.header for c in survey.columns]
    mapping: dict[str, Target] = dict.fromkeys(headers, IGNORE)
    scores: dict[str, float] = dict.fromkeys(headers, 0.0)
    email = next((h for h, key in guess_mapping(
        [c.question_text for c in survey.columns]).items() if key == "email"), None)
    for c in survey.columns:
        if email is not None and c.question_text == email and not c.option:
            mapping[c.header] = EMAIL
            email = None
    for target, names in ((SUBMITTED, _SUBMITTED_HEADERS), (RESPONSE_ID, _ID_HEADERS)):
        column = next((c for c in survey.columns if fold_header(c.header) in names), None)
        if column is not None and mapping[column.header] == IGNORE:
            mapping[column.header] = target
    # Columns of one question (SurveyMonkey's options) are matched together.
    groups: dict[str, list[_Column]] = defaultdict(list)
    for c in survey.columns:
        if mapping[c.header] == IGNORE and fold_header(c.question_text) not in _METADATA_HEADERS:
            groups[c.question_text].append(c)
    pairs = sorted(((_similarity(text, q.text), n, text, q)
                    for n, text in enumerate(groups) for q in questions),
                   key=lambda p: (-p[0], p[1], p[3].number))
    taken_groups: set[str] = set()
    taken_questions: set[int] = set()
    for score, _, text, q in pairs:
        if score < MATCH_THRESHOLD:
            break
        if text in taken_groups or q.id in taken_questions:
            continue
        taken_groups.add(text)
        taken_questions.add(q.id)
        members = groups[text]
        if q.kind is QuestionKind.MULTI_CHOICE:
            chosen = [c for c in members if not _OTHER_OPTION.match(c.option)
                      or any(_same_text(c.option, choice) for choice in q.choices)]
        else:
            chosen = [next((c for c in members if not c.option), members[0])]
        for c in chosen:
            mapping[c.header] = q.id
            scores[c.header] = score
    return mapping, scores


def _target(value: Target, questions: Mapping[int, _Question], header: str) -> Target:
    if isinstance(value, bool):
        raise UserError(f"Column '{header}' is mapped to {value!r}, which is not a question.")
    if isinstance(value, int):
        number = value
    else:
        text = value.strip().casefold()
        if text in ("", "skip", "none", "-"):
            return IGNORE
        if text in TARGETS:
            return text
        if text in ("email address", "e-mail", "respondent email"):
            return EMAIL
        if not text.isdigit():
            raise UserError(f"Column '{header}' is mapped to '{value}', which is not a "
                            "question id, email, submitted, response_id or ignore.")
        number = int(text)
    if number not in questions:
        raise UserError(f"Column '{header}' is mapped to question id {number}, which is not "
                        "on this form; 'feedback forms show' lists the question ids.")
    return number


def _resolve(headers: Sequence[str], wanted: str) -> str:
    for header in headers:
        if header == wanted:
            return header
    for header in headers:
        if _one_line(header).casefold() == _one_line(wanted).casefold():
            return header
    raise UserError(f"The file has no column '{wanted}' (its columns: "
                    f"{', '.join(headers)}).")


def _apply_overrides(survey: _Survey, suggested: Mapping[str, Target],
                     overrides: Mapping[str, Target] | None,
                     questions: Mapping[int, _Question]) -> dict[str, Target]:
    """The suggestion with the caller's choices on top; a question or respondent field
    chosen for one column is taken away from the column it was suggested for."""
    headers = [c.header for c in survey.columns]
    mapping = dict(suggested)
    chosen: dict[str, Target] = {}
    for wanted, value in (overrides or {}).items():
        header = _resolve(headers, wanted)
        chosen[header] = _target(value, questions, header)
    for header, target in chosen.items():
        if target != IGNORE:
            for other, current in mapping.items():
                if current == target and other not in chosen:
                    mapping[other] = IGNORE
        mapping[header] = target
    by_target: dict[Target, list[str]] = defaultdict(list)
    for header in headers:
        if mapping[header] != IGNORE:
            by_target[mapping[header]].append(header)
    for target, cols in by_target.items():
        if len(cols) < 2:
            continue
        multi = isinstance(target, int) and questions[target].kind is QuestionKind.MULTI_CHOICE
        if not multi:
            what = (f"question {questions[target].number}" if isinstance(target, int)
                    else target.replace("_", " "))
            raise UserError(f"Columns '{cols[0]}' and '{cols[1]}' are both mapped to "
                            f"{what}; choose one (only a multiple-choice question can take "
                            "several columns, one per option).")
    if not any(isinstance(t, int) for t in mapping.values()):
        raise UserError("No column of the file is matched to a question of this form. Map "
                        "them with 'Header=question id' (the ids are in 'feedback forms "
                        "show').")
    return mapping


# ----------------------------------------------------------------- reading values


_SCALES: tuple[tuple[str, ...], ...] = (
    ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied",
     "very satisfied"),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree",
     "strongly agree"),
    # SurveyMonkey's satisfaction scale: here "very satisfied" is the fourth point.
    ("not at all satisfied", "not so satisfied", "somewhat satisfied", "very satisfied",
     "extremely satisfied"),
    ("very poor", "poor", "fair", "good", "excellent"),
    ("very unlikely", "unlikely", "neither likely nor unlikely", "likely", "very likely"),
    ("not at all", "a little", "somewhat", "quite a lot", "very much"),
    ("never", "rarely", "sometimes", "often", "always"),
    ("strongly disagree", "disagree", "somewhat disagree", "neither agree nor disagree",
     "somewhat agree", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "somewhat dissatisfied",
     "neither satisfied nor dissatisfied", "somewhat satisfied", "satisfied",
     "very satisfied"),
)
_WORD_SYNONYMS = {"neutral": "neither", "neither agree or disagree": "neither",
                  "neither agree nor disagree": "neither",
                  "neither satisfied or dissatisfied": "neither",
                  "neither satisfied nor dissatisfied": "neither",
                  "neither likely nor unlikely": "neither",
                  "neither likely or unlikely": "neither", "average": "fair"}
_SCORE_WORDS = {"not at all likely": 0, "not likely at all": 0, "extremely likely": 10}
_NUMBER_FIRST = re.compile(r"^\(?\s*(?P<n>[+-]?\d{1,3}(?:\.0+)?)\s*\)?(?:\s*(?:[-–—:.=)]|\s)"
                           r"\s*\D.*)?$", re.S)
_NUMBER_LAST = re.compile(r"^\D.*?[\s(\[]\s*(?P<n>[+-]?\d{1,3}(?:\.0+)?)\s*[)\]]?$", re.S)
_OUT_OF = re.compile(r"^(?P<n>[+-]?\d{1,3}(?:\.0+)?)\s*(?:/|out\s+of|of)\s*(?P<d>\d{1,3})"
                     r"(?:\s*(?:stars?|points?))?$", re.I)
_STARS = re.compile(r"^[★☆]+$")
_NOT_ANSWERED = {"n/a", "na", "not applicable", "-", "–", "—", "no answer", "don't know",
                 "dont know", "prefer not to say"}
_YES_WORDS = {"yes", "y", "true", "1", "ja", "oui", "sí", "si"}
_NO_WORDS = {"no", "n", "false", "0", "nein", "non"}


def _scale_word(text: str) -> str:
    folded = _one_line(text).casefold().rstrip(".")
    return _WORD_SYNONYMS.get(folded, folded)


def _scale_for(cells: Sequence[str], points: int) -> tuple[str, ...] | None:
    """The word scale of ``points`` points that the words in a column belong to: the first
    holding them all, else the one holding most (None when no word is on any)."""
    words = {_scale_word(c) for c in cells
             if c.strip() and not any(ch.isdigit() for ch in c) and not _STARS.match(c)}
    words -= _NOT_ANSWERED
    best: tuple[int, tuple[str, ...] | None] = (0, None)
    for scale in _SCALES:
        if len(scale) != points:
            continue
        names = {_WORD_SYNONYMS.get(w, w) for w in scale}
        hits = len(words & names)
        if words and hits == len(words):
            return scale
        if hits > best[0]:
            best = (hits, scale)
    return best[1]


def _number_in(text: str, q: _Question) -> int | str | None:
    """A whole number written as "4", "4.0", "4 - Satisfied", "Satisfied (4)", "4/5" or
    "★★★★"; a reason when it is a number that cannot be the answer; None otherwise."""
    if _STARS.match(text):
        return text.count("★")
    match = _OUT_OF.match(text)
    if match:
        if int(match["d"]) != q.high:
            return f"'{_shown(text)}' is not on the scale of {q.low} to {q.high}"
        return int(float(match["n"]))
    match = _NUMBER_FIRST.match(text) or _NUMBER_LAST.match(text)
    if match:
        return int(float(match["n"]))
    return None


def _read_scale(text: str, q: _Question, scale: tuple[str, ...] | None) -> AnswerValue | str:
    """The number a survey tool's rating or score cell stands for (see _number_in and the
    word scales), or a reason."""
    number = _number_in(text, q)
    if isinstance(number, str):
        return number
    if number is not None:
        return number
    word = _scale_word(text)
    if q.kind is QuestionKind.SCORE and word in _SCORE_WORDS:
        return _SCORE_WORDS[word]
    if q.kind is QuestionKind.RATING and scale is not None:
        names = [_WORD_SYNONYMS.get(w, w) for w in scale]
        if word in names:
            return names.index(word) + 1
    return f"'{_shown(text)}' is not a number from {q.low} to {q.high}"


def _split_choices(text: str, choices: Sequence[str]) -> tuple[list[str], list[str]]:
    """Ticked choices in a cell, however the tool joined them (";", ",", new lines), and
    the parts that are no choice. Longest choices first, so a choice may hold a comma."""
    ordered = sorted(choices, key=len, reverse=True)
    found: list[str] = []
    unknown: list[str] = []
    rest = text.strip()
    while rest:
        rest = rest.lstrip(" \t\n;,")
        if not rest:
            break
        for choice in ordered:
            head = rest[:len(choice)]
            tail = rest[len(choice):]
            if head.casefold() == choice.casefold() and (not tail.strip()
                                                         or tail.lstrip(" \t")[:1] in ";,\n"):
                found.append(choice)
                rest = tail
                break
        else:
            part = re.split(r"[;\n]" if re.search(r"[;\n]", rest) else ",", rest, maxsplit=1)
            unknown.append(part[0].strip())
            rest = rest[len(part[0]):]
    return found, [u for u in unknown if u]


def _read_cells(q: _Question, cells: Sequence[str], scale: tuple[str, ...] | None,
                ) -> tuple[AnswerValue, str | None]:
    """A question's value from its cells (several only for tick boxes), or a reason."""
    texts = [_one_line(c) if q.kind is not QuestionKind.TEXT else c.strip() for c in cells]
    texts = [t for t in texts if t]
    if q.kind is not QuestionKind.TEXT:
        texts = [t for t in texts if t.casefold() not in _NOT_ANSWERED
                 or any(_same_text(t, c) for c in q.choices)]
    if not texts:
        return None, None
    if q.kind is QuestionKind.MULTI_CHOICE:
        picked: list[str] = []
        for text in texts:
            found, unknown = _split_choices(text, q.choices)
            if unknown:
                return None, f"'{_shown(unknown[0])}' is not one of the choices"
            picked += found
        return tuple(picked), None
    text = texts[0]
    if q.kind in (QuestionKind.RATING, QuestionKind.SCORE):
        value = _read_scale(text, q, scale)
        if isinstance(value, str):
            return None, value
        return value, None
    if q.kind is QuestionKind.YES_NO:
        word = text.casefold().rstrip(".")
        if word in _YES_WORDS:
            return "yes", None
        if word in _NO_WORDS:
            return "no", None
        return None, f"'{_shown(text)}' is neither yes nor no"
    return text, None


_ZONE_LABEL = re.compile(r"\s*(?:GMT|UTC)\s*(?P<sign>[+-])?(?P<h>\d{1,2})?(?::?(?P<m>\d{2}))?\s*$",
                         re.I)
_CLOCK = re.compile(r"^(?P<date>.*?\d)(?:\s*,\s*|\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})"
                    r"(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?"
                    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$")
_SERIAL_TIME = re.compile(r"^\d{5}(?:\.\d+)?$")


def _parse_time(text: str, *, day_first: bool = True) -> datetime | None:
    """When a row was submitted, as UTC; None for an empty cell.

    ISO times ("2024-03-05 14:05:40", with or without an offset); a date as the HR
    outcomes import reads it (:func:`mentordesk.services.outcomes.parse_hr_date`: day
    first unless ``day_first`` is False, two-digit years, month names) followed by a time
    ("14:31", "2:31:07 PM"), and a zone label as Google Forms writes it ("GMT+1"); an
    Excel serial number with a fraction of a day. A time without a zone is taken as UTC.

    Raises:
        ValueError: the text is none of these, with the reason in words.
    """
    from datetime import timedelta, timezone

    text = " ".join(text.split())
    if not text:
        return None
    zone = None
    label = _ZONE_LABEL.search(text)
    if label and label.start() > 0:
        offset = timedelta(hours=int(label["h"] or 0), minutes=int(label["m"] or 0))
        zone = timezone(-offset if label["sign"] == "-" else offset)
        text = text[:label.start()]
    value: datetime | None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None and _SERIAL_TIME.match(text):
        value = datetime(1899, 12, 30) + timedelta(days=float(text))
    if value is None:
        clock = _CLOCK.match(text)
        day = parse_hr_date(clock["date"] if clock else text, day_first=day_first)
        if day is None:
            return None
        hour = minute = second = micro = 0
        if clock:
            hour, minute = int(clock["h"]), int(clock["m"])
            second = int(clock["s"] or 0)
            micro = int((clock["f"] or "0").ljust(6, "0"))
            if clock["ampm"]:
                if not 1 <= hour <= 12:
                    raise ValueError(f"'{text}' is not a time of day ({hour} with AM/PM)")
                hour = hour % 12 + (12 if clock["ampm"][0] in "Pp" else 0)
            if hour > 23 or minute > 59 or second > 59:
                raise ValueError(f"'{text}' is not a time of day")
        value = datetime(day.year, day.month, day.day, hour, minute, second, micro)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or UTC)
    return value.astimezone(UTC)


# ----------------------------------------------------------------- planning


@dataclass
class _PlannedRow:
    line: int
    email: str
    participant_id: int | None
    submitted: datetime | None
    answers: dict[int, _Answer]
    digest: str
    problems: list[Problem] = field(default_factory=list)
    status: str = "import"
    note: str = ""


@dataclass
class _Plan:
    preview: SurveyPreview
    rows: list[_PlannedRow]


def _digest(form_id: int, email: str, key: str, answers: Mapping[int, _Answer]) -> str:
    """What a survey row is known again by: the respondent's email and answers, or, without
    an email, the answers with the row's response id or time (see the module's notes)."""
    content = {"source": "csv", "form": form_id, "email": email.casefold(),
               "key": "" if email else key,
               "answers": {str(qid): [a.text, a.number] for qid, a in sorted(answers.items())}}
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _plan(session: Session, form_id: int, path: Path, mapping: Mapping[str, Target] | None,
          options: SourceOptions | None, progress: Progress | None,
          cancelled: Cancelled | None, day_first: bool = True) -> _Plan:
    form = _load_form(session, form_id)
    questions = _questions(form)
    by_id = {q.id: q for q in questions}
    survey = _read_survey(path, options or SourceOptions(), progress, cancelled)
    suggested, scores = _suggest(survey, questions)
    final = _apply_overrides(survey, suggested, mapping, by_id)
    columns_of: dict[Target, list[_Column]] = defaultdict(list)
    for c in survey.columns:
        columns_of[final[c.header]].append(c)

    def cells_of(cells: Sequence[str], target: Target) -> list[str]:
        return [cells[c.index] if c.index < len(cells) else "" for c in columns_of[target]]

    scales = {q.id: _scale_for([cell for _, cells in survey.rows
                                for cell in cells_of(cells, q.id)], q.scale_max)
              for q in questions if q.kind is QuestionKind.RATING and q.id in columns_of}
    warnings = [f"Question {q.number} is required but no column is mapped to it; the "
                "responses are stored without its answer."
                for q in questions if q.required and q.id not in columns_of]
    emails = {row[0].casefold(): row[1] for row in session.execute(
        select(Participant.email, Participant.id))}
    key_target = RESPONSE_ID if RESPONSE_ID in columns_of else SUBMITTED
    planned: list[_PlannedRow] = []
    for line, cells in survey.rows:
        problems: list[Problem] = []
        email = ""
        if EMAIL in columns_of:
            column = columns_of[EMAIL][0]
            raw = _one_line(cells_of(cells, EMAIL)[0])
            if raw and raw.casefold() not in ("anonymous", "anonym", "anonyme"):
                email, reason = check_email(raw)
                if reason:
                    problems.append(Problem(line, column.header, reason))
                    email = ""
        submitted = None
        if SUBMITTED in columns_of:
            try:
                submitted = _parse_time(cells_of(cells, SUBMITTED)[0], day_first=day_first)
            except ValueError as exc:
                problems.append(Problem(line, columns_of[SUBMITTED][0].header,
                                        f"the time it was submitted cannot be read: {exc}"))
        key = _one_line(cells_of(cells, key_target)[0]) if key_target in columns_of else ""
        answers: dict[int, _Answer] = {}
        for q in questions:
            if q.id not in columns_of:
                continue
            column = columns_of[q.id][0]
            value, reason = _read_cells(q, cells_of(cells, q.id), scales.get(q.id))
            if reason is None:
                answer, reason = _check_value(q, value)
                if answer is not None:
                    answers[q.id] = answer
                elif reason is None and q.required:
                    reason = "needs an answer but is empty"
            if reason:
                problems.append(Problem(line, column.header, f"Q{q.number}: {reason}"))
        if not answers and not problems:
            problems.append(Problem(line, "", "no question is answered"))
        planned.append(_PlannedRow(line, email, emails.get(email.casefold()) if email else None,
                                   submitted, answers, _digest(form.id, email, key, answers),
                                   problems))
    stored = {digest: rid for digest, rid in session.execute(
        select(FeedbackResponse.source_digest, FeedbackResponse.id)
        .where(FeedbackResponse.form_id == form.id,
               FeedbackResponse.source_digest.is_not(None)))}
    first_line: dict[str, int] = {}
    for row in planned:
        if row.problems:
            row.status, row.note = "refused", "; ".join(p.reason for p in row.problems)
        elif row.digest in stored:
            row.status = "duplicate"
            row.note = f"already imported (response {stored[row.digest]})"
        elif row.digest in first_line:
            row.status = "duplicate"
            row.note = f"the same as row {first_line[row.digest]}"
        else:
            first_line[row.digest] = row.line
            row.note = ("matches a participant" if row.participant_id is not None
                        else "email matches no participant: stored anonymously"
                        if row.email else "anonymous")
    sample = {c.header: next((cells[c.index] for _, cells in survey.rows
                              if c.index < len(cells) and cells[c.index].strip()), "")
              for c in survey.columns}
    preview = SurveyPreview(
        form_id=form.id, table=survey.table, shape=survey.shape,
        header_rows=survey.header_rows,
        columns=tuple(SurveyColumn(index=c.index, header=c.header, target=final[c.header],
                                   suggested=suggested[c.header], score=round(
                                       scores[c.header], 3), sample=_shown(sample[c.header]))
                      for c in survey.columns),
        mapping=final,
        rows=tuple(SurveyRow(r.line, r.email, r.status, len(r.answers), r.note)
                   for r in planned),
        problems=tuple(p for r in planned for p in r.problems), warnings=tuple(warnings))
    return _Plan(preview, planned)


def preview_survey(session: Session, form_id: int, path: Path, *,
                   mapping: Mapping[str, Target] | None = None,
                   options: SourceOptions | None = None, progress: Progress | None = None,
                   cancelled: Cancelled | None = None, day_first: bool = True,
                   ) -> SurveyPreview:
    """What importing a survey tool's export (CSV or XLSX) into the form would do; writes
    nothing. ``mapping`` (header -> question id, :data:`EMAIL`, :data:`SUBMITTED`,
    :data:`RESPONSE_ID` or :data:`IGNORE`) overrides the suggested mapping column by
    column. A submission time written with numbers only is read day first ("31/03/2026
    14:31"), or month first when ``day_first`` is False; a time that cannot be read is a
    problem of its row. Raises :class:`UserError` for a file that cannot be read or a
    mapping that cannot be used."""
    return _plan(session, form_id, path, mapping, options, progress, cancelled,
                 day_first).preview


def import_survey(session: Session, form_id: int, path: Path, *,
                  mapping: Mapping[str, Target] | None = None, confidential: bool = False,
                  options: SourceOptions | None = None, progress: Progress | None = None,
                  cancelled: Cancelled | None = None,
                  day_first: bool = True) -> SurveyImportResult:
    """Store each row of a survey export as a response (source "csv"), in ``session``.

    Rows with a problem are refused and rows already stored are skipped (see
    :func:`preview_survey`); the rest are stored together -- the caller's transaction
    commits them all or none. ``confidential`` marks every stored response confidential;
    ``day_first`` is as for :func:`preview_survey`.
    """
    plan = _plan(session, form_id, path, mapping, options, progress, cancelled, day_first)
    form = _load_form(session, form_id)
    pairings: dict[int, int | None] = {}
    ids: list[int] = []
    for row in plan.rows:
        if row.status != "import":
            continue
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: nothing was imported.")
        pairing_id = None
        if row.participant_id is not None:
            if row.participant_id not in pairings:
                pairings[row.participant_id] = pairing_of(session, form.programme_id,
                                                           row.participant_id)
            pairing_id = pairings[row.participant_id]
        response = FeedbackResponse(
            form_id=form.id, participant_id=row.participant_id, pairing_id=pairing_id,
            source="csv", confidential=confidential, source_digest=row.digest,
            answers=[FeedbackAnswer(question_id=qid, value_text=a.text, value_number=a.number)
                     for qid, a in row.answers.items()])
        if row.submitted is not None:
            response.submitted_at = row.submitted
        session.add(response)
        session.flush()
        ids.append(response.id)
        audit.record(session, "import_feedback", "feedback_response", response.id,
                     ["answers", "participant_id"] if row.participant_id else ["answers"])
    preview = plan.preview
    return SurveyImportResult(
        imported=len(ids),
        skipped_rows=tuple(r.line for r in plan.rows if r.status != "import"),
        problems=preview.problems, duplicates=preview.duplicates, response_ids=tuple(ids))
