"""Pairing workflow: accepted proposals, per-member explanations, criteria and solver runs.

A pairing can now be accepted by the coordinator before it is published; each mentee of a
pairing (one, or several in a circle) keeps their own score and explanation; a programme
stores its pairing criteria; each solver run is recorded without personal data.

Revision ID: 0003_pairing
Revises: 0002_privacy_import
Create Date: 2026-11-25 23:58:15.853022
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_pairing'
down_revision: str | None = '0002_privacy_import'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pairing_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('mentees', sa.Integer(), nullable=False),
    sa.Column('mentors', sa.Integer(), nullable=False),
    sa.Column('proposed', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('total_score', sa.Float(), nullable=False),
    sa.Column('certified', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_pairing_run_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_run'))
    )
    with op.batch_alter_table('pairing_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_run_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('explanation', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pairing_settings', sa.JSON(), nullable=True))

    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pairing_pairing_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_pairing_pairing_status'), sa.text(
            "status IN ('proposed', 'accepted', 'active', 'paused', 'completed', "
            "'ended_early')"))


def downgrade() -> None:
    op.execute("UPDATE pairing SET status = 'proposed' WHERE status = 'accepted'")
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pairing_pairing_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_pairing_pairing_status'), sa.text(
            "status IN ('proposed', 'active', 'paused', 'completed', 'ended_early')"))

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('pairing_settings')

    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.drop_column('explanation')
        batch_op.drop_column('score')

    with op.batch_alter_table('pairing_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_run_programme_id'))

    op.drop_table('pairing_run')

