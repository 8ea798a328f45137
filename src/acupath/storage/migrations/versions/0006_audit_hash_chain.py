"""The audit log becomes append-only and hash-chained; an entry names the acting user's clinic.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Upgrade:
- ``audit_log.actor_clinic_id`` (the acting user's clinic; for existing rows their ``clinic_id``),
  ``prev_hash`` and ``hash`` (hex SHA-256, ``storage.audit_chain``). Existing rows are chained in id
  order here, then both hash columns become NOT NULL.
- ``audit_chain_head``: one row (``id`` = 1) with the number of entries, the last hash and the last
  id. Every append increments ``entries`` first, which locks the row until the commit (see
  ``storage.repositories.audit``).
- Triggers. PostgreSQL: ``audit_log_append_only`` refuses UPDATE, DELETE and TRUNCATE of
  ``audit_log`` (statement level, so even a statement matching no row is refused);
  ``audit_log_chain_head`` (after each insert) copies the new row's hash and id to the head. SQLite:
  ``audit_log_no_update``, ``audit_log_no_delete`` and ``audit_log_chain_head`` do the same (SQLite has
  no TRUNCATE). An attacker with the database owner's rights can drop them: the chain is what shows
  the tampering then (``acupath audit verify``).

Downgrade drops the triggers, the head and the three columns (the chain is lost).
Column types are spelled out so later changes to the tables' code never change this revision; the
hash function is imported because the stored hashes are its output: it never changes without a
migration that chains the log again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from acupath.storage.audit_chain import CHAINED_FIELDS, GENESIS, entry_hash

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: Existing rows are read and chained this many at a time.
_BATCH = 5000

_POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()""",
    """CREATE FUNCTION audit_chain_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE audit_chain_head SET last_hash = NEW.hash, last_id = NEW.id WHERE id = 1;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER audit_log_chain_head AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_follow()""",
)
_POSTGRESQL_DROPS = (
    "DROP TRIGGER IF EXISTS audit_log_chain_head ON audit_log",
    "DROP FUNCTION IF EXISTS audit_chain_head_follow()",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_refuse_change()",
)
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END""",
    """CREATE TRIGGER audit_log_chain_head AFTER INSERT ON audit_log
    BEGIN UPDATE audit_chain_head SET last_hash = NEW.hash, last_id = NEW.id WHERE id = 1; END""",
)
_SQLITE_DROPS = (
    "DROP TRIGGER IF EXISTS audit_log_chain_head",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
)

_log = sa.table(
    'audit_log',
    sa.column('id', sa.BigInteger()),
    sa.column('at', sa.DateTime(timezone=True)),
    *(sa.column(name, sa.Text()) for name in CHAINED_FIELDS if name != 'at'),
    sa.column('prev_hash', sa.String(64)),
    sa.column('hash', sa.String(64)),
)


def _chain_existing_rows(connection: sa.Connection) -> tuple[int, str, int | None]:
    """Chain every row in id order; return how many, the last hash and the last id."""
    count, previous, last_id = 0, GENESIS, None
    read = [_log.c.id, *(_log.c[name] for name in CHAINED_FIELDS)]
    write = (sa.update(_log).where(_log.c.id == sa.bindparam('row_id'))
             .values(prev_hash=sa.bindparam('prev'), hash=sa.bindparam('new')))
    while True:
        query = sa.select(*read).order_by(_log.c.id).limit(_BATCH)
        if last_id is not None:
            query = query.where(_log.c.id > last_id)
        rows = connection.execute(query).mappings().all()
        if not rows:
            return count, previous, last_id
        chained = []
        for row in rows:
            digest = entry_hash(row, previous)
            chained.append({'row_id': row['id'], 'prev': previous, 'new': digest})
            previous, last_id = digest, row['id']
        connection.execute(write, chained)
        count += len(rows)


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_clinic_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entries', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    connection = op.get_bind()
    connection.execute(sa.update(_log).values(actor_clinic_id=_log.c.clinic_id))
    entries, last_hash, last_id = _chain_existing_rows(connection)
    connection.execute(sa.text("INSERT INTO audit_chain_head (id, entries, last_hash, last_id) "
                               "VALUES (1, :entries, :last_hash, :last_id)"),
                       {'entries': entries, 'last_hash': last_hash, 'last_id': last_id})
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    for statement in _POSTGRESQL_TRIGGERS if connection.dialect.name == 'postgresql' else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    connection = op.get_bind()
    for statement in _POSTGRESQL_DROPS if connection.dialect.name == 'postgresql' else _SQLITE_DROPS:
        op.execute(statement)
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('actor_clinic_id')
