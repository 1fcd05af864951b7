"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25 22:00:46.686621
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.CheckConstraint('length(action) > 0', name=op.f('ck_audit_event_action_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_entity_id'), ['entity_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('preferred_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('manager_email', sa.String(length=320), nullable=False),
    sa.Column('level', sa.String(length=60), nullable=False),
    sa.Column('level_rank', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('mentor', 'mentee', 'both', name='participant_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('mentor_capacity', sa.Integer(), nullable=False),
    sa.Column('availability_notes', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('active', 'withdrawn', name='participant_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_stories', sa.Boolean(), nullable=False),
    sa.Column('consent_photos', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("email LIKE '%_@_%'", name=op.f('ck_participant_email_shape')),
    sa.CheckConstraint('length(trim(full_name)) > 0', name=op.f('ck_participant_name_not_empty')),
    sa.CheckConstraint('level_rank IS NULL OR level_rank BETWEEN 0 AND 20', name=op.f('ck_participant_level_range')),
    sa.CheckConstraint('manager_id IS NULL OR manager_id <> id', name=op.f('ck_participant_not_own_manager')),
    sa.CheckConstraint('mentor_capacity >= 0', name=op.f('ck_participant_capacity_not_negative')),
    sa.ForeignKeyConstraint(['manager_id'], ['participant.id'], name=op.f('fk_participant_manager_id_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_status'), ['status'], unique=False)

    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('format', sa.Enum('one_on_one', 'group', name='programme_format', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('structure', sa.Enum('formal', 'informal', name='programme_structure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('default_cadence', sa.Enum('weekly', 'fortnightly', 'monthly', name='programme_cadence', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('default_duration_minutes', sa.Integer(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('circle_min_size', sa.Integer(), nullable=False),
    sa.Column('circle_max_size', sa.Integer(), nullable=False),
    sa.Column('coordinator_name', sa.String(length=200), nullable=False),
    sa.Column('coordinator_email', sa.String(length=320), nullable=False),
    sa.Column('brand_primary_color', sa.String(length=7), nullable=False),
    sa.Column('brand_accent_color', sa.String(length=7), nullable=False),
    sa.Column('logo_png', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('circle_min_size >= 1 AND circle_max_size >= circle_min_size', name=op.f('ck_programme_circle_sizes')),
    sa.CheckConstraint('default_duration_minutes BETWEEN 5 AND 480', name=op.f('ck_programme_duration_range')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_programme_dates_ordered')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_programme_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
    sa.UniqueConstraint('name', name=op.f('uq_programme_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_skill_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill'))
    )
    # Case-insensitive uniqueness (expression indexes are not autogenerated).
    op.create_index('uq_participant_email_ci', 'participant', [sa.text('lower(email)')], unique=True)
    op.create_index('uq_skill_name_ci', 'skill', [sa.text('lower(name)')], unique=True)
    op.create_table('development_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.CheckConstraint('priority >= 0', name=op.f('ck_development_goal_priority_not_negative')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_development_goal_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_development_goal_skill_id_skill'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_development_goal')),
    sa.UniqueConstraint('participant_id', 'skill_id', name=op.f('uq_development_goal_participant_id_skill_id'))
    )
    with op.batch_alter_table('development_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_development_goal_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_development_goal_skill_id'), ['skill_id'], unique=False)

    op.create_table('feedback_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Enum('feedback', 'readiness', name='form_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('audience', sa.Enum('mentors', 'mentees', 'everyone', 'stakeholders', name='form_audience', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_feedback_form_title_not_empty')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_feedback_form_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_form'))
    )
    with op.batch_alter_table('feedback_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_form_programme_id'), ['programme_id'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('checkins_required', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_milestone_name_not_empty')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_milestone_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_milestone_programme_id_name'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_programme_id'), ['programme_id'], unique=False)

    op.create_table('objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organisational_goal', sa.String(length=300), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_objective_title_not_empty')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_objective_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective'))
    )
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_programme_id'), ['programme_id'], unique=False)

    op.create_table('pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('circle_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'active', 'paused', 'completed', 'ended_early', name='pairing_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('cadence', sa.Enum('weekly', 'fortnightly', 'monthly', name='pairing_cadence', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_pairing_dates_ordered')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_pairing_score_range')),
    sa.ForeignKeyConstraint(['mentor_id'], ['participant.id'], name=op.f('fk_pairing_mentor_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_pairing_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing'))
    )
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_status'), ['status'], unique=False)

    op.create_table('pairing_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('lock', 'forbid', name='pairing_rule_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('mentor_id <> mentee_id', name=op.f('ck_pairing_rule_distinct_people')),
    sa.ForeignKeyConstraint(['mentee_id'], ['participant.id'], name=op.f('fk_pairing_rule_mentee_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['participant.id'], name=op.f('fk_pairing_rule_mentor_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_pairing_rule_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_rule')),
    sa.UniqueConstraint('programme_id', 'mentor_id', 'mentee_id', name=op.f('uq_pairing_rule_programme_id_mentor_id_mentee_id'))
    )
    with op.batch_alter_table('pairing_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_rule_programme_id'), ['programme_id'], unique=False)

    op.create_table('participant_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('interest', sa.String(length=100), nullable=False),
    sa.CheckConstraint('length(trim(interest)) > 0', name=op.f('ck_participant_interest_interest_not_empty')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_interest_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_interest')),
    sa.UniqueConstraint('participant_id', 'interest', name=op.f('uq_participant_interest_participant_id_interest'))
    )
    with op.batch_alter_table('participant_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_interest_participant_id'), ['participant_id'], unique=False)

    op.create_table('participant_language',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=60), nullable=False),
    sa.CheckConstraint('length(trim(language)) > 0', name=op.f('ck_participant_language_language_not_empty')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_language_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_language')),
    sa.UniqueConstraint('participant_id', 'language', name=op.f('uq_participant_language_participant_id_language'))
    )
    with op.batch_alter_table('participant_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_language_participant_id'), ['participant_id'], unique=False)

    op.create_table('participant_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 0 AND 5', name=op.f('ck_participant_skill_level_range')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_skill_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_participant_skill_skill_id_skill'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_skill')),
    sa.UniqueConstraint('participant_id', 'skill_id', name=op.f('uq_participant_skill_participant_id_skill_id'))
    )
    with op.batch_alter_table('participant_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_skill_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_skill_skill_id'), ['skill_id'], unique=False)

    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('article', 'video', 'template', 'link', 'handbook', 'course', name='resource_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('audience', sa.Enum('mentors', 'mentees', 'everyone', 'stakeholders', name='resource_audience', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=300), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_resource_title_not_empty')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_resource_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_programme_id'), ['programme_id'], unique=False)

    op.create_table('training_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.Enum('mentors', 'mentees', 'everyone', 'stakeholders', name='training_audience', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('facilitator', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 600', name=op.f('ck_training_session_duration_range')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_training_session_title_not_empty')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_training_session_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session'))
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_programme_id'), ['programme_id'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('certificate_printed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_award_title_not_empty')),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], name=op.f('fk_award_milestone_id_milestone'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_award_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_award_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_programme_id'), ['programme_id'], unique=False)

    op.create_table('checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.Enum('scheduled', 'held', 'missed', 'cancelled', name='checkin_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('ical_uid', sa.String(length=255), nullable=False),
    sa.Column('ical_sequence', sa.Integer(), nullable=False),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 480', name=op.f('ck_checkin_duration_range')),
    sa.CheckConstraint('ical_sequence >= 0', name=op.f('ck_checkin_sequence_not_negative')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_checkin_pairing_id_pairing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin')),
    sa.UniqueConstraint('ical_uid', name=op.f('uq_checkin_ical_uid'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_scheduled_start'), ['scheduled_start'], unique=False)

    op.create_table('feedback_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('rating', 'text', 'choice', 'yes_no', name='question_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(trim(text)) > 0', name=op.f('ck_feedback_question_text_not_empty')),
    sa.CheckConstraint('scale_max IS NULL OR scale_max BETWEEN 2 AND 10', name=op.f('ck_feedback_question_scale_range')),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_form.id'], name=op.f('fk_feedback_question_form_id_feedback_form'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_question')),
    sa.UniqueConstraint('form_id', 'position', name=op.f('uq_feedback_question_form_id_position'))
    )
    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_question_form_id'), ['form_id'], unique=False)

    op.create_table('feedback_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_form.id'], name=op.f('fk_feedback_response_form_id_feedback_form'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_feedback_response_pairing_id_pairing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_feedback_response_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_response'))
    )
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_response_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_response_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_response_participant_id'), ['participant_id'], unique=False)

    op.create_table('kpi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=False),
    sa.Column('direction', sa.Enum('increase', 'decrease', name='kpi_direction', native_enum=False, create_constraint=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_kpi_name_not_empty')),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_kpi_objective_id_objective'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_kpi_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi')),
    sa.UniqueConstraint('programme_id', 'name', name=op.f('uq_kpi_programme_id_name'))
    )
    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_programme_id'), ['programme_id'], unique=False)

    op.create_table('pairing_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mentee_id'], ['participant.id'], name=op.f('fk_pairing_member_mentee_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_pairing_member_pairing_id_pairing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_member')),
    sa.UniqueConstraint('pairing_id', 'mentee_id', name=op.f('uq_pairing_member_pairing_id_mentee_id'))
    )
    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_member_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_member_pairing_id'), ['pairing_id'], unique=False)

    op.create_table('success_story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('consent_given_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'approved', 'published', name='story_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_success_story_title_not_empty')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairing.id'], name=op.f('fk_success_story_pairing_id_pairing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_success_story_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_success_story_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_success_story'))
    )
    with op.batch_alter_table('success_story', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_success_story_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_success_story_programme_id'), ['programme_id'], unique=False)

    op.create_table('training_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_training_attendance_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], name=op.f('fk_training_attendance_session_id_training_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attendance')),
    sa.UniqueConstraint('session_id', 'participant_id', name=op.f('uq_training_attendance_session_id_participant_id'))
    )
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_attendance_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('feedback_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('value_number', sa.Float(), nullable=True),
    sa.CheckConstraint('value_text IS NOT NULL OR value_number IS NOT NULL', name=op.f('ck_feedback_answer_has_value')),
    sa.ForeignKeyConstraint(['question_id'], ['feedback_question.id'], name=op.f('fk_feedback_answer_question_id_feedback_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['feedback_response.id'], name=op.f('fk_feedback_answer_response_id_feedback_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_feedback_answer_response_id_question_id'))
    )
    with op.batch_alter_table('feedback_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_answer_response_id'), ['response_id'], unique=False)

    op.create_table('kpi_measurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id'], name=op.f('fk_kpi_measurement_kpi_id_kpi'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_measurement')),
    sa.UniqueConstraint('kpi_id', 'measured_on', name=op.f('uq_kpi_measurement_kpi_id_measured_on'))
    )
    with op.batch_alter_table('kpi_measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_measurement_kpi_id'), ['kpi_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('kpi_measurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_measurement_kpi_id'))

    op.drop_table('kpi_measurement')
    with op.batch_alter_table('feedback_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_answer_response_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_answer_question_id'))

    op.drop_table('feedback_answer')
    with op.batch_alter_table('training_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_training_attendance_participant_id'))

    op.drop_table('training_attendance')
    with op.batch_alter_table('success_story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_success_story_programme_id'))
        batch_op.drop_index(batch_op.f('ix_success_story_participant_id'))

    op.drop_table('success_story')
    with op.batch_alter_table('pairing_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_member_pairing_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_member_mentee_id'))

    op.drop_table('pairing_member')
    with op.batch_alter_table('kpi', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_programme_id'))
        batch_op.drop_index(batch_op.f('ix_kpi_objective_id'))

    op.drop_table('kpi')
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_response_participant_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_response_pairing_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_response_form_id'))

    op.drop_table('feedback_response')
    with op.batch_alter_table('feedback_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_question_form_id'))

    op.drop_table('feedback_question')
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_scheduled_start'))
        batch_op.drop_index(batch_op.f('ix_checkin_pairing_id'))

    op.drop_table('checkin')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_programme_id'))
        batch_op.drop_index(batch_op.f('ix_award_participant_id'))

    op.drop_table('award')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_programme_id'))

    op.drop_table('training_session')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_programme_id'))

    op.drop_table('resource')
    with op.batch_alter_table('participant_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_skill_skill_id'))
        batch_op.drop_index(batch_op.f('ix_participant_skill_participant_id'))

    op.drop_table('participant_skill')
    with op.batch_alter_table('participant_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_language_participant_id'))

    op.drop_table('participant_language')
    with op.batch_alter_table('participant_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_interest_participant_id'))

    op.drop_table('participant_interest')
    with op.batch_alter_table('pairing_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_rule_programme_id'))

    op.drop_table('pairing_rule')
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_status'))
        batch_op.drop_index(batch_op.f('ix_pairing_programme_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_mentor_id'))

    op.drop_table('pairing')
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_programme_id'))

    op.drop_table('objective')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_programme_id'))

    op.drop_table('milestone')
    with op.batch_alter_table('feedback_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_form_programme_id'))

    op.drop_table('feedback_form')
    with op.batch_alter_table('development_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_development_goal_skill_id'))
        batch_op.drop_index(batch_op.f('ix_development_goal_participant_id'))

    op.drop_table('development_goal')
    op.drop_table('skill')
    op.drop_table('setting')
    op.drop_table('programme')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_status'))
        batch_op.drop_index(batch_op.f('ix_participant_manager_id'))
        batch_op.drop_index(batch_op.f('ix_participant_department'))

    op.drop_table('participant')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
