"""The check of every authenticated request on both databases: one query, and a password change counts.

``services.sign_ins.check_sign_in`` reads the user (active, clinic, role, when the password was last
set), the token's revocation and its last use in one SELECT; a token issued before the user's password
was changed or reset is refused from the next request on, and one issued after it is not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, event

from acupath.errors import NotAuthenticated
from acupath.security.passwords import Argon2idHasher
from acupath.services import Actor, change_password, create_user
from acupath.services.sign_ins import SignedToken, check_sign_in
from acupath.services.users import reset_password

PASSWORD = "correct horse battery"


def _token(user_id: str) -> SignedToken:
    """Return a token of ``user_id`` issued now, to the millisecond as ``api.tokens`` issues them."""
    now = datetime.now(UTC)
    issued = now.replace(microsecond=now.microsecond - now.microsecond % 1000)
    return SignedToken(token_id=uuid.uuid4().hex, user_id=user_id, issued_at=issued,
                       expires_at=issued + timedelta(hours=8))


def _check(engine: Engine, token: SignedToken) -> str:
    """Return the role the check gives the token now (raises ``NotAuthenticated`` as the check does)."""
    return check_sign_in(fresh_uow(engine), token, "10.0.0.7", datetime.now(UTC)).role.value


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements run on ``engine`` inside the block (SQLAlchemy's cursor events)."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _account(engine: Engine, staff: Staff, hasher: Argon2idHasher) -> tuple[str, str]:
    email = f"lee-{uuid.uuid4().hex[:8]}@harbour.example"
    user = create_user(fresh_uow(engine), Actor.system(staff.clinic_id), email=email, name="Lee",
                       role="clinician", password=PASSWORD, hasher=hasher)
    return user.id, email


def test_a_token_issued_before_a_password_change_is_refused_and_one_after_is_not(
    engine: Engine, staff: Staff
) -> None:
    hasher = Argon2idHasher()
    user_id, email = _account(engine, staff, hasher)
    laptop, stolen = _token(user_id), _token(user_id)
    assert _check(engine, laptop) == _check(engine, stolen) == "clinician"
    assert change_password(fresh_uow(engine), email, PASSWORD, "a new phrase of my own", hasher) is not None
    for token in (laptop, stolen):
        with pytest.raises(NotAuthenticated, match="password was changed"):
            _check(engine, token)
    assert _check(engine, _token(user_id)) == "clinician"  # a login with the new password counts at once


def test_a_reset_password_refuses_every_earlier_token(engine: Engine, staff: Staff) -> None:
    hasher = Argon2idHasher()
    user_id, email = _account(engine, staff, hasher)
    earlier = _token(user_id)
    assert _check(engine, earlier) == "clinician"
    temporary = reset_password(fresh_uow(engine), Actor.system(staff.clinic_id), user_id, hasher)
    with pytest.raises(NotAuthenticated, match="password was changed"):
        _check(engine, earlier)
    change_password(fresh_uow(engine), email, temporary, "my harbour phrase again", hasher)
    assert _check(engine, _token(user_id)) == "clinician"


def test_the_check_is_one_select_whatever_it_finds(engine: Engine, staff: Staff) -> None:
    hasher = Argon2idHasher()
    user_id, email = _account(engine, staff, hasher)
    token = _token(user_id)
    _check(engine, token)  # the first use records the token's last use (a write); the next ones only read
    with _statements(engine) as seen:
        _check(engine, token)
    assert [s for s in seen if s not in ("BEGIN", "COMMIT")] == ["SELECT"]
    change_password(fresh_uow(engine), email, PASSWORD, "a new phrase of my own", hasher)
    with _statements(engine) as seen, pytest.raises(NotAuthenticated):
        _check(engine, token)
    assert [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")] == ["SELECT"]
