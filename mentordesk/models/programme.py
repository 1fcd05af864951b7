"""The programme: objectives, KPIs with targets, and KPI measurements over time."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentordesk.models.base import Base, str_enum, utcnow
from mentordesk.models.enums import Cadence, KpiDirection, ProgrammeFormat, ProgrammeStructure

if TYPE_CHECKING:
    from mentordesk.models.pairing import Pairing


class Programme(Base):
    """A mentoring programme: its purpose, dates, shape and branding."""

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="dates_ordered"),
        CheckConstraint("default_duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint("circle_min_size >= 1 AND circle_max_size >= circle_min_size",
                        name="circle_sizes"),
        UniqueConstraint("name"),
        CheckConstraint("paper_size IN ('A4', 'Letter')", name="paper_size_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    format: Mapped[ProgrammeFormat] = mapped_column(
        str_enum(ProgrammeFormat, "programme_format"), default=ProgrammeFormat.ONE_ON_ONE
    )
    structure: Mapped[ProgrammeStructure] = mapped_column(
        str_enum(ProgrammeStructure, "programme_structure"), default=ProgrammeStructure.FORMAL
    )
    default_cadence: Mapped[Cadence] = mapped_column(
        str_enum(Cadence, "programme_cadence"), default=Cadence.FORTNIGHTLY
    )
    default_duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    agenda: Mapped[str] = mapped_column(Text, default="")
    circle_min_size: Mapped[int] = mapped_column(Integer, default=3)
    circle_max_size: Mapped[int] = mapped_column(Integer, default=6)
    coordinator_name: Mapped[str] = mapped_column(String(200), default="")
    coordinator_email: Mapped[str] = mapped_column(String(320), default="")
    brand_primary_color: Mapped[str] = mapped_column(String(7), default="#2E5E8C")
    brand_accent_color: Mapped[str] = mapped_column(String(7), default="#F2A541")
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Printed documents: who issues them, who signs certificates, the look and the paper.
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    certificate_template: Mapped[str] = mapped_column(String(40), default="classic")
    paper_size: Mapped[str] = mapped_column(String(10), default="A4")
    # The coordinator's own wording of handbook sections, by handbook and section key;
    # sections not in it use the text under resources/handbooks.
    document_texts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The pairing criteria (weights and options) as JSON; NULL means the defaults.
    pairing_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    objectives: Mapped[list[Objective]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Objective.position"
    )
    kpis: Mapped[list[Kpi]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Kpi.position"
    )
    pairings: Mapped[list[Pairing]] = relationship(back_populates="programme")

    def __repr__(self) -> str:
        return f"<Programme id={self.id!r} name={self.name!r}>"


class Objective(Base):
    """A programme objective, tied to one of the organisation's strategic goals."""

    __tablename__ = "objective"
    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    organisational_goal: Mapped[str] = mapped_column(String(300), default="")

    programme: Mapped[Programme] = relationship(back_populates="objectives")
    kpis: Mapped[list[Kpi]] = relationship(back_populates="objective")


class Kpi(Base):
    """A key performance indicator with a target value and unit."""

    __tablename__ = "kpi"
    __table_args__ = (
        UniqueConstraint("programme_id", "name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objective.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float] = mapped_column(Float)
    direction: Mapped[KpiDirection] = mapped_column(
        str_enum(KpiDirection, "kpi_direction"), default=KpiDirection.INCREASE
    )
    # The figure MentorDesk computes for it (services/kpis.py METRICS), or None when the
    # coordinator records its measurements by hand.
    metric: Mapped[str | None] = mapped_column(String(40))

    programme: Mapped[Programme] = relationship(back_populates="kpis")
    objective: Mapped[Objective | None] = relationship(back_populates="kpis")
    measurements: Mapped[list[KpiMeasurement]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="KpiMeasurement.measured_on"
    )


class KpiMeasurement(Base):
    """One reading of a KPI on a given day."""

    __tablename__ = "kpi_measurement"
    __table_args__ = (UniqueConstraint("kpi_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")

    kpi: Mapped[Kpi] = relationship(back_populates="measurements")


class MetricSnapshot(Base):
    """A computed programme figure on a given day, kept so trends show over time."""

    __tablename__ = "metric_snapshot"
    __table_args__ = (UniqueConstraint("programme_id", "metric", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(40))
    taken_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)


class HrOutcome(Base):
    """What the HR system says happened to an employee: hired, promoted, left.

    Imported for everyone, participants or not, to compare retention and promotion. People
    outside the programme are kept only as a one-way hash of their email address; a
    participant's row is linked to them and goes when they are erased.
    """

    __tablename__ = "hr_outcome"
    __table_args__ = (UniqueConstraint("employee_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of the lower-cased email
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    department: Mapped[str] = mapped_column(String(200), default="")
    hired_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    promoted_on: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
