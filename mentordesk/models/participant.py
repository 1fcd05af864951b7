"""Participants, their skills, development goals, interests and languages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentordesk.models.base import Base, str_enum, utcnow
from mentordesk.models.enums import ParticipantRole, ParticipantStatus

if TYPE_CHECKING:
    from mentordesk.models.pairing import PairingMember


class Skill(Base):
    """A named skill, shared by participants' skill levels and development goals."""

    __tablename__ = "skill"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"<Skill id={self.id!r} name={self.name!r}>"


class Participant(Base):
    """A person in the programme, as mentor, mentee or both."""

    __tablename__ = "participant"
    __table_args__ = (
        CheckConstraint("length(trim(full_name)) > 0", name="name_not_empty"),
        CheckConstraint("email LIKE '%_@_%'", name="email_shape"),
        CheckConstraint("mentor_capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
        CheckConstraint("level_rank IS NULL OR level_rank BETWEEN 0 AND 20", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(320))
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    manager_email: Mapped[str] = mapped_column(String(320), default="")
    level: Mapped[str] = mapped_column(String(60), default="")
    level_rank: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    role: Mapped[ParticipantRole] = mapped_column(
        str_enum(ParticipantRole, "participant_role"), default=ParticipantRole.MENTEE
    )
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=0)
    availability_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ParticipantStatus] = mapped_column(
        str_enum(ParticipantStatus, "participant_status"),
        default=ParticipantStatus.ACTIVE,
        index=True,
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    consent_stories: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    manager: Mapped[Participant | None] = relationship(
        remote_side="Participant.id", back_populates="reports"
    )
    reports: Mapped[list[Participant]] = relationship(back_populates="manager")
    skills: Mapped[list[ParticipantSkill]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )
    goals: Mapped[list[DevelopmentGoal]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )
    interests: Mapped[list[ParticipantInterest]] = relationship(
        back_populates="participant", cascade="all, delete-orphan",
        order_by="ParticipantInterest.id",
    )
    languages: Mapped[list[ParticipantLanguage]] = relationship(
        back_populates="participant", cascade="all, delete-orphan",
        order_by="ParticipantLanguage.id",
    )
    memberships: Mapped[list[PairingMember]] = relationship(
        back_populates="mentee", passive_deletes=True
    )

    @property
    def display_name(self) -> str:
        """The name to address the person by."""
        return self.preferred_name or self.full_name

    def __repr__(self) -> str:
        # No names or emails: reprs end up in logs, and this is HR data.
        return f"<Participant id={self.id!r} role={self.role!r} status={self.status!r}>"


# Unique regardless of case, in the schema itself (works on SQLite and PostgreSQL).
Index("uq_skill_name_ci", func.lower(Skill.name), unique=True)
Index("uq_participant_email_ci", func.lower(Participant.email), unique=True)


class ParticipantSkill(Base):
    """How good a participant is at a skill, 0 (none) to 5 (expert)."""

    __tablename__ = "participant_skill"
    __table_args__ = (
        UniqueConstraint("participant_id", "skill_id"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="RESTRICT"), index=True)
    level: Mapped[int] = mapped_column(Integer)

    participant: Mapped[Participant] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class DevelopmentGoal(Base):
    """A skill a participant wants to develop, in priority order."""

    __tablename__ = "development_goal"
    __table_args__ = (
        UniqueConstraint("participant_id", "skill_id"),
        CheckConstraint("priority >= 0", name="priority_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id", ondelete="RESTRICT"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # When the participant reached this goal (the coordinator or the pair records it).
    achieved_on: Mapped[date | None] = mapped_column(Date)

    participant: Mapped[Participant] = relationship(back_populates="goals")
    skill: Mapped[Skill] = relationship()


class ParticipantInterest(Base):
    """A personal or professional interest, free text."""

    __tablename__ = "participant_interest"
    __table_args__ = (
        UniqueConstraint("participant_id", "interest"),
        CheckConstraint("length(trim(interest)) > 0", name="interest_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    interest: Mapped[str] = mapped_column(String(100))

    participant: Mapped[Participant] = relationship(back_populates="interests")


class ParticipantLanguage(Base):
    """A language the participant can be mentored in."""

    __tablename__ = "participant_language"
    __table_args__ = (
        UniqueConstraint("participant_id", "language"),
        CheckConstraint("length(trim(language)) > 0", name="language_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(60))

    participant: Mapped[Participant] = relationship(back_populates="languages")
