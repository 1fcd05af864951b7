"""SQLAlchemy entities for the whole programme. No Qt here."""

from mentordesk.models.audit import AuditEvent, Setting
from mentordesk.models.base import Base
from mentordesk.models.content import (
    Award,
    Milestone,
    Resource,
    SuccessStory,
    TrainingAttendance,
    TrainingSession,
)
from mentordesk.models.enums import (
    Audience,
    Cadence,
    CheckinOutcome,
    FormPurpose,
    KpiDirection,
    PairingRuleKind,
    PairingStatus,
    ParticipantRole,
    ParticipantStatus,
    ProgrammeFormat,
    ProgrammeStructure,
    QuestionKind,
    ResourceKind,
    StoryStatus,
)
from mentordesk.models.feedback import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackResponse,
)
from mentordesk.models.pairing import Checkin, Pairing, PairingMember, PairingRule
from mentordesk.models.participant import (
    DevelopmentGoal,
    Participant,
    ParticipantInterest,
    ParticipantLanguage,
    ParticipantSkill,
    Skill,
)
from mentordesk.models.programme import Kpi, KpiMeasurement, Objective, Programme

__all__ = [
    "Audience",
    "AuditEvent",
    "Award",
    "Base",
    "Cadence",
    "Checkin",
    "CheckinOutcome",
    "DevelopmentGoal",
    "FeedbackAnswer",
    "FeedbackForm",
    "FeedbackQuestion",
    "FeedbackResponse",
    "FormPurpose",
    "Kpi",
    "KpiDirection",
    "KpiMeasurement",
    "Milestone",
    "Objective",
    "Pairing",
    "PairingMember",
    "PairingRule",
    "PairingRuleKind",
    "PairingStatus",
    "Participant",
    "ParticipantInterest",
    "ParticipantLanguage",
    "ParticipantRole",
    "ParticipantSkill",
    "ParticipantStatus",
    "Programme",
    "ProgrammeFormat",
    "ProgrammeStructure",
    "QuestionKind",
    "Resource",
    "ResourceKind",
    "Setting",
    "Skill",
    "StoryStatus",
    "SuccessStory",
    "TrainingAttendance",
    "TrainingSession",
]
