"""The audit trail: who changed what, when. Field names only, never values (HR data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentordesk.models.base import Base, utcnow


class AuditEvent(Base):
    """One change to the programme's data."""

    __tablename__ = "audit_event"
    __table_args__ = (CheckConstraint("length(action) > 0", name="action_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    fields: Mapped[str] = mapped_column(Text, default="")  # comma-separated field names


class Setting(Base):
    """A programme-wide setting stored in the database (window state lives in QSettings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
