"""The panel beside the participants table: everything held about the selected person.

It renders :func:`mentordesk.services.privacy.person_report` — the same data a subject
access request exports — so what the coordinator sees here is exactly what is held: their
details, pairings, check-ins, feedback, awards, stories and training.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from mentordesk.errors import NotFoundError

if TYPE_CHECKING:
    from mentordesk.db import Database

ROLE_TEXT = {"mentor": "Mentor", "mentee": "Mentee", "both": "Mentor and mentee"}
MAX_CHECKINS = 50  # the most recent; the full list is in "Export their data…"

_CSS = """
h2 { margin: 0 0 2px 0; }
h3 { margin: 14px 0 4px 0; font-size: 1.05em; }
p { margin: 2px 0; }
.muted { color: #6B6B6B; }
.bad { color: #B00020; }
td { padding: 1px 8px 1px 0; vertical-align: top; }
td.k { color: #6B6B6B; white-space: nowrap; }
.note { color: #3A3A3A; font-style: italic; }
"""


def _words(value: object) -> str:
    """An enum value as words: "ended_early" -> "Ended early"."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _when(value: str | None, *, time: bool = False) -> str:
    """An ISO date or time from the report as people read it (times in local time)."""
    if not value:
        return ""
    try:
        if time or "T" in value:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return moment.strftime("%d %b %Y, %H:%M").lstrip("0")
        return date.fromisoformat(value).strftime("%d %b %Y").lstrip("0")
    except ValueError:
        return value


def _e(value: object) -> str:
    return escape(str(value)) if value not in (None, "") else ""


def _list(values: Iterable[object]) -> str:
    return ", ".join(escape(str(v)) for v in values if v not in (None, ""))


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    shown = [(k, v) for k, v in pairs if v]
    if not shown:
        return ""
    return "<table>" + "".join(f"<tr><td class='k'>{escape(k)}</td><td>{v}</td></tr>"
                               for k, v in shown) + "</table>"


def _section(title: str, items: Sequence[Any], body: str) -> str:
    count = f" ({len(items)})" if items else ""
    return f"<h3>{escape(title)}{count}</h3>" + (body if items else
                                                   "<p class='muted'>None.</p>")


def render_report(report: Mapping[str, Any]) -> str:
    """The report as rich text for a :class:`QTextBrowser`."""
    person = report["participant"]
    name = person.get("full_name", "")
    preferred = person.get("preferred_name")
    heading = f"<h2>{escape(name)}</h2>"
    if preferred and preferred != name:
        heading += f"<p class='muted'>Goes by {escape(preferred)}</p>"
    role = ROLE_TEXT.get(person.get("role", ""), _words(person.get("role")))
    status = person.get("status", "")
    status_text = (f"<span class='bad'>Withdrawn {_when(person.get('withdrawn_at'))}</span>"
                   if status == "withdrawn" else _e(_words(status)))
    work = " · ".join(escape(v) for v in (person.get("job_title"), person.get("department"))
                      if v)
    heading += f"<p>{escape(role)} · {status_text}</p>"
    if work:
        heading += f"<p>{work}</p>"
    heading += f"<p><a href='mailto:{_e(person.get('email'))}'>{_e(person.get('email'))}</a></p>"

    manager = person.get("manager") or {}
    manager_text = _e(manager.get("name")) or _e(manager.get("email"))
    skills = ", ".join(f"{escape(s['name'])} ({s['level']})" for s in person.get("skills", []))
    capacity = person.get("mentor_capacity")
    consents = [text for key, text in (("consent_stories", "success stories"),
                                       ("consent_photos", "photos")) if person.get(key)]
    details = _rows([
        ("Manager", manager_text),
        ("Level", " ".join(filter(None, (_e(person.get("level")),
                                         f"(rank {person['level_rank']})"
                                         if person.get("level_rank") is not None else "")))),
        ("Location", _e(person.get("location"))),
        ("Time zone", _e(person.get("timezone"))),
        ("Languages", _list(person.get("languages", []))),
        ("Skills", skills),
        ("Wants to grow", _list(person.get("development_goals", []))),
        ("Interests", _list(person.get("interests", []))),
        ("Can mentor", f"{capacity} mentee{'s' if capacity != 1 else ''}"
         if capacity and person.get("role") != "mentee" else ""),
        ("Availability", _e(person.get("availability_notes"))),
        ("Agreed to", ", ".join(consents) if consents else "no stories, no photos"),
        ("Notes", _e(person.get("notes")).replace("\n", "<br>")),
        ("In MentorDesk since", _when(person.get("created_at"))),
    ])

    pairings = list(report.get("pairings", []))
    partners_of = {p["id"]: ", ".join(p.get("partners") or []) for p in pairings}
    pairing_html = ""
    for p in pairings:
        partners = _list(p.get("partners") or []) or "<span class='muted'>(erased)</span>"
        relation = "Mentor of" if p.get("role") == "mentor" else "Mentee of"
        span = " – ".join(filter(None, (_when(p.get("start_date")), _when(p.get("end_date")))))
        facts = " · ".join(filter(None, (
            escape(_words(p.get("status"))), span, escape(_words(p.get("cadence"))),
            f"match score {p['score']:.0f}" if isinstance(p.get("score"), int | float)
            else "")))
        pairing_html += f"<p><b>{relation} {partners}</b><br><span class='muted'>{facts}</span>"
        # The three contributions that added most, one per line (the Pairing area has all).
        lines = [line for line in str(p.get("explanation") or "").splitlines()
                 if line.strip() and not line.rstrip().endswith("+0")][:3]
        for line in lines:
            pairing_html += f"<br>• {escape(line)}"
        pairing_html += "</p>"

    checkins = sorted(report.get("checkins", []), key=lambda c: c.get("scheduled_start") or "",
                      reverse=True)
    # One line each (the panel is narrow): when and what became of it, with whom when
    # the person has more than one pairing, and the notes underneath.
    checkin_html = ""
    for c in checkins[:MAX_CHECKINS]:
        outcome = escape(_words(c.get("outcome")))
        if c.get("outcome") in ("missed", "cancelled"):
            outcome = f"<span class='bad'>{outcome}</span>"
        partner = partners_of.get(c.get("pairing_id"), "")
        with_whom = f" · with {escape(partner)}" if partner and len(pairings) > 1 else ""
        checkin_html += (f"<p><b>{_when(c.get('scheduled_start'), time=True)}</b> · "
                         f"{outcome}{with_whom}")
        if c.get("notes"):
            checkin_html += f"<br><span class='note'>{escape(c['notes'])}</span>"
        checkin_html += "</p>"
    if len(checkins) > MAX_CHECKINS:
        checkin_html += (f"<p class='muted'>The {MAX_CHECKINS} most recent are shown; "
                         "“Export their data…” lists every one.</p>")

    feedback = list(report.get("feedback", []))
    feedback_html = ""
    last_form = None
    for f in feedback:
        form = (f.get("form"), f.get("submitted_at"))
        if form != last_form:
            feedback_html += (f"<p><b>{_e(f.get('form'))}</b> "
                              f"<span class='muted'>{_when(f.get('submitted_at'))}</span></p>")
            last_form = form
        answer = f.get("answer")
        if isinstance(answer, float) and answer.is_integer():
            answer = int(answer)
        feedback_html += (f"<p>{_e(f.get('question'))} "
                          f"<i>{_e(answer) or '<span class=muted>(no answer)</span>'}</i></p>")

    awards = list(report.get("awards", []))
    awards_html = "".join(
        f"<p><b>{_e(a.get('title'))}</b> <span class='muted'>{_when(a.get('awarded_on'))}"
        f"</span>{'<br>' + _e(a.get('citation')) if a.get('citation') else ''}</p>"
        for a in awards)
    stories = list(report.get("stories", []))
    stories_html = "".join(
        f"<p><b>{_e(s.get('title'))}</b> <span class='muted'>{escape(_words(s.get('status')))}"
        f"</span></p>" for s in stories)
    training = list(report.get("training", []))
    training_html = "".join(
        f"<p>{_e(t.get('session'))} <span class='muted'>{_when(t.get('starts_at'))} · "
        f"{'attended' if t.get('attended') else 'did not attend'}</span></p>" for t in training)

    return (f"<html><head><style>{_CSS}</style></head><body>{heading}"
            f"<h3>Details</h3>{details}"
            + _section("Pairings", pairings, pairing_html)
            + _section("Check-ins", checkins, checkin_html)
            + _section("Feedback", feedback, feedback_html)
            + _section("Awards", awards, awards_html)
            + (_section("Success stories", stories, stories_html) if stories else "")
            + (_section("Training", training, training_html) if training else "")
            + "</body></html>")


class ParticipantDetail(QWidget):
    """Shows one participant in full, with the privacy actions that concern them."""

    export_requested = Signal(int)  # participant id: export everything held about them
    erase_requested = Signal(int)  # participant id: erase them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.participant_id: int | None = None
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # mailto links are for copying, not for leaving
        self.browser.document().setDocumentMargin(10)
        self.export_button = QPushButton("Export their data…")
        self.export_button.setToolTip("Everything held about this person, as a JSON file and "
                                      "a printable page (a subject access request)")
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.erase_button = QPushButton("Erase…")
        self.erase_button.setToolTip("Remove this person for good (right to erasure)")
        self.erase_button.clicked.connect(self._on_erase_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.erase_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self._writable = False
        self.show_participant(None, None)

    def show_participant(self, db: Database | None, participant_id: int | None) -> None:
        """Show ``participant_id`` read from ``db`` (nobody if None)."""
        from mentordesk.services.privacy import person_report

        report = None
        if db is not None and participant_id is not None:
            try:
                with db.Session() as session:
                    report = person_report(session, participant_id)
            except NotFoundError:
                report = None
        same_person = participant_id == self.participant_id
        self.participant_id = participant_id if report is not None else None
        if report is None:
            self.browser.setHtml("<p style='color:#6B6B6B'>Select someone in the list to see "
                                 "everything MentorDesk holds about them.</p>")
        else:
            # A refresh keeps the reader's place; another person starts at the top.
            scroll = self.browser.verticalScrollBar().value() if same_person else 0
            self.browser.setHtml(render_report(report))
            self.browser.verticalScrollBar().setValue(scroll)
        self._update_buttons()

    def set_writable(self, writable: bool) -> None:
        """Erasing needs a database open for writing."""
        self._writable = writable
        self._update_buttons()

    def _update_buttons(self) -> None:
        shown = self.participant_id is not None
        self.export_button.setEnabled(shown)
        self.erase_button.setEnabled(shown and self._writable)

    def _on_export_button_clicked(self) -> None:
        if self.participant_id is not None:
            self.export_requested.emit(self.participant_id)

    def _on_erase_button_clicked(self) -> None:
        if self.participant_id is not None:
            self.erase_requested.emit(self.participant_id)
