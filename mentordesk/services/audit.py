"""Recording changes in the audit trail: entity, id and field names, never the values."""

from __future__ import annotations

import getpass
from collections.abc import Iterable

from sqlalchemy.orm import Session

from mentordesk.models import AuditEvent


def actor() -> str:
    """Who is making changes: the operating system's user name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def record(session: Session, action: str, entity: str, entity_id: int | None,
           fields: Iterable[str] = ()) -> None:
    """Add an audit event to the current transaction."""
    session.add(AuditEvent(actor=actor(), action=action, entity=entity, entity_id=entity_id,
                           fields=",".join(sorted(fields))))
