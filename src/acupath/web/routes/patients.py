"""Finding and registering patients: the search page (name or MRN) and the register form (every role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import Conflict, InputError
from acupath.services import patients
from acupath.services.patients import PatientDetails
from acupath.web.forms import Problem, problem_of, problems_of, refused_characters, without_blanks
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/patients", route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 25
#: The register form's fields as labelled on the page (the error summary names them so).
LABELS = {"given_name": "Given name", "family_name": "Family name", "birth_date": "Date of birth",
          "sex": "Sex", "mrn": "Medical record number (MRN)", "phone": "Phone", "email": "Email"}
SEARCH_MAX = 200
SEXES = (("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Not known"))


@router.get("")
def search_page(
    request: Request, visitor: VisitorDep,
    q: Annotated[str | None, Query()] = None,
    cursor: Annotated[str | None, Query()] = None,
) -> Response:
    """Return the patient list, or the patients whose name or MRN matches ``q``, a page at a time.

    A search longer than ``SEARCH_MAX`` characters, or holding a control character, is a form error.
    """
    problems: list[Problem] = []
    page = None
    if q and (len(q) > SEARCH_MAX or refused_characters({"q": q}, {})):
        problems.append(Problem("q", f"Search: at most {SEARCH_MAX} characters of text (a name or an MRN)"))
        return render(request, "patients/search.html", {"q": q[:SEARCH_MAX], "page": None, "problems": problems})
    try:
        page = patients.list_patients(unit_of_work(request), visitor.actor, search=q or None, cursor=cursor or None,
                                      limit=PAGE_SIZE)
    except InputError as exc:
        problems.append(problem_of(exc, "The list's position" if exc.field == "cursor" else None))
    return render(request, "patients/search.html", {"q": q or "", "page": page, "problems": problems})


@router.get("/new")
def register_page(request: Request, visitor: VisitorDep) -> Response:
    """Return the empty register form."""
    return render(request, "patients/register.html", {"values": {}, "problems": [], "labels": LABELS,
                                                      "sexes": SEXES})


def _details_problems(request: Request, values: dict[str, str]) -> list[Problem]:
    """Return every problem of the details form (register or change) against ``PatientDetails``, a birth
    after the clinic's today among them."""
    today = web_state(request).clock().date()
    problems = refused_characters(values, LABELS) or problems_of(PatientDetails, without_blanks(values), LABELS,
                                                                 choices=("sex",), context={"today": today})
    return [Problem("email", "Email: enter an email address, like name@example.org")
            if p.field == "email" and "pattern" in p.message else
            Problem("phone", "Phone: enter a phone number in digits, like +64 21 555 1001 or 03 555 0100 ext. 2")
            if p.field == "phone" and "pattern" in p.message else p for p in problems]


@router.post("/new")
async def register(request: Request, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Register the patient and open their chart; the form again, as typed, with every problem named."""
    values = {name: form.get(name, "") for name in LABELS}
    details = without_blanks(values)
    problems = _details_problems(request, values)
    if not problems:
        try:
            patient = await run_in_threadpool(patients.register_patient, unit_of_work(request), visitor.actor, details)
            return RedirectResponse(f"/clinic/patients/{patient.id}?registered=1", status_code=303)
        except InputError as exc:
            problems.append(problem_of(exc, LABELS.get(exc.field)))
        except Conflict:
            problems.append(problem_of(InputError("mrn", "is already used by another patient of the clinic"),
                                       LABELS["mrn"]))
    return render(request, "patients/register.html", {"values": values, "problems": problems, "labels": LABELS,
                                                      "sexes": SEXES}, status_code=422)


@router.get("/{patient_id}/details")
def details_page(request: Request, patient_id: str, visitor: VisitorDep) -> Response:
    """Return the patient's details to change (every role: the front desk keeps them); 404 for another clinic's."""
    patient = patients.get_patient(unit_of_work(request), visitor.actor, patient_id)
    values = {name: "" if getattr(patient, name) is None else str(getattr(patient, name)) for name in LABELS}
    return render(request, "patients/register.html", {"values": values, "problems": [], "labels": LABELS,
                                                      "sexes": SEXES, "patient": patient})


@router.post("/{patient_id}/details")
async def change_details(request: Request, patient_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Save the patient's details if nobody changed them since the page was opened, and open the chart;
    else the form as typed with the problem named (a box left blank clears an optional detail)."""
    patient = await run_in_threadpool(patients.get_patient, unit_of_work(request), visitor.actor, patient_id)
    values = {name: form.get(name, "") for name in LABELS}
    problems = _details_problems(request, values)
    version = form.get("version", "")
    if not problems:
        changes = {name: value.strip() or None for name, value in values.items()}
        try:
            await run_in_threadpool(patients.update_patient, unit_of_work(request), visitor.actor, patient_id,
                                    changes, int(version) if version.isdigit() else 0)
            return RedirectResponse(f"/clinic/patients/{patient_id}?changed=1", status_code=303)
        except InputError as exc:
            problems.append(problem_of(exc, LABELS.get(exc.field)))
        except Conflict as exc:
            problems.append(problem_of(InputError("mrn", "is already used by another patient of the clinic"),
                                       LABELS["mrn"]) if "MRN" in str(exc) else Problem(
                "given_name", "Someone changed these details since you opened this page: open the chart again to "
                "see them, then make your change"))
    return render(request, "patients/register.html", {"values": {**values, "version": version}, "problems": problems,
                                                      "labels": LABELS, "sexes": SEXES, "patient": patient},
                  status_code=422)
