"""Each person's privacy rights: what is held about them, and erasing them for good."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentordesk.db import Database, list_backups, restore_backup, sidecar_files
from mentordesk.errors import NotFoundError, UserError
from mentordesk.models import (
    Award,
    Checkin,
    Erasure,
    FeedbackAnswer,
    FeedbackQuestion,
    FeedbackResponse,
    Pairing,
    PairingMember,
    Participant,
    QuestionKind,
    SuccessStory,
    TrainingAttendance,
)
from mentordesk.services.demo import load_demo
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.privacy import (
    ErasurePlan,
    erase_participant,
    export_person,
    ledger_path,
    person_report,
    plan_erasure,
    reapply_erasures,
)

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo(db: Database) -> Database:
    """The demo programme (the same every time: fixed seed and day)."""
    with db.Session.begin() as s:
        load_demo(s, today=TODAY)
    return db


def _first_pairing(db: Database) -> tuple[int, int]:
    """(mentor id, mentee id) of the demo's first pairing: it has an award, a story,
    check-ins with notes and feedback from both."""
    with db.Session() as s:
        pairing = s.scalars(select(Pairing).order_by(Pairing.id)).first()
        assert pairing is not None and pairing.mentor_id is not None
        mentee = pairing.members[0].mentee_id
        assert mentee is not None
        return pairing.mentor_id, mentee


def _identity(db: Database, pid: int) -> tuple[str, str]:
    with db.Session() as s:
        person = s.get(Participant, pid)
        assert person is not None
        return person.full_name, person.email


def _occurrences(db_path: Path, *texts: str) -> dict[str, int]:
    """How often any of ``texts`` occurs in the raw bytes of the database and its WAL."""
    found = {}
    for path in sidecar_files(db_path):
        if path.exists():
            data = path.read_bytes()
            found[path.name] = sum(data.count(t.encode("utf-8")) for t in texts)
    return found


def _figures(db: Database) -> dict[str, object]:
    """What the programme's reports count: pairings, check-ins, ratings, awards, attendance."""
    with db.Session() as s:
        rating = (select(func.count(FeedbackAnswer.value_number),
                         func.avg(FeedbackAnswer.value_number))
                  .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
                  .where(FeedbackQuestion.kind == QuestionKind.RATING))
        count, average = s.execute(rating).one()
        return {
            "pairings": s.scalar(select(func.count(Pairing.id))),
            "memberships": s.scalar(select(func.count(PairingMember.id))),
            "checkins": s.scalar(select(func.count(Checkin.id))),
            "held": s.scalar(select(func.count(Checkin.id)).where(Checkin.outcome == "held")),
            "responses": s.scalar(select(func.count(FeedbackResponse.id))),
            "ratings": count,
            "rating_average": round(average, 6),
            "awards": s.scalar(select(func.count(Award.id))),
            "attendance": s.scalar(select(func.count(TrainingAttendance.id))),
        }


# --------------------------------------------------------------------------- access request


def test_report_holds_everything_about_the_mentor(demo: Database) -> None:
    mentor, mentee = _first_pairing(demo)
    with demo.Session() as s:
        report = person_report(s, mentor)
        mentee_name = s.get(Participant, mentee).full_name
        reports_to_them = s.scalar(select(func.count(Participant.id))
                                   .where(Participant.manager_id == mentor))
    assert set(report) >= {"participant", "pairings", "checkins", "feedback", "awards",
                           "stories", "training", "audit", "generated_at"}
    person = report["participant"]
    assert person["email"] == _identity(demo, mentor)[1]
    assert person["skills"] and person["languages"] and person["interests"]
    assert reports_to_them >= 2  # their reports are not their data: not in the report
    [pairing] = report["pairings"]
    assert pairing["role"] == "mentor"
    assert pairing["partners"] == [mentee_name]
    assert pairing["explanation"]
    assert len(report["checkins"]) == 8
    assert sum(1 for c in report["checkins"] if c["notes"]) == sum(
        1 for c in report["checkins"] if c["outcome"] == "held")
    answers = {f["question"]: f["answer"] for f in report["feedback"]}
    assert answers["How valuable are your check-ins?"] in (3.0, 4.0, 5.0)
    assert isinstance(answers["What has been most useful so far?"], str)
    assert report["awards"][0]["citation"] == "For patient, practical guidance."
    assert report["training"][0]["session"] == "Mentor kick-off workshop"
    assert [e["action"] for e in report["audit"]] == ["add"]
    assert report["stories"] == []
    json.dumps(report)  # JSON-able as it is


def test_report_holds_their_hr_record_and_erasure_removes_it(demo: Database) -> None:
    from mentordesk.models import HrOutcome

    mentor, _ = _first_pairing(demo)
    with demo.Session.begin() as s:
        row = s.scalars(select(HrOutcome).where(HrOutcome.participant_id == mentor)).one()
        row.promoted_on, row.department = date(2026, 10, 1), "Finance"
    with demo.Session() as s:
        report = person_report(s, mentor)
    assert [(o["department"], o["promoted_on"]) for o in report["hr_outcomes"]] == [
        ("Finance", "2026-10-01")]
    _, email = _identity(demo, mentor)
    erase_participant(demo, mentor)
    with demo.Session() as s:
        assert s.scalar(select(func.count(HrOutcome.id))
                        .where(HrOutcome.participant_id == mentor)) == 0
    # The next HR file still lists them: they do not come back as another employee.
    from mentordesk.services.outcomes import employee_key, import_outcomes

    hr = demo.path.parent / "hr.csv"
    hr.write_text(f"Email,Department,Promotion date\n{email},Finance,2026-10-01\n",
                  encoding="utf-8")
    with demo.Session.begin() as s:
        result = import_outcomes(s, hr)
        assert s.scalar(select(func.count(HrOutcome.id)).where(
            HrOutcome.employee_key == employee_key(email))) == 0
    assert result.added == 0


def test_report_says_a_confidential_response_exists_but_not_what_it_says(
        demo: Database, tmp_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    with demo.Session.begin() as s:
        response = s.scalars(select(FeedbackResponse).where(
            FeedbackResponse.participant_id == mentor)).first()
        assert response is not None
        response.confidential = True
        answer = s.scalars(select(FeedbackAnswer).join(FeedbackQuestion).where(
            FeedbackAnswer.response_id == response.id,
            FeedbackQuestion.kind == QuestionKind.TEXT)).one()
        answer.value_text = "My mentor bullies me"
    with demo.Session() as s:
        report = person_report(s, mentor)
        export_person(s, mentor, tmp_path / "sar")
    rows = [r for r in report["feedback"] if r["question"] == "(a confidential response)"]
    assert len(rows) == 1 and "at least five" in str(rows[0]["answer"])
    assert all("bullies" not in str(r["answer"]) for r in report["feedback"])
    for file in (tmp_path / "sar").rglob("*"):
        if file.is_file():
            assert b"bullies" not in file.read_bytes()


def test_report_of_the_mentee_has_their_story_and_mentor(demo: Database) -> None:
    mentor, mentee = _first_pairing(demo)
    with demo.Session() as s:
        report = person_report(s, mentee)
        mentor_name = s.get(Participant, mentor).full_name
    assert report["pairings"][0]["role"] == "mentee"
    assert report["pairings"][0]["partners"] == [mentor_name]
    assert [st["title"] for st in report["stories"]] == ["From analyst to team lead"]
    assert report["awards"] == []


def test_report_of_an_unknown_person_is_refused(demo: Database) -> None:
    with demo.Session() as s, pytest.raises(NotFoundError, match="99999"):
        person_report(s, 99999)


def test_export_is_escaped_utf8_printable_and_owner_only(demo: Database,
                                                          tmp_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    hostile = '<script>alert("x")</script> Zoë Müller-Łukasz'
    with demo.Session.begin() as s:
        person = s.get(Participant, mentor)
        assert person is not None
        person.full_name = hostile
        person.notes = "Prefers <b>mornings</b> & café chats"
    folder = tmp_path / "sar"
    with demo.Session() as s:
        json_path, html_path = export_person(s, mentor, folder)
    assert json_path.name == f"script-alert-x-script-zoe-muller-lukasz-{mentor}.json"
    assert html_path == json_path.with_suffix(".html")
    assert sorted(p.name for p in folder.iterdir()) == sorted([json_path.name, html_path.name])
    if os.name == "posix":
        for path in (json_path, html_path):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["participant"]["full_name"] == hostile
    assert "Zoë" in json_path.read_text(encoding="utf-8")  # not \u escapes

    page = html_path.read_bytes().decode("utf-8")
    assert "<script>" not in page and "<b>mornings" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Zoë Müller-Łukasz" in page
    assert "Prefers &lt;b&gt;mornings&lt;/b&gt; &amp; café chats" in page
    assert "<h1>Data held about &lt;script&gt;alert(&quot;x&quot;)" in page
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page
    assert f"Generated {data['generated_at'][:10]}" in page
    for heading in ("Participant record", "Pairings", "Check-ins", "Feedback given", "Awards",
                    "Success stories", "Training", "Changes recorded"):
        assert f"<h2>{heading}" in page
    assert "For patient, practical guidance." in page


def test_export_replaces_an_earlier_one(demo: Database, tmp_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    with demo.Session() as s:
        json_path, _ = export_person(s, mentor, tmp_path)
    json_path.write_text("stale")
    with demo.Session() as s:
        export_person(s, mentor, tmp_path)
    assert json.loads(json_path.read_text(encoding="utf-8"))["participant"]["id"] == mentor


# --------------------------------------------------------------------------- plan


def test_plan_for_the_demo_mentor_counts_what_goes_and_stays(demo: Database) -> None:
    mentor, _ = _first_pairing(demo)
    with demo.Session() as s:
        plan = plan_erasure(s, mentor)
    name, email = _identity(demo, mentor)
    with demo.Session() as s:
        noted = s.scalar(select(func.count(Checkin.id)).join(Pairing).where(
            Pairing.mentor_id == mentor, Checkin.notes != ""))
        reports = s.scalar(select(func.count(Participant.id))
                           .where(Participant.manager_id == mentor))
    assert plan == ErasurePlan(
        participant_id=mentor,
        name=name,
        email=email,
        removes=(
            "their participant record (name, email, job, manager, skills, development goals, "
            "interests, languages, availability and notes)",
            "their record from the HR system (hire, promotion and leaving dates)",
            f"the notes of {noted} check-ins in 1 pairing",
            "the matching explanation of 1 pairing",
            "1 feedback comment they wrote",
            "the citation of 1 award",
            f"their email as the manager of {reports} other participants",
        ),
        keeps=(
            "1 pairing and its 8 check-ins, without their name, for the programme's figures",
            "1 feedback response with ratings and choices only, anonymous, so averages keep "
            "their count",
            "1 award in the count of awards given, without their name",
            "1 training attendance record, anonymous",
            "1 audit trail entry about their record (ids and field names only, no values)",
            f"a record that participant id {mentor} was erased (the id only, no name), so "
            "that restoring an older backup erases them again",
        ),
    )


def test_plan_for_the_demo_mentee_includes_their_story(demo: Database) -> None:
    _, mentee = _first_pairing(demo)
    with demo.Session() as s:
        plan = plan_erasure(s, mentee)
        assert s.get(Participant, mentee) is not None  # planning changes nothing
    assert "1 success story about them" in plan.removes
    assert "1 feedback comment they wrote" in plan.removes
    assert not any("award" in line for line in plan.removes + plan.keeps)


def test_plan_counts_mentions_elsewhere_and_is_plural_right(demo: Database) -> None:
    mentor, _ = _first_pairing(demo)
    name, email = _identity(demo, mentor)
    with demo.Session.begin() as s:
        other = s.scalars(select(Participant).where(Participant.id != mentor)).first()
        assert other is not None
        other.notes = f"Ask {name.upper()} about the cloud move"
        other.availability_notes = f"cc {email}"
    with demo.Session() as s:
        plan = plan_erasure(s, mentor)
    assert "2 mentions of their name or email in other records (replaced by “[removed]”)" \
        in plan.removes


def test_plan_of_an_unknown_person_is_refused(demo: Database) -> None:
    with demo.Session() as s, pytest.raises(NotFoundError):
        plan_erasure(s, 99999)


# --------------------------------------------------------------------------- erasure


def test_erasure_leaves_no_trace_in_the_file_and_keeps_the_figures(demo: Database,
                                                                   db_path: Path) -> None:
    mentor, mentee = _first_pairing(demo)
    name, email = _identity(demo, mentor)
    with demo.Session() as s:
        # The name is a fair test only if nobody else's text contains it.
        assert s.scalar(select(func.count(Participant.id))
                        .where(Participant.full_name.contains(name))) == 1
        reports = list(s.scalars(select(Participant.id).where(Participant.manager_id == mentor)))
    before = _figures(demo)
    # Without erasure the person is in the bytes (so the check below can fail).
    assert sum(_occurrences(db_path, email, name).values()) > 0

    erase_participant(demo, mentor)

    assert _occurrences(db_path, email, email.lower(), name) == {
        p.name: 0 for p in sidecar_files(db_path) if p.exists()}
    assert _figures(demo) == before
    with demo.Session() as s:
        assert s.get(Participant, mentor) is None
        pairing = s.scalars(select(Pairing).order_by(Pairing.id)).first()
        assert pairing is not None
        assert pairing.mentor_id is None and pairing.explanation == ""
        assert pairing.members[0].mentee_id == mentee  # their mentee is untouched
        assert all(c.notes == "" for c in pairing.checkins)
        award = s.scalars(select(Award)).one()
        assert award.participant_id is None and award.citation == ""
        assert award.title == "Mentor of the quarter"
        for pid in reports:
            report = s.get(Participant, pid)
            assert report is not None
            assert report.manager_id is None and report.manager_email == ""
        # Their response stays, anonymous: the rating, score and yes/no, not the comment.
        kinds = sorted(q.kind.value for q in s.scalars(
            select(FeedbackQuestion).join(FeedbackAnswer).join(FeedbackResponse)
            .where(FeedbackResponse.pairing_id == pairing.id,
                   FeedbackResponse.participant_id.is_(None))))
        assert kinds == ["rating", "score", "yes_no"]
        assert s.scalar(select(func.count(Erasure.id))
                        .where(Erasure.participant_id == mentor)) == 1
    demo.close(backup=False)
    assert _occurrences(db_path, email, name) == {db_path.name: 0}


def test_erasure_deletes_their_story_and_comments(demo: Database) -> None:
    _, mentee = _first_pairing(demo)
    with demo.Session() as s:
        stories = s.scalar(select(func.count(SuccessStory.id)))
        comments = s.scalar(select(func.count(FeedbackAnswer.id)).join(FeedbackQuestion)
                            .where(FeedbackQuestion.kind == QuestionKind.TEXT))
    erase_participant(demo, mentee)
    with demo.Session() as s:
        assert s.scalar(select(func.count(SuccessStory.id))) == stories - 1
        assert s.scalar(select(func.count(FeedbackAnswer.id)).join(FeedbackQuestion)
                        .where(FeedbackQuestion.kind == QuestionKind.TEXT)) == comments - 1


def test_mentions_elsewhere_are_replaced_and_the_rest_kept(demo: Database,
                                                           db_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    name, email = _identity(demo, mentor)
    with demo.Session.begin() as s:
        other = s.scalars(select(Participant).where(Participant.id != mentor)
                          .order_by(Participant.id)).first()
        assert other is not None
        other_id = other.id
        other.notes = f"Shadowing {name.upper()} in March"
        other.manager_email = email.upper()
        far_checkin = s.scalars(select(Checkin).join(Pairing)
                                .where(Pairing.mentor_id != mentor)).first()
        assert far_checkin is not None
        far_id = far_checkin.id
        far_checkin.notes = f"Intro to {email} arranged"
        someone_elses = s.scalars(
            select(FeedbackAnswer).join(FeedbackQuestion).join(FeedbackResponse)
            .where(FeedbackQuestion.kind == QuestionKind.TEXT,
                   FeedbackResponse.participant_id != mentor)).first()
        assert someone_elses is not None
        comment_id = someone_elses.id
        someone_elses.value_text = f"Meeting {name} helped; thanks!"
    erase_participant(demo, mentor)
    with demo.Session() as s:
        other = s.get(Participant, other_id)
        assert other is not None
        assert other.notes == "Shadowing [removed] in March"
        assert other.manager_email == ""
        assert s.get(Checkin, far_id).notes == "Intro to [removed] arranged"
        assert s.get(FeedbackAnswer, comment_id).value_text == "Meeting [removed] helped; thanks!"
    assert sum(_occurrences(db_path, email, email.upper(), name, name.upper()).values()) == 0


def test_erasure_is_recorded_by_id_beside_the_database(demo: Database, db_path: Path) -> None:
    mentor, mentee = _first_pairing(demo)
    name, email = _identity(demo, mentor)
    erase_participant(demo, mentor)
    erase_participant(demo, mentee)
    ledger = ledger_path(db_path)
    assert ledger.parent == db_path.parent
    text = ledger.read_text(encoding="utf-8")
    assert email not in text and name not in text and "@" not in text
    entries = json.loads(text)["erasures"]
    assert [e["participant_id"] for e in entries] == sorted([mentor, mentee])
    assert all(set(e) == {"participant_id", "created_at", "erased_at"} for e in entries)
    if os.name == "posix":
        assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    assert [b.reason for b in list_backups(db_path)].count("pre-erasure") == 2


def test_erasure_says_it_happened_when_the_file_cannot_be_compacted(
        demo: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from mentordesk.errors import DatabaseError

    mentor, _ = _first_pairing(demo)

    def busy() -> None:
        raise DatabaseError("in use")

    monkeypatch.setattr(demo, "compact", busy)
    name = _identity(demo, mentor)[0]
    with pytest.raises(DatabaseError, match=rf"^{name} was erased, but .* Close MentorDesk"):
        erase_participant(demo, mentor)
    with demo.Session() as s:
        assert s.get(Participant, mentor) is None


def test_erasure_refuses_an_unknown_id_without_touching_anything(demo: Database,
                                                                 db_path: Path) -> None:
    before = _figures(demo)
    with pytest.raises(NotFoundError):
        erase_participant(demo, 99999)
    assert not ledger_path(db_path).exists()
    assert "pre-erasure" not in [b.reason for b in list_backups(db_path)]
    assert _figures(demo) == before


def test_erasure_refuses_a_read_only_database(demo: Database, db_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    demo.close(backup=False)
    reader = Database.open(db_path, read_only=True)
    try:
        with pytest.raises(UserError, match="read-only"):
            erase_participant(reader, mentor)
        with reader.Session() as s:
            assert s.get(Participant, mentor) is not None
    finally:
        reader.close()
    assert not ledger_path(db_path).exists()


# --------------------------------------------------------------------------- after a restore


def test_restoring_an_older_backup_then_reapplying_erases_them_again(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        with db.Session.begin() as s:
            load_demo(s, today=TODAY)
        mentor, _ = _first_pairing(db)
        name, email = _identity(db, mentor)
        before = _figures(db)
        backup = db.backup("manual")
        erase_participant(db, mentor)
    finally:
        db.close()

    restore_backup(db_path, backup.path)
    db = Database.open(db_path)
    try:
        with db.Session() as s:  # the backup brought them back, Erasure table and all
            assert s.get(Participant, mentor) is not None
            assert s.scalar(select(func.count(Erasure.id))) == 0
        assert reapply_erasures(db) == [mentor]
        with db.Session() as s:
            assert s.get(Participant, mentor) is None
            assert s.scalars(select(Erasure.participant_id)).all() == [mentor]
        assert sum(_occurrences(db_path, email, name).values()) == 0
        assert _figures(db) == before
        assert reapply_erasures(db) == []  # nothing left to do
    finally:
        db.close(backup=False)
    assert _occurrences(db_path, email, name) == {db_path.name: 0}


def test_reapplying_spares_someone_who_was_given_an_erased_id_later(demo: Database) -> None:
    with demo.Session() as s:
        last = s.scalar(select(func.max(Participant.id)))
    assert last is not None
    erase_participant(demo, last)
    with demo.Session.begin() as s:
        newcomer = add_participant(s, ParticipantData(full_name="Nia Okoro",
                                                      email="nia.okoro@example.com"))
    assert newcomer.id == last  # SQLite hands out the freed highest id again
    assert reapply_erasures(demo) == []
    with demo.Session() as s:
        assert s.get(Participant, last).email == "nia.okoro@example.com"


def test_reapply_rebuilds_a_lost_ledger_from_the_database(demo: Database,
                                                          db_path: Path) -> None:
    mentor, _ = _first_pairing(demo)
    erase_participant(demo, mentor)
    ledger_path(db_path).unlink()
    assert reapply_erasures(demo) == []
    entries = json.loads(ledger_path(db_path).read_text(encoding="utf-8"))["erasures"]
    assert [e["participant_id"] for e in entries] == [mentor]



def test_erasure_forgets_the_digest_of_their_imported_forms(demo: Database) -> None:
    # A filled-in PDF's digest hashes the respondent's email with their answers.
    _, mentee = _first_pairing(demo)
    with demo.Session.begin() as s:
        response = s.scalars(select(FeedbackResponse).where(
            FeedbackResponse.participant_id == mentee)).first()
        assert response is not None
        response.source_digest, response.source = "ab" * 32, "pdf"
        kept = s.scalars(select(FeedbackResponse).where(
            FeedbackResponse.participant_id != mentee)).first()
        assert kept is not None
        kept.source_digest, kept_id = "cd" * 32, kept.id
    erase_participant(demo, mentee)
    with demo.Session() as s:
        digests = {rid: digest for rid, digest in s.execute(
            select(FeedbackResponse.id, FeedbackResponse.source_digest))}
        assert "ab" * 32 not in digests.values()
        assert digests[kept_id] == "cd" * 32  # others' imports are still recognised
