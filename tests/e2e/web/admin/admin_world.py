"""What the administration pages' tests share: the pages' paths, a password the policy accepts, and helpers that
read an account as stored, make one through the form, and read the error summary and the audit table."""

from __future__ import annotations

import html
import re
from datetime import UTC, date

from web_world import Browser, Site

from acupath.services import audit_log, users
from acupath.services.actor import Actor, Role
from acupath.services.records import User

USERS = "/clinic/admin/users"
NEW = "/clinic/admin/users/new"
AUDIT = "/clinic/admin/audit"
GOOD_PASSWORD = "lantern harbour violet 42"


def account(site: Site, email: str) -> User:
    """Return the stored account of ``email`` (as the database holds it now)."""
    return users.user_by_email(site.uow_factory(), email)


def new_account(site: Site, admin: Browser, email: str, role: str = "clinician", name: str = "Dr Temp Account") -> User:
    """Create an account through the form; return it as stored."""
    created = admin.post_form(NEW, NEW, {"name": name, "email": email, "role": role, "password": GOOD_PASSWORD})
    assert created.status_code == 303, created.text
    return account(site, email)


def summary_links(page: str) -> list[tuple[str, str]]:
    """Return (target, text) of each link of the page's error summary."""
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(target, html.unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


def audit_rows(page: str) -> list[str]:
    """Return the rows of the audit table, each as its text without tags."""
    body = page.split('<table class="list audit">', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for row in body.split("</tr>")[:-1]]


def log_day(site: Site) -> date:
    """Return the UTC day of the clinic's newest audit entry (the day the log's clock says it is)."""
    newest = audit_log.search_audit(site.uow_factory(), admin_actor(site), limit=1).items[0]
    return newest.at.astimezone(UTC).date()


def admin_actor(site: Site) -> Actor:
    """Return an administrator of the demo clinic, to ask the services directly."""
    return Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)
