"""Recognition (milestones, awards), success stories, resources and training sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentordesk.models.base import Base, str_enum, utcnow
from mentordesk.models.enums import Audience, ResourceKind, StoryStatus


class Milestone(Base):
    """Something worth recognising, e.g. "Six check-ins held"."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("programme_id", "name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    checkins_required: Mapped[int | None] = mapped_column(Integer)


class Award(Base):
    """A recognition given to a participant, printable as a certificate."""

    __tablename__ = "award"
    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # NULL once the person was erased: "awards given" still counts it.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    citation: Mapped[str] = mapped_column(Text, default="")
    awarded_on: Mapped[date] = mapped_column(Date)
    certificate_printed_at: Mapped[datetime | None] = mapped_column()

    milestone: Mapped[Milestone | None] = relationship()


class SuccessStory(Base):
    """A participant's story, shared only with their consent."""

    __tablename__ = "success_story"
    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    consent_given_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[StoryStatus] = mapped_column(
        str_enum(StoryStatus, "story_status"), default=StoryStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Resource(Base):
    """An item in the resource library: article, video, template, link or handbook."""

    __tablename__ = "resource"
    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, "resource_kind"))
    audience: Mapped[Audience] = mapped_column(
        str_enum(Audience, "resource_audience"), default=Audience.EVERYONE
    )
    location: Mapped[str] = mapped_column(Text, default="")  # URL or file path
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(300), default="")


class TrainingSession(Base):
    """A training session delivered to mentors or mentees."""

    __tablename__ = "training_session"
    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 600", name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[Audience] = mapped_column(
        str_enum(Audience, "training_audience"), default=Audience.EVERYONE
    )
    starts_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")

    attendance: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class TrainingAttendance(Base):
    """Whether a participant attended a training session."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), index=True
    )
    # NULL once the person was erased: attendance figures stay right.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    attended: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[TrainingSession] = relationship(back_populates="attendance")
