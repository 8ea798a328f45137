"""The demo clinic's patient portal: one patient who has set a password, one invitation still pending.

Both go through the real services, as a clinic would do it: the clinician invites the patient, the
patient opens the link and sets a password (``services.portal``). The second patient's invitation
is left unused, and its link is printed, so the set-up page can be tried too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acupath.security.passwords import Argon2idHasher
from acupath.services import patients
from acupath.services.actor import Actor
from acupath.services.passwords import PasswordHasher
from acupath.services.portal import invitations, signing_in
from acupath.services.records import Patient

#: The demo patients' MRNs start so (``cli.demo``: the first is set up, the second invited).
MRN_PREFIX = "HB-"
#: Where ``make run`` serves the demo (the printed invitation link points there).
DEMO_SITE = "http://127.0.0.1:8000"


def portal_email(patient: Patient) -> str:
    """Return the demo patient's portal email (``olivia.nguyen@patient.demo``)."""
    return f"{patient.given_name}.{patient.family_name}@patient.demo".lower()


def invitation_link(token: str) -> str:
    """Return the full link of an invitation token on the demo site."""
    return f"{DEMO_SITE}/portal/link?token={token}"


def demo_portal(uow_factory: Callable[[], Any], clinician: Actor, signed_up: Patient, invited: Patient,
                password: str, hasher: PasswordHasher | None = None) -> dict[str, str]:
    """Set up ``signed_up`` on the portal with ``password`` and invite ``invited``; return the logins.

    Returns ``email``, ``password`` and ``invitation`` (the pending link). Raises what the services raise.
    """
    token = invitations.invite_patient(uow_factory(), clinician, signed_up.id).token
    email = portal_email(signed_up)
    signing_in.set_password_with_link(uow_factory(), token, email, password, hasher or Argon2idHasher(), "demo")
    pending = invitations.invite_patient(uow_factory(), clinician, invited.id).token
    return {"email": email, "password": password, "invitation": invitation_link(pending)}


def portal_again(uow_factory: Callable[[], Any], clinician: Actor, password: str) -> str:
    """Return the line ``acupath demo`` prints when the demo is loaded already: the portal login and a
    new pending invitation for the second demo patient (the first link's token was never stored).

    Raises what the services raise.
    """
    first = patients.list_patients(uow_factory(), clinician, search=f"{MRN_PREFIX}10001").items
    second = patients.list_patients(uow_factory(), clinician, search=f"{MRN_PREFIX}10002").items
    if not first or not second:
        return "demo patient portal: the demo patients are not there any more"
    account = invitations.portal_status(uow_factory(), clinician, first[0].id).account
    login = f" as {account.email} / {password}" if account is not None and account.email else ""
    token = invitations.invite_patient(uow_factory(), clinician, second[0].id).token
    return (f"demo patient portal: {DEMO_SITE}/portal{login}; a new pending invitation (the earlier link no "
            f"longer works): {invitation_link(token)}")
