"""Alembic environment: always run on a connection MentorDesk hands over (see db.py)."""

from __future__ import annotations

from alembic import context

from mentordesk.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic revision --autogenerate`
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url") or "sqlite:///alembic-dev.sqlite3"
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: rebuild tables instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
