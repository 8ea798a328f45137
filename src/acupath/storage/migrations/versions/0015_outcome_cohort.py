"""The outcome cohort's narrow tables: each treatment course's facets, components and baselines.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06

Upgrade creates ``course_facets`` (one row per treatment course: condition, pattern, protocol version,
EA and its frequency, point set, STarT Back band, practitioner, payer, planned sessions, start),
``course_components`` and ``course_baselines``, and fills them in from every stored plan (a referral
is not a course and gets no row). The plan repository writes them with every plan from now on. Why
not read the plan document: ``acupath.storage.tables.course_facets``. Downgrade drops the three tables
(nothing else is lost: they are derived from the plans). Column types are spelled out so later changes
to the tables' code never change this revision; the fill-in uses ``course_rows``, the function the
repository writes with, so both give the same rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _plan(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f(f'fk_{table}_plan_id_plans'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table(
        'course_facets',
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('condition', sa.String(length=64), nullable=False),
        sa.Column('pattern', sa.String(length=64), nullable=True),
        sa.Column('protocol_version', sa.String(length=64), nullable=False),
        sa.Column('ea', sa.Boolean(), nullable=False),
        sa.Column('ea_frequency', sa.String(length=32), nullable=True),
        sa.Column('point_set', sa.String(length=400), nullable=False),
        sa.Column('start_back', sa.String(length=32), nullable=True),
        sa.Column('practitioner', sa.String(length=64), nullable=False),
        sa.Column('payer', sa.String(length=32), nullable=False),
        sa.Column('planned_sessions', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_course_facets_clinic_id_clinics')),
        _plan('course_facets'),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_course_facets')),
    )
    op.create_index('ix_course_facets_clinic_start', 'course_facets', ['clinic_id', 'started_on'])
    op.create_table(
        'course_components',
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('component', sa.String(length=64), nullable=False),
        _plan('course_components'),
        sa.PrimaryKeyConstraint('plan_id', 'component', name=op.f('pk_course_components')),
    )
    op.create_table(
        'course_baselines',
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('instrument', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        _plan('course_baselines'),
        sa.PrimaryKeyConstraint('plan_id', 'instrument', name=op.f('pk_course_baselines')),
    )
    _fill_in(op.get_bind())


def _fill_in(connection: sa.Connection) -> None:
    from acupath.services.records import PlanRecord
    from acupath.storage.tables.course_facets import course_rows, start_back_band

    document = sa.JSON()
    plans = sa.table('plans', sa.column('plan', document), sa.column('created_at', sa.DateTime()),
                     *(sa.column(name) for name in ('id', 'clinic_id', 'patient_id', 'intake_id', 'screening_id',
                                                    'status', 'knowledge_version', 'created_by', 'updated_by')))
    intakes = sa.table('intakes', sa.column('id'), sa.column('scores', document))
    query = (sa.select(plans, intakes.c.scores)
             .select_from(plans.outerjoin(intakes, intakes.c.id == plans.c.intake_id)))
    tables = {name: sa.table(name, *(sa.column(c) for c in columns)) for name, columns in (
        ('course_facets', ('plan_id', 'clinic_id', 'patient_id', 'started_on', 'condition', 'pattern',
                           'protocol_version', 'ea', 'ea_frequency', 'point_set', 'start_back', 'practitioner',
                           'payer', 'planned_sessions', 'status')),
        ('course_components', ('plan_id', 'component')),
        ('course_baselines', ('plan_id', 'instrument', 'value')))}
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in tables}
    for row in connection.execute(query):
        plan = PlanRecord(id=row.id, clinic_id=row.clinic_id, patient_id=row.patient_id, intake_id=row.intake_id,
                          screening_id=row.screening_id, status=row.status, plan=row.plan,
                          knowledge_version=row.knowledge_version, created_at=row.created_at,
                          created_by=row.created_by, updated_at=row.created_at, updated_by=row.updated_by)
        facets, components, baselines = course_rows(plan, start_back_band(row.scores))
        if facets is not None:
            rows['course_facets'].append(facets)
            rows['course_components'].extend(components)
            rows['course_baselines'].extend(baselines)
    for name, values in rows.items():
        if values:
            connection.execute(sa.insert(tables[name]), values)


def downgrade() -> None:
    op.drop_table('course_baselines')
    op.drop_table('course_components')
    op.drop_index('ix_course_facets_clinic_start', table_name='course_facets')
    op.drop_table('course_facets')
