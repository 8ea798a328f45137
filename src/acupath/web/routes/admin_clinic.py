"""The clinic's settings (administrators): its name, and the locale its pages and documents write in.

Each locale is shown by how it writes the date and time now and a number, so the administrator picks by
what the pages will look like, and by the crisis lines it brings by default (a patient who answers a
safety item sees them unless the clinic set its own: the page says when there will be none). Saving goes through ``services.clinics.set_locale`` (audited, as
``acupath clinics set-locale``); this process forgets the locale it kept, so the administrator's next
page shows it at once (other server processes within ``web.locales.REFRESH``).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import InputError
from acupath.services import clinics
from acupath.services.between_visits.crisis_contacts import crisis_advice, default_advice
from acupath.web.forms import Problem
from acupath.web.locales import format_number, format_when
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/admin/clinic", route_class=PageRoute, include_in_schema=False)

#: What each locale's example writes: 1,234.5 as a number.
EXAMPLE_NUMBER = 1234.5

#: Each locale as the administrator knows it (``services.clinics.LOCALES``; an unnamed one shows its tag).
LOCALE_NAMES = {"en-GB": "English (United Kingdom)", "en-US": "English (United States)", "de-DE": "German (Germany)",
                "fr-FR": "French (France)"}


def _page(request: Request, visitor: Visitor, chosen: str | None, problems: list[Problem], saved: bool = False,
          status_code: int = 200) -> Response:
    clinic = clinics.clinic_settings(unit_of_work(request), visitor.actor)  # the 403 page for other roles
    now = web_state(request).clock()
    kb = web_state(request).kb
    # The crisis lines a locale brings by default (crisis_contacts.yaml): changing the locale changes what
    # a patient in crisis is shown, unless the clinic set its own lines, so each choice says it.
    examples = [{"locale": locale, "name": LOCALE_NAMES.get(locale, locale), "when": format_when(now, locale),
                 "number": format_number(EXAMPLE_NUMBER, locale, 1),
                 "crisis_lines": [c.name for c in default_advice(kb, locale).contacts]} for locale in clinics.LOCALES]
    advice = crisis_advice(unit_of_work(request), visitor.actor.clinic_id, kb)
    return render(request, "admin/clinic.html", {
        "clinic": clinic, "chosen": chosen or clinic.locale, "examples": examples, "problems": problems,
        "saved": saved, "nav": "admin", "advice": advice}, status_code)


@router.get("")
def clinic_page(request: Request, visitor: VisitorDep, saved: str | None = None) -> Response:
    """Return the clinic's settings and the form to change its locale (administrators)."""
    return _page(request, visitor, None, [], saved == "1")


@router.post("")
async def save_clinic(request: Request, visitor: VisitorDep, form: CsrfFormDep) -> Response:
    """Store the chosen locale; an unknown one is named beside the choice (422), nothing changes."""
    chosen = form.get("locale", "")
    try:
        await run_in_threadpool(clinics.set_locale, unit_of_work(request), visitor.actor, chosen)
    except InputError as error:
        # Only a tampered or empty form gets here: the page offers the locales as choices.
        message = f"Dates and numbers: choose one of the ways listed ({', '.join(clinics.LOCALES)})"
        return await run_in_threadpool(_page, request, visitor, None, [Problem(field=error.field, message=message)],
                                       False, 422)
    web_state(request).locales.pop(visitor.actor.clinic_id, None)
    return RedirectResponse("/clinic/admin/clinic?saved=1", status_code=303)
