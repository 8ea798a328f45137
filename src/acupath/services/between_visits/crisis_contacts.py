"""The crisis contacts a patient sees at once when a safety answer is saved: the clinic's, else the default.

A clinic's administrator sets its own lines (its crisis team, the local service; ``set_crisis_contacts``,
the admin page and ``acupath clinics set-crisis-contacts``). Until then the patient sees the cited
default of ``knowledge/data/crisis_contacts.yaml`` for the clinic's country (the region of its locale):
general advice always, and a national line only where the file cites one. Contacts hold no patient
data; setting them is audited (``clinic.crisis_contacts``), reading them is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_admin
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records.between_visits import ClinicCrisisContacts, CrisisContact
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse

#: The most lines a clinic may list (a patient in crisis reads a short list).
MAX_CONTACTS = 6
#: A number to call or text: digits, spaces, +, -, parentheses; at least two digits.
_NUMBER = re.compile(r"^[0-9+()\- ]{2,30}$")


@dataclass(frozen=True)
class CrisisAdvice:
    """What the patient is shown: the general advice, the lines, and whether they are the clinic's own.

    ``told`` says that the clinic has been told (after a saved safety answer only); ``citations`` are the
    default's sources (empty when the clinic set its own lines).
    """

    general: str
    told: str
    contacts: tuple[CrisisContact, ...]
    own: bool
    citations: tuple[str, ...]


def default_advice(kb: KnowledgeBase, locale: str) -> CrisisAdvice:
    """Return the cited default for a clinic of ``locale`` (``en-GB``: the United Kingdom's lines)."""
    doc = kb.collection("crisis_contacts")
    country = locale.rsplit("-", 1)[-1]
    lines = doc.lines_for(country)
    citations = tuple(dict.fromkeys([*doc.general_citations, *(c for line in lines for c in line.citations)]))
    return CrisisAdvice(general=doc.general, told=doc.told, own=False, citations=citations,
                        contacts=tuple(CrisisContact(name=line.name, phone=line.phone, text=line.text,
                                                     hours=line.hours) for line in lines))


def crisis_advice(uow: AbstractUnitOfWork, clinic_id: str, kb: KnowledgeBase) -> CrisisAdvice:
    """Return what a patient of the clinic is shown (its own lines, else the default). Raises ``NotFound``."""
    with uow:
        clinic = found(uow.clinics.get(clinic_id), "clinic", clinic_id)
        own = uow.crisis_contacts.get(clinic_id)
    default = default_advice(kb, clinic.locale)
    if own is None or not own.contacts:
        return default
    return CrisisAdvice(general=default.general, told=default.told, contacts=tuple(own.contacts), own=True,
                        citations=())


class ContactInput(BaseModel):
    """One line: a name and a number to call, a number to text, or both."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=80)
    phone: str | None = Field(default=None, max_length=30)
    text: str | None = Field(default=None, max_length=30)
    hours: str | None = Field(default=None, max_length=120)

    @field_validator("phone", "text", "hours", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("phone", "text")
    @classmethod
    def _number(cls, value: str | None) -> str | None:
        if value is not None and (not _NUMBER.match(value) or sum(c.isdigit() for c in value) < 2):
            raise ValueError("must be a number of digits, spaces, +, - and parentheses")
        return value


def check_contacts(data: list[dict[str, Any]]) -> list[CrisisContact]:
    """Return the contacts of ``data`` checked. Raises ``InputError`` naming ``contacts[i].field``."""
    if len(data) > MAX_CONTACTS:
        raise InputError("contacts", f"{len(data)} contacts given", f"at most {MAX_CONTACTS}")
    checked = []
    for index, entry in enumerate(data):
        form = parse(ContactInput, entry, prefix=f"contacts[{index}]")
        if form.phone is None and form.text is None:
            raise InputError(f"contacts[{index}].phone", "no number to call or to text",
                             "a phone number, a text number, or both")
        checked.append(CrisisContact(name=form.name, phone=form.phone, text=form.text, hours=form.hours))
    return checked


def set_crisis_contacts(uow: AbstractUnitOfWork, actor: Actor, data: list[dict[str, Any]]) -> ClinicCrisisContacts:
    """Replace the clinic's crisis contacts (administrators); an empty list goes back to the default.

    Returns what is stored. Raises ``PermissionDenied``, ``InputError`` naming ``contacts[i].name``,
    ``.phone``, ``.text`` or ``.hours``.
    """
    with uow, audited(uow, actor, "clinic.crisis_contacts", "clinic", record_id=actor.clinic_id) as note:
        require_admin(actor)
        found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
        contacts = ClinicCrisisContacts(clinic_id=actor.clinic_id, contacts=check_contacts(data),
                                        updated_at=uow.clock(), updated_by=actor.user_id)
        uow.crisis_contacts.replace(contacts)
        note.detail = f"{len(contacts.contacts)} contacts" if contacts.contacts else "back to the default"
        return contacts
