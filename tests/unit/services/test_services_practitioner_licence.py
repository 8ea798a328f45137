"""A practitioner's licence and qualifications: set by an administrator, checked, audited, cleared."""

from __future__ import annotations

from datetime import date

import pytest
from service_fakes import FakeUnitOfWork, PlainHasher

from acupath.errors import InputError, PermissionDenied
from acupath.services import Actor, create_user
from acupath.services.records import Outcome, Qualification, User
from acupath.services.users import public_user, update_user

LICENCE = {"number": " AC-12345 ", "authority": "California Acupuncture Board", "expires": "2027-06-30"}
DEGREES = [{"text": "L.Ac."}, {"text": "Dipl. Ac. (NCCAOM)", "issuer": "NCCAOM", "year": 2012},
           {"text": "MSc Acupuncture", "issuer": "University of Westminster", "year": 2009}]


def _account(uow: FakeUnitOfWork, name: str, role: str) -> tuple[User, Actor]:
    user = create_user(uow, Actor.system("harbour"), email=f"{name}@harbour.example", name=name, role=role,
                       password="correct horse battery", hasher=PlainHasher())
    return user, Actor(user.id, "harbour", role, "10.0.0.9")


def _stored(uow: FakeUnitOfWork, user: User) -> User:
    return next(u for u in uow.stored("users") if u.id == user.id)


def test_an_admin_records_a_licence_and_qualifications_and_the_change_is_audited(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    update_user(uow, ada, lee.id, licence=LICENCE, qualifications=DEGREES)
    stored = _stored(uow, lee)
    assert (stored.licence_number, stored.licence_authority, stored.licence_expires) == (
        "AC-12345", "California Acupuncture Board", date(2027, 6, 30))
    assert stored.qualifications == [Qualification(text="L.Ac."),
                                     Qualification(text="Dipl. Ac. (NCCAOM)", issuer="NCCAOM", year=2012),
                                     Qualification(text="MSc Acupuncture", issuer="University of Westminster",
                                                   year=2009)]
    assert public_user(stored)["licence"] == {"number": "AC-12345", "authority": "California Acupuncture Board",
                                              "expires": "2027-06-30"}
    assert public_user(stored)["qualifications"][1] == {"text": "Dipl. Ac. (NCCAOM)", "issuer": "NCCAOM",
                                                        "year": 2012}
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail) == ("user.update", Outcome.OK,
                                                           "licence set; qualifications 0 -> 3")


def test_a_licence_may_be_partly_known_and_an_empty_one_clears_it(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    update_user(uow, ada, lee.id, licence={"authority": "British Acupuncture Council"})
    assert public_user(_stored(uow, lee))["licence"] == {"number": None, "authority": "British Acupuncture Council",
                                                         "expires": None}
    update_user(uow, ada, lee.id, licence={}, qualifications=[])
    assert public_user(_stored(uow, lee))["licence"] is None
    assert uow.audit_entries()[-1].detail == "licence cleared"


def test_an_account_without_them_shows_none_and_a_role_change_keeps_them(uow: FakeUnitOfWork) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    assert (public_user(lee)["licence"], public_user(lee)["qualifications"]) == (None, [])
    update_user(uow, ada, lee.id, licence=LICENCE, qualifications=DEGREES[:1])
    update_user(uow, ada, lee.id, role="admin")
    assert (_stored(uow, lee).licence_number, len(_stored(uow, lee).qualifications)) == ("AC-12345", 1)


@pytest.mark.parametrize(("field", "changes"), [
    ("licence.number", {"licence": {"number": "x" * 65}}),
    ("licence.number", {"licence": {"number": "AC\x00123"}}),
    ("licence.number", {"licence": {"number": "   "}}),
    ("licence.authority", {"licence": {"authority": "State\nBoard"}}),
    ("licence.expires", {"licence": {"expires": "2027-02-30"}}),
    ("licence.expires", {"licence": {"expires": "next June"}}),
    ("licence.expires", {"licence": {"expires": "0001-01-01"}}),
    ("licence.valid_from", {"licence": {"valid_from": "2020-01-01"}}),
    ("licence", {"licence": "AC-12345"}),
    ("qualifications[1].text", {"qualifications": [{"text": "L.Ac."}, {"text": ""}]}),
    ("qualifications[0].text", {"qualifications": [{"issuer": "NCCAOM"}]}),
    ("qualifications[0].issuer", {"qualifications": [{"text": "L.Ac.", "issuer": "y" * 201}]}),
    ("qualifications[0].year", {"qualifications": [{"text": "L.Ac.", "year": 1850}]}),
    ("qualifications[0].year", {"qualifications": [{"text": "L.Ac.", "year": "last year"}]}),
    ("qualifications", {"qualifications": [{"text": "L.Ac."}] * 21}),
])
def test_a_bad_licence_or_qualification_is_refused_naming_its_part_and_nothing_changes(
        uow: FakeUnitOfWork, field, changes) -> None:
    _, ada = _account(uow, "ada", "admin")
    lee, _ = _account(uow, "lee", "clinician")
    with pytest.raises(InputError) as error:
        update_user(uow, ada, lee.id, role="admin", **changes)
    assert error.value.field == field
    stored = _stored(uow, lee)
    assert (stored.role, stored.licence_number, stored.qualifications) == ("clinician", None, [])
    assert uow.audit_entries()[-1].outcome == Outcome.INVALID


def test_only_an_admin_sets_a_licence(uow: FakeUnitOfWork) -> None:
    lee, lee_actor = _account(uow, "lee", "clinician")
    with pytest.raises(PermissionDenied):
        update_user(uow, lee_actor, lee.id, licence=LICENCE)
    assert _stored(uow, lee).licence_number is None
