"""A clinic's locale: chosen at creation, changed by an administrator (audited), refused when unknown."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import InputError, NotFound, PermissionDenied
from acupath.services import Actor, create_clinic
from acupath.services.clinics import LOCALES, check_locale, clinic_locale, clinic_settings, set_locale
from acupath.services.records import Outcome


def _stored_locale(uow: FakeUnitOfWork, clinic_id: str) -> str:
    return next(c.locale for c in uow.stored("clinics") if c.id == clinic_id)


def test_a_clinic_reads_en_gb_until_its_administrator_sets_another(uow: FakeUnitOfWork, people) -> None:
    assert clinic_locale(uow, people.rita) == "en-GB"
    changed = set_locale(uow, people.ada, "de-DE")
    assert changed.locale == "de-DE" == _stored_locale(uow, "harbour")
    assert clinic_locale(uow, people.dr_lee) == "de-DE"
    assert clinic_locale(uow, people.dr_outsider) == "en-GB"  # the other clinic keeps its own


def test_the_change_is_audited_with_the_old_and_new_locale(uow: FakeUnitOfWork, people) -> None:
    set_locale(uow, people.ada, "fr-FR")
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.record_type, entry.record_id, entry.outcome) == (
        "clinic.update", "clinic", "harbour", Outcome.OK)
    assert entry.detail == "locale en-GB -> fr-FR"


def test_a_clinician_may_not_change_the_locale_and_the_refusal_is_audited(uow: FakeUnitOfWork, people) -> None:
    with pytest.raises(PermissionDenied):
        set_locale(uow, people.dr_lee, "en-US")
    assert _stored_locale(uow, "harbour") == "en-GB"
    assert uow.audit_entries()[-1].outcome == Outcome.DENIED


def test_only_an_administrator_reads_the_clinics_settings(uow: FakeUnitOfWork, people) -> None:
    settings = clinic_settings(uow, people.ada)
    assert (settings.id, settings.locale) == ("harbour", "en-GB")
    for other in (people.dr_lee, people.rita):
        with pytest.raises(PermissionDenied):
            clinic_settings(uow, other)


def test_an_unknown_locale_is_refused_naming_the_field_and_the_locales_allowed(uow: FakeUnitOfWork, people) -> None:
    with pytest.raises(InputError) as refused:
        set_locale(uow, people.ada, "xx-YY")
    assert refused.value.field == "locale" and "xx-YY" in refused.value.problem
    assert all(locale in str(refused.value.allowed) for locale in LOCALES)
    assert _stored_locale(uow, "harbour") == "en-GB"


@pytest.mark.parametrize(("typed", "stored"), [("de_de", "de-DE"), (" EN-us ", "en-US"), ("fr-FR", "fr-FR")])
def test_a_locale_is_stored_as_the_list_spells_it(typed: str, stored: str) -> None:
    assert check_locale(typed) == stored


def test_a_new_clinic_takes_the_locale_given_and_refuses_an_unknown_one(uow: FakeUnitOfWork) -> None:
    clinic = create_clinic(uow, "Bay Clinic", "en_us")
    assert _stored_locale(uow, clinic.id) == "en-US"
    with pytest.raises(InputError) as refused:
        create_clinic(uow, "Cove Clinic", "klingon")
    assert refused.value.field == "locale"
    assert [c.name for c in uow.stored("clinics")].count("Cove Clinic") == 0


def test_the_locale_of_a_clinic_that_is_gone_is_not_found(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFound):
        clinic_locale(uow, Actor("ghost", "no-such-clinic", "clinician", "10.0.0.1"))
