"""Fixtures of the web pages' route tests: the site on a migrated SQLite database with the demo clinic.

The pages run in the process through Starlette's ``TestClient`` (an https base URL: the session and
CSRF cookies are Secure). The pages' clock is midday of ``TODAY``; ``site`` is shared by the module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_world import TODAY, Site, noon

from acupath.settings import Settings
from acupath.site import create_site
from web_clinic import SECRET, demo_clinics


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site on a fresh SQLite database holding the demo clinic and the outsider's clinic."""
    clinics = demo_clinics(tmp_path_factory.mktemp("web"), TODAY, per_condition=2)
    app = create_site(Settings(env="test", database_url=clinics.url, secret_key=SECRET),
                      uow_factory=clinics.uow_factory, kb=clinics.kb)
    app.state.acupath.clock = lambda: noon(TODAY)
    yield Site(app=app, uow_factory=clinics.uow_factory, demo=clinics.demo)
    clinics.dispose()
