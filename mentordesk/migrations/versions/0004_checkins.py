"""Check-in series: a pairing's regular meetings as one calendar event with a repeat rule.

Each meeting remembers the time its series planned (its identity in calendars) and its
agenda topic; meetings outside a series keep their own calendar UID.

Revision ID: 0004_checkins
Revises: 0003_pairing
Create Date: 2026-11-26 00:53:49.286695
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_checkins'
down_revision: str | None = '0003_pairing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checkin_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('daily', 'weekly', 'monthly', name='checkin_frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('first_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.Enum('active', 'cancelled', name='series_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count IS NULL OR count >= 1', name=op.f('ck_checkin_series_count_positive')),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 480', name=op.f('ck_checkin_series_duration_range')),
    sa.CheckConstraint('interval >= 1 AND interval <= 52', name=op.f('ck_checkin_series_interval_range')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_checkin_series_sequence_not_negative')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_checkin_series_pairing_id_pairing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_series')),
    sa.UniqueConstraint('pairing_id', name=op.f('uq_checkin_series_pairing_id')),
    sa.UniqueConstraint('uid', name=op.f('uq_checkin_series_uid'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('original_start', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('topic', sa.String(length=300), nullable=False, server_default=''))
        batch_op.alter_column('ical_uid',
               existing_type=sa.VARCHAR(length=255),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_checkin_series_id'), ['series_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_checkin_series_id_original_start'), ['series_id', 'original_start'])
        batch_op.create_foreign_key(batch_op.f('fk_checkin_series_id_checkin_series'), 'checkin_series', ['series_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    op.execute("DELETE FROM checkin WHERE ical_uid IS NULL")
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_checkin_series_id_checkin_series'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_checkin_series_id_original_start'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_checkin_series_id'))
        batch_op.alter_column('ical_uid',
               existing_type=sa.VARCHAR(length=255),
               nullable=False)
        batch_op.drop_column('topic')
        batch_op.drop_column('original_start')
        batch_op.drop_column('series_id')

    op.drop_table('checkin_series')
