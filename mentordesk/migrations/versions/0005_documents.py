"""Printed documents: who issues and signs them, their look and paper, the coordinator's own
handbook wording; and the digest that makes importing a filled-in PDF form twice harmless.

Revision ID: 0005_documents
Revises: 0004_checkins
Create Date: 2026-11-26 01:55:07.589227
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_documents'
down_revision: str | None = '0004_checkins'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_digest', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_feedback_response_form_id_source_digest'), ['form_id', 'source_digest'])

    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('signature_png', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('signer_title', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('certificate_template', sa.String(length=40), nullable=False, server_default='classic'))
        batch_op.add_column(sa.Column('paper_size', sa.String(length=10), nullable=False, server_default='A4'))
        batch_op.add_column(sa.Column('document_texts', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('paper_size_known', "paper_size IN ('A4', 'Letter')")


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_constraint('ck_programme_paper_size_known', type_='check')
        batch_op.drop_column('document_texts')
        batch_op.drop_column('paper_size')
        batch_op.drop_column('certificate_template')
        batch_op.drop_column('signer_title')
        batch_op.drop_column('signer_name')
        batch_op.drop_column('signature_png')
        batch_op.drop_column('organisation_name')

    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feedback_response_form_id_source_digest'), type_='unique')
        batch_op.drop_column('source_digest')
