"""The time between visits: questionnaires a patient fills in on the portal, the urgent tasks and
crisis contacts a safety answer brings at once, and homework with its adherence.

Modules: ``repositories`` (abstract), ``assignments`` (a clinician assigns instruments, by default the
plan's reassessments), ``answering`` (the patient saves answers item by item and completes: the score
becomes a reassessment through ``services.progress.store_reassessment``), ``safety_answers`` (which
answers raise an urgent task), ``urgent_tasks`` (the clinicians' list, resolved with a note),
``crisis_contacts`` (per clinic, with a cited default), ``homework`` (tasks from the plan's components,
ticks, adherence). Staff use cases take an ``Actor``; the portal's take a ``PatientActor`` and read only
that patient's records. Every read and write of patient data is audited.
"""
