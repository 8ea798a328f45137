"""When each account last signed in, for the clinic's administrators.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

Upgrade: ``users.last_sign_in_at`` (null for existing accounts: not recorded before this revision;
the audit log's ``user.login`` entries hold the history). Written by a successful sign-in only
(``services.logins.authenticate``), shown on the administrators' users page.
Downgrade drops the column. Column types are spelled out so later changes to the tables' code never
change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied).
    op.add_column('users', sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), as 0009: a batch copy would drop ``users``,
    # which other tables reference, and SQLite refuses that with foreign keys on.
    op.drop_column('users', 'last_sign_in_at')
