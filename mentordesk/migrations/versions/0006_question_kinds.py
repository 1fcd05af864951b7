"""Question kinds for tick-box (multiple choice) questions and 0-10 recommendation scores.

Revision ID: 0006_question_kinds
Revises: 0005_documents
Create Date: 2026-11-26 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_question_kinds'
down_revision: str | None = '0005_documents'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "'rating', 'text', 'choice', 'yes_no'"
_NEW = "'rating', 'text', 'choice', 'yes_no', 'multi_choice', 'score'"


def upgrade() -> None:
    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=6),
                              type_=sa.String(length=12), existing_nullable=False)
        batch_op.drop_constraint(op.f('ck_feedback_question_question_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_feedback_question_question_kind'),
                                         sa.text(f"kind IN ({_NEW})"))


def downgrade() -> None:
    # Questions of the new kinds cannot be kept: their answers go with them.
    op.execute("DELETE FROM feedback_question WHERE kind IN ('multi_choice', 'score')")
    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_feedback_question_question_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_feedback_question_question_kind'),
                                         sa.text(f"kind IN ({_OLD})"))
        batch_op.alter_column('kind', existing_type=sa.String(length=12),
                              type_=sa.String(length=6), existing_nullable=False)
