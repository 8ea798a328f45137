"""A clinic's locale on both databases: en-GB by default (migration 0009), changed and read back."""

from __future__ import annotations

import pytest
from integration_support import fresh_uow
from sqlalchemy import Engine

from acupath.errors import NotFound
from acupath.services import Actor, create_clinic
from acupath.services.clinics import clinic_locale, set_locale
from acupath.services.records import Clinic


def test_a_clinic_is_en_gb_until_set_and_keeps_the_locale_set(engine: Engine) -> None:
    clinic = create_clinic(fresh_uow(engine), "Locale clinic")
    reader = Actor("reader", clinic.id, "reception", "10.0.0.1")
    assert clinic_locale(fresh_uow(engine), reader) == "en-GB"
    set_locale(fresh_uow(engine), Actor.system(clinic.id), "fr-FR")
    assert clinic_locale(fresh_uow(engine), reader) == "fr-FR"
    with fresh_uow(engine) as uow:
        stored = uow.clinics.get(clinic.id)
    assert stored is not None and (stored.name, stored.locale) == ("Locale clinic", "fr-FR")


def test_updating_a_clinic_that_does_not_exist_is_not_found(engine: Engine) -> None:
    with fresh_uow(engine) as uow, pytest.raises(NotFound):
        uow.clinics.update(Clinic(id="no-such-clinic", name="Ghost", created_at=uow.clock(), locale="de-DE"))
