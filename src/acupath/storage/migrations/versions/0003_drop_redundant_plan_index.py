"""Session records lose the index on ``plan_id`` alone: the unique index on (plan_id, number) serves it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Every lookup of a plan's sessions (its list, progress, the next session number) reads the unique
(plan_id, number) index, which also gives them in order; the second index only cost a write on every
recorded session. Downgrade creates it again.
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


def downgrade() -> None:
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.create_index('ix_session_records_plan_id', ['plan_id'], unique=False)
