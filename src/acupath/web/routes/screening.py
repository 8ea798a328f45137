"""The screening page of an intake: each finding with its severity, message, citations and an override
reason box where the rule allows one; "Create plan" sends the overrides to the plan service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError, SafetyBlock
from acupath.safety.findings import Action
from acupath.safety.overrides import MIN_REASON_CHARACTERS, URGENT_MIN_CHARACTERS, URGENT_MIN_WORDS
from acupath.services import plans
from acupath.services.intake_screening import latest_screening
from acupath.services.staff_names import who_is
from acupath.web.forms import Problem
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work
from acupath.web.wording import words

#: The actions of a finding that stop the plan until it is overridden (``services.plans.refuse_unsafe``).
REFERRALS = (Action.URGENT_REFERRAL.value, Action.REFERRAL.value)

router = APIRouter(prefix="/clinic/intakes", route_class=PageRoute, include_in_schema=False)

#: What an override's reason needs, as the page says it beside the box (``safety.overrides``'s limits).
REASON_NEEDS = (f"Write why the finding no longer stands: at least {MIN_REASON_CHARACTERS} characters, or "
                f"{URGENT_MIN_CHARACTERS} characters and {URGENT_MIN_WORDS} words for an urgent finding")

#: Severity word and icon per finding kind (colour is never the only signal).
KINDS = {"red_flag": ("danger", "Red flag", "!"), "contraindication": ("danger", "Contraindication", "!"),
         "caution": ("warning", "Caution", "i")}


def _page(request: Request, visitor: Any, intake_id: str, reasons: dict[str, str], problems: list[Problem],
          status_code: int = 200) -> Response:
    intake, screening = latest_screening(unit_of_work(request), visitor.actor, intake_id)
    staff = who_is(unit_of_work(request), visitor.actor, screening) if screening else {}
    cited = {key for f in (screening.findings if screening else []) for key in f.get("citations", [])}
    sources = {c.key: c.text for c in web_state(request).kb.citations.sources if c.key in cited}
    return render(request, "intakes/screening.html", {"sources": sources,
        "intake": intake, "screening": screening, "kinds": KINDS, "reasons": reasons, "problems": problems,
        "who": visitor.actor.user_id, "today": web_state(request).clock().date(),
        "instruments": web_state(request).kb.instruments, "staff": staff,
    }, status_code=status_code)


@router.get("/{intake_id}")
def screening_page(request: Request, intake_id: str, visitor: VisitorDep) -> Response:
    """Return the intake's scores and its latest screening (403 for reception, 404 for another clinic)."""
    return _page(request, visitor, intake_id, {}, [])


@router.post("/{intake_id}/plan")
async def create_plan(request: Request, intake_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Create the plan with the overrides written, and open it; else this page with the problem inline."""
    reasons = {name.removeprefix("override."): value for name, value in form.items()
               if name.startswith("override.")}
    overrides = [{"finding": code, "reason": reason} for code, reason in reasons.items() if reason.strip()]
    problems: list[Problem] = []
    try:
        plan = await run_in_threadpool(plans.create_plan, unit_of_work(request), visitor.actor, intake_id,
                                       web_state(request).kb, overrides=overrides)
        return RedirectResponse(f"/clinic/plans/{plan.id}", status_code=303)
    except InputError as exc:
        index = exc.field.split("[")[1].split("]")[0] if "[" in exc.field else None
        code = overrides[int(index)]["finding"] if index and index.isdigit() else "form"
        # Named as its card is ("PHQ-9 self harm"), not by its code; what a reason needs, in a line.
        needs = REASON_NEEDS if exc.field.endswith(".reason") else (exc.allowed or "")
        problems.append(Problem(field=f"override.{code}", message=f"{words(code)}: {exc.problem}"
                                + (f". {needs}" if needs else "")))
    except SafetyBlock as exc:
        # A referral standing without a reason is named beside its own box, where the reason goes: the
        # page said only "screening calls for referral before any plan: <codes>" beside the button.
        _intake, screening = await run_in_threadpool(latest_screening, unit_of_work(request), visitor.actor, intake_id)
        waiting = [f["code"] for f in (screening.findings if screening else [])
                   if f.get("action") in REFERRALS and f.get("override") is None and not reasons.get(f["code"], "").strip()]
        problems += [Problem(field=f"override.{code}", message=f"{words(code)}: screening calls for referral. Refer "
                             "the patient, or write here why this finding no longer stands") for code in waiting]
        if not waiting:
            problems.append(Problem(field="create-plan", message=f"The plan cannot be created: {exc}"))
    return await run_in_threadpool(_page, request, visitor, intake_id, reasons, problems, 422)
