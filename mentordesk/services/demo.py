"""A realistic demo programme, so every screen has something true to show.

About 80 people across six departments, with managers, levels, skills, development goals,
interests, languages and time zones; a few pairings with check-ins and feedback. The data
is generated from a fixed seed, so the demo is the same on every machine.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import (
    Audience,
    Award,
    Cadence,
    Checkin,
    CheckinFrequency,
    CheckinOutcome,
    DevelopmentGoal,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
    FormPurpose,
    HrOutcome,
    Kpi,
    KpiDirection,
    KpiMeasurement,
    Milestone,
    Pairing,
    PairingMember,
    PairingStatus,
    Participant,
    ParticipantRole,
    QuestionKind,
    Resource,
    ResourceKind,
    StoryStatus,
    SuccessStory,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.paths import resource_path
from mentordesk.services.participants import (
    ParticipantData,
    SkillCache,
    SkillLevel,
    add_participant,
)
from mentordesk.services.programmes import (
    KpiData,
    ObjectiveData,
    ProgrammeData,
    create_programme,
)

DEMO_DOMAIN = "northwind-demo.example"

FIRST_NAMES = [
    "Amara", "Ben", "Chloé", "Dana", "Emeka", "Fatima", "Gareth", "Hana", "Ivan", "Jia",
    "Kwame", "Laura", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sam", "Tomás",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Aisling", "Bartosz", "Carmen", "Dmitri",
    "Elif", "Finn", "Grace", "Hiroshi", "Inés", "Jonas", "Keira", "Łukasz", "Maya", "Niamh",
]
LAST_NAMES = [
    "Okafor", "Fischer", "Martín", "Kowalski", "Nguyen", "Haddad", "Evans", "Sato", "Petrov",
    "Chen", "Mensah", "Rossi", "Castaño", "Rahman", "Brown", "Sharma", "Dubois", "Silva",
    "O'Brien", "Novák", "Iyer", "Lindqvist", "Wang", "Ortega", "Demir", "Müller", "Walsh",
    "Nowak", "García", "Ivanova", "Yılmaz", "Murphy", "Takahashi", "Ferreira", "Jensen",
    "Kelly", "Abebe", "Wiśniewski", "Patel", "Byrne",
]

LEVELS = [(1, "Associate"), (2, "Professional"), (3, "Senior"), (4, "Lead"), (5, "Manager"),
          (6, "Head")]


@dataclass(frozen=True)
class _Department:
    name: str
    skills: tuple[str, ...]
    titles: tuple[str, ...]
    timezone: str
    location: str
    languages: tuple[str, ...]


DEPARTMENTS = [
    _Department("Engineering", ("Python", "System design", "Cloud infrastructure", "Testing",
                                "Data analysis"),
                ("Software Engineer", "Platform Engineer", "QA Engineer"),
                "Europe/London", "London", ("English",)),
    _Department("Sales", ("Negotiation", "Public speaking", "Account management",
                          "Stakeholder management"),
                ("Account Executive", "Sales Development Rep", "Key Account Manager"),
                "America/New_York", "New York", ("English", "Spanish")),
    _Department("Marketing", ("Content writing", "Brand strategy", "Data analysis",
                              "Public speaking"),
                ("Content Marketer", "Brand Manager", "Growth Analyst"),
                "Europe/Madrid", "Madrid", ("Spanish", "English")),
    _Department("Finance", ("Financial modelling", "Budgeting", "Data analysis",
                            "Stakeholder management"),
                ("Financial Analyst", "Accountant", "FP&A Analyst"),
                "Europe/Warsaw", "Warsaw", ("Polish", "English")),
    _Department("People & Culture", ("Coaching", "Conflict resolution", "Recruiting",
                                     "Facilitation"),
                ("HR Business Partner", "Recruiter", "L&D Specialist"),
                "Europe/Dublin", "Dublin", ("English", "Irish")),
    _Department("Operations", ("Project management", "Process improvement",
                               "Supplier negotiation", "Data analysis"),
                ("Operations Analyst", "Project Manager", "Logistics Coordinator"),
                "Asia/Kolkata", "Bengaluru", ("English", "Hindi")),
]

LEADERSHIP_SKILLS = ("Leadership", "Strategic thinking", "Giving feedback", "Delegation")
INTERESTS = ("Running", "Chess", "Photography", "Cooking", "Climbing", "Board games",
             "Volunteering", "Jazz", "Gardening", "Cycling", "Reading", "Podcasts",
             "Languages", "Yoga", "Hiking", "Film")

DEMO_PROGRAMME_NAME = "Grow Together 2026"


def database_is_empty(session: Session) -> bool:
    """Whether there is no programme and no participant yet (the demo may be offered)."""
    from mentordesk.models import Programme

    return not (session.scalar(select(func.count(Programme.id)))
                or session.scalar(select(func.count(Participant.id))))


def load_demo(session: Session, *, seed: int = 2026, today: date | None = None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Fill an empty database with the demo programme; returns the programme id."""
    if not database_is_empty(session):
        raise UserError("The demo can only be loaded into an empty database; this one "
                        "already has a programme or participants.")
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    start = today - timedelta(days=70)
    programme = create_programme(session, ProgrammeData(
        name=DEMO_PROGRAMME_NAME,
        description=("A six-month peer-mentoring programme pairing experienced colleagues "
                     "with people growing into new responsibilities, across departments."),
        start_date=start, end_date=start + timedelta(days=182),
        default_cadence=Cadence.FORTNIGHTLY, default_duration_minutes=45,
        agenda="Goals and what success looks like\nStrengths and blind spots\nA stretch "
               "assignment\nBuilding your network\nGiving and receiving feedback\nReview "
               "and next steps",
        coordinator_name="Alex Morgan", coordinator_email=f"alex.morgan@{DEMO_DOMAIN}",
        objectives=(
            ObjectiveData("Grow the next generation of leaders",
                          "Strategy 2027: fill 60% of leadership roles from within"),
            ObjectiveData("Break down silos between departments",
                          "Strategy 2027: one company, one customer view"),
            ObjectiveData("Keep the people we hire", "People plan: regretted attrition below 8%"),
        ),
        kpis=(
            KpiData("Pairs meeting regularly", 85, "%", 0, objective="Grow the next generation "
                    "of leaders"),
            KpiData("Participant satisfaction", 4.2, "out of 5", 3.6),
            KpiData("Cross-department pairs", 70, "%", 20,
                    objective="Break down silos between departments"),
            KpiData("Regretted attrition among participants", 8, "%", 12,
                    direction=KpiDirection.DECREASE, objective="Keep the people we hire"),
        ),
    ))
    from mentordesk.services.documents.branding import BrandingChanges, save_branding

    save_branding(session, programme.id, BrandingChanges(
        organisation="Northwind Traders", logo_png=_demo_logo(), signature_png=_demo_signature(),
        signer_name="Alex Morgan", signer_title="Head of People Development"))
    skills = SkillCache(session)
    people: list[tuple[int, str, int, str]] = []  # id, department, rank, role
    names = _unique_names(rng, 80)
    per_department = [14, 14, 13, 13, 13, 13]
    total = sum(per_department)
    done = 0
    for dept, count in zip(DEPARTMENTS, per_department, strict=True):
        head_email = ""
        leads: list[str] = []
        for index in range(count):
            first, last = names.pop()
            rank = (6 if index == 0 else 5 if index in (1, 2)
                    else rng.choice([1, 1, 2, 2, 3, 3, 4]))
            email = f"{_ascii(first)}.{_ascii(last)}@{DEMO_DOMAIN}".lower().replace("'", "")
            manager = "" if index == 0 else (head_email if rank == 5 else rng.choice(leads))
            own = rng.sample(dept.skills, k=min(len(dept.skills), rng.randint(2, 4)))
            levels = [SkillLevel(s, min(5, max(1, rank - 1 + rng.randint(0, 2)))) for s in own]
            if rank >= 4:
                levels += [SkillLevel(s, min(5, rank - 1 + rng.randint(0, 1)))
                           for s in rng.sample(LEADERSHIP_SKILLS, k=2)]
            wanted_pool = [s for s in (*LEADERSHIP_SKILLS, *rng.choice(DEPARTMENTS).skills)
                           if s not in own]
            goals = tuple(dict.fromkeys(rng.sample(wanted_pool, k=2)))
            role = (ParticipantRole.MENTOR if rank >= 5 else ParticipantRole.BOTH if rank == 4
                    else ParticipantRole.MENTEE)
            extra = [] if rng.random() < 0.6 else [rng.choice(["French", "German", "Portuguese",
                                                               "Polish", "Spanish"])]
            record = add_participant(session, ParticipantData(
                full_name=f"{first} {last}",
                preferred_name=first if rng.random() < 0.2 else "",
                email=email,
                department=dept.name,
                job_title=(f"Head of {dept.name}" if rank == 6 else f"{dept.name} Manager"
                           if rank == 5 else rng.choice(dept.titles)),
                manager_email=manager,
                level=f"L{rank} {dict(LEVELS)[rank]}",
                level_rank=rank,
                location=dept.location,
                timezone=dept.timezone,
                languages=(*dept.languages, *extra),
                skills=tuple(levels),
                goals=goals if role != ParticipantRole.MENTOR else goals[:1],
                interests=tuple(rng.sample(INTERESTS, k=rng.randint(1, 3))),
                role=role,
                mentor_capacity=(2 if rank == 6 else 3 if rank == 5 else 1) if role != "mentee"
                else 0,
                availability_notes=rng.choice(["", "", "Prefers mornings", "Not on Fridays",
                                               "Part-time: Mon–Wed"]),
                consent_stories=rng.random() < 0.5,
                consent_photos=rng.random() < 0.3,
            ), skills)
            if index == 0:
                head_email = email
            if rank == 5:
                leads.append(email)
            people.append((record.id, dept.name, rank, role.value))
            done += 1
            if progress:
                progress(done, total)
    _add_activity(session, rng, programme.id, people, start, today)
    _add_outcomes(session, rng, programme.id, start, today)
    return programme.id


def _add_outcomes(session: Session, rng: random.Random, programme_id: int, start: date,
                  today: date) -> None:
    """Goals reached, an HR outcomes file's worth of rows (the demo people and 240 other
    employees, known only by a code), and weekly KPI snapshots since the start."""
    from mentordesk.services.kpis import compute_dashboard, take_snapshot
    from mentordesk.services.outcomes import employee_key

    mentees = list(session.scalars(
        select(PairingMember.mentee_id).join(Pairing)
        .where(Pairing.programme_id == programme_id, Pairing.status == PairingStatus.ACTIVE)
        .order_by(PairingMember.id)))
    for mentee_id in mentees[:4]:
        goal = session.scalars(select(DevelopmentGoal).where(
            DevelopmentGoal.participant_id == mentee_id)
            .order_by(DevelopmentGoal.priority)).first()
        if goal is not None:
            goal.achieved_on = today - timedelta(days=rng.randint(3, 30))
    days = max((today - start).days, 1)
    people = session.execute(select(Participant.id, Participant.email,
                                    Participant.department)).all()
    paired = set(session.scalars(select(Pairing.mentor_id).where(
        Pairing.programme_id == programme_id))) | set(mentees)
    for pid, email, department in people:
        left = start + timedelta(days=rng.randrange(days)) if rng.random() < 0.03 else None
        chance = 0.25 if pid in paired else 0.05  # the story the programme hopes to tell
        promoted = (start + timedelta(days=rng.randrange(days))
                    if rng.random() < chance and left is None else None)
        session.add(HrOutcome(employee_key=employee_key(email), participant_id=pid,
                              department=department, left_on=left, promoted_on=promoted,
                              hired_on=start - timedelta(days=rng.randint(200, 3000))))
    for n in range(240):
        left = start + timedelta(days=rng.randrange(days)) if rng.random() < 0.09 else None
        promoted = (start + timedelta(days=rng.randrange(days))
                    if rng.random() < 0.04 and left is None else None)
        session.add(HrOutcome(employee_key=employee_key(f"employee{n}@{DEMO_DOMAIN}"),
                              department=rng.choice(DEPARTMENTS).name, left_on=left,
                              promoted_on=promoted,
                              hired_on=start - timedelta(days=rng.randint(100, 4000))))
    session.flush()
    day = start + timedelta(days=7)
    while day <= today:  # a weekly reading since the start, so trends show
        take_snapshot(session, programme_id, compute_dashboard(session, programme_id,
                                                               today=day))
        day += timedelta(days=7)
    take_snapshot(session, programme_id, compute_dashboard(session, programme_id, today=today))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _demo_logo() -> bytes:
    """The demo organisation's logo: a blue tile with a compass-like mark and its name."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGBA", (520, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 140, 140), radius=28, fill=(46, 94, 140, 255))
    draw.polygon([(70, 18), (88, 70), (70, 122), (52, 70)], fill=(242, 165, 65, 255))
    draw.ellipse((60, 60, 80, 80), fill=(255, 255, 255, 255))
    font = ImageFont.truetype(str(resource_path("fonts", "DejaVuSans-Bold.ttf")), 46)
    draw.text((165, 22), "Northwind", font=font, fill=(46, 94, 140, 255))
    small = ImageFont.truetype(str(resource_path("fonts", "DejaVuSans.ttf")), 34)
    draw.text((167, 80), "Traders", font=small, fill=(90, 90, 90, 255))
    return _png(image)


def _demo_signature() -> bytes:
    """A handwritten-looking signature for the demo's certificates."""
    from PIL import ImageDraw

    image = Image.new("RGBA", (600, 180), (255, 255, 255, 0))
    points = [(30 + t * 2.7, 105 - 45 * math.sin(t / 9) * math.exp(-t / 260)
               - 18 * math.sin(t / 2.6)) for t in range(200)]
    ImageDraw.Draw(image).line(points, fill=(24, 36, 96, 255), width=6, joint="curve")
    return _png(image)


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "'"))


def _unique_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = [(f, s) for f in FIRST_NAMES for s in LAST_NAMES]
    rng.shuffle(pairs)
    firsts: set[str] = set()
    chosen: list[tuple[str, str]] = []
    for first, last in pairs:  # each first name at most twice keeps the list readable
        if list(f for f, _ in chosen).count(first) < 2 and last not in {s for _, s in chosen}:
            chosen.append((first, last))
            firsts.add(first)
        if len(chosen) == min(count, len(LAST_NAMES)):
            break
    while len(chosen) < count:
        first, last = rng.choice(pairs)
        if (first, last) not in chosen:
            chosen.append((first, last))
    return chosen


def _add_activity(session: Session, rng: random.Random, programme_id: int,
                  people: list[tuple[int, str, int, str]], start: date, today: date) -> None:
    """Pairings, check-ins, feedback, KPI readings, recognition, resources and training."""
    mentors = [p for p in people if p[3] in ("mentor", "both")]
    mentees = [p for p in people if p[3] == "mentee"]
    rng.shuffle(mentees)

    # The demo's pairs come from the real solver, so their scores and explanations are
    # what the pairing board would show: the first eight are active, two still proposed.
    from mentordesk.services.pairing import PairingSettings, compute_proposal, load_pool

    session.flush()
    proposal = compute_proposal(load_pool(session, programme_id), PairingSettings())
    matches = [m for m in proposal.matches if m.mentee_id in {p[0] for p in mentees}]
    pairings: list[Pairing] = []
    for match in rng.sample(matches, min(10, len(matches))):
        status = PairingStatus.ACTIVE if len(pairings) < 8 else PairingStatus.PROPOSED
        pairing = Pairing(programme_id=programme_id, mentor_id=match.mentor_id, status=status,
                          start_date=start + timedelta(days=7) if status == "active" else None,
                          cadence=Cadence.FORTNIGHTLY, score=match.score,
                          explanation=match.explanation(),
                          members=[PairingMember(mentee_id=match.mentee_id, score=match.score,
                                                 explanation=match.explanation())])
        session.add(pairing)
        pairings.append(pairing)
    session.flush()
    # Each active pair meets fortnightly at its own hour; what already happened is logged.
    from mentordesk.services.checkins import Schedule, schedule_checkins

    tz = ZoneInfo("Europe/London")
    for pairing in pairings:
        if pairing.status != PairingStatus.ACTIVE or pairing.start_date is None:
            continue
        day = pairing.start_date + timedelta(days=rng.randint(0, 4))
        while day.weekday() >= 5:  # meetings on working days
            day += timedelta(days=1)
        hour = rng.choice([9, 10, 11, 14, 15])
        schedule_checkins(session, pairing.id, Schedule(
            CheckinFrequency.WEEKLY, 2, datetime.combine(day, time(hour)), "Europe/London",
            45, count=8, link="https://meet.example.org/grow-together"),
            now=datetime.combine(start, time(), UTC))
    session.flush()
    for checkin in session.scalars(select(Checkin).join(Pairing).where(
            Pairing.programme_id == programme_id).order_by(Checkin.id)):
        if checkin.scheduled_start.date() < today:
            checkin.outcome = rng.choice([CheckinOutcome.HELD] * 5 + [CheckinOutcome.MISSED])
            if checkin.outcome == CheckinOutcome.HELD:
                checkin.notes = "Talked through goals and next steps"
    form = FeedbackForm(programme_id=programme_id, title="Mid-programme check", audience=
                        Audience.EVERYONE, introduction="Five minutes, honest answers welcome.",
                        questions=[
                            FeedbackQuestion(position=1, kind=QuestionKind.RATING, scale_max=5,
                                             required=True,
                                             text="How valuable are your check-ins?"),
                            FeedbackQuestion(position=2, kind=QuestionKind.YES_NO,
                                             text="Are you meeting as often as planned?"),
                            FeedbackQuestion(position=3, kind=QuestionKind.TEXT,
                                             text="What has been most useful so far?"),
                        ])
    session.add(form)
    session.add(FeedbackForm(programme_id=programme_id, title="Mentoring readiness survey",
                             purpose=FormPurpose.READINESS, audience=Audience.STAKEHOLDERS,
                             questions=[FeedbackQuestion(
                                 position=1, kind=QuestionKind.RATING, scale_max=5,
                                 text="Managers here make time for developing others.")]))
    session.flush()
    comments = ["Clearer view of where I want to be in two years.",
                "Practising difficult conversations before having them.",
                "Learning how Finance thinks about our projects.",
                "Honest feedback on my presentation style."]
    # The dashboard's satisfaction and recommendation figures come from these answers.
    form.questions[0].measure = "satisfaction"
    recommend = FeedbackQuestion(position=4, kind=QuestionKind.SCORE,
                                 measure="recommendation", text="How likely are you to "
                                 "recommend the programme to a colleague?")
    form.questions.append(recommend)  # through the form, so its questions stay in step
    session.flush()
    for i, pairing in enumerate(pairings[:6]):
        for person in (pairing.mentor_id, pairing.members[0].mentee_id):
            rating = float(rng.choice([3, 4, 4, 5, 5]))
            submitted = datetime.combine(start + timedelta(days=28 + 6 * i), time(12), UTC)
            session.add(FeedbackResponse(form_id=form.id, participant_id=person,
                                         pairing_id=pairing.id, submitted_at=submitted,
                                         answers=[
                FeedbackAnswer(question_id=form.questions[0].id, value_number=rating),
                FeedbackAnswer(question_id=form.questions[1].id,
                               value_text=rng.choice(["yes", "yes", "no"])),
                FeedbackAnswer(question_id=form.questions[2].id, value_text=rng.choice(comments)),
                FeedbackAnswer(question_id=recommend.id,
                               value_number=float(rng.choice([6, 7, 8, 9, 9, 10, 10]))),
            ]))
    computed = {"Pairs meeting regularly": "checkins_held_pct",
                "Participant satisfaction": "satisfaction_avg"}
    for kpi in session.scalars(select(Kpi).where(Kpi.programme_id == programme_id)):
        kpi.metric = computed.get(kpi.name)
        if kpi.metric:
            continue  # MentorDesk computes it; the others are measured by hand
        value = kpi.baseline_value or 0.0
        for month in range(3):
            value += (kpi.target_value - value) * rng.uniform(0.2, 0.45)
            session.add(KpiMeasurement(kpi_id=kpi.id, value=round(value, 1),
                                       measured_on=start + timedelta(days=30 * month)))
    milestone = Milestone(programme_id=programme_id, name="Six check-ins held",
                          description="Met six times and kept going.", checkins_required=6)
    session.add(milestone)
    session.add(Milestone(programme_id=programme_id, name="Programme completed",
                          description="Saw the programme through to the end."))
    session.flush()
    first = pairings[0]
    session.add(Award(programme_id=programme_id, participant_id=first.mentor_id,
                      milestone_id=milestone.id, title="Mentor of the quarter",
                      citation="For patient, practical guidance.", awarded_on=today))
    storyteller = session.get(Participant, first.members[0].mentee_id)
    if storyteller is not None:
        storyteller.consent_stories = True
        session.add(SuccessStory(programme_id=programme_id, participant_id=storyteller.id,
                                 pairing_id=first.id, title="From analyst to team lead",
                                 body="Six months ago I had never led a meeting. My mentor "
                                      "helped me plan my first stand-up and then my first "
                                      "retrospective.",
                                 quote="I stopped waiting to feel ready.",
                                 consent_given_on=today, status=StoryStatus.APPROVED))
    for title, kind, audience in (
        ("Active listening in ten minutes", ResourceKind.ARTICLE, Audience.EVERYONE),
        ("Giving feedback that lands (SBI model)", ResourceKind.VIDEO, Audience.MENTORS),
        ("First meeting agenda", ResourceKind.TEMPLATE, Audience.EVERYONE),
        ("Setting SMART development goals", ResourceKind.ARTICLE, Audience.MENTEES),
    ):
        session.add(Resource(programme_id=programme_id, title=title, kind=kind,
                             audience=audience, description=title + ".",
                             tags="communication"))
    training = TrainingSession(programme_id=programme_id, title="Mentor kick-off workshop",
                               topic="Active listening and constructive feedback",
                               audience=Audience.MENTORS,
                               starts_at=datetime.combine(start, time(10), tz).astimezone(UTC),
                               duration_minutes=90, facilitator="Alex Morgan",
                               location="Online")
    training.attendance = [TrainingAttendance(participant_id=m[0], attended=rng.random() < 0.85)
                           for m in mentors[:12]]
    session.add(training)
