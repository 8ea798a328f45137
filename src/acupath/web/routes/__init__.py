"""The web's routers, one per topic; ``ROUTERS`` is what ``web.install_web`` includes.

Pages live at ``/`` (to the sign-in page or today's list), ``/sign-in``, ``/sign-out`` and under
``/clinic/`` (the API keeps its own paths: ``/patients`` answers JSON). A later page joins by adding
its router here (before ``fallback``): intake entry, screening and overrides, the plan with its body
chart, session charting, progress, administration.

How a page is written (see ``patients.py``): an ``APIRouter(route_class=PageRoute)``; each route takes
``visitor: VisitorDep`` (signed in, as an ``Actor``) and calls services with ``unit_of_work(request)``,
one fresh unit of work per call; a form's POST also takes ``form: CsrfFormDep`` (the checked fields)
and runs the service with ``run_in_threadpool``; bad input becomes ``forms.Problem``s
(``problems_of`` with the service's pydantic model, ``problem_of`` for its ``InputError``), rendered
with ``macros.html``'s ``error_summary``/``field_error`` and the values as typed (status 422). Services'
``NotFound``/``PermissionDenied`` need no handling: ``PageRoute`` answers with the 404 and 403 pages.
Templates extend ``base.html`` and carry no inline script or style (``pages.PAGE_POLICY``); inline SVG
(badges, ``reports.body_chart``) is fine.
"""

from __future__ import annotations

from acupath.web.routes import (
           admin_audit,
           admin_clinic,
           admin_crisis_contacts,
           admin_licence,
           admin_users,
           adverse_events,
           amendments,
           analytics,
           between_visits,
           chart,
           documents,
           fallback,
           intakes,
           patients,
           plans,
           portal_access,
           progress,
           reassessments,
           screening,
           sessions,
           sign_in,
           today,
)

#: ``fallback`` (any other ``/clinic/`` address: the 404 page) stays last.
ROUTERS = (sign_in.router, today.router, patients.router, chart.router, amendments.router, plans.router,
           intakes.router, screening.router,
           progress.router, documents.router, between_visits.router,
           sessions.router, adverse_events.router, reassessments.router,
           admin_users.router, admin_licence.router, admin_audit.router, admin_clinic.router, admin_crisis_contacts.router,
           portal_access.router,
           analytics.router, fallback.router)
