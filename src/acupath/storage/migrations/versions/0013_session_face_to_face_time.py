"""The practitioner's face-to-face time of each session, for the superbill's CPT units.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Upgrade: ``session_records.face_to_face_minutes`` (null for existing sessions: not recorded before this
revision). CPT counts acupuncture in 15-minute units of personal one-on-one contact (clinical.md §4.5),
so the superbill (``services.documents.billing``) lists add-on units only for a session that has it.
Downgrade drops the column. Column types are spelled out so later changes to the tables' code never
change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied).
    op.add_column('session_records', sa.Column('face_to_face_minutes', sa.Integer(), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as 0010: a batch copy would drop
    # ``session_records``, which ``session_points`` and ``adverse_events`` reference.
    op.drop_column('session_records', 'face_to_face_minutes')
