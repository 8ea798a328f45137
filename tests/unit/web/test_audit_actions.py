"""Every action the code audits is among the audit search's suggestions (``web.audit_actions``).

The actions are read from the source: each literal ``audited(uow, actor, "x.y", ...)`` and
``action="x.y"``, and the actions built from a value (an amended record's kind, a CDS hook's id).
"""

from __future__ import annotations

import re
from pathlib import Path

import acupath
from acupath.fhir.cds.hooks import SERVICES
from acupath.services.records.amendments import AmendedType
from acupath.web.audit_actions import ACTIONS, KNOWN_ACTIONS

LITERAL = re.compile(r'audited\(\s*[\w.()]+,\s*[\w.]+,\s*"([^"]+)"|\baction\s*=\s*"([a-z_.\-]+)"')


def test_every_audited_action_is_suggested() -> None:
    source = Path(acupath.__file__).parent
    literal = {a or b for path in source.rglob("*.py") for a, b in LITERAL.findall(path.read_text())}
    built = {f"{kind.value}.{what}" for kind in AmendedType for what in ("read", "history")}
    built |= {f"cds.{hook}" for hook in SERVICES}
    assert len(literal) > 60
    assert literal | built <= set(KNOWN_ACTIONS)


def test_the_patient_reads_every_suggested_patient_action_in_words() -> None:
    assert all(words and not re.search(r"[a-z]+\.[a-z]", words) for words in ACTIONS.values())
