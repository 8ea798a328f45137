"""The audited actions in words: what the patient's access log says (``action_words``), and the
actions the administrators' audit search suggests (``KNOWN_ACTIONS``).

Every read and write of patient data is audited under an action code (``services.audit``); the
portal tells the patient each in plain words, and the audit page offers the codes as suggestions, so
an administrator need not know them by heart (the search itself matches the code exactly).
"""

from __future__ import annotations

#: What each audited action means, as the access log tells the patient.
ACTIONS = {
    "patient.read": "Opened your details", "patient.update": "Changed your details",
    "patient.register": "Registered you", "patient.list": "Listed patients",
    "intake.read": "Read your intake", "intake.record": "Recorded your intake",
    "screening.read": "Read your safety screening", "screening.create": "Screened your intake for safety",
    "plan.read": "Read your plan", "plan.create": "Made your plan", "plan.amend": "Changed your plan",
    "session.record": "Recorded a session", "session.amend": "Corrected a session",
    "session.draft": "Prepared a session", "adverse_event.record": "Recorded a side effect",
    "adverse_event.amend": "Corrected a side effect", "reassessment.record": "Recorded your questionnaires",
    "reassessment.amend": "Corrected your questionnaires", "progress.read": "Read your progress",
    "schedule.read": "Read your appointments", "clinic_day.read": "Looked at the day's list",
    "portal.invite": "Invited you to the portal", "portal.revoke": "Closed your portal access",
    "portal.status": "Looked at your portal access", "audit.search": "Looked at who read your record",
    "audit.export": "Exported the clinic's access log",
    # The lists, reports and portal actions, each in words too: "report: render (refused)" said nothing.
    "intake.list": "Read your intakes", "plan.list": "Read your plans", "plan.history": "Read your plan's history",
    "session.list": "Read your sessions", "adverse_event.list": "Read your side effects",
    "reassessment.list": "Read your questionnaires", "report.render": "Made a document of your record (PDF)",
    "report.list": "Checked which documents of your record can be made",
    "homework.start": "Gave you homework", "homework.read": "Read how your homework is going",
    "questionnaire.assign": "Asked you to fill in a questionnaire",
    "questionnaire.cancel": "Withdrew a questionnaire", "questionnaire.list": "Read your questionnaires",
    "urgent_task.list": "Looked at the safety answers to follow up",
    "urgent_task.read": "Read your safety answer", "urgent_task.resolve": "Followed up your safety answer",
    "fhir.read": "Read your record for another system (FHIR)", "fhir.import": "Imported your record (FHIR)",
    "fhir.export.start": "Exported the clinic's records (FHIR)",
    "portal.sign_in": "Signed in to the portal", "portal.password_set": "Set the portal password",
    "portal.patient_read": "Opened the portal", "portal.plan_read": "Read your plan on the portal",
    "portal.homework.read": "Looked at your homework", "portal.questionnaire.list": "Looked at your questionnaires",
    "portal.questionnaire.read": "Opened a questionnaire", "portal.questionnaire.answer": "Answered a question",
    "portal.questionnaire.complete": "Sent a questionnaire", "portal.access_log_read": "Looked at who read your record",
    "portal.record_export": "Downloaded your record",
    "portal.link_request": "Asked for a sign-in link", "portal.link_open": "Opened a sign-in link",
    "portal.link_sign_in": "Signed in to the portal with a link", "portal.sign_out": "Signed out of the portal",
    "portal.homework.tick": "Ticked off homework", "portal.homework.untick": "Unticked homework",
    "session.read": "Read a session", "adverse_event.read": "Read a side effect",
    "reassessment.read": "Read your questionnaires", "session.history": "Read a session's corrections",
    "adverse_event.history": "Read a side effect's corrections",
    "reassessment.history": "Read your questionnaires' corrections",
}


def action_words(action: str) -> str:
    """Return what ``action`` means in plain words (the action itself when it is not listed)."""
    return ACTIONS.get(action, action.replace("_", " ").replace(".", ": "))

#: The actions only staff work is audited under: accounts, the clinic, the log itself, FHIR and CDS.
STAFF_ACTIONS = ("user.create", "user.read", "user.list", "user.update", "user.login", "user.logout",
                 "user.password_change", "user.password_reset", "clinic.update", "clinic.crisis_contacts",
                 "audit.read", "analytics.read", "fhir.search", "fhir.everything", "fhir.group", "fhir.staff",
                 "fhir.export", "fhir.export.download", "fhir.export.cancel", "cds.feedback", "cds.patient-view",
                 "cds.order-sign", "request.refused")

#: Every action the audit search suggests, sorted.
KNOWN_ACTIONS = tuple(sorted(set(ACTIONS) | set(STAFF_ACTIONS)))
