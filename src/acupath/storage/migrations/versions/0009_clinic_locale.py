"""Each clinic's locale: how its pages write dates and numbers.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

Upgrade: ``clinics.locale`` (``en-GB`` for every existing clinic: the pages' one format so far),
one of ``services.clinics.LOCALES``, set with ``acupath clinics set-locale``.
Downgrade drops the column (the pages then write every date as en-GB did).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE ... ADD COLUMN on both databases (nothing is copied).
    op.add_column('clinics', sa.Column('locale', sa.String(length=16), server_default='en-GB', nullable=False))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy would drop ``clinics``, which
    # every other table references, and SQLite refuses that with foreign keys on.
    op.drop_column('clinics', 'locale')
