"""The documents' contents (``services.documents``): role rules, the audit entry of each rendering, the
documents that cannot honestly be made (refused with the reason), the NCD 30.3.3 verdict as progress
judges it, and the CPT lines of a session by electrical stimulation and time."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import Conflict, InputError, NotFound, PermissionDenied
from acupath.services import create_plan, record_intake, screen_intake
from acupath.services.documents import KINDS, clinic_of_patient, gather, gather_own_record
from acupath.services.documents.billing import cpt_lines, diagnosis_of
from acupath.services.patient_actor import PatientActor
from acupath.services.records import Outcome
from acupath.services.sessions import record_session
from example_records import example_intake
from example_records import example_session as session

#: The low back protocol's electrode pair (conditions/chronic_low_back_pain.yaml), on the left.
ELECTRO = {"kind": "electro", "frequency_hz": 2, "intensity_ma": 3, "minutes": 20,
           "electrode_pairs": [["BL23:left", "BL25:left"]]}
BACK = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}]


def _plan(uow, people, patient, kb, name: str = "chronic_low_back_pain"):
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake(name), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


@pytest.mark.parametrize("kind", KINDS)
def test_reception_may_make_no_document_and_the_refusal_is_audited(uow: FakeUnitOfWork, people, patient, kb,
                                                                   kind: str) -> None:
    with pytest.raises(PermissionDenied):
        gather(uow, people.rita, patient.id, kind, kb)
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.patient_id, entry.detail) == (
        "report.render", Outcome.DENIED, patient.id, "the reception role may not see or change clinical records")


def test_an_unknown_kind_names_kind_and_the_kinds_allowed(uow: FakeUnitOfWork, people, patient, kb) -> None:
    with pytest.raises(InputError) as error:
        gather(uow, people.dr_lee, patient.id, "invoice", kb)
    assert error.value.field == "kind" and error.value.allowed == ", ".join(KINDS)


def test_another_clinics_patient_is_not_found(uow: FakeUnitOfWork, people, patient, kb) -> None:
    with pytest.raises(NotFound):
        gather(uow, people.dr_outsider, patient.id, "record", kb)


@pytest.mark.parametrize("kind", ["plan", "progress", "ncd", "superbill", "referral"])
def test_a_document_that_needs_what_the_patient_does_not_have_is_refused_with_the_reason(
    uow: FakeUnitOfWork, people, patient, kb, kind: str
) -> None:
    with pytest.raises(Conflict) as refusal:
        gather(uow, people.dr_lee, patient.id, kind, kb)
    assert str(refusal.value).split(":")[0] in {
        "this patient has no treatment plan yet", "no session has been given to this patient yet",
        "this patient has not been screened"}
    assert uow.audit_entries()[-1].outcome is Outcome.CONFLICT


def test_the_whole_record_of_a_patient_with_nothing_recorded_is_made_and_audited(uow: FakeUnitOfWork, people,
                                                                                 patient, kb) -> None:
    data = gather(uow, people.ada, patient.id, "record", kb)
    assert data.header.patient.id == patient.id and data.header.clinic.name == "Harbour Clinic"
    assert data.body.intakes == () and data.body.sessions == ()
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail, entry.user_id) == ("report.render", Outcome.OK, "kind=record",
                                                                          "ada")


def test_the_patient_reads_their_own_record_audited_under_their_name(uow: FakeUnitOfWork, people, patient, kb) -> None:
    _plan(uow, people, patient, kb)
    data = gather_own_record(uow, PatientActor(patient_id=patient.id, clinic_id="harbour"), kb)
    assert len(data.body.plans) == 1 and data.header.prepared_by == "the patient, from the portal"
    entry = uow.audit_entries()[-1]
    assert (entry.user_id, entry.patient_id, entry.detail) == (f"patient:{patient.id}", patient.id, "kind=record")
    with pytest.raises(NotFound):
        gather_own_record(uow, PatientActor(patient_id=patient.id, clinic_id="hill"), kb)


def test_the_ncd_documentation_is_refused_for_a_plan_medicare_does_not_cover(uow: FakeUnitOfWork, people, patient,
                                                                            kb) -> None:
    _plan(uow, people, patient, kb, "chronic_low_back_pain_self_pay")
    with pytest.raises(Conflict, match="not Medicare"):
        gather(uow, people.dr_lee, patient.id, "ncd", kb)


def test_the_ncd_verdict_is_not_met_until_a_measure_improves_by_its_mcid(uow: FakeUnitOfWork, people, patient,
                                                                        kb) -> None:
    plan = _plan(uow, people, patient, kb)
    baseline = plan.plan["baseline"]["nrs"]
    record_session(uow, people.dr_lee, plan.id, session(points=BACK, pain_before=baseline), kb)
    unchanged = gather(uow, people.dr_lee, patient.id, "ncd", kb).body
    assert not unchanged.met and unchanged.reasons == ("no measure has improved by its MCID since the baseline",)
    assert (unchanged.in_initial_window, unchanged.in_year) == (1, 1)
    record_session(uow, people.dr_lee, plan.id, session(points=BACK, session_date="2026-12-04",
                                                        pain_before=baseline - 3), kb)
    improved = gather(uow, people.dr_lee, patient.id, "ncd", kb).body
    assert improved.met and improved.reasons == ()
    assert [c.instrument for c in improved.improved] == ["nrs"]


def test_the_superbill_codes_a_session_by_its_stimulation_and_the_condition(uow: FakeUnitOfWork, people, patient,
                                                                           kb) -> None:
    plan = _plan(uow, people, patient, kb)
    record_session(uow, people.dr_lee, plan.id, session(points=BACK), kb)
    record_session(uow, people.dr_lee, plan.id, session(points=BACK, stimulation=ELECTRO, session_date="2026-12-04"), kb)
    billed = gather(uow, people.dr_lee, patient.id, "superbill", kb).body.sessions
    assert [[(line.code.code, line.units) for line in b.lines] for b in billed] == [[("97810", 1)], [("97813", 1)]]
    assert {b.diagnosis.code for b in billed} == {"M54.50"} and billed[0].diagnosis.verified


def test_the_diagnosis_is_the_condition_files_icd_10_cm_code_and_a_variant_without_one_has_none(kb) -> None:
    assert diagnosis_of(kb, "neck_pain").code == "M54.2" and not diagnosis_of(kb, "neck_pain").verified
    assert diagnosis_of(kb, "upper_back_pain") is None  # the reference gives the variant no code
    assert diagnosis_of(kb, "no_such_condition") is None


def test_the_superbill_counts_add_on_units_from_the_recorded_face_to_face_time(uow: FakeUnitOfWork, people, patient,
                                                                             kb) -> None:
    plan = _plan(uow, people, patient, kb)
    record_session(uow, people.dr_lee, plan.id, session(points=BACK, stimulation=ELECTRO, face_to_face_minutes=45), kb)
    record_session(uow, people.dr_lee, plan.id, session(points=BACK, session_date="2026-12-04"), kb)
    timed, untimed = gather(uow, people.dr_lee, patient.id, "superbill", kb).body.sessions
    assert [(line.code.code, line.units) for line in timed.lines] == [("97813", 1), ("97814", 2)]
    assert timed.note == "" and untimed.note.startswith("no face-to-face time recorded")


@pytest.mark.parametrize("minutes", [0, 241, "half an hour"])
def test_a_face_to_face_time_that_cannot_be_one_sessions_is_refused_naming_it(uow: FakeUnitOfWork, people, patient,
                                                                              kb, minutes) -> None:
    plan = _plan(uow, people, patient, kb)
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, plan.id, session(points=BACK, face_to_face_minutes=minutes), kb)
    assert error.value.field == "face_to_face_minutes"


@pytest.mark.parametrize(("electrical", "minutes", "expected"), [
    (False, None, [("97810", 1)]),
    (True, None, [("97813", 1)]),
    (False, 15, [("97810", 1)]),
    (False, 29, [("97810", 1)]),  # part of a unit: the source gives no rule for it, so it is not counted
    (False, 30, [("97810", 1), ("97811", 1)]),
    (True, 45, [("97813", 1), ("97814", 2)]),
    (True, 10, [("97813", 1)]),
])
def test_cpt_lines_count_the_initial_code_and_whole_additional_fifteen_minutes(kb, electrical: bool,
                                                                               minutes: int | None,
                                                                               expected: list) -> None:
    lines = cpt_lines(kb.coverage.billing.cpt, electrical, minutes)
    assert [(line.code.code, line.units) for line in lines] == expected


def test_a_referral_letter_holds_the_red_flags_in_force_urgent_first_with_their_sources(
    uow: FakeUnitOfWork, people, patient, kb
) -> None:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_cauda_equina"), kb)
    screen_intake(uow, people.dr_lee, intake.id, kb)
    body = gather(uow, people.dr_lee, patient.id, "referral", kb).body
    assert body.findings and body.findings[0]["action"] == "urgent_referral"
    assert all(f["override"] is None for f in body.findings)
    cited = {key for f in body.findings for key in f["citations"]}
    assert cited and cited == set(body.sources)


def test_the_command_line_finds_the_clinic_of_a_patient(uow: FakeUnitOfWork, patient) -> None:
    assert clinic_of_patient(uow, patient.id) == "harbour"
    with pytest.raises(NotFound):
        clinic_of_patient(uow, "no-such-patient")
