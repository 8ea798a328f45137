"""The patient portal's pages (``/portal``): a patient signs in and sees their own plan and record.

Same stack as the clinic's pages (Jinja2, the same CSRF protection, the same page policy), but its own
sign-in: the ``acupath_portal`` cookie (path ``/portal``, so no clinic page ever receives it) holds a
random token whose hash is a row of ``portal_sign_ins`` (``services.portal.signing_in``); the staff
session cookie opens no portal page and the portal cookie no clinic page. A page depends on
``PortalVisitorDep`` (``web.portal.visitor``) for the signed-in ``PatientActor`` and calls
``services.portal`` functions with it, which read only that patient's records. Routers are listed in
``web.portal.routes.PORTAL_ROUTERS``; templates live in ``templates/portal/`` and extend
``portal/base.html``; the style is ``static/css/portal.css`` (phone first: 360 px and up).
"""
