"""Keyset pages through the fakes: every patient exactly once under registrations between pages; cursors
that the list did not give are refused naming ``cursor``; the name-search rule."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_fakes import FakeUnitOfWork

from acupath.errors import InputError
from acupath.services import list_patients, register_patient
from acupath.services.paging import decode_cursor, encode_cursor
from acupath.services.records.listings import NameSearch

_NAMES = st.text(alphabet="abcdeé", min_size=1, max_size=4).map(str.capitalize)


def _register(uow: FakeUnitOfWork, actor, given_name: str, family_name: str) -> str:
    return register_patient(uow, actor, {"given_name": given_name, "family_name": family_name,
                                         "birth_date": "1980-01-01", "sex": "other"}).id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.tuples(_NAMES, _NAMES), min_size=1, max_size=12),
       arriving=st.lists(st.tuples(_NAMES, _NAMES), max_size=6), limit=st.integers(1, 4))
def test_pages_give_every_patient_once_while_others_register(people, before, arriving, limit) -> None:
    uow = FakeUnitOfWork()
    present = {_register(uow, people.rita, g, f) for g, f in before}
    seen: list[str] = []
    cursor = None
    newcomers = iter(arriving)
    while True:
        page = list_patients(uow, people.rita, cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        seen += [p.id for p in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        newcomer = next(newcomers, None)
        if newcomer:
            _register(uow, people.rita, *newcomer)
    assert len(seen) == len(set(seen)) and present <= set(seen)


@pytest.mark.parametrize("cursor", ["", "!!!", "cGF0aWVudHM6", encode_cursor("audit", "1"),
                                    encode_cursor("patients", "no such patient"), encode_cursor("patients", "f" * 32)])
def test_a_cursor_this_list_did_not_give_is_refused_naming_cursor(uow: FakeUnitOfWork, people, cursor: str) -> None:
    with pytest.raises(InputError) as error:
        list_patients(uow, people.rita, cursor=cursor)
    assert error.value.field == "cursor"


def test_a_cursor_names_its_list_and_position() -> None:
    assert decode_cursor("schedule", encode_cursor("schedule", "abc123")) == "abc123"
    assert decode_cursor("schedule", None) is None


@pytest.mark.parametrize(("search", "given_name", "family_name", "found"), [
    ("mit", "Anna", "Smith", True),          # 3+ characters: anywhere
    ("SMI ann", "Anna", "Smith", True),      # every word, any order and case
    ("li", "Olivia", "Lin", True),           # 2 characters: the start of a word
    ("li", "Noah", "Williams", False),
    ("an s", "Anna", "Smith", True),         # an initial narrows
    ("anna w", "Anna", "Smith", False),
    ("a", "Anna", "Smith", False),           # initials alone find no name
    ("Smith, Anna", "Anna", "Smith", True),  # as the lists show a name: the comma separates words
])
def test_names_match_as_documented(search: str, given_name: str, family_name: str, found: bool) -> None:
    assert NameSearch.of(search).matches_names(given_name, family_name) is found
