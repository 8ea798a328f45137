"""Sessions, adverse events and reassessments are versioned; their amendments keep what they replaced.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Upgrade:
- ``version`` (integer, 1 for every existing row) on ``session_records``, ``adverse_events`` and
  ``reassessments``: an amendment names the version it read, and a stale one is refused (409).
- ``record_amendments``: one row per amendment with the record as it was (``previous``, JSON), the
  reason, the author and the time. A record is never edited silently nor deleted.

Needle retention (``session_records.retention_minutes``, STRICTA 2f) is stored since 0001.
Downgrade drops the table and the columns (the amendments' history is lost).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_VERSIONED = ('session_records', 'adverse_events', 'reassessments')
_document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    for table in _VERSIONED:
        # A plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied).
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table(
        'record_amendments',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('record_type', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('previous', _document, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('amended_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('amended_by', sa.String(length=64), nullable=False),
        sa.CheckConstraint("record_type IN ('session', 'adverse_event', 'reassessment')",
                           name=op.f('ck_record_amendments_record_type')),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_record_amendments_clinic_id_clinics')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_amendments')),
        sa.UniqueConstraint('record_type', 'record_id', 'version',
                            name=op.f('uq_record_amendments_record_type_record_id_version')),
    )
    with op.batch_alter_table('record_amendments', schema=None) as batch_op:
        batch_op.create_index('ix_record_amendments_clinic_record', ['clinic_id', 'record_type', 'record_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_record_amendments_clinic_record')
    op.drop_table('record_amendments')
    for table in reversed(_VERSIONED):
        # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): batch mode would copy session_records into a
        # new table, and dropping the old one cascades to its needled points (session_points).
        op.drop_column(table, 'version')
