"""Which files make up the knowledge base, and the schema each is validated against.

One line per kind of file. ``many`` collections are a folder of files keyed by their ``id``; the others
are a single file. Imports are inside ``collections()`` so that nothing is loaded at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from acupath.knowledge.schema.document import Document


@dataclass(frozen=True)
class Collection:
    """A kind of knowledge file: its attribute name, where it lives, its schema."""

    name: str
    pattern: str
    model: type[Document]
    many: bool = False


def collections() -> tuple[Collection, ...]:
    """Return every collection the loader reads, in load order."""
    from acupath.knowledge.schema.body_chart import BodyChartFile
    from acupath.knowledge.schema.citations import CitationsFile
    from acupath.knowledge.schema.conditions import ConditionFile
    from acupath.knowledge.schema.coverage import CoverageFile
    from acupath.knowledge.schema.crisis_contacts import CrisisContactsFile
    from acupath.knowledge.schema.ehr_terms import EhrTermsFile
    from acupath.knowledge.schema.evidence import EvidenceFile
    from acupath.knowledge.schema.instruments import InstrumentFile
    from acupath.knowledge.schema.patient_guide import PatientGuideFile
    from acupath.knowledge.schema.points import PointsFile
    from acupath.knowledge.schema.programme import ProgrammeFile
    from acupath.knowledge.schema.safety import SafetyFile

    found: list[Collection] = [Collection("citations", "citations.yaml", CitationsFile)]
    found.append(Collection("points", "points.yaml", PointsFile))
    found.append(Collection("body_chart", "body_chart.yaml", BodyChartFile))
    found.append(Collection("evidence", "evidence.yaml", EvidenceFile))
    found.append(Collection("instruments", "instruments/*.yaml", InstrumentFile, many=True))
    found.append(Collection("safety", "safety.yaml", SafetyFile))
    found.append(Collection("conditions", "conditions/*.yaml", ConditionFile, many=True))
    found.append(Collection("coverage", "coverage.yaml", CoverageFile))
    found.append(Collection("programme", "programme.yaml", ProgrammeFile))
    found.append(Collection("patient_guide", "patient_guide.yaml", PatientGuideFile))
    found.append(Collection("crisis_contacts", "crisis_contacts.yaml", CrisisContactsFile))
    found.append(Collection("ehr_terms", "ehr_terms.yaml", EhrTermsFile))
    return tuple(found)
