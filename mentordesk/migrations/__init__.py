"""Alembic migrations of the MentorDesk schema (run by :func:`mentordesk.db.upgrade_schema`)."""

# The newest revision. Checked against the scripts by a test; lets start-up recognise an
# up-to-date database without loading Alembic.
HEAD_REVISION = "0007_feedback_kpis"
