"""Failed logins for throttling; temporary passwords that must be changed; when a password was set.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Upgrade:
- ``login_failures``: one row per failed login and key (``account:<email>``, ``address:<ip>``), read
  by (key, at) and deleted once out of the throttle's window (``services.login_throttle``).
- ``users.must_change_password`` (false for every existing account): set by a reset to a temporary
  password, cleared when the user sets their own.
- ``users.password_changed_at`` (null for existing accounts: unknown).
Downgrade drops the table and the two columns (pending temporary passwords then work as ordinary ones).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_key_at', ['key', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
    # A plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied).
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.add_column('users', sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
        batch_op.drop_index('ix_login_failures_key_at')
    op.drop_table('login_failures')
