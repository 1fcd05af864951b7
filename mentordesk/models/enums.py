"""Enumerations stored in the database (as their string values)."""

from __future__ import annotations

from enum import StrEnum


class ProgrammeFormat(StrEnum):
    """One mentor with one mentee, or one mentor with a circle of mentees."""

    ONE_ON_ONE = "one_on_one"
    GROUP = "group"


class ProgrammeStructure(StrEnum):
    """Formal: set cadence and agenda. Informal: pairs meet as they like."""

    FORMAL = "formal"
    INFORMAL = "informal"


class Cadence(StrEnum):
    """How often a pair meets."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class KpiDirection(StrEnum):
    """Whether a KPI improves by going up or down."""

    INCREASE = "increase"
    DECREASE = "decrease"


class ParticipantRole(StrEnum):
    """What a participant takes part as."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    BOTH = "both"


class ParticipantStatus(StrEnum):
    """Whether a participant is still in the programme."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class PairingStatus(StrEnum):
    """The life of a pairing, from proposal to its end."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class PairingRuleKind(StrEnum):
    """A coordinator's decision about one mentor and mentee."""

    LOCK = "lock"
    FORBID = "forbid"


class CheckinFrequency(StrEnum):
    """The unit a check-in series repeats in (every ``interval`` of them)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # on the same nth weekday as the first meeting


class SeriesStatus(StrEnum):
    """Whether a check-in series still runs."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


class CheckinOutcome(StrEnum):
    """What became of a scheduled check-in."""

    SCHEDULED = "scheduled"
    HELD = "held"
    MISSED = "missed"
    CANCELLED = "cancelled"


class FormPurpose(StrEnum):
    """Why a form is sent."""

    FEEDBACK = "feedback"
    READINESS = "readiness"


class Audience(StrEnum):
    """Who a form, resource or handbook is for."""

    MENTORS = "mentors"
    MENTEES = "mentees"
    EVERYONE = "everyone"
    STAKEHOLDERS = "stakeholders"


class QuestionKind(StrEnum):
    """How a question is answered."""

    RATING = "rating"  # 1 to scale_max (usually 5)
    TEXT = "text"
    CHOICE = "choice"  # one of the choices
    YES_NO = "yes_no"
    MULTI_CHOICE = "multi_choice"  # any of the choices (tick boxes)
    SCORE = "score"  # 0 to 10: "how likely are you to recommend ..."


class StoryStatus(StrEnum):
    """Where a success story stands."""

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


class ResourceKind(StrEnum):
    """What a library resource is."""

    ARTICLE = "article"
    VIDEO = "video"
    TEMPLATE = "template"
    LINK = "link"
    HANDBOOK = "handbook"
    COURSE = "course"
