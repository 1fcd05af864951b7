"""The audit trail: who changed what, when. Field names only, never values (HR data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
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


class ImportProfile(Base):
    """A saved way of reading one HR system's export: column mapping and file options."""

    __tablename__ = "import_profile"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    mapping_json: Mapped[str] = mapped_column(Text, default="{}")  # header -> field
    encoding: Mapped[str] = mapped_column(String(40), default="")  # "" = detect
    delimiter: Mapped[str] = mapped_column(String(4), default="")  # "" = detect
    sheet: Mapped[str] = mapped_column(String(100), default="")  # "" = first sheet
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Erasure(Base):
    """A person erased on request, by id only, so that a restored backup can be erased again.

    The same record is kept beside the database file (see services/privacy.py), because a
    restore replaces this table along with everything else.
    """

    __tablename__ = "erasure"
    __table_args__ = (UniqueConstraint("participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(Integer)  # not a foreign key: the row is gone
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """A programme-wide setting stored in the database (window state lives in QSettings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
