"""How HR outcome rows are keyed and tied to participants, shared by the outcomes import
and by adding participants (which must not import the import machinery)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentordesk.models import HrOutcome


def employee_key(email: str) -> str:
    """The one-way code an employee is kept by: SHA-256 (hex) of the lower-cased email."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def link_people(session: Session, people: Mapping[int, str]) -> int:
    """Link the HR outcome rows of newly added people (participant id -> email) that an HR
    file brought in before they joined; returns how many were linked."""
    if not people:
        return 0
    by_key = {employee_key(email): pid for pid, email in people.items()}
    rows = session.execute(select(HrOutcome.id, HrOutcome.employee_key).where(
        HrOutcome.participant_id.is_(None), HrOutcome.employee_key.in_(by_key))).all()
    if rows:
        session.execute(update(HrOutcome), [{"id": row_id, "participant_id": by_key[key]}
                                            for row_id, key in rows])
    return len(rows)
