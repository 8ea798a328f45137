"""The patient portal's use cases: invitations and sign-in (staff and patient side), and what a
signed-in patient may read of their own record.

Modules: ``tokens`` (random tokens, their hashes, the portal's lifetimes), ``invitations`` (a clinician
invites a patient, sees the invitation, revokes access), ``signing_in`` (the patient opens a link, sets
a password, signs in with a password or a link, signs out; every request's sign-in check),
``mail`` (the optional sender of links by email). A portal service takes a ``PatientActor`` (never a
staff ``Actor``) and reads only that patient's records; every read and write is audited.
"""
