"""Feedback forms on paper and as fillable PDFs, and filled-in PDFs read back as responses.

:func:`render_form` lays out a programme's form with its branding: a coloured band with the
title and logo, the introduction, an "About you" panel, then the numbered questions, each
kept whole on one page. With ``fillable`` the answers are AcroForm fields (ReportLab): a
multi-line text field per text question, a radio group per rating, 0-10 score, yes/no or
choice question, and a checkbox per choice of a tick-box (multiple choice) question. Without
it the same page is for a pen: circles to mark, squares to tick and ruled boxes to write in.

Every fillable copy carries a hidden, read-only field ``md_form`` naming the form, a
fingerprint of its questions and, for a personal copy, the participant with a short hash of
their email (ids are reused after an erasure; the hash tells a newcomer apart). The answer
to question ``id`` is field ``q<id>``, except that choice ``n`` of a tick-box question is
checkbox ``q<id>_c<n>``; the respondent's name and email are ``md_name`` and ``md_email``.
:func:`import_filled_forms` reads those fields back with pypdf, checks every answer against
the form as it is now, and stores one :class:`FeedbackResponse` per file, remembered by a
digest (see :func:`_source_digest`) so the same file imported twice is stored once.

Drawing and reading are per question kind (``_AREAS`` and ``_READERS``): a new kind is one
area class and one reader.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    PageTemplate,
    Paragraph,
    Spacer,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import (
    Audience,
    Erasure,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    FormPurpose,
    Participant,
    QuestionKind,
)
from mentordesk.services import audit
from mentordesk.services.documents import fonts
from mentordesk.services.documents.branding import load_branding
from mentordesk.services.documents.fonts import Family, Style
from mentordesk.services.documents.layout import (
    MARGIN,
    PAPER_SIZES,
    Branding,
    colour,
    draw_logo,
    make_styles,
    para,
    rich,
    shorten,
    tint,
)
from mentordesk.services.documents.wording import AUDIENCE_LABELS, plural
from mentordesk.services.pairing import pairing_of

__all__ = [
    "EMAIL_FIELD",
    "FORM_FIELD",
    "NAME_FIELD",
    "FormImport",
    "FormSummary",
    "choice_field",
    "find_form",
    "import_filled_forms",
    "list_forms",
    "question_field",
    "render_form",
]

FORM_FIELD = "md_form"
NAME_FIELD = "md_name"
EMAIL_FIELD = "md_email"

LOW_LABEL = "Not at all"
HIGH_LABEL = "Very much"
SCORE_LOW_LABEL = "Not at all likely"
SCORE_HIGH_LABEL = "Extremely likely"
SCORE_MAX = 10

# A personal copy made before the email check existed has no " check=" part.
_IDENTITY = re.compile(
    r"^mentordesk-form/1 form=(?P<form>\d{1,12}) version=(?P<version>[0-9a-f]{16})"
    r"(?: participant=(?P<participant>\d{1,12})(?: check=(?P<check>[0-9a-f]{12}))?)?$")
_INK = colors.HexColor("#222222")
_MUTED = colors.HexColor("#5F6B76")
_RULE = colors.HexColor("#C9D1D9")
_RING = colors.HexColor("#7D8A96")
_BAND = 30 * mm
# ReportLab draws the dot of a circular radio button centred only in a 20 pt widget (its
# arc helper scales by size / 20), so every radio widget is 20 pt, centred on a smaller
# ring drawn on the page.
_RADIO = 20.0
_RING_D = 15.0
_TICK = 13.0  # side of a tick box drawn on the page
# ReportLab's check mark fills its widget to the corners, so the checkbox is a little
# smaller than the box it sits in: the mark then stays inside the box's border.
_CHECKBOX = 10.5
_INDENT = 28.0
_LABEL_DROP = 3.5  # baseline of a 10 pt label beside a circle, below the circle's centre
_FIELD_FONT = "Helvetica"  # AcroForm appearances only know the standard 14 fonts
_FIELD_SIZE = 10


def question_field(question_id: int) -> str:
    """The AcroForm field name holding the answer to question ``question_id``."""
    return f"q{question_id}"


def choice_field(question_id: int, number: int) -> str:
    """The checkbox of choice ``number`` (from 1) of tick-box question ``question_id``."""
    return f"{question_field(question_id)}_c{number}"


# ---------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class FormSummary:
    """A form of a programme, as lists and pickers show it."""

    id: int
    title: str
    purpose: str
    audience: str
    questions: int
    responses: int


def list_forms(session: Session, programme_id: int) -> list[FormSummary]:
    """The forms of programme ``programme_id``, by title."""
    questions = (select(func.count(FeedbackQuestion.id))
                 .where(FeedbackQuestion.form_id == FeedbackForm.id).scalar_subquery())
    responses = (select(func.count(FeedbackResponse.id))
                 .where(FeedbackResponse.form_id == FeedbackForm.id).scalar_subquery())
    rows = session.execute(
        select(FeedbackForm.id, FeedbackForm.title, FeedbackForm.purpose,
               FeedbackForm.audience, questions, responses)
        .where(FeedbackForm.programme_id == programme_id)).all()
    summaries = [FormSummary(id=r[0], title=r[1], purpose=str(r[2]), audience=str(r[3]),
                             questions=int(r[4]), responses=int(r[5])) for r in rows]
    return sorted(summaries, key=lambda s: (s.title.casefold(), s.id))


def find_form(session: Session, programme_id: int, key: str) -> FormSummary:
    """The form of the programme whose id is ``key`` or whose title is ``key`` (any case).

    Raises:
        UserError: no form, or more than one form, has that title.
    """
    wanted = " ".join(key.split())
    forms = list_forms(session, programme_id)
    if wanted.isdigit():
        by_id = [f for f in forms if f.id == int(wanted)]
        if by_id:
            return by_id[0]
    matches = [f for f in forms if f.title.casefold() == wanted.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(str(f.id) for f in matches)
        raise UserError(f"More than one form is called “{wanted}” (ids {ids}); "
                        "give the id of the one you mean.")
    known = ", ".join(f"“{f.title}”" for f in forms) or "none yet"
    raise UserError(f"This programme has no form “{wanted}”. Its forms: {known}.")


# ---------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class _Question:
    """A question as printed: a snapshot, so drawing and reading never touch the ORM."""

    id: int
    number: int
    position: int
    text: str
    kind: QuestionKind
    choices: tuple[str, ...]
    scale_max: int
    required: bool

    @property
    def field(self) -> str:
        return question_field(self.id)


def _questions(form: FeedbackForm) -> list[_Question]:
    ordered = sorted(form.questions, key=lambda q: q.position)
    return [_Question(id=q.id, number=n, position=q.position, text=q.text.strip(),
                      kind=QuestionKind(q.kind),
                      choices=tuple(c.strip() for c in q.choices.splitlines() if c.strip()),
                      scale_max=q.scale_max or 5, required=bool(q.required))
            for n, q in enumerate(ordered, start=1)]


def _fingerprint(questions: Sequence[_Question]) -> str:
    """A short hash of everything an answer depends on: a copy printed before any question
    was added, removed, reworded or re-scaled no longer matches."""
    data = [[q.id, q.position, q.kind.value, q.text, list(q.choices), q.scale_max, q.required]
            for q in questions]
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _person_check(email: str) -> str:
    """A short hash of a participant's email, written into their personal copy.

    SQLite gives a new row the highest id plus one, so after an erasure (which deletes the
    row) a newcomer can get the erased person's id; their email differs, so the copy's
    check does not match them. 48 bits: a chance match is not a practical worry.
    """
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:12]


def _identity(form_id: int, version: str, respondent: _Respondent | None) -> str:
    text = f"mentordesk-form/1 form={form_id} version={version}"
    if respondent is None:
        return text
    return text + f" participant={respondent.id} check={_person_check(respondent.email)}"


# ---------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class _Look:
    """What every drawing helper needs: colours, styles and whether to add fields."""

    fillable: bool
    primary: colors.Color
    accent: colors.Color
    panel: colors.Color
    question: ParagraphStyle
    option: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle

    def ring(self, canvas: Canvas, cx: float, cy: float, name: str, value: str,
             tooltip: str, required: bool) -> None:
        """An answer circle centred at ``cx, cy``; a radio button over it when fillable."""
        canvas.saveState()
        canvas.setStrokeColor(_RING)
        canvas.setFillColor(colors.white)
        canvas.setLineWidth(0.9)
        canvas.circle(cx, cy, _RING_D / 2, stroke=1, fill=1)
        canvas.restoreState()
        if self.fillable:
            flags = "noToggleToOff radio" + (" required" if required else "")
            canvas.acroForm.radio(
                name=name, value=value, x=cx - _RADIO / 2, y=cy - _RADIO / 2, size=_RADIO,
                shape="circle", buttonStyle="circle", fillColor=None, borderColor=None,
                borderWidth=None, textColor=self.primary, tooltip=_plain(tooltip),
                fieldFlags=flags, relative=True)

    def tick(self, canvas: Canvas, cx: float, cy: float, name: str, tooltip: str) -> None:
        """A square to tick centred at ``cx, cy``; a checkbox over it when fillable.

        A checkbox is never flagged required: a viewer would then insist on every choice
        being ticked. "At least one" is checked on import instead.
        """
        half = _TICK / 2
        canvas.saveState()
        canvas.setStrokeColor(_RING)
        canvas.setFillColor(colors.white)
        canvas.setLineWidth(0.9)
        canvas.roundRect(cx - half, cy - half, _TICK, _TICK, 1.5, stroke=1, fill=1)
        canvas.restoreState()
        if self.fillable:
            canvas.acroForm.checkbox(
                name=name, x=cx - _CHECKBOX / 2, y=cy - _CHECKBOX / 2, size=_CHECKBOX,
                shape="square", buttonStyle="check", fillColor=None, borderColor=None,
                borderWidth=None, textColor=self.primary, tooltip=_plain(tooltip),
                fieldFlags="", relative=True)

    def box(self, canvas: Canvas, x: float, y: float, width: float, height: float, *,
            name: str, tooltip: str, multiline: bool, maxlen: int, required: bool,
            lines: int = 0) -> None:
        """A white box to write in: a text field when fillable, else ``lines`` ruled lines."""
        canvas.saveState()
        canvas.setStrokeColor(_RULE)
        canvas.setFillColor(colors.white)
        canvas.setLineWidth(0.8)
        canvas.roundRect(x, y, width, height, 3, stroke=1, fill=1)
        if not self.fillable and lines:
            canvas.setStrokeColor(colors.HexColor("#DDE3E8"))
            canvas.setLineWidth(0.5)
            step = height / (lines + 1)
            for i in range(1, lines + 1):
                canvas.line(x + 8, y + height - i * step - 2, x + width - 8,
                            y + height - i * step - 2)
        canvas.restoreState()
        if self.fillable:
            flags = " ".join(f for f, on in (("multiline", multiline), ("required", required))
                             if on)
            canvas.acroForm.textfield(
                name=name, value="", x=x + 3, y=y + 2, width=width - 6, height=height - 4,
                fillColor=None, borderColor=None, borderWidth=0, textColor=_INK,
                fontName=_FIELD_FONT, fontSize=_FIELD_SIZE, maxlen=maxlen, fieldFlags=flags,
                tooltip=_plain(tooltip), relative=True)


def _plain(text: str, limit: int = 200) -> str:
    """A tooltip: one line, not too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Area:
    """The answer area of one question kind: measured, then drawn below the question."""

    def __init__(self, question: _Question, look: _Look) -> None:
        self.q, self.look = question, look

    def measure(self, width: float) -> float:
        """The height of the area in ``width`` points."""
        raise NotImplementedError

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        """Draw the area with its top-left corner at ``x, top``."""
        raise NotImplementedError


_LABEL_SIZE = 8.5  # the italic words at the ends of a scale


def _scale_ring(area: _Area, canvas: Canvas, cx: float, cy: float, value: int,
                last: int) -> None:
    """One point of a scale: its number above its circle."""
    canvas.setFillColor(_INK)
    fonts.draw_text(canvas, cx, cy + _RING_D / 2 + 4, str(value), 9, align="centre")
    area.look.ring(canvas, cx, cy, area.q.field, str(value),
                   f"{area.q.text} ({value} of {last})", area.q.required)


class _RatingArea(_Area):
    """``Not at all  ( )1 ( )2 ... ( )n  Very much``, the numbers above the circles."""

    _ROW = 30.0

    def measure(self, width: float) -> float:
        return self._ROW

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        n = self.q.scale_max
        size = _LABEL_SIZE
        low = fonts.text_width(LOW_LABEL, size, style=Style.ITALIC)
        high = fonts.text_width(HIGH_LABEL, size, style=Style.ITALIC)
        cell = min(40.0, (width - low - high - 20) / n)
        cy = top - self._ROW + _RING_D / 2 + 2
        canvas.saveState()
        canvas.setFillColor(_MUTED)
        fonts.draw_text(canvas, x + low, cy - 3, LOW_LABEL, size, style=Style.ITALIC,
                        align="right")
        start = x + low + 10
        for value in range(1, n + 1):
            _scale_ring(self, canvas, start + cell * (value - 0.5), cy, value, n)
        canvas.setFillColor(_MUTED)
        fonts.draw_text(canvas, start + cell * n + 10, cy - 3, HIGH_LABEL, size,
                        style=Style.ITALIC)
        canvas.restoreState()


class _ScoreArea(_Area):
    """Eleven circles numbered 0 to 10, "Not at all likely" under the first and
    "Extremely likely" under the last (the usual recommendation question)."""

    _ROW = 44.0
    _CELL = 34.0

    def measure(self, width: float) -> float:
        return self._ROW

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        cell = min(self._CELL, width / (SCORE_MAX + 1))
        cy = top - 20.5  # where a rating's circles are, so the two kinds line up
        canvas.saveState()
        for value in range(SCORE_MAX + 1):
            _scale_ring(self, canvas, x + cell * (value + 0.5), cy, value, SCORE_MAX)
        canvas.setFillColor(_MUTED)
        baseline = cy - _RING_D / 2 - 11
        left, right = x + cell / 2 - _RING_D / 2, x + cell * (SCORE_MAX + 0.5) + _RING_D / 2
        fonts.draw_text(canvas, left, baseline, SCORE_LOW_LABEL, _LABEL_SIZE,
                        style=Style.ITALIC)
        fonts.draw_text(canvas, right, baseline, SCORE_HIGH_LABEL, _LABEL_SIZE,
                        style=Style.ITALIC, align="right")
        canvas.restoreState()


class _OptionsArea(_Area):
    """Labelled circles, one per option, in one or two columns (choice questions)."""

    _ROW = 20.0

    def options(self) -> list[tuple[str, str]]:
        """(field value, label) of each option."""
        return [(f"c{i}", text) for i, text in enumerate(self.q.choices, start=1)]

    def mark(self, canvas: Canvas, cx: float, cy: float, value: str, label: str) -> None:
        """The circle of one option, centred at ``cx, cy``."""
        self.look.ring(canvas, cx, cy, self.q.field, value, f"{self.q.text}: {label}",
                       self.q.required)

    def _columns(self) -> int:
        return 2 if len(self.options()) >= 6 else 1

    def _cells(self, width: float) -> list[tuple[Paragraph, float]]:
        columns = self._columns()
        label_width = (width - 12 * (columns - 1)) / columns - _RADIO - 4
        cells = []
        for _, label in self.options():
            paragraph = para(label, self.look.option)
            _, h = paragraph.wrap(label_width, 10_000)
            cells.append((paragraph, max(self._ROW, h + 6)))
        return cells

    def _split(self, count: int) -> list[range]:
        columns = self._columns()
        per = -(-count // columns)
        return [range(c * per, min(count, (c + 1) * per)) for c in range(columns)]

    def measure(self, width: float) -> float:
        cells = self._cells(width)
        return max(sum(cells[i][1] for i in column) for column in self._split(len(cells)))

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        cells = self._cells(width)
        options = self.options()
        column_width = (width - 12 * (self._columns() - 1)) / self._columns()
        for c, column in enumerate(self._split(len(cells))):
            left, y = x + c * (column_width + 12), top
            for i in column:
                paragraph, height = cells[i]
                value, label = options[i]
                cy = y - self._ROW / 2
                self.mark(canvas, left + _RADIO / 2, cy, value, label)
                # A paragraph's first baseline is fontSize below its top: put it where the
                # mark's centre meets the middle of the lower-case letters.
                baseline = cy - _LABEL_DROP
                paragraph.drawOn(canvas, left + _RADIO + 4,
                                 baseline + self.look.option.fontSize - paragraph.height)
                y -= height


class _TickBoxesArea(_OptionsArea):
    """Labelled squares, one checkbox per choice, laid out like a choice question's circles
    (tick-box questions: any of the choices)."""

    def options(self) -> list[tuple[str, str]]:
        return [(choice_field(self.q.id, i), text)
                for i, text in enumerate(self.q.choices, start=1)]

    def mark(self, canvas: Canvas, cx: float, cy: float, value: str, label: str) -> None:
        self.look.tick(canvas, cx, cy, value, f"{self.q.text}: {label}")


class _YesNoArea(_Area):
    """Two circles side by side: Yes, No."""

    _ROW = 20.0
    OPTIONS = (("yes", "Yes"), ("no", "No"))

    def measure(self, width: float) -> float:
        return self._ROW

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        cy = top - self._ROW / 2
        left = x
        canvas.saveState()
        for value, label in self.OPTIONS:
            self.look.ring(canvas, left + _RADIO / 2, cy, self.q.field, value,
                           f"{self.q.text}: {label}", self.q.required)
            canvas.setFillColor(_INK)
            drawn = fonts.draw_text(canvas, left + _RADIO + 4, cy - _LABEL_DROP, label, 10)
            left += _RADIO + 4 + drawn + 28
        canvas.restoreState()


class _TextArea(_Area):
    """A box for a written answer: a multi-line field, or ruled lines on paper."""

    _LINES = 4
    _HEIGHT = 84.0

    def measure(self, width: float) -> float:
        return self._HEIGHT

    def draw(self, canvas: Canvas, x: float, top: float, width: float) -> None:
        self.look.box(canvas, x, top - self._HEIGHT, width, self._HEIGHT, name=self.q.field,
                      tooltip=self.q.text, multiline=True, maxlen=0, required=self.q.required,
                      lines=self._LINES)


_AREAS: dict[QuestionKind, type[_Area]] = {
    QuestionKind.RATING: _RatingArea,
    QuestionKind.SCORE: _ScoreArea,
    QuestionKind.CHOICE: _OptionsArea,
    QuestionKind.MULTI_CHOICE: _TickBoxesArea,
    QuestionKind.YES_NO: _YesNoArea,
    QuestionKind.TEXT: _TextArea,
}


class _QuestionBlock(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """A numbered question with its answer area; never split across pages."""

    _TOP = 12.0
    _GAP = 7.0
    _BOTTOM = 6.0
    _BADGE = 17.0

    def __init__(self, question: _Question, look: _Look, first: bool) -> None:
        super().__init__()
        self.q, self.look, self.first = question, look, first
        text = fonts.markup(question.text, Family.SANS, Style.BOLD)
        if question.required:
            hexval = colors.Blacker(look.accent, 0.7).hexval()[2:]
            text += f' <font color="#{hexval}">*</font>'
        self.text = rich(text, look.question)
        self.area = _AREAS[question.kind](question, look)
        self._text_height = self._area_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        inner = avail_width - _INDENT
        _, self._text_height = self.text.wrap(inner, 10_000)
        self._area_height = self.area.measure(inner)
        self.width = avail_width
        self.height = (self._TOP + max(self._text_height, self._BADGE) + self._GAP
                       + self._area_height + self._BOTTOM)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []  # whole on the next page

    def draw(self) -> None:
        canvas: Canvas = self.canv
        top = self.height
        canvas.saveState()
        # A rule between questions, but not under the running header of a new page
        # (platypus's frame says whether this block is the first on it).
        at_top = bool(getattr(getattr(self, "_frame", None), "_atTop", False))
        if not self.first and not at_top:
            canvas.setStrokeColor(colors.HexColor("#E3E8ED"))
            canvas.setLineWidth(0.6)
            canvas.line(0, top, self.width, top)
        y = top - self._TOP
        centre = y - self.look.question.leading / 2 + 0.5
        canvas.setFillColor(self.look.primary)
        canvas.circle(self._BADGE / 2, centre, self._BADGE / 2, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        label = str(self.q.number)
        fonts.draw_text(canvas, self._BADGE / 2, centre - 3.2, label,
                        9 if len(label) < 3 else 7.5, style=Style.BOLD, align="centre")
        canvas.restoreState()
        self.text.drawOn(canvas, _INDENT, y - self._text_height)
        area_top = y - max(self._text_height, self._BADGE) - self._GAP
        self.area.draw(canvas, _INDENT, area_top, self.width - _INDENT)


@dataclass(frozen=True)
class _Respondent:
    """Who a personal copy is for; printed as page text, so any name prints."""

    id: int
    name: str
    email: str


class _AboutYou(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """The respondent panel: name and email to fill in, or the person a copy is for."""

    _PAD = 10.0

    def __init__(self, look: _Look, respondent: _Respondent | None) -> None:
        super().__init__()
        self.look, self.respondent = look, respondent
        if respondent is None:
            note = ("Optional. Leave both blank to answer anonymously; your email links "
                    "your answers to your place in the programme.")
        else:
            note = "This copy is for you: your answers are linked to your place in the programme."
        self.note = para(note, look.small)
        self._note_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self._note_height = self.note.wrap(avail_width - 2 * self._PAD, 1000)
        body = 36.0 if self.respondent is None else 20.0
        self.width = avail_width
        self.height = self._PAD + 14 + body + 6 + self._note_height + self._PAD
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        look, pad = self.look, self._PAD
        canvas.saveState()
        canvas.setFillColor(look.panel)
        canvas.roundRect(0, 0, self.width, self.height, 5, stroke=0, fill=1)
        canvas.setFillColor(look.primary)
        canvas.rect(0, 0, 3, self.height, stroke=0, fill=1)
        top = self.height - pad
        fonts.draw_text(canvas, pad + 4, top - 10, "About you", 10.5, style=Style.BOLD)
        inner = self.width - 2 * pad - 4
        if self.respondent is None:
            half = (inner - 12) / 2
            for i, (label, name, maxlen) in enumerate(
                    (("Name", NAME_FIELD, 200), ("Email", EMAIL_FIELD, 320))):
                x = pad + 4 + i * (half + 12)
                canvas.setFillColor(_MUTED)
                fonts.draw_text(canvas, x, top - 24, label, 8.5)
                look.box(canvas, x, top - 50, half, 20, name=name, tooltip=f"Your {label.lower()}",
                         multiline=False, maxlen=maxlen, required=False)
        else:
            canvas.setFillColor(_INK)
            name = self.respondent.name
            size = fonts.fit_size(name, inner * 0.6, 11, 8, style=Style.BOLD)
            width = fonts.draw_text(canvas, pad + 4, top - 30,
                                    shorten(name, inner * 0.6, size, style=Style.BOLD), size,
                                    style=Style.BOLD)
            if self.respondent.email:
                canvas.setFillColor(_MUTED)
                fonts.draw_text(canvas, pad + 4 + width + 10, top - 30,
                                shorten(self.respondent.email, inner - width - 10, 9), 9)
        canvas.restoreState()
        self.note.drawOn(canvas, pad + 4, pad)


class _FormDocument(BaseDocTemplate):  # type: ignore[misc]  # ReportLab is untyped
    """A first page with the branded band, later pages with a slim running header."""

    def __init__(self, buffer: io.BytesIO, *, title: str, subtitle: str, reference: str,
                 branding: Branding, total: int | None, identity: str | None) -> None:
        pagesize = PAPER_SIZES.get(branding.paper, A4)
        super().__init__(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 8 * mm, bottomMargin=MARGIN + 6 * mm, title=title,
                         author=branding.issuer, subject=branding.programme,
                         creator="MentorDesk", initialFontName=fonts.font_name())
        self.doc_title, self.subtitle, self.reference = title, subtitle, reference
        self.branding, self.total, self.pages = branding, total, 0
        self.identity = identity
        height = pagesize[1]
        first_top = height - _BAND - 9 * mm
        first = Frame(self.leftMargin, self.bottomMargin, self.width,
                      first_top - self.bottomMargin, id="first", leftPadding=0, rightPadding=0)
        later = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="later",
                      leftPadding=0, rightPadding=0)
        self.addPageTemplates([
            PageTemplate("first", [first], onPage=self._first_page, autoNextPageTemplate="later"),
            PageTemplate("later", [later], onPage=self._later_page)])

    def _first_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        b = self.branding
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFillColor(colour(b.primary))
        canvas.rect(0, height - _BAND, width, _BAND, stroke=0, fill=1)
        canvas.setFillColor(colour(b.accent))
        canvas.rect(0, height - _BAND - 3, width, 3, stroke=0, fill=1)
        text_right = width - MARGIN
        if b.logo_png:
            text_right = self._logo(canvas, b.logo_png) - 6 * mm
        canvas.setFillColor(colors.white)
        room = text_right - MARGIN
        family, style = Family.SERIF, Style.BOLD
        size = fonts.fit_size(self.doc_title, room, 22, 16, family=family, style=style)
        lines = [self.doc_title]
        if fonts.text_width(self.doc_title, size, family, style) > room:
            # Too long for one line even at 16 pt: two smaller lines, the second cut short.
            size = 14
            lines = fonts.wrap(self.doc_title, room, size, family=family, style=style)
            lines = [lines[0], " ".join(lines[1:])] if len(lines) > 1 else lines
        for i, line in enumerate(lines):
            fonts.draw_text(canvas, MARGIN, height - _BAND + (14 + 6 * (len(lines) - 1 - i)) * mm,
                            shorten(line, room, size, family, style), size, family=family,
                            style=style)
        size = fonts.fit_size(self.subtitle, room, 10, 8)
        fonts.draw_text(canvas, MARGIN, height - _BAND + 7 * mm,
                        shorten(self.subtitle, room, size), size)
        canvas.restoreState()
        if self.identity is not None:
            # Hidden and read-only: a viewer neither shows it nor lets anyone change it.
            canvas.acroForm.textfield(
                name=FORM_FIELD, value=self.identity, x=MARGIN, y=height - 12, width=160,
                height=8, fieldFlags="readOnly", annotationFlags="hidden", fillColor=None,
                borderColor=None, borderWidth=0, maxlen=0, fontName=_FIELD_FONT, fontSize=6)
        self._footer(canvas)

    def _logo(self, canvas: Canvas, png: bytes) -> float:
        """The logo on a white card at the right of the band; returns the card's left edge.

        The card is sized to the logo as drawn, so the logo goes into a form XObject
        first (draw_logo says its size), then the card, then the XObject on the card.
        """
        width, height = self.pagesize
        max_w, max_h = 40 * mm, 14 * mm
        canvas.beginForm("md-form-logo", 0, 0, max_w, max_h)
        w, h = draw_logo(canvas, png, 0, max_h, max_w, max_h)
        canvas.endForm()
        card_w, card_h = w + 6 * mm, h + 5 * mm
        left, bottom = width - MARGIN - card_w + 3 * mm, height - _BAND / 2 - card_h / 2
        canvas.setFillColor(colors.white)
        canvas.roundRect(left, bottom, card_w, card_h, 2 * mm, stroke=0, fill=1)
        canvas.saveState()
        # The logo sits at the top of its max_w x max_h box: move that box's top-left
        # corner to the card's, inside the padding.
        canvas.translate(left + 3 * mm, bottom + 2.5 * mm + h - max_h)
        canvas.doForm("md-form-logo")
        canvas.restoreState()
        return float(left)

    def _later_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        b = self.branding
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#666666"))
        top = height - MARGIN + 2 * mm
        half = (width - 2 * MARGIN) / 2 - 6
        fonts.draw_text(canvas, MARGIN, top, shorten(self.doc_title, half, 8.5), 8.5)
        fonts.draw_text(canvas, width - MARGIN, top, shorten(b.programme, half, 8.5), 8.5,
                        align="right")
        canvas.setStrokeColor(colour(b.primary))
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 2.5 * mm, width - MARGIN, top - 2.5 * mm)
        canvas.restoreState()
        self._footer(canvas)

    def _footer(self, canvas: Canvas) -> None:
        width = self.pagesize[0]
        page = canvas.getPageNumber()
        self.pages = max(self.pages, page)
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#CCCCCC"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 2 * mm, width - MARGIN, MARGIN + 2 * mm)
        canvas.setFillColor(colors.HexColor("#666666"))
        # The reference is centred: the organisation keeps clear of it (and the page number).
        room = (width - fonts.text_width(self.reference, 7)) / 2 - MARGIN - 4 * mm
        fonts.draw_text(canvas, MARGIN, MARGIN - 3 * mm,
                        shorten(self.branding.issuer, room, 8.5), 8.5)
        fonts.draw_text(canvas, width / 2, MARGIN - 3 * mm, self.reference, 7, align="centre")
        total = f" of {self.total}" if self.total else ""
        fonts.draw_text(canvas, width - MARGIN, MARGIN - 3 * mm, f"Page {page}{total}", 8.5,
                        align="right")
        canvas.restoreState()


def _look(branding: Branding, fillable: bool) -> _Look:
    styles = make_styles(branding)
    ink = _INK
    question = ParagraphStyle("form-question", fontName=fonts.font_name(style=Style.BOLD),
                              fontSize=10.5, leading=14, textColor=ink)
    option = ParagraphStyle("form-option", fontName=fonts.font_name(), fontSize=10,
                            leading=13, textColor=ink)
    body = ParagraphStyle("form-body", parent=styles.body, spaceAfter=5)
    small = ParagraphStyle("form-small", parent=styles.small, spaceAfter=0)
    return _Look(fillable=fillable, primary=colour(branding.primary),
                 accent=colour(branding.accent), panel=tint(branding.primary, 0.93),
                 question=question, option=option, body=body,
                 small=small)


def _instructions(fillable: bool, branding: Branding, questions: Sequence[_Question]) -> str:
    kinds = {q.kind for q in questions}
    if fillable:
        text = "Fill in this form on screen, save it and send the saved file back"
    else:
        ticks = (", tick every square that applies"
                 if QuestionKind.MULTI_CHOICE in kinds else "")
        text = (f"Mark one circle for each rating or choice question{ticks} and write your "
                "answers in the boxes, then hand the form back")
    who = branding.coordinator_name or branding.coordinator_email
    if branding.coordinator_name and branding.coordinator_email:
        who = f"{branding.coordinator_name} ({branding.coordinator_email})"
    text += f" to {who}." if who else " to your programme coordinator."
    if any(q.required for q in questions):
        text += " Questions marked * need an answer."
    return text


def render_form(session: Session, form_id: int, *, fillable: bool = True,
                participant_id: int | None = None,
                cancelled: Callable[[], bool] | None = None) -> bytes:
    """The form ``form_id`` as PDF bytes: fillable (AcroForm) or for pen and paper.

    With ``participant_id`` the copy is personal: the person's name and email are printed
    in place of the name and email fields, and a filled-in copy is linked to them.

    Raises:
        UserError: the form or participant does not exist, the form has no questions, a
            question is too long to fit on one page, or ``cancelled`` returned True
            (nothing is produced).
    """
    form = session.get(FeedbackForm, form_id)
    if form is None:
        raise UserError(f"There is no form {form_id}.")
    questions = _questions(form)
    if not questions:
        raise UserError(f"“{form.title}” has no questions yet: add some before printing it.")
    for q in questions:
        if q.kind == QuestionKind.CHOICE and len(q.choices) < 2:
            raise UserError(f"Question {q.number} of “{form.title}” is a choice question "
                            "with fewer than two choices: add its choices, one per line.")
        if q.kind == QuestionKind.MULTI_CHOICE and not q.choices:
            raise UserError(f"Question {q.number} of “{form.title}” is a tick-box question "
                            "without choices: add its choices, one per line.")
    respondent = None
    if participant_id is not None:
        person = session.get(Participant, participant_id)
        if person is None:
            raise UserError(f"There is no participant {participant_id}.")
        respondent = _Respondent(person.id, person.full_name, person.email)
    branding = load_branding(session, form.programme_id)
    look = _look(branding, fillable)
    version = _fingerprint(questions)
    kind = "Readiness survey" if form.purpose == FormPurpose.READINESS else "Feedback form"
    subtitle = " · ".join(p for p in (kind, branding.programme,
                                      AUDIENCE_LABELS.get(Audience(form.audience), "")) if p)
    reference = f"Form {form.id} · version {version[:8]}"

    def story() -> list[Flowable]:
        items: list[Flowable] = []
        for line in form.introduction.splitlines():
            if line.strip():
                items.append(para(line.strip(), look.body))
        if items:
            items.append(Spacer(1, 4))
        items += [_AboutYou(look, respondent), Spacer(1, 8),
                  para(_instructions(fillable, branding, questions), look.small),
                  Spacer(1, 4)]
        items += [_QuestionBlock(q, look, i == 0) for i, q in enumerate(questions)]
        items += [Spacer(1, 14), para("Thank you for your answers.", look.small)]
        return items

    def build(total: int | None) -> tuple[bytes, int]:
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: nothing was written.")
        buffer = io.BytesIO()
        document = _FormDocument(
            buffer, title=form.title, subtitle=subtitle, reference=reference,
            branding=branding, total=total,
            identity=_identity(form.id, version, respondent) if fillable else None)
        try:
            document.build(story())
        except LayoutError as error:
            raise UserError(f"A question of “{form.title}” is too long to fit on one page: "
                            "shorten it or split its choices.") from error
        return buffer.getvalue(), document.pages

    _, pages = build(None)
    data, _ = build(pages)
    return data


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class FormImport:
    """What became of one file given to :func:`import_filled_forms`."""

    file: str
    form_title: str
    status: str  # "imported" | "duplicate" | "unreadable" | "incomplete"
    message: str
    response_id: int | None


@dataclass(frozen=True)
class _Answer:
    text: str | None = None
    number: float | None = None


class _BadAnswerError(Exception):
    """An answer no viewer could have produced from the form (the file was edited)."""


class _UnreadableError(Exception):
    """The file is not a filled-in MentorDesk form; the message says why."""


_Fields = Mapping[str, str]
# The "on" appearance ReportLab's acroForm.checkbox gives every checkbox (its other is Off).
_CHECKBOX_ON = "Yes"


def _chosen(question: _Question, fields: _Fields) -> str:
    return fields.get(question.field, "").strip()


def _read_scale(question: _Question, fields: _Fields, low: int, high: int) -> _Answer | None:
    value = _chosen(question, fields)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise _BadAnswerError(f"“{_plain(value, 20)}” is not on its scale of {low} to {high}")
    return _Answer(number=float(int(value)))


def _read_rating(question: _Question, fields: _Fields) -> _Answer | None:
    return _read_scale(question, fields, 1, question.scale_max)


def _read_score(question: _Question, fields: _Fields) -> _Answer | None:
    return _read_scale(question, fields, 0, SCORE_MAX)


def _read_choice(question: _Question, fields: _Fields) -> _Answer | None:
    value = _chosen(question, fields)
    if not value:
        return None
    match = re.fullmatch(r"c(\d{1,4})", value)
    if match is None or not 1 <= int(match[1]) <= len(question.choices):
        raise _BadAnswerError(f"“{_plain(value, 20)}” is not one of its choices")
    return _Answer(text=question.choices[int(match[1]) - 1])


def _read_tick_boxes(question: _Question, fields: _Fields) -> _Answer | None:
    """The ticked choices, one per line in the form's order (none ticked: no answer)."""
    ticked = []
    for number, choice in enumerate(question.choices, start=1):
        state = fields.get(choice_field(question.id, number), "").strip()
        if state == _CHECKBOX_ON:
            ticked.append(choice)
        elif state:
            raise _BadAnswerError(f"“{_plain(state, 20)}” is not a tick of choice {number}")
    return _Answer(text="\n".join(ticked)) if ticked else None


def _read_yes_no(question: _Question, fields: _Fields) -> _Answer | None:
    value = _chosen(question, fields).casefold()
    if not value:
        return None
    if value not in ("yes", "no"):
        raise _BadAnswerError(f"“{_plain(value, 20)}” is neither yes nor no")
    return _Answer(text=value)


def _read_text(question: _Question, fields: _Fields) -> _Answer | None:
    value = fields.get(question.field, "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return _Answer(text=value) if value else None


_READERS: dict[QuestionKind, Callable[[_Question, _Fields], _Answer | None]] = {
    QuestionKind.RATING: _read_rating,
    QuestionKind.SCORE: _read_score,
    QuestionKind.CHOICE: _read_choice,
    QuestionKind.MULTI_CHOICE: _read_tick_boxes,
    QuestionKind.YES_NO: _read_yes_no,
    QuestionKind.TEXT: _read_text,
}


def _read_bytes(path: Path) -> bytes:
    """The file's bytes.

    Raises:
        _UnreadableError: the file could not be read.
    """
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise _UnreadableError(f"The file could not be opened ({reason}).") from None


def _field_values(data: bytes) -> dict[str, str]:
    """The form fields of the PDF ``data`` as text (a button's state without its slash).

    Raises:
        _UnreadableError: not a PDF pypdf can read, or one locked with a password.
    """
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise _UnreadableError("This is not a PDF file.")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _UnreadableError("The PDF is protected with a password; save an unprotected "
                              "copy and import that.")
        raw = reader.get_fields() or {}
    except _UnreadableError:
        raise
    except Exception as error:  # a damaged PDF makes pypdf raise nearly anything
        raise _UnreadableError("The PDF is damaged and could not be read.") from error
    values: dict[str, str] = {}
    for name, field in raw.items():
        value: Any = field.get("/V")
        if field.get("/FT") == "/Btn":
            values[name] = _button_state(field, value)
        elif isinstance(value, str):
            values[name] = str(value)
    return values


def _button_state(field: Mapping[str, Any], value: Any) -> str:
    """The chosen state of a radio group or checkbox ("" for none), without its slash.

    Viewers store it as a name; some tools (pypdf among them) as a string "/4". Without a
    value, the widget that shows itself selected says it.
    """
    if value is None:
        for kid in field.get("/Kids", ()):
            state = kid.get_object().get("/AS")
            if state is not None and str(state) != "/Off":
                value = state
                break
    if not isinstance(value, str):  # NameObject is a str too
        return ""
    state = str(value).removeprefix("/")
    return "" if state == "Off" else state


@dataclass(frozen=True)
class _Identity:
    """What ``md_form`` says: the form, its version and, on a personal copy, the person."""

    form_id: int
    version: str
    participant_id: int | None
    check: str | None  # _person_check of their email; None on copies made before it existed


def _parse_identity(text: str) -> _Identity | None:
    match = _IDENTITY.match(text.strip())
    if match is None:
        return None
    participant = match["participant"]
    return _Identity(int(match["form"]), match["version"],
                     int(participant) if participant else None, match["check"])


def _identified(identity: _Identity, name: str, email: str) -> bool:
    """Whether the file says who filled it in: a personal copy, or a name or email given."""
    return identity.participant_id is not None or bool(name.strip() or email.strip())


def _source_digest(data: bytes, form_id: int, identity: _Identity, name: str, email: str,
                   answers: Mapping[int, _Answer]) -> str:
    """What a response remembers of its file, to know the file again: SHA-256, in hex.

    One column holds it (``FeedbackResponse.source_digest``, unique per form), so it is
    one of two hashes, chosen by whether the file says who filled it in:

    * Identified (a personal copy, or a name or email given): the form, who (the copy's
      participant and check, the name, the email) and the answers. The same person's same
      answers on the same copy are a duplicate even when a viewer saved the file again
      (its bytes change); another person, or changed answers, are a new response.
    * Anonymous: the file's bytes. Two people giving the same answers is common (a
      one-question survey) and nothing in their files tells them apart, so only the very
      same file is a duplicate. An anonymous copy saved again with unchanged answers is
      imported, with a note naming the response with the same answers (see
      :func:`_same_answers`) so the coordinator can judge.

    The very same file is a duplicate either way: equal bytes say the same respondent and
    answers. The two kinds cannot collide: a JSON object starts with "{", a PDF never does.
    The identified hash is laid out as before these rules (a "check" key only when the
    copy has one), so identified files imported earlier are still recognised; an anonymous
    one imported earlier comes in again, with the note naming its twin.
    """
    if not _identified(identity, name, email):
        return hashlib.sha256(data).hexdigest()
    content: dict[str, Any] = {
        "form": form_id,
        "participant": identity.participant_id,
        "name": unicodedata.normalize("NFC", " ".join(name.split())),
        "email": email.strip().lower(),
        "answers": {str(qid): [a.text, a.number] for qid, a in sorted(answers.items())},
    }
    if identity.check is not None:
        content["check"] = identity.check
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _same_answers(session: Session, form_id: int, answers: Mapping[int, _Answer]) -> int | None:
    """The first response to the form whose answers are exactly ``answers``, if any."""
    wanted = {qid: (a.text, a.number) for qid, a in answers.items()}
    qid, (text, number) = min(wanted.items())
    # Only responses with the same first answer can match: read just theirs.
    candidates = (
        select(FeedbackAnswer.response_id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.form_id == form_id, FeedbackAnswer.question_id == qid,
               FeedbackAnswer.value_text.is_(None) if text is None
               else FeedbackAnswer.value_text == text,
               FeedbackAnswer.value_number.is_(None) if number is None
               else FeedbackAnswer.value_number == number))
    found: dict[int, dict[int, tuple[str | None, float | None]]] = {}
    for response_id, question_id, value_text, value_number in session.execute(
            select(FeedbackAnswer.response_id, FeedbackAnswer.question_id,
                   FeedbackAnswer.value_text, FeedbackAnswer.value_number)
            .where(FeedbackAnswer.response_id.in_(candidates))):
        found.setdefault(response_id, {})[question_id] = (value_text, value_number)
    return min((rid for rid, got in found.items() if got == wanted), default=None)


def _numbers(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return "questions " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _respondent(session: Session, identity: _Identity, email: str) -> tuple[int | None, str]:
    """The participant who filled in the form, and how they were recognised.

    A personal copy names its person by id, and ids are reused after an erasure, so the
    copy's check (a hash of their email) must match the participant with that id now. A
    copy made before the check existed is trusted unless that id was ever erased. Otherwise
    the response is anonymous: never someone else's.
    """
    pid = identity.participant_id
    if pid is not None:
        person = session.get(Participant, pid)
        gone = "anonymously: the person this personal copy was made for is no longer in MentorDesk"
        if person is None:
            return None, gone
        if identity.check is None:
            erased = session.scalar(select(Erasure.id).where(Erasure.participant_id == pid))
            return (None, gone) if erased is not None else (pid, "from their personal copy")
        if identity.check != _person_check(person.email):
            return None, gone + " (or their email address has changed since)"
        return pid, "from their personal copy"
    if email.strip():
        found = session.scalar(select(Participant.id).where(
            func.lower(Participant.email) == email.strip().lower()))
        if found is not None:
            return found, "by their email"
        return None, "anonymously: the email given matches no participant"
    return None, "anonymously"


def _import_one(session: Session, path: Path) -> FormImport:
    file = str(path)

    def refuse(status: str, message: str, title: str = "") -> FormImport:
        return FormImport(file=file, form_title=title, status=status, message=message,
                          response_id=None)

    try:
        data = _read_bytes(path)
        fields = _field_values(data)
    except _UnreadableError as error:
        return refuse("unreadable", str(error))
    identity = _parse_identity(fields.get(FORM_FIELD, ""))
    if identity is None:
        return refuse("unreadable", "This PDF is not a fillable MentorDesk form, or its fields "
                      "were removed (printing to PDF or flattening does that).")
    form = session.get(FeedbackForm, identity.form_id)
    if form is None:
        return refuse("unreadable", f"The form this copy was made from (form "
                      f"{identity.form_id}) no longer exists.")
    title = form.title
    questions = _questions(form)
    if _fingerprint(questions) != identity.version:
        return refuse("unreadable", "The questions of this form have changed since this copy "
                      "was made, so its answers cannot be matched to them. Send the current "
                      "version and import that.", title)
    answers: dict[int, _Answer] = {}
    missing: list[int] = []
    bad: list[str] = []
    for q in questions:
        try:
            answer = _READERS[q.kind](q, fields)
        except _BadAnswerError as error:
            bad.append(f"question {q.number}: {error}")
            continue
        if answer is not None:
            answers[q.id] = answer
        elif q.required:
            missing.append(q.number)
    if bad:
        return refuse("unreadable", "Some answers are not ones this form offers ("
                      + "; ".join(bad) + "); the file seems to have been edited outside a PDF "
                      "viewer. Nothing was imported.", title)
    if missing:
        verbs = "needs an answer but was" if len(missing) == 1 else "need an answer but were"
        return refuse("incomplete", f"{_numbers(missing).capitalize()} {verbs} left blank. "
                      "Nothing was imported.", title)
    if not answers:
        return refuse("incomplete", "No question was answered. Nothing was imported.", title)
    if identity.participant_id is not None:  # a personal copy has no name or email fields
        name = email = ""
    else:
        name, email = fields.get(NAME_FIELD, ""), fields.get(EMAIL_FIELD, "")
    digest = _source_digest(data, form.id, identity, name, email, answers)
    existing = session.scalar(select(FeedbackResponse.id).where(
        FeedbackResponse.form_id == form.id, FeedbackResponse.source_digest == digest))
    if existing is not None:
        return FormImport(file=file, form_title=title, status="duplicate",
                          message=f"Already imported (response {existing}); not stored again.",
                          response_id=existing)
    twin = (None if _identified(identity, name, email)
            else _same_answers(session, form.id, answers))
    participant_id, how = _respondent(session, identity, email)
    pairing_id = (pairing_of(session, form.programme_id, participant_id)
                  if participant_id is not None else None)
    response = FeedbackResponse(
        form_id=form.id, participant_id=participant_id, pairing_id=pairing_id,
        source="pdf", source_digest=digest,
        answers=[FeedbackAnswer(question_id=qid, value_text=a.text, value_number=a.number)
                 for qid, a in answers.items()])
    session.add(response)
    session.flush()
    audit.record(session, "import_feedback", "feedback_response", response.id,
                 ["answers", "participant_id"] if participant_id else ["answers"])
    message = f"{plural(len(answers), 'answer')} imported, {how}."
    if twin is not None:
        message += (f" It has the same answers as response {twin} but is a different file, "
                    "so it was kept: it may be someone else's.")
    return FormImport(file=file, form_title=title, status="imported", message=message,
                      response_id=response.id)


def import_filled_forms(session: Session, paths: Sequence[Path]) -> list[FormImport]:
    """Read filled-in fillable forms and store each as a response, in ``session``.

    Every file gets a :class:`FormImport`: ``imported``; ``duplicate`` when the very same
    file, or the same identified person's same answers on the same copy, were imported
    before (see :func:`_source_digest`); ``incomplete`` when a required question is
    blank (nothing stored); ``unreadable`` when the file is not a MentorDesk form, its form
    was deleted or its questions changed since the copy was made, or an answer is not one
    the form offers. The caller commits (one transaction for all files).
    """
    return [_import_one(session, Path(path)) for path in paths]
