"""The password policy: 12 characters, not the email, not a common password even when padded."""

from __future__ import annotations

import pytest

from acupath.errors import InputError
from acupath.services.password_policy import check_new_password, common_passwords

EMAIL = "lee.wong@harbour.example"


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Harbour clinic 2026 spring",
    "x" * 12 + "Q",
])
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    check_new_password(password, EMAIL)


@pytest.mark.parametrize(("password", "problem"), [
    ("elevenchars", "at least 12 characters"),
    ("x" * 1025, "at most 1024"),
    ("LEE.WONG@harbour.example", "email"),
    ("lee.wong", "at least 12"),
    ("Lee.Wong2026!!", "email"),
    ("qwertyuiop123", "commonly used"),
    ("password1234", "commonly used"),
    ("  Iloveyou2026!! ", "commonly used"),
    ("Trustno1-1234", "commonly used"),
])
def test_weak_passwords_are_refused_naming_the_field(password: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as error:
        check_new_password(password, EMAIL, field="new_password")
    assert error.value.field == "new_password"
    assert password.strip() not in str(error.value)  # the message never repeats the password


def test_the_shipped_list_holds_both_sources_lowercased() -> None:
    listed = common_passwords()
    assert len(listed) > 40_000
    assert {"password", "123456", "qwertyuiop123", "1qaz2wsx3edc"} <= listed  # Django's and zxcvbn's
    assert all(word == word.lower() and word.strip() == word for word in listed)
    assert not any(word.startswith("# ") for word in listed)  # the header is not a password
