"""CDS Hooks 2.0: acupath's safety screening served inside any EHR (issue 15 item 5).

``hooks`` (discovery, prefetch templates, the request and feedback shapes) → ``orders`` (acupuncture and
electroacupuncture ServiceRequests among the draft orders) → ``record_terms`` + ``ehr_screening`` (the
EHR's Conditions, MedicationStatements, Observations and Devices read with ehr_terms.yaml into an intake,
screened by ``safety.screen``: one screening engine) → ``cards`` (one card per finding, never dropped) →
``answer`` (the response, with acupath's own record of the patient from ``services.cds_hooks``). Pure:
no database, clock or network; the JWT check is the API's (``api.cds_auth``).
"""
