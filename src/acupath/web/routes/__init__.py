"""The web's routers, one per topic; ``ROUTERS`` is what ``web.install_web`` includes.

Pages live at ``/`` (to the sign-in page or today's list), ``/sign-in``, ``/sign-out`` and under
``/clinic/`` (the API keeps its own paths: ``/patients`` answers JSON). A later page joins by adding
its router here: intake entry, screening and overrides, the plan with its body chart, session
charting, progress, administration.
"""

from __future__ import annotations

from acupath.web.routes import chart, fallback, patients, sign_in, today

#: ``fallback`` (any other ``/clinic/`` address: the 404 page) stays last.
ROUTERS = (sign_in.router, today.router, patients.router, chart.router, fallback.router)
