"""A practitioner's licence and qualifications on their account.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

Upgrade adds to ``users``: ``licence_number``, ``licence_authority`` (the issuing board or register,
e.g. a state acupuncture board or the British Acupuncture Council), ``licence_expires`` and
``qualifications`` (a JSON list of ``{text, issuer, year}``), all null for existing accounts: nothing
was recorded before this revision. FHIR's Practitioner.identifier and .qualification carry them.
Downgrade drops the four columns. Column types are spelled out so later changes to the tables' code
never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

COLUMNS = ('licence_number', 'licence_authority', 'licence_expires', 'qualifications')


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied), as 0010.
    op.add_column('users', sa.Column('licence_number', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('licence_authority', sa.String(length=200), nullable=True))
    op.add_column('users', sa.Column('licence_expires', sa.Date(), nullable=True))
    op.add_column('users', sa.Column('qualifications', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                     nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35), as 0010: a batch copy would drop ``users``, which other
    # tables reference, and SQLite refuses that with foreign keys on.
    for column in reversed(COLUMNS):
        op.drop_column('users', column)
