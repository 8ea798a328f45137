"""The patient portal: patients' accounts, the one-time links that open them, and their sign-ins.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Upgrade:
- ``portal_accounts``: one per patient, of the patient's clinic (``(patient_id, clinic_id)`` refers to
  ``patients`` as clinical rows do); ``email`` (what the patient signs in with, unique across clinics)
  and the argon2id ``password_hash`` stay null until the patient sets a password; ``active`` false
  once the clinic revokes access; when it was created, by whom, when the password was last set and
  when the patient last signed in.
- ``portal_links``: single-use links (clinicians' invitations, emailed sign-in links), kept by the
  SHA-256 of their token (unique); expiry, who made it, ``used_at``, ``revoked_at`` (a new invitation
  revokes the unused ones before it).
- ``portal_sign_ins``: one row per signed-in browser, by the SHA-256 of its cookie's token, deleted at
  sign-out or when access is revoked; ``expires_at`` indexed for purging.
Downgrade drops the three tables (every portal account, link and sign-in is lost; the audit log keeps
what they did). Column types are spelled out so later changes to the tables' code never change this
revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'portal_accounts',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_portal_accounts_clinic_id_clinics')),
        sa.ForeignKeyConstraint(['patient_id', 'clinic_id'], ['patients.id', 'patients.clinic_id'],
                                name=op.f('fk_portal_accounts_patient_id_clinic_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_accounts')),
        sa.UniqueConstraint('email', name=op.f('uq_portal_accounts_email')),
        sa.UniqueConstraint('id', 'clinic_id', name=op.f('uq_portal_accounts_id_clinic_id')),
        sa.UniqueConstraint('patient_id', name=op.f('uq_portal_accounts_patient_id')),
    )
    op.create_table(
        'portal_links',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('account_id', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('invitation', 'sign_in')", name=op.f('ck_portal_links_purpose')),
        sa.ForeignKeyConstraint(['account_id', 'clinic_id'], ['portal_accounts.id', 'portal_accounts.clinic_id'],
                                name=op.f('fk_portal_links_account_id_clinic_id_portal_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_portal_links_token_hash')),
    )
    with op.batch_alter_table('portal_links', schema=None) as batch_op:
        batch_op.create_index('ix_portal_links_clinic_patient', ['clinic_id', 'patient_id', 'created_at'],
                              unique=False)
    op.create_table(
        'portal_sign_ins',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('account_id', sa.String(length=32), nullable=False),
        sa.Column('clinic_id', sa.String(length=32), nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id', 'clinic_id'], ['portal_accounts.id', 'portal_accounts.clinic_id'],
                                name=op.f('fk_portal_sign_ins_account_id_clinic_id_portal_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_portal_sign_ins')),
    )
    with op.batch_alter_table('portal_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_sign_ins_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_sign_ins_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('portal_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_sign_ins_expires_at'))
        batch_op.drop_index(batch_op.f('ix_portal_sign_ins_account_id'))
    op.drop_table('portal_sign_ins')
    with op.batch_alter_table('portal_links', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_links_clinic_patient')
    op.drop_table('portal_links')
    op.drop_table('portal_accounts')
