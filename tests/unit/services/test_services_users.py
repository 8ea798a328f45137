"""Clinics and accounts: creating users, changing their role or access, resetting a password."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork, PlainHasher

from acupath.errors import Conflict, InputError, NotFound, PasswordChangeRequired, PermissionDenied
from acupath.services import Actor, authenticate, change_password, create_clinic, create_user
from acupath.services.records import Outcome, User
from acupath.services.users import (
    REASON_MAX,
    get_user,
    public_user,
    reset_password,
    update_user,
    user_by_email,
)

PASSWORD = "correct horse battery"


def _account(uow: FakeUnitOfWork, name: str, role: str, clinic: str = "harbour") -> tuple[User, Actor]:
    user = create_user(uow, Actor.system(clinic), email=f"{name}@{clinic}.example", name=name, role=role,
                       password=PASSWORD, hasher=PlainHasher())
    return user, Actor(user.id, clinic, role, "10.0.0.9")


def _stored(uow: FakeUnitOfWork, user: User) -> User:
    return next(u for u in uow.stored("users") if u.id == user.id)


def test_the_command_line_creates_a_clinic_and_its_first_admin(uow: FakeUnitOfWork) -> None:
    clinic = create_clinic(uow, "  Bay Clinic ")
    user = create_user(uow, Actor.system(clinic.id), email="Ada@Bay.example", name="Ada", role="admin",
                       password=PASSWORD, hasher=PlainHasher())
    assert (clinic.name, user.email, user.clinic_id) == ("Bay Clinic", "ada@bay.example", clinic.id)
    assert user.password_hash != PASSWORD


def test_an_email_is_used_once(uow: FakeUnitOfWork, people) -> None:
    create_user(uow, people.ada, email="lee@harbour.example", name="Lee", role="clinician",
                password=PASSWORD, hasher=PlainHasher())
    with pytest.raises(Conflict):
        create_user(uow, people.ada, email="LEE@harbour.example", name="Lee 2", role="clinician",
                    password=PASSWORD, hasher=PlainHasher())


@pytest.mark.parametrize(("field", "changes"), [
    ("password", {"password": "eleven char"}),
    ("password", {"password": "Password1234!"}),
    ("password", {"password": "new@harbour.example"}),
    ("role", {"role": "superuser"}),
    ("email", {"email": "not-an-email"}),
])
def test_bad_account_details_are_refused_naming_the_field(uow: FakeUnitOfWork, people, field, changes) -> None:
    details = {"email": "new@harbour.example", "name": "New", "role": "clinician", "password": "long enough pw"}
    with pytest.raises(InputError) as error:
        create_user(uow, people.ada, hasher=PlainHasher(), **{**details, **changes})
    assert error.value.field == field
    assert uow.stored("users") == []
    assert [e.outcome for e in uow.audit_entries()] == [Outcome.INVALID]


def test_the_longest_reason_is_kept_whole_in_the_audit_entry_with_what_changed(uow: FakeUnitOfWork) -> None:
    # A 500-character reason lost its last 30 characters: the entry's detail holds 500 in all.
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    reason = "moved to the Hill clinic " * 16  # 400 characters, the most allowed
    update_user(uow, ada, lee.id, role="reception", active=False, reason=reason[:REASON_MAX].strip())
    [entry] = [e for e in uow.audit_entries() if e.action == "user.update"]
    assert entry.detail.endswith(reason[:REASON_MAX].strip()) and entry.detail.startswith("role clinician")


def test_an_admin_changes_a_role_and_deactivates_an_account(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    update_user(uow, ada, lee.id, role="reception")
    update_user(uow, ada, lee.id, active=False)
    stored = _stored(uow, lee)
    assert (stored.role, stored.active) == ("reception", False)
    details = [e.detail for e in uow.audit_entries() if e.action == "user.update"]
    assert details == ["role clinician -> reception", "active true -> false"]
    assert authenticate(uow, lee.email, PASSWORD, PlainHasher()) is None  # a deactivated account cannot sign in


@pytest.mark.parametrize("change", [{"role": "clinician"}, {"active": False}])
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(uow: FakeUnitOfWork, change) -> None:
    ada_user, ada = _account(uow, "ada", "admin")
    _account(uow, "bob", "admin")
    update_user(uow, ada, user_by_email(uow, "bob@harbour.example").id, active=False)  # bob is no longer active
    with pytest.raises(Conflict, match="no active administrator"):
        update_user(uow, ada, ada_user.id, **change)
    stored = _stored(uow, ada_user)
    assert (stored.role, stored.active) == ("admin", True)
    assert uow.audit_entries()[-1].outcome == Outcome.CONFLICT


def test_an_admin_may_step_down_when_another_active_admin_remains(uow: FakeUnitOfWork) -> None:
    ada_user, ada = _account(uow, "ada", "admin")
    _account(uow, "bob", "admin")
    update_user(uow, ada, ada_user.id, role="clinician")
    assert _stored(uow, ada_user).role == "clinician"


def test_only_an_admin_of_the_same_clinic_changes_an_account(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, lee_actor = _account(uow, "lee", "clinician")
    _, outsider_admin = _account(uow, "oz", "admin", clinic="hill")
    with pytest.raises(PermissionDenied):
        update_user(uow, lee_actor, lee.id, role="admin")
    with pytest.raises(NotFound):
        update_user(uow, outsider_admin, lee.id, active=False)
    assert _stored(uow, lee).role == "clinician" and _stored(uow, lee).active


@pytest.mark.parametrize(("field", "changes"), [("role", {"role": "owner"}), ("body", {})])
def test_a_bad_change_names_its_field(uow: FakeUnitOfWork, field, changes) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    with pytest.raises(InputError) as error:
        update_user(uow, ada, lee.id, **changes)
    assert error.value.field == field


def test_a_reset_password_must_be_changed_before_signing_in(uow: FakeUnitOfWork) -> None:
    lee, _ = _account(uow, "lee", "clinician")
    temporary = reset_password(uow, Actor.system("harbour"), lee.id, PlainHasher())
    assert len(temporary) >= 12 and _stored(uow, lee).must_change_password
    assert authenticate(uow, lee.email, PASSWORD, PlainHasher()) is None  # the old password is gone
    with pytest.raises(PasswordChangeRequired):
        authenticate(uow, lee.email, temporary, PlainHasher())
    assert change_password(uow, lee.email, temporary, "a brand new clinic phrase", PlainHasher()) is not None
    assert authenticate(uow, lee.email, "a brand new clinic phrase", PlainHasher()) is not None
    stored = _stored(uow, lee)
    assert not stored.must_change_password and stored.password_changed_at == uow.clock()
    actions = [(e.action, e.outcome) for e in uow.audit_entries() if e.action.startswith("user.p")]
    assert actions == [("user.password_reset", Outcome.OK), ("user.password_change", Outcome.OK)]


def test_a_given_temporary_password_meets_the_policy(uow: FakeUnitOfWork) -> None:
    lee, _ = _account(uow, "lee", "clinician")
    with pytest.raises(InputError) as error:
        reset_password(uow, Actor.system("harbour"), lee.id, PlainHasher(), password="qwertyuiop123")
    assert error.value.field == "password"
    assert not _stored(uow, lee).must_change_password


def test_a_password_change_needs_the_current_password_and_a_new_good_one(uow: FakeUnitOfWork) -> None:
    lee, _ = _account(uow, "lee", "clinician")
    assert change_password(uow, lee.email, "not the password", "a brand new clinic phrase", PlainHasher()) is None
    for new, problem in ((PASSWORD, "differ"), ("iloveyou2026!", "commonly used"), ("short one", "at least 12")):
        with pytest.raises(InputError, match=problem) as error:
            change_password(uow, lee.email, PASSWORD, new, PlainHasher())
        assert error.value.field == "new_password"
    assert _stored(uow, lee).password_hash == PlainHasher().hash(PASSWORD)
    outcomes = [e.outcome for e in uow.audit_entries() if e.action == "user.password_change"]
    assert outcomes == [Outcome.FAILED]


def test_a_login_returns_the_actor_and_a_wrong_password_returns_none(uow: FakeUnitOfWork, people) -> None:
    create_user(uow, people.ada, email="lee@harbour.example", name="Lee", role="clinician",
                password=PASSWORD, hasher=PlainHasher())
    actor = authenticate(uow, " LEE@harbour.example", PASSWORD, PlainHasher(), "10.1.1.1")
    assert actor is not None and (actor.clinic_id, actor.role.value, actor.remote_address) == (
        "harbour", "clinician", "10.1.1.1")
    assert authenticate(uow, "lee@harbour.example", "wrong", PlainHasher()) is None
    assert authenticate(uow, "nobody@harbour.example", "wrong", PlainHasher()) is None
    outcomes = [(e.action, e.outcome) for e in uow.audit_entries() if e.action == "user.login"]
    assert outcomes == [("user.login", Outcome.OK), ("user.login", Outcome.FAILED), ("user.login", Outcome.FAILED)]


def test_the_command_line_finds_an_account_by_email(uow: FakeUnitOfWork) -> None:
    lee, _ = _account(uow, "lee", "clinician")
    assert user_by_email(uow, " LEE@harbour.example").id == lee.id
    with pytest.raises(NotFound, match="nobody@harbour.example"):
        user_by_email(uow, "nobody@harbour.example")


def test_a_reason_given_for_a_change_is_kept_in_its_audit_entry(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    update_user(uow, ada, lee.id, active=False, reason="  left the clinic on 30 November ")
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.detail) == ("user.update", "active true -> false; reason: left the clinic on 30 November")


@pytest.mark.parametrize("reason", ["x" * 501, "two\nlines"])
def test_a_reason_too_long_or_over_two_lines_is_refused_and_nothing_changes(uow: FakeUnitOfWork, reason) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    with pytest.raises(InputError) as error:
        update_user(uow, ada, lee.id, active=False, reason=reason)
    assert error.value.field == "reason"
    assert _stored(uow, lee).active


def test_an_admin_reads_an_account_of_their_clinic_only(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, lee_actor = _account(uow, "lee", "clinician")
    _, outsider_admin = _account(uow, "oz", "admin", clinic="hill")
    assert get_user(uow, ada, lee.id).email == "lee@harbour.example"
    with pytest.raises(NotFound):
        get_user(uow, outsider_admin, lee.id)
    with pytest.raises(PermissionDenied):
        get_user(uow, lee_actor, lee.id)
    assert [(e.action, e.outcome) for e in uow.audit_entries()[-3:]] == [
        ("user.read", Outcome.OK), ("user.read", Outcome.NOT_FOUND), ("user.read", Outcome.DENIED)]


def test_a_successful_sign_in_is_recorded_and_shown_but_a_failed_one_is_not(uow: FakeUnitOfWork) -> None:
    lee, _ = _account(uow, "lee", "clinician")
    assert authenticate(uow, lee.email, "not the password", PlainHasher()) is None
    assert _stored(uow, lee).last_sign_in_at is None
    assert authenticate(uow, lee.email, PASSWORD, PlainHasher()) is not None
    assert _stored(uow, lee).last_sign_in_at == uow.clock()
    assert public_user(_stored(uow, lee))["last_sign_in_at"] == uow.clock().isoformat()
