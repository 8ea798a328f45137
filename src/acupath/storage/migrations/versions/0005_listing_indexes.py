"""Listings read through indexes: patients by name, the audit log by time, a patient's schedule by date.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Upgrade:
- ``ix_patients_clinic_name`` becomes (clinic_id, family_name, given_name, id), ``ix_audit_log_clinic_at``
  (clinic_id, at, id) and ``ix_session_records_clinic_patient`` (clinic_id, patient_id, session_date,
  number, id): each is the order of its listing, so a page after a cursor starts where the index
  says and reads only the page (keyset pagination). Each replaces an index it extends, so no write
  pays for one more index.
- Name search. PostgreSQL: the ``pg_trgm`` extension (trusted since PostgreSQL 13: the database's
  owner may create it) and a GIN trigram index ``ix_patients_names_trgm`` on the expression
  ``' ' || given_name || ' ' || family_name``, which ``ILIKE`` patterns use. SQLite: the ordinary
  table ``patient_search`` (a stable INTEGER PRIMARY KEY for each patient, the same names text) and
  the FTS5 table ``patient_names`` over it with the trigram tokenizer (SQLite 3.34 or later), kept
  in step by triggers on ``patients`` and on ``patient_search`` (the external-content triggers of
  the FTS5 documentation, section 4.4.3). The FTS5 table does not index ``patients`` itself because
  a table without an INTEGER PRIMARY KEY may have its rowids renumbered by VACUUM. Existing patients
  are copied in.
- MRNs are already unique per clinic (``uq`` on clinic_id, mrn since 0001): that index answers an
  exact MRN search.

SQLite drops a table's triggers when a batch migration copies the table: a later revision that
alters ``patients`` in batch mode must create ``patients_search_*`` again (see ``_sqlite_triggers``).
Downgrade restores the earlier indexes and drops the search structures (the extension stays: other
objects may use it).
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: The text both databases search: a space before each name, so a word's start is " " + its letters.
_NAMES_SQL = "' ' || given_name || ' ' || family_name"

_REINDEXED = (
    # (table, index, columns before, columns now)
    ('patients', 'ix_patients_clinic_name', ['clinic_id', 'family_name', 'given_name'],
     ['clinic_id', 'family_name', 'given_name', 'id']),
    ('audit_log', 'ix_audit_log_clinic_at', ['clinic_id', 'at'], ['clinic_id', 'at', 'id']),
    ('session_records', 'ix_session_records_clinic_patient', ['clinic_id', 'patient_id'],
     ['clinic_id', 'patient_id', 'session_date', 'number', 'id']),
)

_SQLITE_UP = (
    """CREATE TABLE patient_search (
        id INTEGER PRIMARY KEY,
        patient_id VARCHAR(32) NOT NULL UNIQUE,
        clinic_id VARCHAR(32) NOT NULL,
        names TEXT NOT NULL
    )""",
    "CREATE VIRTUAL TABLE patient_names USING fts5(names, content='patient_search', content_rowid='id', "
    "tokenize='trigram')",
    """CREATE TRIGGER patient_search_insert AFTER INSERT ON patient_search BEGIN
        INSERT INTO patient_names(rowid, names) VALUES (new.id, new.names);
    END""",
    """CREATE TRIGGER patient_search_delete AFTER DELETE ON patient_search BEGIN
        INSERT INTO patient_names(patient_names, rowid, names) VALUES ('delete', old.id, old.names);
    END""",
    """CREATE TRIGGER patient_search_update AFTER UPDATE ON patient_search BEGIN
        INSERT INTO patient_names(patient_names, rowid, names) VALUES ('delete', old.id, old.names);
        INSERT INTO patient_names(rowid, names) VALUES (new.id, new.names);
    END""",
)


def _sqlite_triggers() -> tuple[str, ...]:
    """Return the statements that keep ``patient_search`` in step with ``patients`` (SQLite)."""
    return (
        f"""CREATE TRIGGER patients_search_insert AFTER INSERT ON patients BEGIN
            INSERT INTO patient_search(patient_id, clinic_id, names)
            VALUES (new.id, new.clinic_id, {_NAMES_SQL.replace('given_name', 'new.given_name')
                                             .replace('family_name', 'new.family_name')});
        END""",
        f"""CREATE TRIGGER patients_search_update AFTER UPDATE OF given_name, family_name ON patients BEGIN
            UPDATE patient_search SET names = {_NAMES_SQL.replace('given_name', 'new.given_name')
                                                .replace('family_name', 'new.family_name')}
            WHERE patient_id = old.id;
        END""",
        """CREATE TRIGGER patients_search_delete AFTER DELETE ON patients BEGIN
            DELETE FROM patient_search WHERE patient_id = old.id;
        END""",
    )


def upgrade() -> None:
    for table, name, _before, now in _REINDEXED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, now, unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_patients_names_trgm ON patients USING gin (({_NAMES_SQL}) gin_trgm_ops)")
        return
    for statement in (*_SQLITE_UP, *_sqlite_triggers()):
        op.execute(statement)
    op.execute(f"INSERT INTO patient_search(patient_id, clinic_id, names) SELECT id, clinic_id, {_NAMES_SQL} "
               "FROM patients")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_patients_names_trgm")
    else:
        for trigger in ('patients_search_insert', 'patients_search_update', 'patients_search_delete'):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE patient_names")
        op.execute("DROP TABLE patient_search")
    for table, name, before, _now in _REINDEXED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
