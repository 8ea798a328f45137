"""Clinics and accounts: creating users with hashed passwords, logging in, auditing attempts."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork, PlainHasher

from acupath.errors import Conflict, InputError
from acupath.services import Actor, Argon2idHasher, authenticate, create_clinic, create_user
from acupath.services.records import Outcome


def test_the_command_line_creates_a_clinic_and_its_first_admin(uow: FakeUnitOfWork) -> None:
    clinic = create_clinic(uow, "  Bay Clinic ")
    user = create_user(uow, Actor.system(clinic.id), email="Ada@Bay.example", name="Ada", role="admin",
                       password="correct horse battery", hasher=PlainHasher())
    assert (clinic.name, user.email, user.clinic_id) == ("Bay Clinic", "ada@bay.example", clinic.id)
    assert user.password_hash != "correct horse battery"


def test_an_email_is_used_once(uow: FakeUnitOfWork, people) -> None:
    create_user(uow, people.ada, email="lee@harbour.example", name="Lee", role="clinician",
                password="correct horse battery", hasher=PlainHasher())
    with pytest.raises(Conflict):
        create_user(uow, people.ada, email="LEE@harbour.example", name="Lee 2", role="clinician",
                    password="correct horse battery", hasher=PlainHasher())


@pytest.mark.parametrize(("field", "changes"), [
    ("password", {"password": "short"}),
    ("role", {"role": "superuser"}),
    ("email", {"email": "not-an-email"}),
])
def test_bad_account_details_are_refused_naming_the_field(uow: FakeUnitOfWork, people, field, changes) -> None:
    details = {"email": "new@harbour.example", "name": "New", "role": "clinician", "password": "long enough pw"}
    with pytest.raises(InputError) as error:
        create_user(uow, people.ada, hasher=PlainHasher(), **{**details, **changes})
    assert error.value.field == field


def test_a_login_returns_the_actor_and_a_wrong_password_returns_none(uow: FakeUnitOfWork, people) -> None:
    create_user(uow, people.ada, email="lee@harbour.example", name="Lee", role="clinician",
                password="correct horse battery", hasher=PlainHasher())
    actor = authenticate(uow, " LEE@harbour.example", "correct horse battery", PlainHasher(), "10.1.1.1")
    assert actor is not None and (actor.clinic_id, actor.role.value, actor.remote_address) == (
        "harbour", "clinician", "10.1.1.1")
    assert authenticate(uow, "lee@harbour.example", "wrong", PlainHasher()) is None
    assert authenticate(uow, "nobody@harbour.example", "wrong", PlainHasher()) is None
    outcomes = [(e.action, e.outcome) for e in uow.audit_entries() if e.action == "user.login"]
    assert outcomes == [("user.login", Outcome.OK), ("user.login", Outcome.FAILED), ("user.login", Outcome.FAILED)]


def test_argon2id_hashes_verify_and_reject() -> None:
    hasher = Argon2idHasher()
    hashed = hasher.hash("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert hasher.verify(hashed, "correct horse battery")
    assert not hasher.verify(hashed, "wrong")
    assert not hasher.verify("not a hash", "wrong")
