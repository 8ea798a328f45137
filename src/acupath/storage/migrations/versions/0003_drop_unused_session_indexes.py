"""Two indexes that no query reads are dropped: session_records(plan_id) and session_points(code).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Every lookup of a plan's sessions (its list, progress, the next session number) reads the unique
(plan_id, number) index, which also gives them in order. No query looks up needled points by code
alone: a clinic's analytics would ask within the clinic, and counting every code reads the whole table
anyway. Each index still cost a write on every recorded session, the code index one per needled
point, on pages scattered over the index: recording a session wrote 19 pages to SQLite's WAL with
both and 12 without. Downgrade creates both again.
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_index('ix_session_records_plan_id')
    with op.batch_alter_table('session_points', schema=None) as batch_op:
        batch_op.drop_index('ix_session_points_code')


def downgrade() -> None:
    with op.batch_alter_table('session_points', schema=None) as batch_op:
        batch_op.create_index('ix_session_points_code', ['code'], unique=False)
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.create_index('ix_session_records_plan_id', ['plan_id'], unique=False)
