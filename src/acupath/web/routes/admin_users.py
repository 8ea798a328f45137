"""Administration of the clinic's accounts (administrators): the list, a new account, role and access.

Every page calls the services the API's ``/users`` routes call (``services.users``): the role rule,
the password policy and the last-active-administrator rule are theirs. Clinicians and reception get
the 403 page (``PermissionDenied``), another clinic's account the 404 page (``NotFound``). A change
that would leave the clinic with no active administrator (``Conflict``) is a form error on the
account's control, the list shown again as it is.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.errors import Conflict, InputError
from acupath.services import users
from acupath.services.access import require_admin
from acupath.services.password_policy import MIN_LENGTH, check_new_password
from acupath.services.users import UserInput
from acupath.web.forms import Problem, problem_of, problems_of, refused_characters
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/admin/users", route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50
#: The new-account form's fields as labelled on the page (the error summary names them so).
#: In the form's order (name first): the error summary lists its problems in this order.
LABELS = {"name": "Name", "email": "Email", "role": "Role", "password": "Initial password"}
ROLES = (("clinician", "Clinician", "reads and writes clinical records"),
         ("reception", "Reception", "demographics and the schedule only"),
         ("admin", "Administrator", "everything of the clinic, accounts and the audit log"))
ROLE_WORDS = {value: word for value, word, _ in ROLES}
#: What the list says after a change (``?done=``), the account named from the page's rows.
DONE = {"created": "The account of {name} is created: they can sign in now.",
        "role": "{name} is now {role}. It applies from their next page.",
        "deactivated": "{name} is deactivated: their next page or form goes to the sign-in page, and they "
                       "cannot sign in again.",
        "activated": "{name} is active again and can sign in.",
        "licence": "The licence and qualifications of {name} are saved."}
UserId = Annotated[str, Path(min_length=1, max_length=64)]
REASON_LABEL = "Reason"


def _users_page(request: Request, visitor: Visitor, offset: int, problems: list[Problem], done: str | None = None,
                who: str | None = None, status_code: int = 200) -> Response:
    """Return the accounts page: one page of the clinic's accounts, and the problems of a refused change."""
    page = users.list_users(unit_of_work(request), visitor.actor, offset=offset, limit=PAGE_SIZE)
    message = None
    if done in DONE:
        named = next((u for u in page.items if u.id == who), None)
        message = DONE[done].format(name=named.name if named else "The account",
                                    role=ROLE_WORDS.get(named.role, named.role) if named else "")
    return render(request, "admin/users.html", {
        "page": page, "problems": problems, "message": message, "roles": ROLES, "role_words": ROLE_WORDS,
        "nav": "admin", "offset": offset}, status_code)


@router.get("")
def users_page(request: Request, visitor: VisitorDep, offset: str = "0", done: str | None = None,
               who: str | None = None) -> Response:
    """Return the clinic's accounts (name, email, role, whether active), ``PAGE_SIZE`` at a time, by email.

    Raises ``PermissionDenied`` (the 403 page) unless the visitor is an administrator; an ``offset``
    that is not a whole number from 0 shows the first page with the problem named (422).
    """
    if offset.isascii() and offset.isdigit() and len(offset) <= 9:
        return _users_page(request, visitor, int(offset), [], done, who)
    problem = Problem("offset", "The list's position (offset): must be a whole number from 0; the first page is shown")
    return _users_page(request, visitor, 0, [problem], status_code=422)


@router.get("/new")
def new_user_page(request: Request, visitor: VisitorDep) -> Response:
    """Return the empty new-account form. Raises ``PermissionDenied`` unless an administrator."""
    require_admin(visitor.actor)
    return _form(request, {}, [])


def _form(request: Request, values: dict[str, str], problems: list[Problem], status_code: int = 200) -> Response:
    return render(request, "admin/new_user.html", {
        "values": values, "problems": problems, "labels": LABELS, "roles": ROLES, "min_length": MIN_LENGTH,
        "nav": "admin"}, status_code)


def _new_user_problems(values: dict[str, str]) -> list[Problem]:
    """Return every problem of the new-account form at once: the service's model, then its password policy."""
    problems = refused_characters(values, LABELS)
    if problems:
        return problems
    details = {name: values[name] for name in ("email", "name", "role") if values[name].strip()}
    problems = problems_of(UserInput, details, LABELS, choices=("role",))
    email = next((p for p in problems if p.field == "email"), None)
    if email is not None:
        problems[problems.index(email)] = Problem("email", "Email: enter an email address, like name@clinic.example")
    try:
        check_new_password(values["password"], values["email"])
    except InputError as exc:
        problems.append(problem_of(exc, LABELS["password"]))
    order = list(LABELS)
    return sorted(problems, key=lambda p: order.index(p.field) if p.field in order else len(order))


@router.post("/new")
async def create_user(request: Request, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Create the account and go back to the list; the form again, as typed (but the password), with
    every problem named. Raises ``PermissionDenied`` unless an administrator."""
    values = {name: form.get(name, "") for name in LABELS}
    problems = _new_user_problems(values)
    if not problems:
        try:
            user = await run_in_threadpool(
                users.create_user, unit_of_work(request), visitor.actor, email=values["email"],
                name=values["name"], role=values["role"], password=values["password"],
                hasher=web_state(request).hasher)
            return RedirectResponse(f"/clinic/admin/users?done=created&who={user.id}", status_code=303)
        except InputError as exc:
            problems.append(problem_of(exc, LABELS.get(exc.field)))
        except Conflict:
            problems.append(Problem("email", "Email: another account has this email already; each person signs "
                                             "in with an email of their own"))
    else:
        require_admin(visitor.actor)  # a clinician's bad form is refused as theirs, never answered as a form
    values["password"] = ""  # never sent back to the browser
    return _form(request, values, problems, 422)


async def _change(request: Request, visitor: Visitor, user_id: str, field: str, done: str, **change: Any) -> Response:
    """Apply ``change`` with ``services.users.update_user``; the list with the refusal on ``field``'s control."""
    try:
        await run_in_threadpool(users.update_user, unit_of_work(request), visitor.actor, user_id, **change)
    except (InputError, Conflict) as exc:
        if isinstance(exc, InputError):
            message, status = f"{exc.problem}" + (f" (allowed: {exc.allowed})" if exc.allowed else ""), 422
        else:
            message, status = str(exc), 409
        problem = Problem(f"{field}-{user_id}", f"{'Role' if field == 'role' else 'Access'}: {message}")
        return await run_in_threadpool(_users_page, request, visitor, 0, [problem], None, None, status)
    return RedirectResponse(f"/clinic/admin/users?done={done}&who={user_id}", status_code=303)


@router.post("/{user_id}/role")
async def change_role(request: Request, user_id: UserId, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Give the account the role chosen; raises ``NotFound`` (404) for an account of another clinic."""
    return await _change(request, visitor, user_id, "role", "role", role=form.get("role", ""))


def _deactivate_page(request: Request, visitor: Visitor, user_id: str, reason: str, problems: list[Problem],
                     status_code: int = 200) -> Response:
    """Return the deactivation's confirmation: the account, what deactivating does, the reason asked for."""
    user = users.get_user(unit_of_work(request), visitor.actor, user_id)
    return render(request, "admin/deactivate.html", {
        "user": user, "reason": reason, "problems": problems, "reason_max": users.REASON_MAX,
        "role_words": ROLE_WORDS, "nav": "admin"}, status_code)


@router.get("/{user_id}/deactivate")
def deactivate_page(request: Request, user_id: UserId, visitor: VisitorDep) -> Response:
    """Return the confirmation of a deactivation, which asks why (a dangerous action: ``shared/ui.md``).

    Raises ``PermissionDenied`` (403) unless an administrator, ``NotFound`` (404) for an account of
    another clinic.
    """
    return _deactivate_page(request, visitor, user_id, "", [])


@router.post("/{user_id}/deactivate")
async def deactivate(request: Request, user_id: UserId, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Stop the account signing in, from its next request on (its open pages included), for the reason given.

    The reason goes to the audit entry (``services.users.update_user``). A missing reason is a form
    error (422), as is the last active administrator's own deactivation (409, the service's reason).
    """
    reason = form.get("reason", "")
    problems = refused_characters({"reason": reason}, {"reason": REASON_LABEL})
    if not problems and not reason.strip():
        problems.append(Problem("reason", f"{REASON_LABEL}: say why the account is deactivated (it is kept in "
                                          "the audit log)"))
    status = 422
    if not problems:
        try:
            await run_in_threadpool(users.update_user, unit_of_work(request), visitor.actor, user_id, active=False,
                                    reason=reason)
            return RedirectResponse(f"/clinic/admin/users?done=deactivated&who={user_id}", status_code=303)
        except InputError as exc:
            problems.append(problem_of(exc, REASON_LABEL if exc.field == "reason" else None))
        except Conflict as exc:
            problems.append(Problem("confirm", f"Not deactivated: {exc}"))
            status = 409
    return await run_in_threadpool(_deactivate_page, request, visitor, user_id, reason, problems, status)


@router.post("/{user_id}/activate")
async def activate(request: Request, user_id: UserId, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Let a deactivated account sign in again."""
    return await _change(request, visitor, user_id, "access", "activated", active=True)
