"""FHIR Bulk Data exports: one row per ``$export`` request, so every worker process answers its status.

Revision ID: 0014
Revises: 0015 (0015 landed first)
Create Date: 2026-12-06

Upgrade: ``fhir_export_jobs`` (the clinic, who asked, the level (system, patient, group) and group, the
resource types and ``_since`` asked for, the kick-off URL, the state (queued, running, completed,
failed, cancelled, expired), the transaction time, the last progress (``updated_at``, patients read),
the files written as JSON, an error, when the files expire), indexed by clinic and state (one running
export per clinic) and by expiry (the purge). The files themselves are on disk
(``ACUPATH_FHIR_EXPORT_DIR``). Downgrade drops the table (the files stay until removed by hand).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    document = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    op.create_table(
        'fhir_export_jobs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('requested_by', sa.String(length=64), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('group_id', sa.String(length=64), nullable=True),
        sa.Column('types', document, nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('request_url', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('transaction_time', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('patients_done', sa.Integer(), nullable=False),
        sa.Column('output', document, nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'expired')",
                           name=op.f('ck_fhir_export_jobs_state')),
        sa.CheckConstraint("level IN ('system', 'patient', 'group')", name=op.f('ck_fhir_export_jobs_level')),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_fhir_export_jobs_clinic_id_clinics')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_export_jobs')),
    )
    op.create_index('ix_fhir_export_jobs_clinic_state', 'fhir_export_jobs', ['clinic_id', 'state'])
    op.create_index('ix_fhir_export_jobs_expires_at', 'fhir_export_jobs', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_fhir_export_jobs_expires_at', table_name='fhir_export_jobs')
    op.drop_index('ix_fhir_export_jobs_clinic_state', table_name='fhir_export_jobs')
    op.drop_table('fhir_export_jobs')
