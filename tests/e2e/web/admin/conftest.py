"""The administration pages' site: the demo clinic on the real clock (the shared ``site`` runs the pages on a
fixed day), one per test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from web_world import Site

from acupath.settings import Settings
from acupath.site import create_site
from web_clinic import SECRET, demo_clinics


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo clinic's site on the real clock, the one the accounts made here are stamped with.

    The shared fixture moves the pages' clock to its ``TODAY``, before an account made now set its password,
    so that account's tokens would count as issued before it (``services.sign_ins``); these pages date
    no clinical record, so they need no frozen day.
    """
    clinics = demo_clinics(tmp_path_factory.mktemp("admin"), datetime.now(UTC).date(), per_condition=1)
    app = create_site(Settings(env="test", database_url=clinics.url, secret_key=SECRET),
                      uow_factory=clinics.uow_factory, kb=clinics.kb)
    yield Site(app=app, uow_factory=clinics.uow_factory, demo=clinics.demo)
    clinics.dispose()
