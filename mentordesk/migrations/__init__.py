"""Alembic migrations of the MentorDesk schema (run by :func:`mentordesk.db.upgrade_schema`)."""
