"""A practitioner's licence and qualifications through ``PATCH /users/{id}``, stored and in FHIR Practitioner.

Runs on SQLite and PostgreSQL (the ``world`` fixture): the JSON column of qualifications and the
licence's date round-trip through both.
"""

from __future__ import annotations

import pytest
from api_world import World
from fhir.resources.R4B.practitioner import Practitioner

LICENCE = {"number": "AC-12345", "authority": "California Acupuncture Board", "expires": "2027-06-30"}
DEGREES = [{"text": "L.Ac.", "issuer": None, "year": None},
           {"text": "Dipl. Ac. (NCCAOM)", "issuer": "NCCAOM", "year": 2012}]


def test_an_admin_records_a_licence_and_fhir_practitioner_carries_it(world: World) -> None:
    patel = world.user_ids["dr_patel"]
    changed = world.call("ada_admin", "PATCH", f"/users/{patel}", {"licence": LICENCE, "qualifications": DEGREES})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["licence"], changed.json()["qualifications"]) == (LICENCE, DEGREES)
    listed = world.call("ada_admin", "GET", "/users?limit=200").json()["items"]
    assert next(u for u in listed if u["id"] == patel)["qualifications"] == DEGREES
    read = world.call("dr_lee", "GET", f"/fhir/R4/Practitioner/{patel}")
    assert read.status_code == 200, read.text
    practitioner = Practitioner.model_validate(read.json())
    assert [(i.value, i.assigner.display) for i in practitioner.identifier if i.assigner] == [
        ("AC-12345", "California Acupuncture Board")]
    assert [(q.code.text, str(q.period.end) if q.period and q.period.end else None) for q in practitioner.qualification] == [
        ("Licence to practise", "2027-06-30"), ("L.Ac.", None), ("Dipl. Ac. (NCCAOM)", None)]
    entries = world.call("ada_admin", "GET", "/audit?action=user.update&limit=200").json()["items"]
    assert [e["detail"] for e in entries if e["record_id"] == patel][-1:] == ["licence set; qualifications 0 -> 2"]


def test_null_clears_the_licence_and_the_qualifications(world: World) -> None:
    lee = world.user_ids["dr_lee"]
    world.call("ada_admin", "PATCH", f"/users/{lee}", {"licence": LICENCE, "qualifications": DEGREES})
    cleared = world.call("ada_admin", "PATCH", f"/users/{lee}", {"licence": None, "qualifications": None})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["licence"], cleared.json()["qualifications"]) == (None, [])
    assert "qualification" not in world.call("dr_lee", "GET", f"/fhir/R4/Practitioner/{lee}").json()


@pytest.mark.parametrize(("body", "field"), [
    ({"licence": {"expires": "2027-02-30"}}, "licence.expires"),
    ({"licence": {"number": "x" * 65}}, "licence.number"),
    ({"licence": {"authority": "Board\u0007"}}, "licence.authority"),
    ({"licence": {"nummer": "AC-1"}}, "licence.nummer"),
    ({"qualifications": [{"text": "L.Ac.", "year": 1066}]}, "qualifications[0].year"),
    ({"qualifications": [{"issuer": "NCCAOM"}]}, "qualifications[0].text"),
    ({"qualifications": "L.Ac."}, "qualifications"),
])
def test_a_bad_licence_or_qualification_is_422_naming_it_and_nothing_is_stored(world: World, body, field) -> None:
    reception = world.user_ids["rita_reception"]
    response = world.call("ada_admin", "PATCH", f"/users/{reception}", body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    stored = next(u for u in world.call("ada_admin", "GET", "/users?limit=200").json()["items"]
                  if u["id"] == reception)
    assert (stored["licence"], stored["qualifications"]) == (None, [])
