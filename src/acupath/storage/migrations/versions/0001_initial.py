"""Initial schema: every acupath table, created from an empty database; downgrade drops them all.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Written by Alembic's autogenerate from ``acupath.storage.tables`` and then frozen: column types are
spelled out here (``UtcDateTime`` is a ``DateTime(timezone=True)``) so that later changes to the
tables' Python code never change what this revision does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=True),
    sa.Column('patient_id', sa.String(length=64), nullable=True),
    sa.Column('remote_address', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_clinic_at', ['clinic_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_patient', ['patient_id'], unique=False)

    op.create_table('clinics',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics'))
    )
    op.create_table('patients',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('mrn', sa.String(length=64), nullable=True),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name=op.f('ck_patients_sex')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_patients_version')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_patients_clinic_id_clinics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('clinic_id', 'mrn', name=op.f('uq_patients_clinic_id_mrn')),
    sa.UniqueConstraint('id', 'clinic_id', name=op.f('uq_patients_id_clinic_id'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_clinic_name', ['clinic_id', 'family_name', 'given_name'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'clinician', 'reception')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_users_clinic_id_clinics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('intakes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('knowledge_version', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_intakes_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_intakes_patient_id_clinic_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intakes'))
    )
    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.create_index('ix_intakes_clinic_patient', ['clinic_id', 'patient_id'], unique=False)

    op.create_table('screenings',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('intake_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('findings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('knowledge_version', sa.String(length=64), nullable=False),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('screened_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_screenings_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['intake_id'], ['intakes.id'], name=op.f('fk_screenings_intake_id_intakes')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_screenings_patient_id_clinic_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index('ix_screenings_clinic_patient', ['clinic_id', 'patient_id'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('intake_id', sa.String(length=32), nullable=False),
    sa.Column('screening_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('plan', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('knowledge_version', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("status IN ('active', 'completed', 'discontinued')", name=op.f('ck_plans_status')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_plans_version')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_plans_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['intake_id'], ['intakes.id'], name=op.f('fk_plans_intake_id_intakes')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_plans_patient_id_clinic_id_patients')),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_plans_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index('ix_plans_clinic_patient', ['clinic_id', 'patient_id'], unique=False)

    op.create_table('plan_overrides',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('finding', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_plan_overrides_reason')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_plan_overrides_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_overrides_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_overrides'))
    )
    with op.batch_alter_table('plan_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_overrides_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_revisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('plan', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('screening_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_plan_revisions_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_revisions_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_plan_revisions_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_revisions')),
    sa.UniqueConstraint('plan_id', 'version', name=op.f('uq_plan_revisions_plan_id_version'))
    )
    op.create_table('reassessments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('session_number', sa.Integer(), nullable=True),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('knowledge_version', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_reassessments_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_reassessments_patient_id_clinic_id_patients')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_reassessments_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reassessments'))
    )
    with op.batch_alter_table('reassessments', schema=None) as batch_op:
        batch_op.create_index('ix_reassessments_clinic_patient', ['clinic_id', 'patient_id'], unique=False)

    op.create_table('session_records',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('practitioner_id', sa.String(length=64), nullable=False),
    sa.Column('style', sa.String(length=32), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('individualisation', sa.String(length=32), nullable=False),
    sa.Column('stimulation_kind', sa.String(length=16), nullable=False),
    sa.Column('ea_frequency_hz', sa.Float(), nullable=True),
    sa.Column('ea_intensity_ma', sa.Float(), nullable=True),
    sa.Column('ea_pulse_width_ms', sa.Float(), nullable=True),
    sa.Column('ea_waveform', sa.String(length=32), nullable=True),
    sa.Column('ea_minutes', sa.Integer(), nullable=True),
    sa.Column('ea_electrode_pairs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('retention_minutes', sa.Integer(), nullable=True),
    sa.Column('needle_diameter_mm', sa.Float(), nullable=True),
    sa.Column('needle_gauge', sa.String(length=16), nullable=True),
    sa.Column('needle_length_mm', sa.Float(), nullable=True),
    sa.Column('needle_material', sa.String(length=64), nullable=True),
    sa.Column('needle_manufacturer', sa.String(length=100), nullable=True),
    sa.Column('co_interventions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('pain_before', sa.Integer(), nullable=True),
    sa.Column('pain_after', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('overrides', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("stimulation_kind IN ('manual', 'electro')", name=op.f('ck_session_records_stimulation_kind')),
    sa.CheckConstraint('pain_after IS NULL OR pain_after BETWEEN 0 AND 10', name=op.f('ck_session_records_pain_after')),
    sa.CheckConstraint('pain_before IS NULL OR pain_before BETWEEN 0 AND 10', name=op.f('ck_session_records_pain_before')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_session_records_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_session_records_patient_id_clinic_id_patients')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_session_records_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_records')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_session_records_plan_id_number'))
    )
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.create_index('ix_session_records_clinic_patient', ['clinic_id', 'patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_records_plan_id'), ['plan_id'], unique=False)

    op.create_table('adverse_events',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('clinic_id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=True),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("severity IN ('mild', 'moderate', 'severe')", name=op.f('ck_adverse_events_severity')),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_adverse_events_clinic_id_clinics')),
    sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'], name=op.f('fk_adverse_events_patient_id_clinic_id_patients')),
    sa.ForeignKeyConstraint(['session_id'], ['session_records.id'], name=op.f('fk_adverse_events_session_id_session_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adverse_events'))
    )
    with op.batch_alter_table('adverse_events', schema=None) as batch_op:
        batch_op.create_index('ix_adverse_events_clinic_patient', ['clinic_id', 'patient_id'], unique=False)

    op.create_table('session_points',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('depth', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('response_sought', sa.String(length=32), nullable=True),
    sa.Column('response_obtained', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session_records.id'], name=op.f('fk_session_points_session_id_session_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_points')),
    sa.UniqueConstraint('session_id', 'position', name=op.f('uq_session_points_session_id_position'))
    )
    with op.batch_alter_table('session_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_points_code'), ['code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('session_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_points_code'))

    op.drop_table('session_points')
    with op.batch_alter_table('adverse_events', schema=None) as batch_op:
        batch_op.drop_index('ix_adverse_events_clinic_patient')

    op.drop_table('adverse_events')
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_records_plan_id'))
        batch_op.drop_index('ix_session_records_clinic_patient')

    op.drop_table('session_records')
    with op.batch_alter_table('reassessments', schema=None) as batch_op:
        batch_op.drop_index('ix_reassessments_clinic_patient')

    op.drop_table('reassessments')
    op.drop_table('plan_revisions')
    with op.batch_alter_table('plan_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_overrides_plan_id'))

    op.drop_table('plan_overrides')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_clinic_patient')

    op.drop_table('plans')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index('ix_screenings_clinic_patient')

    op.drop_table('screenings')
    with op.batch_alter_table('intakes', schema=None) as batch_op:
        batch_op.drop_index('ix_intakes_clinic_patient')

    op.drop_table('intakes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_clinic_id'))

    op.drop_table('users')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_clinic_name')

    op.drop_table('patients')
    op.drop_table('clinics')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_patient')
        batch_op.drop_index('ix_audit_log_clinic_at')

    op.drop_table('audit_log')
