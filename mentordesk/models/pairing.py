"""Pairings (one mentor with one mentee or a circle), coordinator rules and check-ins."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentordesk.models.base import Base, str_enum, utcnow
from mentordesk.models.enums import (
    Cadence,
    CheckinFrequency,
    CheckinOutcome,
    PairingRuleKind,
    PairingStatus,
    SeriesStatus,
)

if TYPE_CHECKING:
    from mentordesk.models.participant import Participant
    from mentordesk.models.programme import Programme


class Pairing(Base):
    """One mentor with one mentee, or with several mentees in a group circle."""

    __tablename__ = "pairing"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="dates_ordered"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # NULL once the mentor was erased: the pairing still counts in the programme's figures.
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    circle_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus, "pairing_status"), default=PairingStatus.PROPOSED, index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[Cadence] = mapped_column(
        str_enum(Cadence, "pairing_cadence"), default=Cadence.FORTNIGHTLY
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="pairings")
    mentor: Mapped[Participant | None] = relationship(foreign_keys=[mentor_id])
    members: Mapped[list[PairingMember]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan"
    )
    checkins: Mapped[list[Checkin]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="Checkin.scheduled_start"
    )


class PairingMember(Base):
    """A mentee in a pairing (exactly one for one-on-one, several for a circle)."""

    __tablename__ = "pairing_member"
    __table_args__ = (UniqueConstraint("pairing_id", "mentee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="CASCADE"), index=True
    )
    # NULL once the mentee was erased: the circle's size stays right in the figures.
    mentee_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )

    # This mentee's match with the mentor: 0-100, and the contributions in words.
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")

    pairing: Mapped[Pairing] = relationship(back_populates="members")
    mentee: Mapped[Participant | None] = relationship(back_populates="memberships")


class PairingRun(Base):
    """One run of the pairing solver: the criteria used and how good the result is.

    Holds no personal data: counts, totals and the settings only.
    """

    __tablename__ = "pairing_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    mentees: Mapped[int] = mapped_column(Integer)
    mentors: Mapped[int] = mapped_column(Integer)
    proposed: Mapped[int] = mapped_column(Integer)
    kept: Mapped[int] = mapped_column(Integer)
    unmatched: Mapped[int] = mapped_column(Integer)
    total_score: Mapped[float] = mapped_column(Float)
    certified: Mapped[bool] = mapped_column(Boolean)
    seconds: Mapped[float] = mapped_column(Float)


class PairingRule(Base):
    """A coordinator's lock or ban on one mentor and mentee, honoured by every re-run."""

    __tablename__ = "pairing_rule"
    __table_args__ = (
        UniqueConstraint("programme_id", "mentor_id", "mentee_id"),
        CheckConstraint("mentor_id <> mentee_id", name="distinct_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    kind: Mapped[PairingRuleKind] = mapped_column(str_enum(PairingRuleKind, "pairing_rule_kind"))
    reason: Mapped[str] = mapped_column(Text, default="")


class CheckinSeries(Base):
    """A pairing's regular check-ins: one calendar event with a repeat rule.

    Its ``uid`` stays the same for the life of the series, so calendars update the same
    event; ``sequence`` goes up by one whenever what the invitation says changes.
    """

    __tablename__ = "checkin_series"
    __table_args__ = (
        UniqueConstraint("pairing_id"),
        UniqueConstraint("uid"),
        CheckConstraint("interval >= 1 AND interval <= 52", name="interval_range"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("count IS NULL OR count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    frequency: Mapped[CheckinFrequency] = mapped_column(
        str_enum(CheckinFrequency, "checkin_frequency"), default=CheckinFrequency.WEEKLY
    )
    interval: Mapped[int] = mapped_column(Integer, default=2)
    # The first meeting (UTC) and the time zone its wall-clock time is kept in.
    first_start: Mapped[datetime] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[SeriesStatus] = mapped_column(
        str_enum(SeriesStatus, "series_status"), default=SeriesStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pairing: Mapped[Pairing] = relationship()
    checkins: Mapped[list[Checkin]] = relationship(
        back_populates="series", order_by="Checkin.original_start"
    )


class Checkin(Base):
    """One meeting of a pairing: planned by its series (or logged on its own), and what
    became of it.

    ``original_start`` is the time the series planned (the occurrence's identity in
    calendars); ``scheduled_start`` differs from it when the meeting was moved.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("ical_uid"),
        UniqueConstraint("series_id", "original_start"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("pairing.id", ondelete="CASCADE"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_series.id", ondelete="SET NULL"), index=True
    )
    original_start: Mapped[datetime | None] = mapped_column()
    scheduled_start: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    outcome: Mapped[CheckinOutcome] = mapped_column(
        str_enum(CheckinOutcome, "checkin_outcome"), default=CheckinOutcome.SCHEDULED
    )
    # The agenda topic of this meeting (formal programmes).
    topic: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Meetings outside a series are calendar events of their own.
    ical_uid: Mapped[str | None] = mapped_column(String(255))
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)

    pairing: Mapped[Pairing] = relationship(back_populates="checkins")
    series: Mapped[CheckinSeries | None] = relationship(back_populates="checkins")
