"""Practitioner carries the licence and qualifications an administrator recorded, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime

from acupath.fhir import as_json
from acupath.fhir.canonical import Canon
from acupath.fhir.people import LICENCE_TEXT, practitioner, practitioner_role
from acupath.fhir.terminology import V2_IDENTIFIER_TYPE
from acupath.services.records import Qualification, User


def _user(**credentials: object) -> User:
    return User(id="u1", clinic_id="c1", email="lee@harbour.example", name="Dr Mei Lee", role="clinician",
                password_hash="x", created_at=datetime(2026, 1, 5, tzinfo=UTC), **credentials)


def test_the_licence_is_an_identifier_and_a_qualification_with_its_authority_and_expiry() -> None:
    user = _user(licence_number="AC-12345", licence_authority="California Acupuncture Board",
                 licence_expires=date(2027, 6, 30),
                 qualifications=[Qualification(text="L.Ac."),
                                 Qualification(text="Dipl. Ac. (NCCAOM)", issuer="NCCAOM", year=2012)])
    body = as_json(practitioner(user, Canon()))  # validated by fhir.resources' R4B Practitioner
    licence_id = body["identifier"][1]
    assert licence_id == {"use": "official", "type": {"coding": [{"system": V2_IDENTIFIER_TYPE, "code": "LN",
                                                                  "display": "License number"}]},
                          "value": "AC-12345", "period": {"end": "2027-06-30"},
                          "assigner": {"display": "California Acupuncture Board"}}
    assert body["qualification"] == [
        {"identifier": [licence_id], "code": {"text": LICENCE_TEXT}, "period": {"end": "2027-06-30"},
         "issuer": {"display": "California Acupuncture Board"}},
        {"code": {"text": "L.Ac."}},
        {"code": {"text": "Dipl. Ac. (NCCAOM)"}, "period": {"start": "2012"}, "issuer": {"display": "NCCAOM"}},
    ]


def test_a_licence_without_a_number_is_a_qualification_only() -> None:
    body = as_json(practitioner(_user(licence_authority="British Acupuncture Council"), Canon()))
    assert len(body["identifier"]) == 1
    assert body["qualification"] == [{"code": {"text": LICENCE_TEXT},
                                      "issuer": {"display": "British Acupuncture Council"}}]


def test_nothing_is_invented_for_an_account_without_licence_or_qualification() -> None:
    body = as_json(practitioner(_user(), Canon()))
    assert "qualification" not in body
    assert body["identifier"] == [{"system": Canon().identifier_system("user"), "value": "u1"}]
    assert "qualification" not in as_json(practitioner_role(_user()))
