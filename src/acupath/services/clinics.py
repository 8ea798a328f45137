"""Use cases of a clinic's settings: the locale its pages write dates and numbers in.

A clinic's ``locale`` is one of ``LOCALES`` (``en-GB`` unless its IT sets another with ``acupath
clinics set-locale``); the web's ``locales`` module holds how each one writes a date, a time and a
number. Changing it is an administrator's act, audited (``clinic.update``); reading it is not audited:
it holds no patient data.
"""

from __future__ import annotations

from acupath.errors import InputError
from acupath.services.access import found, require_admin
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import Clinic
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The locales a clinic may choose (BCP 47 tags, as CLDR names them).
LOCALES = (DEFAULT_LOCALE, "en-US", "de-DE", "fr-FR")


def check_locale(locale: str) -> str:
    """Return ``locale`` as ``LOCALES`` spells it (``de_de`` gives ``de-DE``).

    Raises ``InputError`` (field ``locale``) naming the locales allowed.
    """
    wanted = locale.strip().replace("_", "-").lower()
    for known in LOCALES:
        if known.lower() == wanted:
            return known
    raise InputError("locale", f"unknown locale {locale.strip()!r}", LOCALES)


def clinic_locale(uow: AbstractUnitOfWork, actor: Actor) -> str:
    """Return the locale of the actor's clinic (any role). Raises ``NotFound`` when the clinic is gone."""
    with uow:
        clinic = found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
    return clinic.locale


def clinic_settings(uow: AbstractUnitOfWork, actor: Actor) -> Clinic:
    """Return the actor's clinic with its settings (administrators; not audited: no patient data).

    Raises ``PermissionDenied`` for every other role, ``NotFound`` when the clinic is gone.
    """
    with uow:
        require_admin(actor)
        return found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)


def set_locale(uow: AbstractUnitOfWork, actor: Actor, locale: str) -> Clinic:
    """Set the locale of the actor's clinic (administrators; ``Actor.system`` from the command line).

    Returns the clinic. Pages already open pick it up within ``web.locales.REFRESH``. Raises
    ``PermissionDenied``, ``InputError`` (``locale`` not one of ``LOCALES``), ``NotFound`` (no such clinic).
    """
    with uow, audited(uow, actor, "clinic.update", "clinic", record_id=actor.clinic_id) as note:
        require_admin(actor)
        chosen = check_locale(locale)
        clinic = found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
        note.detail = f"locale {clinic.locale} -> {chosen}"
        clinic.locale = chosen
        uow.clinics.update(clinic)
        return clinic
