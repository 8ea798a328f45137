"""The audit search suggests the action codes: every action the demo clinic's work left in its log is
among them, so an administrator need not know the codes by heart."""

from __future__ import annotations

import re

import sqlalchemy as sa
from admin_world import AUDIT, audit_rows
from web_world import Site

from acupath.web.audit_actions import KNOWN_ACTIONS


def test_the_action_box_suggests_every_action_the_clinics_log_holds(site: Site) -> None:
    admin = site.as_("admin")
    admin.get("/clinic/patients")  # a read, so the log holds the staff pages' actions too
    page = admin.get(AUDIT).text
    assert 'list="known-actions"' in page
    suggested = re.findall(r'<option value="([a-z_.\-]+)"></option>', page[page.index('<datalist id="known-actions">'):])
    assert suggested == list(KNOWN_ACTIONS)
    with site.uow_factory() as uow:
        logged = set(uow.session.execute(sa.text("SELECT DISTINCT action FROM audit_log")).scalars())
    assert {"patient.list", "session.record", "user.login", "audit.search"} <= logged
    assert logged - set(KNOWN_ACTIONS) == set()


def test_an_action_typed_in_capitals_finds_its_entries(site: Site) -> None:
    admin = site.as_("admin")
    typed = audit_rows(admin.get(f"{AUDIT}?action=User.Login ").text)
    assert typed and all(" user.login " in f" {row} " for row in typed)
