"""When each login token was last used, for the idle timeout of tokens.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

Upgrade: ``token_activity`` (token id, its user, last use, expiry), one row per token in use, written
at most once a minute per token and purged after the token expires (``services.sign_ins``). Tokens
issued before the upgrade have no row: their idle time counts from when they were issued.
Downgrade drops the table (idle times are forgotten; tokens then only expire).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'token_activity',
        sa.Column('token_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token_id', name=op.f('pk_token_activity')),
    )
    with op.batch_alter_table('token_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_token_activity_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('token_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_token_activity_expires_at'))
    op.drop_table('token_activity')
