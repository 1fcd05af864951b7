"""Each person's privacy rights: see everything held about them, and erase them.

* :func:`person_report` and :func:`export_person` answer a subject access request: every
  record about one participant, as JSON and as a printable HTML page.
* :func:`plan_erasure` says, in plain sentences with counts, what an erasure will remove
  and what it keeps; :func:`erase_participant` does it.
* Erasing removes the person and their personal data, and keeps the programme's figures:
  pairings and check-ins stay (without their name, notes and explanations), feedback
  ratings stay anonymous (their comments go), awards and training attendance stay without
  a name, their success stories are deleted. Mentions of their full name or email in other
  people's free text are replaced by ``[removed]``; a mention by first name alone cannot be
  told apart from someone else's and is left as written. The audit trail holds ids and
  field names only, so it is kept. Then the file is compacted (``Database.compact``) so the
  deleted data is not left in free pages of the file or in its ``-wal``.
* Erasures are recorded by id only: an :class:`~mentordesk.models.Erasure` row, and a
  ledger file beside the database (``<db stem>-erasures.json``, owner-only) holding the
  participant id, when their record was created and when it was erased. Restoring a backup
  replaces the whole database, Erasure table included, so after a restore
  :func:`reapply_erasures` erases again everyone in the ledger. The creation time guards
  against SQLite reusing an erased person's id for someone added later.

Backups: an erasure first takes a ``pre-erasure`` backup, and earlier backups (taken on
open, on close, by hand) also still hold the person. That is expected: backups age out by
the thinning policy, and whichever one is restored, the ledger erases the person again. It
also means an erasure cannot be undone by restoring a backup while the ledger lists them.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from mentordesk.errors import DatabaseError, NotFoundError, UserError
from mentordesk.models import (
    AuditEvent,
    Award,
    Checkin,
    Erasure,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    HrOutcome,
    KpiMeasurement,
    Pairing,
    PairingMember,
    PairingRule,
    Participant,
    Programme,
    QuestionKind,
    SuccessStory,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.services import audit
from mentordesk.services.participants import get_participant

if TYPE_CHECKING:
    from mentordesk.db import Database

REMOVED = "[removed]"
LEDGER_VERSION = 1


# --------------------------------------------------------------------------- small helpers


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _name(person: Participant | None) -> str:
    return person.full_name if person is not None else "(erased)"


def _pairing_ids(session: Session, participant_id: int) -> tuple[list[int], list[int]]:
    """Ids of the pairings the person mentors, and of those they are a mentee in."""
    as_mentor = list(session.scalars(
        select(Pairing.id).where(Pairing.mentor_id == participant_id).order_by(Pairing.id)))
    as_mentee = list(session.scalars(
        select(PairingMember.pairing_id).where(PairingMember.mentee_id == participant_id)
        .order_by(PairingMember.pairing_id)))
    return as_mentor, as_mentee


def _require(session: Session, participant_id: int) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFoundError(f"There is no participant with id {participant_id}.")
    return person


# --------------------------------------------------------------------------- access request


CONFIDENTIAL_NOTE = ("its answers are held only inside figures of at least five confidential "
                     "responses; ask the programme's data protection contact for them")


def person_report(session: Session, participant_id: int) -> dict[str, Any]:
    """Everything held about one participant, as JSON-able data (a subject access request).

    Raises :class:`NotFoundError` for an unknown id.
    """
    record = get_participant(session, participant_id)
    data = record.data
    participant = {
        "id": record.id,
        "full_name": data.full_name,
        "preferred_name": data.preferred_name,
        "email": data.email,
        "department": data.department,
        "job_title": data.job_title,
        "manager": {"id": record.manager_id, "name": record.manager_name,
                    "email": data.manager_email},
        "level": data.level,
        "level_rank": data.level_rank,
        "location": data.location,
        "timezone": data.timezone,
        "role": str(data.role),
        "mentor_capacity": data.mentor_capacity,
        "status": str(record.status),
        "withdrawn_at": _iso(record.withdrawn_at),
        "languages": list(data.languages),
        "skills": [{"name": s.name, "level": s.level} for s in data.skills],
        "development_goals": list(data.goals),
        "interests": list(data.interests),
        "availability_notes": data.availability_notes,
        "consent_stories": data.consent_stories,
        "consent_photos": data.consent_photos,
        "notes": data.notes,
        "created_at": _iso(record.created_at),
    }

    as_mentor, as_mentee = _pairing_ids(session, participant_id)
    pairing_ids = sorted(set(as_mentor) | set(as_mentee))
    pairings: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    for pairing in session.scalars(select(Pairing).where(Pairing.id.in_(pairing_ids))
                                   .order_by(Pairing.id)):
        if pairing.id in as_mentor:
            role = "mentor"
            partners = [_name(m.mentee) for m in pairing.members]
            matches = [m for m in pairing.members if m.explanation]
        else:
            role = "mentee"
            partners = [_name(pairing.mentor)]
            matches = [m for m in pairing.members if m.mentee_id == participant_id]
        # Each mentee's own match: what the matching said about this person.
        explanations = [m.explanation for m in matches if m.explanation]
        pairings.append({
            "id": pairing.id,
            "programme": pairing.programme.name,
            "role": role,
            "partners": partners,
            "circle_name": pairing.circle_name,
            "status": str(pairing.status),
            "start_date": _iso(pairing.start_date),
            "end_date": _iso(pairing.end_date),
            "cadence": str(pairing.cadence),
            "score": pairing.score,
            "explanation": "\n\n".join(explanations) or pairing.explanation,
        })
        checkins.extend({
            "pairing_id": pairing.id,
            "scheduled_start": _iso(c.scheduled_start),
            "timezone": c.timezone,
            "duration_minutes": c.duration_minutes,
            "outcome": str(c.outcome),
            "notes": c.notes,
        } for c in pairing.checkins)

    feedback = [{
        "form": form_title,
        "submitted_at": _iso(submitted),
        "question": question,
        "answer": text if text is not None else number,
    } for form_title, submitted, question, text, number in session.execute(
        select(FeedbackForm.title, FeedbackResponse.submitted_at, FeedbackQuestion.text,
               FeedbackAnswer.value_text, FeedbackAnswer.value_number)
        .join(FeedbackResponse, FeedbackResponse.form_id == FeedbackForm.id)
        .join(FeedbackAnswer, FeedbackAnswer.response_id == FeedbackResponse.id)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
        .where(FeedbackResponse.participant_id == participant_id,
               FeedbackResponse.confidential.is_(False))
        .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id, FeedbackQuestion.position))]
    # A confidential response's answers are never shown to the coordinator, who produces
    # this report: it says the response exists, not what it says.
    feedback += [{
        "form": form_title,
        "submitted_at": _iso(submitted),
        "question": "(a confidential response)",
        "answer": CONFIDENTIAL_NOTE,
    } for form_title, submitted in session.execute(
        select(FeedbackForm.title, FeedbackResponse.submitted_at)
        .join(FeedbackResponse, FeedbackResponse.form_id == FeedbackForm.id)
        .where(FeedbackResponse.participant_id == participant_id,
               FeedbackResponse.confidential.is_(True))
        .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id))]

    awards = [{
        "title": a.title,
        "citation": a.citation,
        "awarded_on": _iso(a.awarded_on),
        "milestone": a.milestone.name if a.milestone else "",
        "certificate_printed_at": _iso(a.certificate_printed_at),
    } for a in session.scalars(select(Award).where(Award.participant_id == participant_id)
                               .order_by(Award.awarded_on, Award.id))]

    stories = [{
        "title": s.title,
        "body": s.body,
        "quote": s.quote,
        "status": str(s.status),
        "consent_given_on": _iso(s.consent_given_on),
        "created_at": _iso(s.created_at),
    } for s in session.scalars(select(SuccessStory)
                               .where(SuccessStory.participant_id == participant_id)
                               .order_by(SuccessStory.created_at, SuccessStory.id))]

    training = [{
        "session": title,
        "topic": topic,
        "starts_at": _iso(starts),
        "attended": attended,
    } for title, topic, starts, attended in session.execute(
        select(TrainingSession.title, TrainingSession.topic, TrainingSession.starts_at,
               TrainingAttendance.attended)
        .join(TrainingAttendance, TrainingAttendance.session_id == TrainingSession.id)
        .where(TrainingAttendance.participant_id == participant_id)
        .order_by(TrainingSession.starts_at, TrainingSession.id))]

    hr_outcomes = [{
        "department": o.department,
        "hired_on": _iso(o.hired_on),
        "promoted_on": _iso(o.promoted_on),
        "left_on": _iso(o.left_on),
        "imported_at": _iso(o.imported_at),
    } for o in session.scalars(select(HrOutcome).where(HrOutcome.participant_id ==
                                                      participant_id))]

    mentor = aliased(Participant)
    mentee = aliased(Participant)
    pairing_rules = [{
        "kind": str(kind),
        "mentor": mentor_name,
        "mentee": mentee_name,
        "reason": reason,
    } for kind, mentor_name, mentee_name, reason in session.execute(
        select(PairingRule.kind, mentor.full_name, mentee.full_name, PairingRule.reason)
        .join(mentor, mentor.id == PairingRule.mentor_id)
        .join(mentee, mentee.id == PairingRule.mentee_id)
        .where(or_(PairingRule.mentor_id == participant_id,
                   PairingRule.mentee_id == participant_id))
        .order_by(PairingRule.id))]

    audit_events = [{
        "action": e.action,
        "at": _iso(e.at),
        "fields": [f for f in e.fields.split(",") if f],
    } for e in session.scalars(select(AuditEvent)
                               .where(AuditEvent.entity == "participant",
                                      AuditEvent.entity_id == participant_id)
                               .order_by(AuditEvent.at, AuditEvent.id))]

    return {
        "participant": participant,
        "pairings": pairings,
        "checkins": checkins,
        "feedback": feedback,
        "awards": awards,
        "stories": stories,
        "hr_outcomes": hr_outcomes,
        "training": training,
        "pairing_rules": pairing_rules,
        "audit": audit_events,
        "generated_at": _iso(datetime.now(UTC)),
    }


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_only = "".join(c for c in folded if c.isascii())
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")[:60] or "participant"


def export_person(session: Session, participant_id: int, folder: Path) -> tuple[Path, Path]:
    """Write ``<folder>/<slug>-<id>.json`` and ``.html``, atomically and owner-only.

    Returns ``(json_path, html_path)``.
    """
    from mentordesk.db import private_output

    report = person_report(session, participant_id)
    stem = f"{_slug(report['participant']['full_name'])}-{participant_id}"
    folder = Path(folder)
    json_path = folder / f"{stem}.json"
    html_path = folder / f"{stem}.html"
    try:
        with private_output(json_path) as out:
            out.write(json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
        with private_output(html_path) as out:
            out.write(render_html(report).encode("utf-8"))
    except OSError as exc:
        raise UserError(f"Could not write the export to {folder}: {exc.strerror or exc}") from exc
    return json_path, html_path


# --------------------------------------------------------------------------- HTML page

_CSS = """
body { font-family: "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       color: #1d1d1d; margin: 2em auto; max-width: 60em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #999; margin-top: 1.6em; }
.generated { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; white-space: pre-wrap; }
th { background: #eee; }
table.record th { width: 14em; }
.none { color: #666; font-style: italic; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
}
"""

_SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("pairings", "Pairings", (("id", "Pairing"), ("programme", "Programme"), ("role", "Role"),
                              ("partners", "Paired with"), ("circle_name", "Circle"),
                              ("status", "Status"), ("start_date", "Start"),
                              ("end_date", "End"), ("cadence", "Cadence"),
                              ("score", "Match score"), ("explanation", "Why matched"))),
    ("checkins", "Check-ins", (("pairing_id", "Pairing"), ("scheduled_start", "When (UTC)"),
                               ("duration_minutes", "Minutes"), ("outcome", "Outcome"),
                               ("notes", "Notes"))),
    ("feedback", "Feedback given", (("form", "Form"), ("submitted_at", "Submitted"),
                                    ("question", "Question"), ("answer", "Answer"))),
    ("awards", "Awards", (("title", "Award"), ("milestone", "Milestone"),
                          ("awarded_on", "Awarded on"), ("citation", "Citation"))),
    ("stories", "Success stories", (("title", "Title"), ("status", "Status"),
                                    ("consent_given_on", "Consent given on"),
                                    ("body", "Story"), ("quote", "Quote"))),
    ("hr_outcomes", "From the HR system", (("department", "Department"),
                                           ("hired_on", "Hired on"),
                                           ("promoted_on", "Promoted on"),
                                           ("left_on", "Left on"),
                                           ("imported_at", "Imported (UTC)"))),
    ("training", "Training", (("session", "Session"), ("topic", "Topic"),
                              ("starts_at", "When (UTC)"), ("attended", "Attended"))),
    ("pairing_rules", "Pairing rules", (("kind", "Rule"), ("mentor", "Mentor"),
                                        ("mentee", "Mentee"), ("reason", "Reason"))),
    ("audit", "Changes recorded (audit trail)", (("at", "When (UTC)"), ("action", "Action"),
                                                 ("fields", "Fields changed"))),
)

_RECORD_LABELS = (
    ("full_name", "Full name"), ("preferred_name", "Preferred name"), ("email", "Email"),
    ("department", "Department"), ("job_title", "Job title"), ("manager", "Manager"),
    ("level", "Level"), ("location", "Location"), ("timezone", "Time zone"), ("role", "Role"),
    ("mentor_capacity", "Mentor capacity"), ("status", "Status"),
    ("withdrawn_at", "Withdrawn at"), ("languages", "Languages"), ("skills", "Skills"),
    ("development_goals", "Development goals"), ("interests", "Interests"),
    ("availability_notes", "Availability"), ("consent_stories", "Consents to stories"),
    ("consent_photos", "Consents to photos"), ("notes", "Coordinator's notes"),
    ("created_at", "Record created"),
)


def _text(value: Any) -> str:
    """A value as escaped text for a table cell."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return html.escape(", ".join(
            f"{v['name']} ({v['level']}/5)" if isinstance(v, dict) else str(v) for v in value))
    if isinstance(value, dict):  # the manager
        parts = [p for p in (value.get("name"), value.get("email")) if p]
        return html.escape(" — ".join(str(p) for p in parts)) if parts else "—"
    return html.escape(str(value))


def render_html(report: dict[str, Any]) -> str:
    """The report as a self-contained, printable HTML page (every value escaped)."""
    person = report["participant"]
    title = f"Data held about {person['full_name']}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="generated">Generated {html.escape(report["generated_at"])} (UTC) by '
        f"MentorDesk, participant id {int(person['id'])}.</p>",
        "<h2>Participant record</h2>",
        '<table class="record">',
    ]
    out += [f"<tr><th>{html.escape(label)}</th><td>{_text(person.get(key))}</td></tr>"
            for key, label in _RECORD_LABELS]
    out.append("</table>")
    for key, heading, columns in _SECTIONS:
        rows: list[dict[str, Any]] = report.get(key, [])
        out.append(f"<h2>{html.escape(heading)}</h2>")
        if not rows:
            out.append('<p class="none">Nothing held.</p>')
            continue
        out.append("<table><tr>" + "".join(f"<th>{html.escape(label)}</th>"
                                           for _, label in columns) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{_text(row.get(col))}</td>" for col, _ in columns)
                + "</tr>" for row in rows]
        out.append("</table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- erasure


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing one participant removes and keeps, in sentences for a confirmation."""

    participant_id: int
    name: str
    email: str
    removes: tuple[str, ...]
    keeps: tuple[str, ...]


# Free-text columns where another record may name the person; mentions are replaced.
_MENTION_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    Participant.notes, Participant.availability_notes, Checkin.notes, Pairing.explanation,
    PairingMember.explanation, FeedbackAnswer.value_text,
    Pairing.circle_name, PairingRule.reason, Award.citation, SuccessStory.title,
    SuccessStory.body, SuccessStory.quote, KpiMeasurement.note, TrainingSession.facilitator,
    Programme.coordinator_name, Programme.description,
)


def _mention_pattern(person: Participant) -> re.Pattern[str]:
    """Their email, and their full name when it is more than one word (a first name alone
    would match other people)."""
    terms = [person.email]
    if len(person.full_name.split()) > 1:
        terms.append(person.full_name)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


@dataclass
class _Scope:
    """The rows an erasure touches, found once and used by both the plan and the erasure."""

    person: Participant
    pairing_ids: list[int]
    checkins_total: int
    checkin_note_ids: list[int]
    noted_pairings: int
    explained_pairing_ids: list[int]
    explained_member_ids: list[int]  # every mentee's explanation in their pairings
    responses: int
    comment_ids: list[int]          # answers to TEXT questions, deleted
    comment_numbers_ids: list[int]  # TEXT answers that also carry a number: text cleared
    awards: int
    cited_award_ids: list[int]
    stories: int
    rules: int
    training: int
    reports_by_email_ids: list[int]
    coordinator_email_ids: list[int]
    mentions: dict[InstrumentedAttribute[Any], list[tuple[int, str]]]
    audit_events: int

    explained_member_pairings: list[int] = field(default_factory=list)
    hr_outcome: bool = False

    @property
    def mention_count(self) -> int:
        return sum(len(rows) for rows in self.mentions.values())


def _scope(session: Session, participant_id: int) -> _Scope:
    person = _require(session, participant_id)
    pid = participant_id
    as_mentor, as_mentee = _pairing_ids(session, pid)
    pairing_ids = sorted(set(as_mentor) | set(as_mentee))
    in_pairings = Checkin.pairing_id.in_(pairing_ids)
    checkins_total = session.scalar(select(func.count(Checkin.id)).where(in_pairings)) or 0
    noted = session.execute(
        select(Checkin.id, Checkin.pairing_id).where(in_pairings, Checkin.notes != "")).all()
    checkin_note_ids = [row.id for row in noted]
    noted_pairings = len({row.pairing_id for row in noted})
    explained = list(session.scalars(
        select(Pairing.id).where(Pairing.id.in_(pairing_ids), Pairing.explanation != "")))
    # A circle's explanations all name its mentor, so every member's is cleared.
    member_rows = session.execute(
        select(PairingMember.id, PairingMember.pairing_id).where(
            PairingMember.pairing_id.in_(pairing_ids), PairingMember.explanation != "")).all()
    explained_members = [row.id for row in member_rows]
    theirs = select(FeedbackResponse.id).where(FeedbackResponse.participant_id == pid)
    responses = session.scalar(
        select(func.count(FeedbackResponse.id)).where(FeedbackResponse.participant_id == pid)
    ) or 0
    text_answers = (
        select(FeedbackAnswer.id, FeedbackAnswer.value_number)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
        .where(FeedbackAnswer.response_id.in_(theirs),
               FeedbackQuestion.kind == QuestionKind.TEXT,
               FeedbackAnswer.value_text.is_not(None)))
    comment_ids: list[int] = []
    comment_numbers_ids: list[int] = []
    for answer_id, number in session.execute(text_answers):
        (comment_ids if number is None else comment_numbers_ids).append(answer_id)
    awards = session.scalar(select(func.count(Award.id)).where(Award.participant_id == pid)) or 0
    cited = list(session.scalars(
        select(Award.id).where(Award.participant_id == pid, Award.citation != "")))
    stories = session.scalar(
        select(func.count(SuccessStory.id)).where(SuccessStory.participant_id == pid)) or 0
    rules = session.scalar(select(func.count(PairingRule.id)).where(
        or_(PairingRule.mentor_id == pid, PairingRule.mentee_id == pid))) or 0
    training = session.scalar(select(func.count(TrainingAttendance.id))
                              .where(TrainingAttendance.participant_id == pid)) or 0
    email = person.email.lower()
    reports = list(session.scalars(select(Participant.id).where(
        Participant.id != pid,
        or_(Participant.manager_id == pid, func.lower(Participant.manager_email) == email))))
    coordinators = list(session.scalars(select(Programme.id).where(
        func.lower(Programme.coordinator_email) == email)))
    pattern = _mention_pattern(person)
    # Rows that are themselves erased or cleared are not counted as mentions.
    skip: dict[InstrumentedAttribute[Any], set[int]] = {
        Participant.notes: {pid}, Participant.availability_notes: {pid},
        Checkin.notes: set(checkin_note_ids), Pairing.explanation: set(explained),
        PairingMember.explanation: set(explained_members),
        Award.citation: set(cited),
        FeedbackAnswer.value_text: set(comment_ids) | set(comment_numbers_ids),
    }
    owned_stories = set(session.scalars(
        select(SuccessStory.id).where(SuccessStory.participant_id == pid)))
    mentions: dict[InstrumentedAttribute[Any], list[tuple[int, str]]] = {}
    for column in _MENTION_COLUMNS:
        entity = column.class_
        ignore = owned_stories if entity is SuccessStory else skip.get(column, set())
        # Scanned in Python: SQLite's LIKE folds the case of ASCII letters only.
        found = [(row_id, value) for row_id, value in session.execute(
            select(entity.id, column).where(column != ""))
            if row_id not in ignore and pattern.search(value)]
        if found:
            mentions[column] = found
    audit_events = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.entity == "participant", AuditEvent.entity_id == pid)) or 0
    return _Scope(person, pairing_ids, checkins_total, checkin_note_ids, noted_pairings,
                  explained, explained_members, responses,
                  comment_ids, comment_numbers_ids, awards, cited, stories, rules, training,
                  reports, coordinators, mentions, audit_events,
                  sorted({row.pairing_id for row in member_rows}),
                  hr_outcome=session.scalar(select(func.count(HrOutcome.id)).where(
                      HrOutcome.participant_id == pid)) == 1)


def _plan(scope: _Scope) -> ErasurePlan:
    person = scope.person
    pairings = len(scope.pairing_ids)
    removes = ["their participant record (name, email, job, manager, skills, development "
               "goals, interests, languages, availability and notes)"]
    if scope.hr_outcome:
        removes.append("their record from the HR system (hire, promotion and leaving dates)")
    if scope.checkin_note_ids:
        removes.append(f"the notes of {_count(len(scope.checkin_note_ids), 'check-in')} "
                       f"in {_count(scope.noted_pairings, 'pairing')}")
    explained = {*scope.explained_pairing_ids, *scope.explained_member_pairings}
    if explained:
        removes.append("the matching explanation of "
                       f"{_count(len(explained), 'pairing')}")
    comments = len(scope.comment_ids) + len(scope.comment_numbers_ids)
    if comments:
        removes.append(f"{_count(comments, 'feedback comment')} they wrote")
    if scope.stories:
        removes.append(f"{_count(scope.stories, 'success story', 'success stories')} "
                       "about them")
    if scope.cited_award_ids:
        removes.append(f"the citation of {_count(len(scope.cited_award_ids), 'award')}")
    if scope.rules:
        removes.append(f"{_count(scope.rules, 'pairing rule')} (lock or ban) naming them")
    if scope.reports_by_email_ids:
        removes.append("their email as the manager of "
                       f"{_count(len(scope.reports_by_email_ids), 'other participant')}")
    if scope.coordinator_email_ids:
        removes.append("their email as coordinator of "
                       f"{_count(len(scope.coordinator_email_ids), 'programme')}")
    if scope.mention_count:
        removes.append(f"{_count(scope.mention_count, 'mention')} of their name or email in "
                       f"other records (replaced by “{REMOVED}”)")

    keeps = []
    if pairings:
        keeps.append(f"{_count(pairings, 'pairing')} and "
                     f"{'its' if pairings == 1 else 'their'} "
                     f"{_count(scope.checkins_total, 'check-in')}, without their name, "
                     "for the programme's figures")
    if scope.responses:
        keeps.append(f"{_count(scope.responses, 'feedback response')} with ratings and "
                     "choices only, anonymous, so averages keep their count")
    if scope.awards:
        keeps.append(f"{_count(scope.awards, 'award')} in the count of awards given, "
                     "without their name")
    if scope.training:
        keeps.append(f"{_count(scope.training, 'training attendance record')}, anonymous")
    if scope.audit_events:
        keeps.append(f"{_count(scope.audit_events, 'audit trail entry', 'audit trail entries')}"
                     " about their record (ids and field names only, no values)")
    keeps.append(f"a record that participant id {person.id} was erased (the id only, no "
                 "name), so that restoring an older backup erases them again")
    return ErasurePlan(person.id, person.full_name, person.email, tuple(removes), tuple(keeps))


def plan_erasure(session: Session, participant_id: int) -> ErasurePlan:
    """What erasing the participant would remove and keep, with counts; changes nothing.

    Raises :class:`NotFoundError` for an unknown id.
    """
    return _plan(_scope(session, participant_id))


def _erase(session: Session, scope: _Scope) -> None:
    """Erase within the caller's transaction (the database's foreign keys do the rest:
    pairings, memberships, responses, awards and attendance are set to NULL; skills, goals,
    interests, languages, stories and pairing rules are deleted with the person)."""
    from mentordesk.services.outcomes import forget_employee  # outcomes imports the importer

    pid = scope.person.id
    # Their HR record goes with them, and a later HR file must not bring it back.
    forget_employee(session, scope.person.email)
    if scope.checkin_note_ids:
        session.execute(update(Checkin).where(Checkin.id.in_(scope.checkin_note_ids))
                        .values(notes=""))
    if scope.explained_pairing_ids:
        session.execute(update(Pairing).where(Pairing.id.in_(scope.explained_pairing_ids))
                        .values(explanation=""))
    if scope.explained_member_ids:
        session.execute(update(PairingMember)
                        .where(PairingMember.id.in_(scope.explained_member_ids))
                        .values(explanation=""))
    if scope.comment_ids:
        session.execute(delete(FeedbackAnswer).where(FeedbackAnswer.id.in_(scope.comment_ids)))
    if scope.comment_numbers_ids:
        session.execute(update(FeedbackAnswer)
                        .where(FeedbackAnswer.id.in_(scope.comment_numbers_ids))
                        .values(value_text=None))
    if scope.responses:
        # An imported form's digest hashes who filled it in (their email among it).
        session.execute(update(FeedbackResponse).where(FeedbackResponse.participant_id == pid)
                        .values(source_digest=None))
    if scope.cited_award_ids:
        session.execute(update(Award).where(Award.id.in_(scope.cited_award_ids))
                        .values(citation=""))
    if scope.reports_by_email_ids:
        email = scope.person.email.lower()
        session.execute(update(Participant).where(
            Participant.id.in_(scope.reports_by_email_ids),
            func.lower(Participant.manager_email) == email).values(manager_email=""))
    if scope.coordinator_email_ids:
        session.execute(update(Programme).where(Programme.id.in_(scope.coordinator_email_ids))
                        .values(coordinator_email=""))
    pattern = _mention_pattern(scope.person)
    for column, rows in scope.mentions.items():
        entity = column.class_
        for row_id, value in rows:
            session.execute(update(entity).where(entity.id == row_id)
                            .values({column.key: pattern.sub(REMOVED, value)}))
    session.execute(delete(Participant).where(Participant.id == pid)
                    .execution_options(synchronize_session=False))
    session.expunge_all()
    if session.scalar(select(Erasure.id).where(Erasure.participant_id == pid)) is None:
        session.add(Erasure(participant_id=pid))
    audit.record(session, "erase", "participant", pid)


def _secure_delete(session: Session, on: bool) -> None:
    """Have SQLite overwrite deleted content with zeros (belt and braces to VACUUM)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA secure_delete={'ON' if on else 'OFF'}")


def _refuse_read_only(db: Database) -> None:
    if db.read_only:
        raise UserError("This database is open read-only, so nobody can be erased from it. "
                        "Close the other MentorDesk that has it open, then try again.")


def erase_participant(db: Database, participant_id: int) -> ErasurePlan:
    """Erase one participant for good, keeping the programme's figures; see the module notes.

    Takes a ``pre-erasure`` backup, erases in one transaction, records the id in the
    database and in the ledger, then compacts the file. Raises :class:`UserError` on a
    read-only database and :class:`NotFoundError` for an unknown id. Returns the plan that
    was carried out.
    """
    _refuse_read_only(db)
    with db.Session() as session:
        _require(session, participant_id)
    from mentordesk.db import backup_database

    backup_database(db.path, "pre-erasure")
    with db.Session.begin() as session:
        _secure_delete(session, True)
        scope = _scope(session, participant_id)
        plan = _plan(scope)
        entry = _ledger_entry(scope.person)
        _erase(session, scope)
        _secure_delete(session, False)
        recorded = _recorded_ids(session)
    try:
        _write_ledger(db.path, [entry], recorded)
    finally:
        # Even if the ledger could not be written (the Erasure row will rebuild it on the
        # next reapply_erasures), the deleted data must not linger in the file.
        _compact_after(db, plan.name)
    return plan


def _compact_after(db: Database, who: str) -> None:
    try:
        db.compact()
    except DatabaseError as exc:
        # The erasure itself is committed. Deleted content was zeroed (secure_delete) and
        # reaches the main file at the checkpoint SQLite makes when the last connection
        # closes, so closing MentorDesk finishes the job.
        raise DatabaseError(
            f"{who} was erased, but the database file is in use and could not be tidied up "
            "yet. Close MentorDesk to finish removing their data from the file."
        ) from exc


# --------------------------------------------------------------------------- ledger


def ledger_path(db_path: Path) -> Path:
    """The erasure ledger kept beside the database (it survives a restore)."""
    return db_path.with_name(f"{db_path.stem}-erasures.json")


def _ledger_entry(person: Participant) -> dict[str, Any]:
    return {
        "participant_id": person.id,
        "created_at": person.created_at.astimezone(UTC).isoformat(),
        "erased_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _recorded_ids(session: Session) -> dict[int, datetime]:
    """The Erasure rows in the database: id -> when erased."""
    return {pid: at for pid, at in session.execute(
        select(Erasure.participant_id, Erasure.erased_at))}


def read_ledger(db_path: Path) -> list[dict[str, Any]]:
    """The ledger's entries (participant id, created and erased times); empty if none."""
    path = ledger_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["erasures"]
        for entry in entries:
            int(entry["participant_id"])
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatabaseError(
            f"The erasure record {path.name} cannot be read ({exc}). It lists people who "
            "must stay erased; restore it from your file backups before going on."
        ) from exc
    return list(entries)


def _write_ledger(db_path: Path, new: Iterable[dict[str, Any]],
                  recorded: dict[int, datetime]) -> None:
    """Merge ``new`` entries and the database's Erasure rows into the ledger, atomically."""
    from mentordesk.db import private_output

    entries = {int(e["participant_id"]): e for e in read_ledger(db_path)}
    for pid, at in recorded.items():
        entries.setdefault(pid, {"participant_id": pid, "created_at": None,
                                 "erased_at": at.astimezone(UTC).isoformat(timespec="seconds")})
    for entry in new:
        entries[int(entry["participant_id"])] = entry
    data = {"version": LEDGER_VERSION,
            "note": "Participant ids erased on request; no names or emails.",
            "erasures": [entries[k] for k in sorted(entries)]}
    path = ledger_path(db_path)
    try:
        with private_output(path) as out:
            out.write((json.dumps(data, indent=2) + "\n").encode("utf-8"))
    except OSError as exc:
        raise DatabaseError(f"Could not write the erasure record {path}: {exc}") from exc


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _is_erased_person(person: Participant, entry: dict[str, Any]) -> bool:
    """Whether ``person`` is the one the ledger entry erased, not someone given the same id
    later (SQLite may reuse the highest id once its row is deleted)."""
    created = _parse_time(entry.get("created_at"))
    if created is not None:
        return person.created_at == created
    erased = _parse_time(entry.get("erased_at"))
    return erased is None or person.created_at <= erased


def reapply_erasures(db: Database) -> list[int]:
    """Erase again everyone in the ledger who is in the database (after a restore).

    Returns the ids erased again. Also brings the ledger and the Erasure table in line with
    each other. Raises :class:`UserError` if someone must be erased and the database is
    read-only.
    """
    with db.Session() as session:
        entries = read_ledger(db.path)
        recorded = _recorded_ids(session)
        due = []
        for entry in entries:
            person = session.get(Participant, int(entry["participant_id"]))
            if person is not None and _is_erased_person(person, entry):
                due.append(person.id)
        missing_rows = {int(e["participant_id"]) for e in entries} - set(recorded)
        missing_entries = set(recorded) - {int(e["participant_id"]) for e in entries}
    if not due and not missing_rows and not missing_entries:
        return []
    _refuse_read_only(db)
    with db.Session.begin() as session:
        if due:
            _secure_delete(session, True)
        for pid in due:
            _erase(session, _scope(session, pid))
        for pid in missing_rows - set(due):
            session.add(Erasure(participant_id=pid))
        if due:
            _secure_delete(session, False)
        recorded = _recorded_ids(session)
    _write_ledger(db.path, [], recorded)
    if due:
        _compact_after(db, _count(len(due), "person", "people"))
    return due
