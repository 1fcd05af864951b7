"""Feedback and KPIs: what a question measures, how a response arrived and whether it is
confidential, form templates, goals reached, KPIs tied to computed figures, daily snapshots
of those figures, and HR outcomes (hired, promoted, left) for retention and promotion rates.

Revision ID: 0007_feedback_kpis
Revises: 0006_question_kinds
Create Date: 2026-11-26 02:30:23.722662
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_feedback_kpis'
down_revision: str | None = '0006_question_kinds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hr_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_key', sa.String(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('promoted_on', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_hr_outcome_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_outcome')),
    sa.UniqueConstraint('employee_key', name=op.f('uq_hr_outcome_employee_key'))
    )
    with op.batch_alter_table('hr_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_outcome_participant_id'), ['participant_id'], unique=False)

    op.create_table('metric_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_metric_snapshot_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_snapshot')),
    sa.UniqueConstraint('programme_id', 'metric', 'taken_on', name=op.f('uq_metric_snapshot_programme_id_metric_taken_on'))
    )
    with op.batch_alter_table('metric_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_snapshot_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('development_goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('achieved_on', sa.Date(), nullable=True))

    with op.batch_alter_table('feedback_form', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=40), nullable=False, server_default=''))

    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measure', sa.String(length=20), nullable=False, server_default=''))
        batch_op.create_check_constraint(
            'measure_known', "measure IN ('', 'satisfaction', 'recommendation')")

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), nullable=False, server_default='screen'))
        batch_op.add_column(sa.Column('confidential', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint('source_known', "source IN ('screen', 'pdf', 'csv')")
    # Until now only filled-in PDF forms carried a digest.
    op.execute("UPDATE feedback_response SET source = 'pdf' WHERE source_digest IS NOT NULL")

    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metric', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.drop_column('metric')

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_constraint('ck_feedback_response_source_known', type_='check')
        batch_op.drop_column('confidential')
        batch_op.drop_column('source')

    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.drop_constraint('ck_feedback_question_measure_known', type_='check')
        batch_op.drop_column('measure')

    with op.batch_alter_table('feedback_form', schema=None) as batch_op:
        batch_op.drop_column('template')

    with op.batch_alter_table('development_goal', schema=None) as batch_op:
        batch_op.drop_column('achieved_on')

    with op.batch_alter_table('metric_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_snapshot_programme_id'))

    op.drop_table('metric_snapshot')
    with op.batch_alter_table('hr_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_outcome_participant_id'))

    op.drop_table('hr_outcome')
