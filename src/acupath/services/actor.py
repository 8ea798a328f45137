"""Who is acting: the signed-in user, their clinic, their role and where the request came from.

Every service takes an ``Actor``; the composition roots (API, web, CLI) build it from a login token or
from the command line. Services never trust a clinic id from the request: they use the actor's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from acupath.errors import InputError


class Role(StrEnum):
    """What a user may do in their clinic.

    ``admin`` manages users and sees everything of the clinic; ``clinician`` reads and writes clinical
    records; ``reception`` sees demographics and the schedule, never clinical notes.
    """

    ADMIN = "admin"
    CLINICIAN = "clinician"
    RECEPTION = "reception"


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service runs.

    ``user_id`` is ``"system"`` for the trusted command line (``Actor.system``); ``remote_address`` is
    the client's address (``"cli"`` for the command line) and is written to every audit entry.
    """

    user_id: str
    clinic_id: str
    role: Role
    remote_address: str = "unknown"

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            try:
                object.__setattr__(self, "role", Role(self.role))
            except ValueError:
                raise InputError("role", f"unknown role {self.role!r}", [r.value for r in Role]) from None

    @classmethod
    def system(cls, clinic_id: str, remote_address: str = "cli") -> Actor:
        """Return the trusted administrator the command line acts as (``acupath users create``)."""
        return cls(user_id="system", clinic_id=clinic_id, role=Role.ADMIN, remote_address=remote_address)

    @property
    def sees_clinical_notes(self) -> bool:
        """True for admins and clinicians; reception sees demographics and the schedule only."""
        return self.role in (Role.ADMIN, Role.CLINICIAN)
