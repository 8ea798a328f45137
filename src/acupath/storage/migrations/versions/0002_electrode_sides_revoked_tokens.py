"""Electrode pairs carry each electrode's side; logout revocations are kept in the database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Upgrade:
- ``revoked_tokens`` (token id, user, expiry, when revoked): every API worker and every restart sees
  a logout, where an in-memory list did not.
- ``session_records.ea_electrode_pairs`` goes from ``[["BL23", "BL25"], ...]`` to
  ``[[{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}], ...]``. An old pair gets
  the side its point was needled on in the same session when that is one side (left, right or
  midline); otherwise ``side`` is null (unknown), which safety reads as "either side".

Downgrade drops the table and turns pairs back into bare point pairs (the sides are lost).
Column types are spelled out so later changes to the tables' code never change this revision.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_sessions = sa.table("session_records", sa.column("id", sa.String(32)),
                     sa.column("ea_electrode_pairs", _document))
_points = sa.table("session_points", sa.column("session_id", sa.String(32)), sa.column("code", sa.String(32)),
                   sa.column("side", sa.String(16)))
_ONE_SIDE = ("left", "right", "midline")


def _rewrite_pairs(convert: Any) -> None:
    """Apply ``convert(session_id, pairs) -> pairs`` to every session that has electrode pairs."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(_sessions.c.id, _sessions.c.ea_electrode_pairs)).all()
    for session_id, pairs in rows:
        if pairs:
            connection.execute(_sessions.update().where(_sessions.c.id == session_id)
                               .values(ea_electrode_pairs=convert(session_id, pairs)))


def _sided(session_id: str, pairs: list[Any]) -> list[Any]:
    connection = op.get_bind()
    sides: dict[str, set[str]] = {}
    for code, side in connection.execute(
        sa.select(_points.c.code, _points.c.side).where(_points.c.session_id == session_id)
    ):
        sides.setdefault(code, set()).add(side)

    def electrode(value: Any) -> dict[str, Any]:
        if isinstance(value, dict):  # already sided
            return value
        known = sides.get(value, set())
        side = next(iter(known)) if len(known) == 1 and known <= set(_ONE_SIDE) else None
        return {"code": value, "side": side}

    return [[electrode(a), electrode(b)] for a, b in pairs]


def _bare(session_id: str, pairs: list[Any]) -> list[Any]:
    return [[e["code"] if isinstance(e, dict) else e for e in pair] for pair in pairs]


def upgrade() -> None:
    op.create_table('revoked_tokens',
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token_id', name=op.f('pk_revoked_tokens'))
    )
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_tokens_expires_at'), ['expires_at'], unique=False)
    _rewrite_pairs(_sided)


def downgrade() -> None:
    _rewrite_pairs(_bare)
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_expires_at'))
    op.drop_table('revoked_tokens')
