"""The outcome cohort's reassessment totals: one short row per reassessment and instrument.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

Upgrade creates ``reassessment_totals`` (reassessment, instrument, total, and what the cohort orders
and joins by: clinic, patient, plan, date, session number, recorded at) with an index by plan and one
by (clinic, patient), and fills it in from every stored reassessment's scores. The reassessment
repository writes it with every reassessment and amendment from now on. Why not read the JSON:
``acupath.storage.tables.reassessment_totals``. Downgrade drops the table (derived: nothing is lost).
Column types are spelled out so later changes to the table's code never change this revision; the
fill-in uses ``total_rows``, the function the repository writes with, so both give the same rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

#: Rows written per INSERT while filling in (a clinic's history fits; memory stays flat beyond it).
BATCH = 10_000


def upgrade() -> None:
    op.create_table(
        'reassessment_totals',
        sa.Column('reassessment_id', sa.String(length=32), nullable=False),
        sa.Column('instrument', sa.String(length=64), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('plan_id', sa.String(length=32), nullable=True),
        sa.Column('total', sa.Float(), nullable=True),
        sa.Column('assessed_on', sa.Date(), nullable=False),
        sa.Column('session_number', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_reassessment_totals_clinic_id_clinics')),
        sa.ForeignKeyConstraint(['reassessment_id'], ['reassessments.id'],
                                name=op.f('fk_reassessment_totals_reassessment_id_reassessments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('reassessment_id', 'instrument', name=op.f('pk_reassessment_totals')),
    )
    op.create_index('ix_reassessment_totals_plan', 'reassessment_totals', ['plan_id'])
    op.create_index('ix_reassessment_totals_clinic_patient', 'reassessment_totals', ['clinic_id', 'patient_id'])
    _fill_in(op.get_bind())


def _fill_in(connection: sa.Connection) -> None:
    from acupath.storage.tables import ReassessmentTotalRow
    from acupath.storage.tables.reassessment_totals import total_rows

    reassessments = sa.table('reassessments', sa.column('scores', sa.JSON()), sa.column('assessed_on', sa.Date()),
                             *(sa.column(name) for name in ('id', 'clinic_id', 'patient_id', 'plan_id',
                                                            'session_number')),
                             sa.column('recorded_at', ReassessmentTotalRow.__table__.c.recorded_at.type))
    totals = sa.table('reassessment_totals', *(sa.column(c.name, c.type) for c in ReassessmentTotalRow.__table__.c))
    rows: list[dict[str, object]] = []
    for row in connection.execute(sa.select(reassessments)):
        rows.extend(total_rows(row))
        if len(rows) >= BATCH:
            connection.execute(sa.insert(totals), rows)
            rows = []
    if rows:
        connection.execute(sa.insert(totals), rows)


def downgrade() -> None:
    op.drop_index('ix_reassessment_totals_clinic_patient', table_name='reassessment_totals')
    op.drop_index('ix_reassessment_totals_plan', table_name='reassessment_totals')
    op.drop_table('reassessment_totals')
