"""Settings come from the environment, strictly: a bad value names the variable; production unless told."""

from __future__ import annotations

import pytest

from acupath.errors import InputError
from acupath.settings import DEVELOPMENT_SECRET, Settings

SECRET = "a-production-secret-of-at-least-32-characters"


def test_without_an_environment_it_is_production_with_no_key_to_sign_tokens() -> None:
    settings = Settings.from_env({})
    assert (settings.env, settings.database_url, settings.secret_key, settings.docs) == (
        "production", "sqlite:///acupath.sqlite3", None, False)
    with pytest.raises(InputError) as error:
        settings.signing_key()
    assert error.value.field == "ACUPATH_SECRET_KEY" and "ACUPATH_ENV=development" in error.value.problem


def test_development_must_be_asked_for_and_then_signs_with_the_public_key_and_serves_docs() -> None:
    settings = Settings.from_env({"ACUPATH_ENV": "development"})
    assert (settings.signing_key(), settings.docs) == (DEVELOPMENT_SECRET, True)


@pytest.mark.parametrize("env", ["production", "test"])
def test_outside_development_the_development_key_is_refused(env: str) -> None:
    with pytest.raises(InputError) as error:
        Settings.from_env({"ACUPATH_ENV": env, "ACUPATH_SECRET_KEY": DEVELOPMENT_SECRET})
    assert error.value.field == "ACUPATH_SECRET_KEY" and "development" in error.value.problem


def test_a_key_is_counted_in_bytes() -> None:
    # 16 characters of two UTF-8 bytes each: 32 bytes, enough; 31 one-byte characters are not.
    assert Settings.from_env({"ACUPATH_SECRET_KEY": "é" * 16}).signing_key() == "é" * 16
    with pytest.raises(InputError):
        Settings.from_env({"ACUPATH_SECRET_KEY": "k" * 31})


def test_docs_body_limit_and_trusted_proxies_are_read() -> None:
    settings = Settings.from_env({"ACUPATH_SECRET_KEY": SECRET, "ACUPATH_DOCS": "true",
                                  "ACUPATH_MAX_BODY_BYTES": "4096",
                                  "ACUPATH_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"})
    assert (settings.docs, settings.max_body_bytes, settings.trusted_proxies) == (
        True, 4096, ("10.0.0.5", "10.1.0.0/16"))


def test_production_with_its_own_secret_and_postgresql() -> None:
    settings = Settings.from_env({"ACUPATH_ENV": "production", "ACUPATH_SECRET_KEY": SECRET,
                                  "ACUPATH_DATABASE_URL": "postgresql://app@db/acupath", "ACUPATH_TOKEN_MINUTES": "60",
                                  "ACUPATH_TOKEN_IDLE_MINUTES": "15"})
    assert (settings.env, settings.token_minutes, settings.token_idle_minutes) == ("production", 60, 15)
    assert Settings.from_env({"ACUPATH_SECRET_KEY": SECRET}).token_idle_minutes == 30


@pytest.mark.parametrize(("name", "value"), [
    ("ACUPATH_ENV", "staging"),
    ("ACUPATH_DATABASE_URL", "mysql://x/y"),
    ("ACUPATH_SECRET_KEY", "short"),
    ("ACUPATH_TOKEN_MINUTES", "eight hours"),
    ("ACUPATH_TOKEN_MINUTES", "0"),
    ("ACUPATH_TOKEN_IDLE_MINUTES", "1"),
    ("ACUPATH_SQL_ECHO", "maybe"),
    ("ACUPATH_DOCS", "sometimes"),
    ("ACUPATH_MAX_BODY_BYTES", "100"),
    ("ACUPATH_TRUSTED_PROXIES", "10.0.0.5, proxy.internal"),
])
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(InputError) as error:
        Settings.from_env({name: value})
    assert error.value.field == name


def test_the_fhir_base_is_an_http_url_without_query_and_loses_its_trailing_slash() -> None:
    assert Settings.from_env({"ACUPATH_FHIR_BASE": "https://clinic.example/fhir/"}).fhir_base == (
        "https://clinic.example/fhir")
    assert Settings.from_env({}).fhir_base == "https://acupath.example/fhir"
    for bad in ("ftp://clinic.example", "https://clinic.example/fhir?x=1", "clinic.example"):
        with pytest.raises(InputError) as error:
            Settings.from_env({"ACUPATH_FHIR_BASE": bad})
        assert error.value.field == "ACUPATH_FHIR_BASE"
