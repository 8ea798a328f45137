"""Each course's outcome kept in a table, and triggers that count every change it is derived from.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

Upgrade creates ``course_changes`` (plan id, version) and ``course_outcomes`` (one row per course: what
``analytics.cohort`` derives at the latest measurement, and the version it read), an index of
``course_facets`` by (clinic, patient) for the triggers' lookup of a patient's courses, and the
triggers that add one to a course's version in the transaction of every insert, update and delete of:

- ``session_records`` (the course of the old and the new row);
- ``reassessment_totals`` (the row's plan; a row with no plan: every course of that patient in that
  clinic, as the cohort reads such a reassessment into each of them);
- ``adverse_events`` (the course of the event's session);
- ``course_baselines`` (rewritten with every plan amendment).

Why triggers and the counter: ``acupath.storage.tables.course_outcomes``. PostgreSQL: one function per
table, fired once per statement (``FOR EACH STATEMENT`` with transition tables, so a COPY of a million
sessions counts each course once, not each row), three triggers per table (a trigger with transition
tables has one event); a TRUNCATE of any of the four tables empties ``course_outcomes``. SQLite
(row triggers only): three triggers per table, each one upsert. Both write
``INSERT ... ON CONFLICT (plan_id) DO UPDATE SET version = course_changes.version + 1``, plans in
order (two writers lock the counters in the same order).

Neither table has foreign keys (a refresh would lock each course's plan against session recording
until the question ends: ``CourseOutcomeRow``). ``course_outcomes`` is left empty: every course is stale, and the first question (or ``acupath
analytics refresh``) computes them. A migration does not compute them itself because the outcome is
judged by the knowledge base's MCIDs (data that changes without a migration) and by the cohort's
code; measured cost of that first refresh: README "Benchmarks". Downgrade drops the triggers, the
functions, the index and both tables (derived data: nothing is lost). Column types are spelled out so
later changes to the tables' code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

#: The courses whose outcome a changed row of each table touches. PostgreSQL reads them from a
#: transition table (``{rows}``), SQLite from the row itself (``{row}``: NEW or OLD).
_POSTGRESQL_PLANS = {
    'session_records': "SELECT plan_id FROM {rows}",
    'course_baselines': "SELECT plan_id FROM {rows}",
    'adverse_events': "SELECT s.plan_id FROM {rows} a JOIN session_records s ON s.id = a.session_id",
    'reassessment_totals': "SELECT plan_id FROM {rows} WHERE plan_id IS NOT NULL UNION "
                           "SELECT f.plan_id FROM {rows} r JOIN course_facets f "
                           "ON f.clinic_id = r.clinic_id AND f.patient_id = r.patient_id WHERE r.plan_id IS NULL",
}
_SQLITE_PLANS = {
    'session_records': "SELECT {row}.plan_id AS plan_id",
    'course_baselines': "SELECT {row}.plan_id AS plan_id",
    'adverse_events': "SELECT s.plan_id FROM session_records s WHERE s.id = {row}.session_id",
    'reassessment_totals': "SELECT {row}.plan_id AS plan_id WHERE {row}.plan_id IS NOT NULL UNION "
                           "SELECT f.plan_id FROM course_facets f WHERE {row}.plan_id IS NULL "
                           "AND f.clinic_id = {row}.clinic_id AND f.patient_id = {row}.patient_id",
}
#: One more change of each course of ``{plans}``; DISTINCT because PostgreSQL's upsert may not touch a row twice.
_BUMP = ("INSERT INTO course_changes (plan_id, version) SELECT DISTINCT plan_id, 1 FROM ({plans}) p "
         "WHERE plan_id IS NOT NULL ORDER BY plan_id "
         "ON CONFLICT (plan_id) DO UPDATE SET version = course_changes.version + 1")
_EVENTS = ('INSERT', 'UPDATE', 'DELETE')


def _postgresql_statements(table: str) -> list[str]:
    plans = _POSTGRESQL_PLANS[table]
    function = f"course_changes_of_{table}"
    body = f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_BUMP.format(plans=plans.format(rows='new_rows'))};
        ELSIF TG_OP = 'DELETE' THEN
            {_BUMP.format(plans=plans.format(rows='old_rows'))};
        ELSE
            {_BUMP.format(plans=plans.format(rows='old_rows') + ' UNION ' + plans.format(rows='new_rows'))};
        END IF;
        RETURN NULL;
    END $$"""
    referencing = {'INSERT': 'NEW TABLE AS new_rows', 'DELETE': 'OLD TABLE AS old_rows',
                   'UPDATE': 'OLD TABLE AS old_rows NEW TABLE AS new_rows'}
    triggers = [f"CREATE TRIGGER {table}_course_changes_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                for event in _EVENTS]
    truncate = (f"CREATE TRIGGER {table}_course_outcomes_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION course_outcomes_forget()")
    return [body, *triggers, truncate]


def _sqlite_statements(table: str) -> list[str]:
    plans = _SQLITE_PLANS[table]
    rows = {'INSERT': plans.format(row='NEW'), 'DELETE': plans.format(row='OLD'),
            'UPDATE': plans.format(row='OLD') + ' UNION ' + plans.format(row='NEW')}
    return [f"CREATE TRIGGER {table}_course_changes_{event.lower()} AFTER {event} ON {table} "
            f"BEGIN {_BUMP.format(plans=rows[event])}; END" for event in _EVENTS]


def upgrade() -> None:
    op.create_table(
        'course_changes',
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_course_changes')),
    )
    op.create_table(
        'course_outcomes',
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('computed_by', sa.String(length=64), nullable=False),
        sa.Column('sessions_given', sa.Integer(), nullable=False),
        sa.Column('last_session', sa.Integer(), nullable=False),
        sa.Column('adverse_events', sa.Integer(), nullable=False),
        sa.Column('pain_baseline', sa.Float(), nullable=True),
        sa.Column('pain_followup', sa.Float(), nullable=True),
        sa.Column('pain_improvement', sa.Float(), nullable=True),
        sa.Column('responder', sa.Integer(), nullable=True),
        sa.Column('first_response', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_course_outcomes')),
    )
    op.create_index('ix_course_facets_clinic_patient', 'course_facets', ['clinic_id', 'patient_id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""CREATE FUNCTION course_outcomes_forget() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM course_outcomes;
            RETURN NULL;
        END $$""")
        for table in _POSTGRESQL_PLANS:
            for statement in _postgresql_statements(table):
                op.execute(statement)
    else:
        for table in _SQLITE_PLANS:
            for statement in _sqlite_statements(table):
                op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table in _SQLITE_PLANS:
        for event in _EVENTS:
            name = f"{table}_course_changes_{event.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgresql else f"DROP TRIGGER IF EXISTS {name}")
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_course_outcomes_truncate ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS course_changes_of_{table}()")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS course_outcomes_forget()")
    op.drop_index('ix_course_facets_clinic_patient', table_name='course_facets')
    op.drop_table('course_outcomes')
    op.drop_table('course_changes')
