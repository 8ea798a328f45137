"""Staff named as the clinic knows them: "Dr Mei Lee (clinician)", never by internal user id.

A record holds who wrote it as a user id (``recorded_by``, ``screened_by``, an override's ``by`` ...);
documents and pages show the person instead. ``staff_names`` finds every author a document names and
looks each up once; ``who_is`` does so in a transaction of its own, for a page.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from acupath.services.actor import Actor
from acupath.services.unit_of_work import AbstractUnitOfWork

#: A user id as acupath makes them (``uuid4().hex``): never shown, whoever it was.
_USER_ID = re.compile(r"^[0-9a-f]{32}$")
#: The fields of an override, which an intake file or an API intake may fill with a name as typed.
TYPED_FIELDS = frozenset(("by", "overridden_by", "author"))
#: Fields holding a user id (who recorded, screened, amended, or overrode a finding): shown by name.
AUTHOR_FIELDS = frozenset(("recorded_by", "screened_by", "created_by", "updated_by", "amended_by", "by", "author",
                           "overridden_by"))


def staff_names(uow: AbstractUnitOfWork, clinic_id: str, document: Any) -> dict[str, str]:
    """Return "name (role)" of every author ``document`` names (``AUTHOR_FIELDS``, in dataclasses, dicts
    and sequences at any depth), by user id: the clinic's own users only. Raises nothing."""
    ids: set[str] = set()
    written: set[str] = set()

    def collect(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            for key, item in value.items():
                if key in AUTHOR_FIELDS and isinstance(item, str):
                    (written if key in TYPED_FIELDS and not _USER_ID.match(item) else ids).add(item)
                else:
                    collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(document)
    names = {"system": "the clinic's administrator (command line)"}
    for user_id in ids - names.keys():
        user = uow.users.get(user_id)
        if user is not None and user.clinic_id == clinic_id:
            names[user_id] = f"{user.name} ({user.role})"
    # An override in an intake file or an API intake names its clinician as typed ("Dr Patel"), and a
    # plan keeps that name as the finding's ``overridden_by`` and the override's ``author``: shown so.
    names.update({name: name for name in written if name not in names})
    return names


def who_is(uow: AbstractUnitOfWork, actor: Actor, document: Any) -> dict[str, str]:
    """Return ``staff_names`` of ``document`` for the actor's clinic, in a transaction of its own (a page
    shows who overrode a finding). Not audited: names of the clinic's own staff, no patient data."""
    with uow:
        return staff_names(uow, actor.clinic_id, document)
