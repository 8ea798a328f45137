"""The portal's routers and its navigation; ``PORTAL_ROUTERS`` is what ``web.install_web`` includes.

A portal page joins by appending its router to ``PORTAL_ROUTERS`` and, when it belongs in the menu, a
``NavLink`` to ``PORTAL_NAV`` (the base template draws the menu from it, in this order; the places
for "Questionnaires" and "Homework" are marked below). How a portal page is written (see ``home.py``):
an ``APIRouter(prefix="/portal", route_class=PortalRoute)``; each route takes ``visitor:
PortalVisitorDep`` and calls ``services.portal`` functions with ``visitor.patient`` (a
``PatientActor``) and ``unit_of_work(request)``; a form's POST also takes ``form: CsrfFormDep``;
templates extend ``portal/base.html``. Any other ``/portal/`` address gets the portal's 404 page
(``fallback``, included after every router here by ``install_web``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter

from acupath.web.portal.routes import home, homework, questionnaires, record, sign_in


@dataclass(frozen=True)
class NavLink:
    """One entry of the portal's menu: ``key`` (a page passes ``nav=key`` to mark it current), label, path."""

    key: str
    label: str
    href: str


#: The portal's routers; a new page appends its own (the fallback is added after all of them).
PORTAL_ROUTERS: list[APIRouter] = [sign_in.router, home.router, record.router, questionnaires.router,
                                   homework.router]

#: The portal's menu, in order.
PORTAL_NAV: list[NavLink] = [
    NavLink("plan", "Your plan", "/portal"),
    NavLink("sessions", "Sessions", "/portal/sessions"),
    NavLink("handouts", "Handouts", "/portal/handouts"),
    NavLink("questionnaires", "Questionnaires", "/portal/questionnaires"),
    NavLink("homework", "Homework", "/portal/homework"),
    NavLink("record", "Your record", "/portal/record"),
]


def nav_index(key: str) -> int:
    """Return the position of the menu entry ``key`` (to insert an entry before it). Raises ``ValueError``."""
    for index, link in enumerate(PORTAL_NAV):
        if link.key == key:
            return index
    raise ValueError(f"no portal menu entry {key!r}")
