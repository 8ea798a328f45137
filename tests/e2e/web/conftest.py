"""Fixtures of the web pages' route tests: the site on a migrated SQLite database with the demo clinic.

The pages run in the process through Starlette's ``TestClient`` (an https base URL: the session and
CSRF cookies are Secure). The pages' clock is midday of ``TODAY``; ``site`` is shared by the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from web_world import SECRET, Site, noon, seed_clinics

from acupath.knowledge import load_knowledge
from acupath.settings import Settings
from acupath.site import create_site
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site on a fresh SQLite database holding the demo clinic and the outsider's clinic."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'acupath.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    kb = load_knowledge()
    demo = seed_clinics(uow_factory, kb, TODAY)
    app = create_site(Settings(env="test", database_url=url, secret_key=SECRET), uow_factory=uow_factory, kb=kb)
    app.state.acupath.clock = lambda: noon(TODAY)
    yield Site(app=app, uow_factory=uow_factory, demo=demo)
    engine.dispose()
