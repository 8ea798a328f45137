"""Between visits: questionnaires assigned to patients, clinics' crisis contacts, urgent tasks, homework.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

Upgrade creates five tables:
- ``questionnaire_assignments``: an instrument a patient fills in on the portal before ``due_on``, the
  answers saved so far (JSON, to resume), its status and the reassessment it became.
- ``clinic_crisis_contacts``: a clinic's crisis lines in order (none: the cited default is shown).
- ``urgent_tasks``: raised by a safety answer (PHQ-9 item 9 above 0) when it is saved; open until a
  clinician resolves it with a note.
- ``homework_tasks`` (one per plan and component, with ``times_per_week`` from programme.yaml) and
  ``homework_ticks`` (one row per task and day done).
Downgrade drops them (assignments, tasks, contacts and ticks are lost; the reassessments that
completed questionnaires became stay). Column types are spelled out so later changes to the tables'
code never change this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _clinic(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f(f'fk_{table}_clinic_id_clinics'))


def upgrade() -> None:
    op.create_table(
        'questionnaire_assignments',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('instrument', sa.String(length=64), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('session_number', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answers', _document, nullable=False),
        sa.Column('reassessment_id', sa.String(length=32), nullable=True),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('assigned_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('due', 'in_progress', 'completed', 'cancelled')",
                           name=op.f('ck_questionnaire_assignments_status')),
        _clinic('questionnaire_assignments'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_assignments')),
    )
    op.create_index('ix_questionnaire_assignments_clinic_patient', 'questionnaire_assignments',
                    ['clinic_id', 'patient_id', 'due_on'])
    op.create_index('ix_questionnaire_assignments_clinic_plan', 'questionnaire_assignments',
                    ['clinic_id', 'plan_id', 'due_on'])
    op.create_table(
        'clinic_crisis_contacts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('text_number', sa.String(length=30), nullable=True),
        sa.Column('hours', sa.String(length=120), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
        _clinic('clinic_crisis_contacts'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_crisis_contacts')),
        sa.UniqueConstraint('clinic_id', 'position', name=op.f('uq_clinic_crisis_contacts_clinic_id_position')),
    )
    op.create_table(
        'urgent_tasks',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('assignment_id', sa.String(length=32), nullable=False),
        sa.Column('instrument', sa.String(length=64), nullable=False),
        sa.Column('item', sa.String(length=32), nullable=False),
        sa.Column('answer', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=64), nullable=True),
        sa.Column('resolution_note', sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('safety_answer')", name=op.f('ck_urgent_tasks_kind')),
        sa.ForeignKeyConstraint(['assignment_id'], ['questionnaire_assignments.id'],
                                name=op.f('fk_urgent_tasks_assignment_id_questionnaire_assignments')),
        _clinic('urgent_tasks'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_urgent_tasks')),
    )
    op.create_index('ix_urgent_tasks_clinic_open', 'urgent_tasks', ['clinic_id', 'resolved_at', 'created_at'])
    op.create_index('ix_urgent_tasks_clinic_patient', 'urgent_tasks', ['clinic_id', 'patient_id'])
    op.create_table(
        'homework_tasks',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('plan_id', sa.String(length=32), nullable=False),
        sa.Column('component', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('task', sa.Text(), nullable=False),
        sa.Column('times_per_week', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('knowledge_version', sa.String(length=64), nullable=False),
        sa.CheckConstraint('times_per_week BETWEEN 1 AND 7', name=op.f('ck_homework_tasks_times_per_week')),
        _clinic('homework_tasks'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_homework_tasks')),
        sa.UniqueConstraint('plan_id', 'component', name=op.f('uq_homework_tasks_plan_id_component')),
    )
    op.create_index('ix_homework_tasks_clinic_patient', 'homework_tasks', ['clinic_id', 'patient_id'])
    op.create_index('ix_homework_tasks_clinic_plan', 'homework_tasks', ['clinic_id', 'plan_id'])
    op.create_table(
        'homework_ticks',
        sa.Column('task_id', sa.String(length=32), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('ticked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['homework_tasks.id'], name=op.f('fk_homework_ticks_task_id_homework_tasks')),
        _clinic('homework_ticks'),
        sa.PrimaryKeyConstraint('task_id', 'done_on', name=op.f('pk_homework_ticks')),
    )


def downgrade() -> None:
    op.drop_table('homework_ticks')
    op.drop_index('ix_homework_tasks_clinic_plan', table_name='homework_tasks')
    op.drop_index('ix_homework_tasks_clinic_patient', table_name='homework_tasks')
    op.drop_table('homework_tasks')
    op.drop_index('ix_urgent_tasks_clinic_patient', table_name='urgent_tasks')
    op.drop_index('ix_urgent_tasks_clinic_open', table_name='urgent_tasks')
    op.drop_table('urgent_tasks')
    op.drop_table('clinic_crisis_contacts')
    op.drop_index('ix_questionnaire_assignments_clinic_plan', table_name='questionnaire_assignments')
    op.drop_index('ix_questionnaire_assignments_clinic_patient', table_name='questionnaire_assignments')
    op.drop_table('questionnaire_assignments')
