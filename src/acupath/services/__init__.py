"""Use cases, one function each, used alike by the API, the web pages and the command line.

Each takes a unit of work (``AbstractUnitOfWork``; storage supplies ``SqlAlchemyUnitOfWork``) and the
``Actor`` on whose behalf it runs, and audits every read and write of patient data.
"""

from acupath.services.actor import Actor, Role
from acupath.services.intakes import get_intake, record_intake, screen_intake
from acupath.services.logins import authenticate, change_password
from acupath.services.passwords import PasswordHasher
from acupath.services.patients import get_patient, list_patients, register_patient, update_patient
from acupath.services.plans import amend_plan, create_plan, get_plan, plan_history
from acupath.services.progress import get_progress, record_reassessment
from acupath.services.schedule import get_schedule
from acupath.services.sessions import list_sessions, record_adverse_event, record_session
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.users import create_clinic, create_user

__all__ = [
    "AbstractUnitOfWork",
    "Actor",
    "PasswordHasher",
    "Role",
    "amend_plan",
    "authenticate",
    "change_password",
    "create_clinic",
    "create_plan",
    "create_user",
    "get_intake",
    "get_patient",
    "get_plan",
    "get_progress",
    "get_schedule",
    "list_patients",
    "list_sessions",
    "plan_history",
    "record_adverse_event",
    "record_intake",
    "record_reassessment",
    "record_session",
    "register_patient",
    "screen_intake",
    "update_patient",
]
