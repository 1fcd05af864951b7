"""Helpers for writing migrations safely.

A batch (table-rebuilding) migration on SQLite cannot reflect expression indexes such as
the case-insensitive unique email index, so the rebuilt table silently loses them. A
migration that rebuilds ``participant`` or ``skill`` calls
:func:`recreate_expression_indexes` at its end; :func:`mentordesk.db.upgrade_schema`
refuses any upgrade that loses an index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

EXPRESSION_INDEXES = {
    "uq_participant_email_ci": ("participant", "lower(email)"),
    "uq_skill_name_ci": ("skill", "lower(name)"),
}


def recreate_expression_indexes() -> None:
    """Create again any case-insensitive unique index a table rebuild dropped."""
    for name, (table, expression) in EXPRESSION_INDEXES.items():
        # Reflection cannot see expression indexes, so ask the database to skip existing ones.
        op.create_index(name, table, [sa.text(expression)], unique=True, if_not_exists=True)
