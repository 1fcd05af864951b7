"""Erasure keeps aggregates; import profiles.

Pairings, circle memberships, feedback responses, awards and training attendance now
outlive an erased participant (their reference becomes NULL), so the programme's counts
stay right; new tables hold saved import profiles and the erasure record.

Revision ID: 0002_privacy_import
Revises: 0001_initial
Create Date: 2026-11-25 22:50:47.380484
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_privacy_import'
down_revision: str | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('erasure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_erasure_participant_id'))
    )
    op.create_table('import_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mapping_json', sa.Text(), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=False),
    sa.Column('delimiter', sa.String(length=4), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_import_profile_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_profile')),
    sa.UniqueConstraint('name', name=op.f('uq_import_profile_name'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.alter_column('participant_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_award_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_award_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_response_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_feedback_response_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.alter_column('mentor_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_pairing_mentor_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_pairing_mentor_id_participant'), 'participant', ['mentor_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.alter_column('mentee_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_pairing_member_mentee_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_pairing_member_mentee_id_participant'), 'participant', ['mentee_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.alter_column('participant_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_training_attendance_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_training_attendance_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_training_attendance_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_training_attendance_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('participant_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pairing_member_mentee_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_pairing_member_mentee_id_participant'), 'participant', ['mentee_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('mentee_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pairing_mentor_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_pairing_mentor_id_participant'), 'participant', ['mentor_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('mentor_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_response_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_feedback_response_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_award_participant_id_participant'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_award_participant_id_participant'), 'participant', ['participant_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('participant_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    op.drop_table('import_profile')
    op.drop_table('erasure')
