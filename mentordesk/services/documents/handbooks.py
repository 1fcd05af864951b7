"""Mentor and mentee handbooks: the programme's guidance as a printable, branded PDF.

The wording of each handbook lives in ``resources/handbooks/<role>.md``, a small Markdown
subset read here (no Markdown library): ``## Title {#key}`` starts a section, blank lines
separate paragraphs, ``- `` makes a bullet, ``1. `` a numbered item, ``> `` a tip box and
``### `` a minor heading; ``**bold**`` and ``*italic*`` work inside any of them.
Placeholders in braces (``{programme}``, ``{coordinator}``, ``{start_date}``, ...) are filled
from the programme; a placeholder the programme does not know is printed as typed, so a
stray brace in a coordinator's wording never stops a handbook.

A coordinator may reword any section: the new wording is stored with the programme in
``Programme.document_texts`` under ``"handbook.<role>"`` and the section key, and wording
equal to the default (or blank) is dropped, so the default applies again and later
improvements to it reach the programme.

Some sections also carry the programme's own data after (or, with a line holding only
``{details}``, in the middle of) their text: the objectives and KPIs, the programme's shape
and agenda, the reader's partners and upcoming check-ins, and the contacts. Printed for one
participant, the handbook is "Prepared for" them and lists their partners and meetings.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentordesk.errors import NotFoundError, UserError
from mentordesk.models import (
    CheckinOutcome,
    KpiDirection,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    Programme,
    ProgrammeFormat,
    ProgrammeStructure,
)
from mentordesk.paths import resource_path
from mentordesk.services import audit, checkins
from mentordesk.services.documents import fonts, layout
from mentordesk.services.documents.branding import load_branding
from mentordesk.services.documents.fonts import Family, Style
from mentordesk.services.documents.layout import Branding, Styles
from mentordesk.services.documents.wording import (
    CADENCE_WORDS,
    clock,
    format_value,
    length_words,
    long_date,
    plural,
    time_range,
)

__all__ = [
    "DETAILS",
    "GENERATED_SECTIONS",
    "HANDBOOK_ROLES",
    "MAX_SECTION_CHARS",
    "PLACEHOLDERS",
    "Block",
    "HandbookSection",
    "fill",
    "handbook_sections",
    "inline_markup",
    "parse_blocks",
    "parse_sections",
    "render_handbook",
    "save_handbook_section",
    "smart_quotes",
]

HANDBOOK_ROLES = ("mentor", "mentee")
# Sections followed by (or holding, at a {details} line) data from the programme.
GENERATED_SECTIONS = frozenset({"objectives", "how-it-works", "your-partner", "contacts"})
# Printed only in a handbook prepared for one participant: it is about their partners.
PERSONAL_SECTION = "your-partner"
DETAILS = "{details}"
PLACEHOLDERS = ("programme", "organisation", "coordinator", "coordinator_email", "start_date",
                "end_date", "cadence", "duration", "format", "structure")
MAX_SECTION_CHARS = 20_000
# Upcoming check-ins listed per pairing; the rest are counted.
UPCOMING_SHOWN = 6
# Tables with at most this many rows are never split over two pages.
SHORT_TABLE = 12
# A section never starts lower on a page than this far from its foot.
SECTION_ROOM = 170

FORMAT_WORDS = {ProgrammeFormat.ONE_ON_ONE: "one-to-one pairs",
                ProgrammeFormat.GROUP: "small group circles"}
STRUCTURE_WORDS = {
    ProgrammeStructure.FORMAL: "formal, with a suggested topic for each meeting",
    ProgrammeStructure.INFORMAL: "informal: each pair chooses its own topics",
}
_OPEN_STATUSES = (PairingStatus.ACTIVE, PairingStatus.ACCEPTED)


@dataclass(frozen=True)
class HandbookSection:
    """One section of a handbook as the coordinator edits it.

    Attributes:
        key: the section's stable id (``active-listening``); wording is stored against it.
        title: the heading, from the default text.
        text: the wording printed: the coordinator's, else the default.
        default_text: the wording under ``resources/handbooks``.
        customised: whether ``text`` is the coordinator's own.
    """

    key: str
    title: str
    text: str
    default_text: str
    customised: bool


# --------------------------------------------------------------------------- default text


@dataclass(frozen=True)
class _Default:
    key: str
    title: str
    text: str


_SECTION = re.compile(r"^##(?!#)\s*(?P<title>.*?)\s*(?:\{#(?P<key>[A-Za-z0-9_-]+)\})?\s*$")


def parse_sections(source: str) -> list[tuple[str, str, str]]:
    """``(key, title, body)`` for each ``## Title {#key}`` section of ``source``.

    Lines before the first section are notes for editors and are skipped; a section
    without ``{#key}`` is keyed by its title in lower case with hyphens.
    """
    sections: list[tuple[str, str, list[str]]] = []
    for line in source.splitlines():
        match = _SECTION.match(line)
        if match:
            title = match["title"]
            key = match["key"] or re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
            sections.append((key, title, []))
        elif sections:
            sections[-1][2].append(line)
    return [(key, title, "\n".join(body).strip("\n")) for key, title, body in sections]


@functools.cache
def _defaults(role: str) -> tuple[_Default, ...]:
    source = resource_path("handbooks", f"{role}.md").read_text(encoding="utf-8")
    defaults = tuple(_Default(k, t, b) for k, t, b in parse_sections(source))
    keys = [d.key for d in defaults]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"resources/handbooks/{role}.md has a section key twice")
    return defaults


def _check_role(role: str) -> None:
    if role not in HANDBOOK_ROLES:
        raise UserError(f"There is no '{role}' handbook: choose "
                        f"{' or '.join(HANDBOOK_ROLES)}.")


def _programme(session: Session, programme_id: int) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(f"There is no programme {programme_id}.")
    return programme


def _store_key(role: str) -> str:
    return f"handbook.{role}"


def _overrides(programme: Programme, role: str) -> dict[str, str]:
    stored = (programme.document_texts or {}).get(_store_key(role))
    if not isinstance(stored, dict):
        return {}
    return {k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str)}


def handbook_sections(session: Session, programme_id: int, role: str) -> list[HandbookSection]:
    """The sections of the ``role`` handbook of a programme, in print order.

    Raises:
        UserError: ``role`` is not one of :data:`HANDBOOK_ROLES`, or there is no such
            programme.
    """
    _check_role(role)
    overrides = _overrides(_programme(session, programme_id), role)
    return [HandbookSection(d.key, d.title, overrides.get(d.key, d.text), d.text,
                            d.key in overrides) for d in _defaults(role)]


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n")
                     .replace("\r", "\n").split("\n")).strip("\n")


def save_handbook_section(session: Session, programme_id: int, role: str, key: str,
                          text: str) -> None:
    """Store the coordinator's wording of one section (blank, or the default: reset it).

    Raises:
        UserError: an unknown role, programme or section key, or wording longer than
            :data:`MAX_SECTION_CHARS`.
    """
    _check_role(role)
    programme = _programme(session, programme_id)
    default = next((d for d in _defaults(role) if d.key == key), None)
    if default is None:
        raise UserError(f"The {role} handbook has no section '{key}'.")
    wording = _normalise(text)
    if len(wording) > MAX_SECTION_CHARS:
        raise UserError(f"The section is {len(wording):,} characters long; the limit is "
                        f"{MAX_SECTION_CHARS:,}.")
    store = _store_key(role)
    texts: dict[str, Any] = dict(programme.document_texts or {})
    section_texts = dict(_overrides(programme, role))
    before = section_texts.get(key)
    if not wording.strip() or wording.strip() == default.text.strip():
        section_texts.pop(key, None)
    else:
        section_texts[key] = wording
    if section_texts.get(key) == before:
        return
    if section_texts:
        texts[store] = section_texts
    else:
        texts.pop(store, None)
    # A new dict: SQLAlchemy does not see changes made inside a JSON value.
    programme.document_texts = texts or None
    audit.record(session, "update_handbook", "programme", programme_id, [key])
    session.flush()


# --------------------------------------------------------------------------- text -> markup

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")
_TOKEN = re.compile("\ue000(\\d+)\ue001")
# Values that start a sentence get a capital; an email address never does.
_KEEP_CASE = frozenset({"coordinator_email"})
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=[^\s*])(.+?)(?<=[^\s*])\*")


def _capital(text: str) -> str:
    """``text`` with a capital first letter (str.capitalize would lower "Monday")."""
    return text[:1].upper() + text[1:]


def _sentence_start(before: str) -> bool:
    stripped = before.rstrip(" \t\n*_>\"'“‘(")
    return not stripped or stripped[-1] in ".!?"


# "{programme} runs from {start_date} to {end_date}" when a date is missing; the whole
# sentence first, so a programme with no dates is not said to run from one unknown to another.
_RUNS_FROM = re.compile(r"(?P<subject>\{programme\}|\b[Ii]t) runs from \{start_date\} to "
                        r"\{end_date\}(?P<end>\.?)")


def _undated(text: str, values: dict[str, str]) -> str:
    """``text`` with "runs from {start_date} to {end_date}" reworded for the dates missing."""
    start = values.get("start_date") != _UNDATED
    end = values.get("end_date") != _UNDATED
    if start and end:
        return text

    def reword(match: re.Match[str]) -> str:
        subject, stop = match["subject"], match["end"]
        if start:
            return f"{subject} runs from {{start_date}}; its end date is {_TBC}{stop}"
        if end:
            return f"{subject} runs until {{end_date}}; its start date is {_TBC}{stop}"
        if subject in ("It", "it"):
            return f"{subject}s dates are {_TBC}{stop}"  # "Its dates ..."
        return f"The dates of {subject} are {_TBC}{stop}"

    return _RUNS_FROM.sub(reword, text)


def _placeholders(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with each known placeholder replaced by a token, and the tokens' values.

    Tokens (private-use characters around an index) keep the values out of the emphasis
    parsing: a programme named "R*D" must not turn the rest of a line italic.
    """
    filled: list[str] = []
    text = _undated(text, values)

    def replace(match: re.Match[str]) -> str:
        name = match[1].lower()
        if name not in values:
            return match[0]
        value = values[name]
        if name not in _KEEP_CASE and _sentence_start(match.string[:match.start()]):
            value = _capital(value)
        filled.append(value)
        return f"\ue000{len(filled) - 1}\ue001"

    clean = text.replace("\ue000", "").replace("\ue001", "")
    return _PLACEHOLDER.sub(replace, clean), filled


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with its known placeholders filled and typographic quotes (plain text, no
    emphasis: headings)."""
    tokenised, filled = _placeholders(text, values)
    return _TOKEN.sub(lambda m: filled[int(m[1])], smart_quotes(tokenised))


_OPENS_QUOTE = re.compile(r"(^|[\s(\[{\u2014\u2013/\u201c\u2018-])([\"'])")


def smart_quotes(text: str) -> str:
    """Straight quotes as typographic ones: opening after a space or bracket, else closing
    (an apostrophe is a closing single quote); three dots as an ellipsis."""
    text = _OPENS_QUOTE.sub(lambda m: m[1] + ("\u201c" if m[2] == '"' else "\u2018"), text)
    return text.replace('"', "\u201d").replace("'", "\u2019").replace("...", "\u2026")


def inline_markup(text: str, values: dict[str, str]) -> str:
    """One paragraph of the Markdown subset as ReportLab markup for a sans paragraph.

    Each piece goes through :func:`fonts.markup` in its own weight, so every character is
    set in a font that has it; bold and italic pieces are wrapped in their face because
    ``fonts.markup`` names only the fallback faces, not the main one.
    """
    tokenised, filled = _placeholders(text, values)
    # Values (names, addresses) keep their own quotes: only the wording is set typographically.
    tokenised = smart_quotes(tokenised)
    parts: list[str] = []
    position = 0
    for match in _EMPHASIS.finditer(tokenised):
        parts.append(_run(tokenised[position:match.start()], filled, Style.REGULAR))
        if match[1] is not None:
            parts.append(_run(match[1], filled, Style.BOLD))
        else:
            parts.append(_run(match[2], filled, Style.ITALIC))
        position = match.end()
    parts.append(_run(tokenised[position:], filled, Style.REGULAR))
    return "".join(parts)


def _run(text: str, filled: list[str], style: Style) -> str:
    plain = _TOKEN.sub(lambda m: filled[int(m[1])], text)
    if not plain:
        return ""
    return fonts.markup(plain, Family.SANS, style)  # each run in its face, bold included


@dataclass(frozen=True)
class Block:
    """A block of a section's text: ``kind`` is para, heading, bullets, numbers, tip or
    details; ``items`` its paragraphs or list items; ``start`` a numbered list's first."""

    kind: str
    items: tuple[str, ...] = ()
    start: int = 1


_MINOR = re.compile(r"^#{2,6}\s+(.*?)\s*#*$")
_BULLET = re.compile(r"^[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")


def parse_blocks(text: str) -> list[Block]:
    """The blocks of one section's text (Markdown subset; lazy continuation lines join the
    paragraph, item or tip above them)."""
    blocks: list[Block] = []
    kind, start = "", 1
    items: list[str] = []

    def flush() -> None:
        nonlocal kind, items, start
        kept = tuple(i for i in items if i)
        if kind and kept:
            blocks.append(Block(kind, kept, start))
        kind, items, start = "", [], 1

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif (minor := _MINOR.match(line)) and minor[1]:
            flush()
            blocks.append(Block("heading", (minor[1],)))
        elif line == DETAILS:
            flush()
            blocks.append(Block("details"))
        elif bullet := _BULLET.match(line):
            if kind != "bullets":
                flush()
                kind = "bullets"
            items.append(bullet[1])
        elif number := _NUMBER.match(line):
            if kind != "numbers":
                flush()
                kind, start = "numbers", int(number[1])
            items.append(number[2])
        elif line.startswith(">"):
            content = line[1:].strip()
            if kind != "tip":
                flush()
                kind, items = "tip", [""]
            if content:
                items[-1] = f"{items[-1]} {content}".strip()
            else:
                items.append("")  # a ">" line alone: a new paragraph in the same box
        elif kind in ("para", "bullets", "numbers", "tip"):
            items[-1] = f"{items[-1]} {line}".strip()
        else:
            flush()
            kind, items = "para", [line]
    flush()
    return blocks


# --------------------------------------------------------------------------- the story


@dataclass(frozen=True)
class _Partner:
    person: Participant | None
    relation: str  # "mentor", "mentee", "circle member"


@dataclass(frozen=True)
class _Pairing:
    pairing: Pairing
    partners: tuple[_Partner, ...]
    series: checkins.SeriesRecord | None
    upcoming: tuple[checkins.CheckinRow, ...]


@dataclass
class _Context:
    programme: Programme
    role: str
    branding: Branding
    styles: Styles
    values: dict[str, str]
    width: float
    reader: Participant | None
    pairings: list[_Pairing]
    label: ParagraphStyle
    lead: ParagraphStyle
    now: datetime


# No-break spaces keep "45 minutes" and "17 September" on one line.
_NBSP = "\u00a0"


def _duration_words(minutes: int) -> str:
    if minutes % 60 == 0:
        return "an hour" if minutes == 60 else f"{minutes // 60}{_NBSP}hours"
    return f"{minutes}{_NBSP}minutes"


_UNDATED = "a date to be confirmed"
_TBC = "still to be confirmed"


def _date_words(day: date | None) -> str:
    return long_date(day).replace(" ", _NBSP, 1) if day else _UNDATED


def _values(programme: Programme, branding: Branding) -> dict[str, str]:
    return {
        "programme": programme.name,
        "organisation": branding.organisation or "your organisation",
        "coordinator": programme.coordinator_name or "the programme coordinator",
        "coordinator_email": programme.coordinator_email or "email address to follow",
        "start_date": _date_words(programme.start_date),
        "end_date": _date_words(programme.end_date),
        "cadence": CADENCE_WORDS.get(programme.default_cadence, "regularly"),
        "duration": _duration_words(programme.default_duration_minutes),
        "format": FORMAT_WORDS.get(programme.format, "pairs"),
        "structure": STRUCTURE_WORDS.get(programme.structure, "informal"),
    }


def _styles(branding: Branding) -> tuple[Styles, ParagraphStyle, ParagraphStyle]:
    """The shared styles, with body text that never leaves one line alone at a page top."""
    base = layout.make_styles(branding)
    styles = dataclasses.replace(
        base,
        body=ParagraphStyle("hb-body", parent=base.body, allowWidows=0),
        bullet=ParagraphStyle("hb-bullet", parent=base.bullet, allowWidows=0),
        h3=ParagraphStyle("hb-h3", parent=base.h3, spaceBefore=9, spaceAfter=4,
                          textColor=layout.colour(branding.primary)),
    )
    label = ParagraphStyle("hb-label", parent=base.cell, fontName=fonts.font_name(
        style=Style.BOLD), textColor=colors.HexColor("#333333"))
    lead = ParagraphStyle("hb-lead", parent=styles.body, fontSize=11.5, leading=17,
                          spaceAfter=10, textColor=colors.HexColor("#333333"))
    return styles, label, lead


# A tuple of flowables is kept on one page. Tuples become KeepTogether only at the end, and
# flattened: ReportLab's KeepTogether reports an endless height to force its own split, so
# one nested in another always pushes the outer one to a new page.
Piece = Any  # a Flowable, or a tuple of flowables kept together


def _joined(*pieces: Piece) -> tuple[Flowable, ...]:
    """One group of everything in ``pieces``, groups among them flattened."""
    out: list[Flowable] = []
    for piece in pieces:
        out.extend(piece if isinstance(piece, tuple) else (piece,))
    return tuple(out)


def _flowables(pieces: Sequence[Piece]) -> list[Flowable]:
    return [layout.keep(*p) if isinstance(p, tuple) else p for p in pieces]


def _render_blocks(blocks: Sequence[Block], ctx: _Context,
                   details: Callable[[], list[Piece]] | None) -> list[Piece]:
    """The pieces of ``blocks``; a heading, or a paragraph leading into a list with a colon,
    stays on the page of what follows it."""
    styles, values = ctx.styles, ctx.values
    out: list[Piece] = []
    pending: list[Piece] = []  # kept with the next piece

    def add(*pieces: Piece, keep_next: bool = False) -> None:
        if keep_next:
            pending.extend(pieces)
        elif pending and pieces:
            out.append(_joined(*pending, pieces[0]))
            out.extend(pieces[1:])
            pending.clear()
        else:
            out.extend(pieces)

    placed = False
    for index, block in enumerate(blocks):
        following = blocks[index + 1].kind if index + 1 < len(blocks) else ""
        if block.kind == "heading":
            add(layout.para(fill(block.items[0], values), styles.h3), keep_next=True)
        elif block.kind == "para":
            # A paragraph introducing a list stays with the list's first items.
            add(layout.rich(inline_markup(block.items[0], values), styles.body),
                keep_next=following in ("bullets", "numbers")
                or block.items[0].rstrip().endswith(":"))
        elif block.kind in ("bullets", "numbers"):
            add(*_list_chunks(block, ctx))
        elif block.kind == "tip":
            tip = layout.callout([inline_markup(t, values) for t in block.items], ctx.styles,
                                 ctx.branding, markup=True)
            if out and not pending:
                # A tip belongs to the text before it: never alone at the top of a page.
                out[-1] = _joined(out[-1], tip)
            else:
                add(tip)
        elif block.kind == "details":
            if details is not None and not placed:
                placed = True
                add(*details())
            elif details is None:
                add(layout.para(DETAILS, styles.body))
    if details is not None and not placed:
        add(*details())
    out.extend(pending)
    return out


def _list_chunks(block: Block, ctx: _Context) -> list[Piece]:
    """A list as up to three lists that read as one: its first two items together (so a
    heading kept with the list does not pull the whole of it over) and its last two
    together (no item alone at the top of a page); short lists stay whole."""
    items = [inline_markup(i, ctx.values) for i in block.items]
    numbered = block.kind == "numbers"
    if len(items) <= 4:
        return [(_spaced(_list(items, ctx, numbered, block.start)),)]
    head, middle, tail = items[:2], items[2:-2], items[-2:]
    chunks: list[Piece] = [(_list(head, ctx, numbered, block.start),)]
    if middle:
        chunks.append(_list(middle, ctx, numbered, block.start + 2))
    chunks.append((_spaced(_list(tail, ctx, numbered, block.start + 2 + len(middle))),))
    return chunks


def _spaced(flowable: Flowable) -> Flowable:
    # A list's items sit closer than paragraphs; the text after it needs a paragraph's gap.
    flowable.spaceAfter = 4
    return flowable


def _list(items: Sequence[str], ctx: _Context, numbered: bool, start: int) -> Flowable:
    if not numbered:
        return layout.bullets(items, ctx.styles, markup=True)
    return ListFlowable(
        [ListItem(layout.rich(i, ctx.styles.bullet), leftIndent=18, value=start + n)
         for n, i in enumerate(items)],
        bulletType="1", start=start, bulletFormat="%s.", leftIndent=18,
        bulletFontName=fonts.font_name(style=Style.BOLD), bulletFontSize=10,
        bulletColor=layout.colour(ctx.branding.primary))


def _facts(rows: Sequence[tuple[str, str]], ctx: _Context) -> Table:
    """A two-column table of labels and values, labels on a tint of the programme colour."""
    label_width = 40 * mm
    data = [[layout.para(label, ctx.label), layout.para(value, ctx.styles.cell)]
            for label, value in rows]
    result = Table(data, colWidths=[label_width, ctx.width - label_width], hAlign="LEFT")
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), layout.tint(ctx.branding.primary, 0.9)),
        ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.white),
        ("LINEBELOW", (1, 0), (1, -2), 0.4, layout.tint(ctx.branding.primary, 0.75)),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, layout.colour(ctx.branding.primary)),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, layout.colour(ctx.branding.primary)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
    ]))
    result.spaceBefore, result.spaceAfter = 4, 10
    return result


def _table(rows: Sequence[Sequence[str]], ctx: _Context,
           fractions: Sequence[float]) -> Table:
    result = layout.table(rows, ctx.styles, ctx.branding,
                          widths=[ctx.width * f for f in fractions])
    result.spaceBefore, result.spaceAfter = 4, 10
    return result


# --------------------------------------------------------------------------- data sections


def _objectives(ctx: _Context) -> list[Piece]:
    p, styles = ctx.programme, ctx.styles
    out: list[Piece] = []
    if p.description.strip():
        out.append(layout.para(p.description.strip(), ctx.lead))
    if p.objectives:
        rows = [["", "Objective", "Why it matters to the organisation"]]
        rows += [[str(n), o.title, o.organisational_goal or "–"]
                 for n, o in enumerate(p.objectives, 1)]
        out.append(_table(rows, ctx, (0.06, 0.44, 0.5)))
    if p.kpis:
        rows = [["Measure", "Starting point", "Target"]]
        for kpi in p.kpis:
            target = format_value(kpi.target_value, kpi.unit)
            target += " or less" if kpi.direction == KpiDirection.DECREASE else " or more"
            start = ("–" if kpi.baseline_value is None
                     else format_value(kpi.baseline_value, kpi.unit))
            rows.append([kpi.name, start, target])
        # The table is short: its heading and introduction stay on its page.
        out.append((layout.para("How we will know it is working", styles.h3),
                    layout.para("The programme tracks these measures over its course:",
                                styles.body),
                    _table(rows, ctx, (0.52, 0.22, 0.26))))
    if not out:
        out.append(layout.para(fill("{coordinator} will share the programme's objectives "
                                    "with you.", ctx.values), styles.body))
    return out


def _dates(start: date | None, end: date | None) -> str:
    """The programme's dates for the facts table, with its length when both are set."""
    if start and end:
        return (f"{long_date(start)} to {long_date(end)} "
                f"({length_words((end - start).days + 1)})")
    if start:
        return f"From {long_date(start)}; the end date is still to be confirmed"
    if end:
        return f"Until {long_date(end)}; the start date is still to be confirmed"
    return "Still to be confirmed"


def _how_it_works(ctx: _Context) -> list[Piece]:
    p, values = ctx.programme, ctx.values
    if p.format == ProgrammeFormat.GROUP:
        shape = (f"Small group circles: one mentor with {p.circle_min_size} to "
                 f"{p.circle_max_size} mentees, who learn from each other too")
    else:
        shape = "One-to-one: each mentee meets one mentor"
    if p.structure == ProgrammeStructure.FORMAL:
        structure = "Formal: each meeting has a suggested topic"
    else:
        structure = "Informal: each pair chooses its own topics"
    rows = [("Format", shape), ("Structure", structure),
            ("Meetings", f"{_capital(values['cadence'])}, about {values['duration']} each"),
            ("Dates", _dates(p.start_date, p.end_date))]
    if p.coordinator_name:
        rows.append(("Coordinator", p.coordinator_name))
    out: list[Piece] = [_facts(rows, ctx)]
    # The check-ins' own reading of the agenda, so the topics match the invitations.
    topics = checkins.agenda_topics(p.agenda)
    if p.structure == ProgrammeStructure.FORMAL and topics:
        intro = (layout.para("Meeting by meeting", ctx.styles.h3),
                 layout.para("Each meeting has a suggested topic, in this order. Treat it as "
                             "a starting point rather than a script: if something more "
                             "pressing comes up, talk about that. If you meet more times than "
                             "there are topics, they start again from the top.",
                             ctx.styles.body))
        agenda = _table([["Meeting", "Suggested topic"],
                         *([str(n), t] for n, t in enumerate(topics, 1))], ctx, (0.16, 0.84))
        # A short agenda stays whole; a long one runs on over the page under its header row.
        out.extend([(*intro, agenda)] if len(topics) <= SHORT_TABLE else [intro, agenda])
    return out


def _name(person: Participant | None) -> str:
    if person is None:
        return "(name removed)"
    if person.preferred_name and person.preferred_name not in person.full_name:
        return f"{person.full_name} ({person.preferred_name})"
    return person.full_name


def _zone_words(zone: str) -> str:
    return "UTC" if zone == "UTC" else f"{zone.rsplit('/', 1)[-1].replace('_', ' ')} time"


def _when(row: checkins.CheckinRow) -> tuple[str, str]:
    end = row.start + timedelta(minutes=row.duration_minutes)
    return (long_date(row.start.date(), weekday=True),
            f"{time_range(row.start, end)} {_zone_words(row.timezone)}")


def _pairings(session: Session, programme_id: int, role: str, reader: Participant,
              now: datetime) -> list[_Pairing]:
    """The reader's open pairings in the programme in the handbook's role, with partners
    and the meetings still to come (in each meeting's own time zone)."""
    query = (select(Pairing).where(Pairing.programme_id == programme_id,
                                   Pairing.status.in_(_OPEN_STATUSES))
             .options(selectinload(Pairing.mentor),
                      selectinload(Pairing.members).selectinload(PairingMember.mentee))
             .order_by(Pairing.id))
    if role == "mentor":
        query = query.where(Pairing.mentor_id == reader.id)
    else:
        query = query.where(Pairing.members.any(PairingMember.mentee_id == reader.id))
    result = []
    for pairing in session.scalars(query):
        members = sorted(pairing.members, key=lambda m: m.id)
        if role == "mentor":
            partners = tuple(_Partner(m.mentee, "mentee") for m in members)
        else:
            partners = (_Partner(pairing.mentor, "mentor"),
                        *(_Partner(m.mentee, "circle member") for m in members
                          if m.mentee_id != reader.id))
        upcoming = tuple(r for r in checkins.pairing_checkins(session, pairing.id)
                         if r.outcome == CheckinOutcome.SCHEDULED and r.start >= now)
        result.append(_Pairing(pairing, partners, checkins.get_series(session, pairing.id),
                               upcoming))
    return result


def _offset_words(theirs: str, yours: str, at: datetime) -> str:
    """How far ``theirs`` is ahead of or behind ``yours`` at ``at``: "5 hours behind you"."""
    try:
        difference = (at.astimezone(ZoneInfo(theirs)).utcoffset() or timedelta()) - (
            at.astimezone(ZoneInfo(yours)).utcoffset() or timedelta())
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    hours = difference.total_seconds() / 3600
    if not hours:
        return "same time as you"
    return f"{plural(abs(hours), 'hour')} {'ahead of' if hours > 0 else 'behind'} you"


def _person_rows(partner: _Partner, reader: Participant,
                 now: datetime) -> list[tuple[str, str]]:
    person = partner.person
    if person is None:
        return []
    role = " · ".join(x for x in (person.job_title, person.department) if x)
    rows = [("Role", role)] if role else []
    rows.append(("Email", person.email))
    if person.timezone != reader.timezone or person.location != reader.location:
        offset = ("" if person.timezone == reader.timezone
                  else _offset_words(person.timezone, reader.timezone, now))
        place = " · ".join(x for x in (person.location, offset) if x)
        if place:
            rows.append(("Based in", place))
    return rows


def _your_partner(ctx: _Context) -> list[Piece]:
    styles, reader = ctx.styles, ctx.reader
    if reader is None:
        return []
    out: list[Piece] = [layout.para(f"Prepared for {reader.full_name}", ctx.lead)]
    if not ctx.pairings:
        partners = "mentees" if ctx.role == "mentor" else "mentor"
        out.append(layout.callout([inline_markup(
            f"**Your pairing is not set yet.** {{coordinator}} will tell you who your "
            f"{partners} will be, and send calendar invitations for your meetings, as soon "
            "as it is.", ctx.values)], ctx.styles, ctx.branding, markup=True))
        return out
    for entry in ctx.pairings:
        if entry.pairing.circle_name:
            out.append(layout.para(f"Circle: {entry.pairing.circle_name}", styles.h3))
        peers = [p for p in entry.partners if p.relation == "circle member"]
        for partner in entry.partners:
            if partner in peers:
                continue
            title = ("Your mentor: " if partner.relation == "mentor" else
                     "Your mentee: ") + _name(partner.person)
            rows = _person_rows(partner, reader, ctx.now)
            heading = layout.para(title, styles.h3)
            out.append((heading, _facts(rows, ctx)) if rows else heading)
        if peers:
            # The other members of a mentee's circle: who they are, in one short table.
            rows = [(_name(p.person), " · ".join(
                x for x in (p.person.job_title, p.person.department, p.person.email) if x)
                if p.person else "") for p in peers]
            out.append((layout.para("Also in your circle", styles.h3), _facts(rows, ctx)))
        out.extend(_schedule(entry, ctx, several=len(ctx.pairings) > 1))
    return out


def _schedule(entry: _Pairing, ctx: _Context, *, several: bool) -> list[Piece]:
    styles, series, pairing = ctx.styles, entry.series, entry.pairing
    rows: list[tuple[str, str]] = []
    if pairing.status == PairingStatus.ACCEPTED:
        starts = (f" from {long_date(pairing.start_date)}" if pairing.start_date
                  else " soon")
        rows.append(("Status", f"Agreed; your meetings start{starts}"))
    if series is not None:
        rows.append(("Rhythm", f"{_capital(series.rhythm)} at "
                               f"{clock(series.first_start)} {_zone_words(series.timezone)}, "
                               f"{series.duration_minutes} minutes each"))
        if series.location:
            rows.append(("Where", series.location))
        if series.link:
            rows.append(("Video link", series.link))
    if entry.upcoming:
        rows.insert(0, ("Next check-in", " ".join(_when(entry.upcoming[0]))))
    title = "Your check-ins"
    if several:  # a mentor with several mentees: whose meetings these are
        title = "Check-ins with " + (pairing.circle_name or ", ".join(
            _name(p.person) for p in entry.partners))
    heading = layout.para(title, styles.h3)
    if not rows:
        who = "your mentor" if ctx.role == "mentee" else "your mentee"
        return [(heading, layout.para(fill(
            f"No check-ins are planned yet. Agree your first meeting with {who}; "
            "{coordinator} will send calendar invitations once the rhythm is set.",
            ctx.values), styles.body))]
    out: list[Piece] = [(heading, _facts(rows, ctx))]
    if entry.upcoming:
        table = [["Date", "Time", "Suggested topic"]]
        table += [[*_when(r), r.topic or "Your choice"]
                  for r in entry.upcoming[:UPCOMING_SHOWN]]
        upcoming: list[Flowable] = [_table(table, ctx, (0.33, 0.3, 0.37))]
        rest = entry.upcoming[UPCOMING_SHOWN:]
        if rest:
            last = rest[-1].start.date()
            upcoming.append(layout.para(
                f"…and {len(rest)} more, the last on {long_date(last)}. Your calendar "
                "invitations have them all.", styles.small))
        out.append(tuple(upcoming))  # a few rows: never split over two pages
    elif series is not None:
        out.append(layout.para("No further check-ins are planned in this series.",
                               styles.body))
    return out


def _contacts(ctx: _Context) -> list[Piece]:
    p = ctx.programme
    rows = [("Coordinator", p.coordinator_name or "To be confirmed")]
    if p.coordinator_email:
        rows.append(("Email", p.coordinator_email))
    rows.append(("Programme", p.name))
    if ctx.branding.organisation:
        rows.append(("Organisation", ctx.branding.organisation))
    for entry in ctx.pairings:
        for partner in entry.partners:
            if partner.person is not None:
                label = {"mentor": "Your mentor", "mentee": "Your mentee"}.get(
                    partner.relation, "In your circle")
                rows.append((label, f"{_name(partner.person)} · {partner.person.email}"))
    return [_facts(rows, ctx)]


_GENERATORS: dict[str, Callable[[_Context], list[Piece]]] = {
    "objectives": _objectives, "how-it-works": _how_it_works,
    PERSONAL_SECTION: _your_partner, "contacts": _contacts,
}


def _section(section: HandbookSection, ctx: _Context) -> list[Flowable]:
    """A section: an accent rule and the heading, kept with the first of its text."""
    generator = _GENERATORS.get(section.key)
    body = _render_blocks(parse_blocks(section.text), ctx,
                          (lambda: generator(ctx)) if generator else None)
    rule = HRFlowable(width=16 * mm, thickness=3, color=layout.colour(ctx.branding.accent),
                      hAlign="LEFT", spaceBefore=0, spaceAfter=7, lineCap="butt")
    heading = layout.heading(fill(section.title, ctx.values), ctx.styles, 0)
    opening = _joined(rule, heading, *body[:1])
    return [Spacer(1, 6), CondPageBreak(SECTION_ROOM), *_flowables([opening, *body[1:]])]


def render_handbook(session: Session, programme_id: int, role: str, *,
                    participant_id: int | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    now: datetime | None = None) -> bytes:
    """The ``role`` handbook of a programme as PDF bytes.

    With ``participant_id`` it is prepared for that person: their name on the cover and a
    section with their partners in this programme and their check-ins still to come
    after ``now`` (default: the present). A person not yet paired gets the same handbook,
    saying so.

    Raises:
        UserError: an unknown role, programme or participant, or ``cancelled`` returned
            True (nothing is produced).
    """
    _check_role(role)
    programme = _programme(session, programme_id)
    reader: Participant | None = None
    if participant_id is not None:
        reader = session.get(Participant, participant_id)
        if reader is None:
            raise NotFoundError(f"There is no participant {participant_id}.")
    branding = load_branding(session, programme_id)
    styles, label, lead = _styles(branding)
    pagesize = layout.PAPER_SIZES.get(branding.paper, layout.PAPER_SIZES["A4"])
    now = now or datetime.now(UTC)
    ctx = _Context(
        programme=programme, role=role, branding=branding, styles=styles,
        values=_values(programme, branding), width=pagesize[0] - 2 * layout.MARGIN,
        reader=reader,
        pairings=(_pairings(session, programme_id, role, reader, now)
                  if reader is not None else []),
        label=label, lead=lead, now=now)
    story: list[Flowable] = []
    for section in handbook_sections(session, programme_id, role):
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: nothing was written.")
        if section.key == PERSONAL_SECTION and reader is None:
            continue
        story.extend(_section(section, ctx))
    title = f"{role.capitalize()} handbook"
    subtitle = programme.name
    if reader is not None:
        subtitle = f"{programme.name} · Prepared for {reader.full_name}"
        if fonts.text_width(subtitle, 14) > pagesize[0] - 2 * layout.MARGIN:
            subtitle = f"Prepared for {reader.full_name}"
    return layout.build_document(story, title=title, branding=branding, subtitle=subtitle,
                                 cancelled=cancelled)
