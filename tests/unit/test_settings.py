"""Settings come from the environment, strictly: a bad value names the variable; no default secret in production."""

from __future__ import annotations

import pytest

from acupath.errors import InputError
from acupath.settings import DEVELOPMENT_SECRET, Settings

SECRET = "a-production-secret-of-at-least-32-characters"


def test_development_runs_on_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.env, settings.database_url, settings.secret_key) == (
        "development", "sqlite:///acupath.sqlite3", DEVELOPMENT_SECRET)


@pytest.mark.parametrize("env", ["production", "test"])
def test_outside_development_the_default_secret_is_refused(env: str) -> None:
    with pytest.raises(InputError) as error:
        Settings.from_env({"ACUPATH_ENV": env})
    assert error.value.field == "ACUPATH_SECRET_KEY"


def test_production_with_its_own_secret_and_postgresql() -> None:
    settings = Settings.from_env({"ACUPATH_ENV": "production", "ACUPATH_SECRET_KEY": SECRET,
                                  "ACUPATH_DATABASE_URL": "postgresql://app@db/acupath", "ACUPATH_TOKEN_MINUTES": "60"})
    assert (settings.env, settings.token_minutes) == ("production", 60)


@pytest.mark.parametrize(("name", "value"), [
    ("ACUPATH_ENV", "staging"),
    ("ACUPATH_DATABASE_URL", "mysql://x/y"),
    ("ACUPATH_SECRET_KEY", "short"),
    ("ACUPATH_TOKEN_MINUTES", "eight hours"),
    ("ACUPATH_TOKEN_MINUTES", "0"),
    ("ACUPATH_SQL_ECHO", "maybe"),
])
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(InputError) as error:
        Settings.from_env({name: value})
    assert error.value.field == name
