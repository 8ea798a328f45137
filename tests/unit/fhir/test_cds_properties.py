"""Never silently dropped: whatever else an EHR's record holds, an implanted electronic device and an
electroacupuncture order always give a critical card (DESIGN.md, "Safety is a property")."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.fhir import Canon
from acupath.fhir.cds.answer import prepare, respond
from acupath.fhir.cds.hooks import parse_hook_request
from acupath.knowledge import load_knowledge
from cds_records import CPT, SNOMED, bundle, condition, device, hook_request, medication, observation, order

KB = load_knowledge()
CANON = Canon("https://clinic.example/fhir")
DEVICE_TEXTS = ["Cardiac pacemaker", "Implantable cardioverter defibrillator (ICD)", "Spinal cord stimulator",
                "Intrathecal pump", "Deep brain stimulator", "Insulin pump", "Dual-chamber pacemaker, MRI conditional"]
EA_ORDERS = ([order(c) for c in ("97813", "97814")]
             + [order(c, SNOMED) for c in ("224721000000103", "231102004", "231093003")]
             + [order("", text="Electroacupuncture to lower back")])
OTHER_CONDITIONS = ["Pregnancy", "Haemophilia A", "Epilepsy", "Osteoporosis", "History of breast cancer",
                    "Needle phobia", "Coagulopathy", "HIV infection", "Hypertension", "Asthma"]
words = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), max_size=40)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(st.sampled_from(DEVICE_TEXTS))
    devices = [device(text, rid="dev-x", status=draw(st.sampled_from(["active", "inactive", "unknown"])))]
    devices += [device(draw(words), rid=f"d{i}") for i in range(draw(st.integers(0, 3)))]
    conditions = [condition(draw(st.one_of(st.sampled_from(OTHER_CONDITIONS), words)), rid=f"c{i}",
                            clinical=draw(st.sampled_from(["active", "resolved", None])))
                  for i in range(draw(st.integers(0, 4)))]
    medications = [medication(draw(st.one_of(st.sampled_from(["Warfarin", "Apixaban", "Ibuprofen"]), words)),
                              rid=f"m{i}") for i in range(draw(st.integers(0, 3)))]
    observations = [observation("Pregnancy status", draw(st.sampled_from(["Pregnant", "Not pregnant", "Unknown"])))
                    for _ in range(draw(st.integers(0, 1)))]
    out: dict[str, Any] = {"patient": {"resourceType": "Patient", "id": "p1",
                                       "gender": draw(st.sampled_from(["female", "male", "unknown"])),
                                       "birthDate": draw(st.sampled_from(["1940-02-29", "1990", "2001-07", None]))},
                           "devices": bundle(*draw(st.permutations(devices))), "conditions": bundle(*conditions),
                           "medications": bundle(*medications), "observations": bundle(*observations)}
    for key in draw(st.lists(st.sampled_from(["conditions", "medications", "observations", "patient"]), unique=True)):
        out[key] = None  # a prefetch the EHR could not give
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # TESTING.md: pure safety invariants
@given(record=records(), ea=st.sampled_from(EA_ORDERS), manual_too=st.booleans())
def test_an_implanted_device_and_an_ea_order_always_give_a_critical_card(
        record: dict[str, Any], ea: dict[str, Any], manual_too: bool) -> None:
    orders = (ea, order("97810", CPT, rid="sr-manual")) if manual_too else (ea,)
    request = parse_hook_request("order-sign", hook_request("order-sign", orders=orders, prefetch=record))
    response = respond(prepare("order-sign", request, KB, CANON, "harbour", date(2026, 12, 6)), None, KB, CANON)
    critical = [c for c in response["cards"] if c["indicator"] == "critical"
                and c["source"].get("topic", {}).get("code") == "ea_implanted_device"]
    assert critical, [c["summary"] for c in response["cards"]]
    assert any(a.get("resourceId") == "ServiceRequest/sr-1" for s in critical[0]["suggestions"] for a in s["actions"])
    assert all(len(c["summary"]) < 140 for c in response["cards"])


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
                           max_leaves=6)
FIELDS = ["status", "code", "type", "deviceName", "clinicalStatus", "verificationStatus", "medicationCodeableConcept",
          "medicationReference", "valueCodeableConcept", "valueString", "valueQuantity", "id", "onsetDateTime",
          "reasonCode", "category"]
PATIENT_FIELDS = ["id", "gender", "birthDate", "identifier", "name"]


@st.composite
def junk_resources(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["Condition", "MedicationStatement", "Observation", "Device"]))
    return {"resourceType": kind, **draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4))}


# An EHR's record is read as sent: no field's JSON type may stop the screening.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=st.lists(junk_resources(), max_size=4), person=st.dictionaries(st.sampled_from(PATIENT_FIELDS), json_values),
       order_junk=st.dictionaries(st.sampled_from(["status", "reasonCode", "id", "subject"]),
                                  json_values.filter(lambda v: v not in ("revoked", "entered-in-error", "completed"))),
       coding_junk=st.lists(json_values, max_size=2))
def test_any_json_in_the_ehrs_resources_is_read_and_the_pacemaker_still_blocks_ea(
        junk: list[dict[str, Any]], person: dict[str, Any], order_junk: dict[str, Any], coding_junk: list[Any]) -> None:
    record = {"patient": {"resourceType": "Patient", **person}, "devices": bundle(device("Cardiac pacemaker"), *junk),
              "conditions": bundle(*junk), "medications": bundle(*junk), "observations": bundle(*junk)}
    ea = order("97813")
    ea.update(order_junk)
    ea["code"]["coding"] += coding_junk
    request = parse_hook_request("order-sign", hook_request("order-sign", orders=(ea,), prefetch=record))
    response = respond(prepare("order-sign", request, KB, CANON, "harbour", date(2026, 12, 6)), None, KB, CANON)
    assert any(c["indicator"] == "critical" and c["source"].get("topic", {}).get("code") == "ea_implanted_device"
               for c in response["cards"])
