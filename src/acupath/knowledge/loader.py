"""Read the knowledge base: YAML parsed safely (never evaluated), validated by the pydantic schemas.

A malformed file raises ``KnowledgeError`` naming the file, the path inside it and the reason.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from acupath.errors import KnowledgeError
from acupath.knowledge.memo import Derived
from acupath.knowledge.registry import Collection, collections
from acupath.knowledge.schema.document import Document
from acupath.validation import field_path

if TYPE_CHECKING:  # the schemas are imported lazily by the registry
    from acupath.knowledge.schema.citations import CitationsFile
    from acupath.knowledge.schema.conditions import ConditionFile
    from acupath.knowledge.schema.coverage import CoverageFile
    from acupath.knowledge.schema.evidence import EvidenceFile
    from acupath.knowledge.schema.instruments import InstrumentFile
    from acupath.knowledge.schema.patient_guide import PatientGuideFile
    from acupath.knowledge.schema.points import PointsFile
    from acupath.knowledge.schema.programme import ProgrammeFile
    from acupath.knowledge.schema.safety import SafetyFile

DATA_DIR = Path(__file__).with_name("data")

try:  # the C loader is several times faster; both are the *safe* loader
    _SafeLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _SafeLoader = yaml.SafeLoader


def parse_document(path: Path, model: type[Document], relative: str) -> Document:
    """Parse and validate one knowledge file.

    Returns the validated model. Raises ``KnowledgeError`` with the file, the path inside it and the
    reason when the YAML is malformed or does not match the schema.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise KnowledgeError(relative, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise KnowledgeError(relative, "", "the file must hold a mapping at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise KnowledgeError(relative, field_path(first["loc"]), first["msg"] + more) from None


class KnowledgeBase:
    """The validated knowledge base: typed access to every collection, and its version.

    ``documents`` maps each file's path (relative to the data folder) to its validated model.
    """

    def __init__(self, data_dir: Path, documents: dict[str, Document], by_collection: dict[str, Any]):
        self.data_dir = data_dir
        self.documents = documents
        self._by_collection = by_collection
        digest = hashlib.sha256()
        for rel in sorted(documents):
            doc = documents[rel]
            digest.update(f"{rel}:{doc.id}@{doc.version}\n".encode())
        #: One string that changes whenever any file's id or version changes; stored with every
        #: score, screening and plan so that a result can be traced to the content that produced it.
        self.version = "kb-" + digest.hexdigest()[:12]
        #: What the domain computes from this knowledge base and keeps (``knowledge.memo``).
        self.derived = Derived()

    def collection(self, name: str) -> Any:
        """Return a collection by name. Raises ``KnowledgeError`` if it was not loaded."""
        try:
            return self._by_collection[name]
        except KeyError:
            raise KnowledgeError(name, "", "this collection is not part of the knowledge base") from None

    @property
    def citations(self) -> CitationsFile:
        """citations.yaml."""
        return self.collection("citations")

    @property
    def points(self) -> PointsFile:
        """points.yaml: every acupuncture point, its names, region, depth and safety flags."""
        return self.collection("points")

    @property
    def evidence(self) -> EvidenceFile:
        """evidence.yaml: every quantitative claim of the seeds with its verification status."""
        return self.collection("evidence")

    @property
    def instruments(self) -> dict[str, InstrumentFile]:
        """instruments/*.yaml by instrument id."""
        return self.collection("instruments")

    @property
    def safety(self) -> SafetyFile:
        """safety.yaml: red flags, contraindications, cautions and standing rules."""
        return self.collection("safety")

    @property
    def conditions(self) -> dict[str, ConditionFile]:
        """conditions/*.yaml protocols by condition id."""
        return self.collection("conditions")

    @property
    def coverage(self) -> CoverageFile:
        """coverage.yaml: Medicare NCD 30.3.3, private plans, self-pay cost."""
        return self.collection("coverage")

    @property
    def programme(self) -> ProgrammeFile:
        """programme.yaml: multimodal components, adjunct point sets, needle budget, spacing."""
        return self.collection("programme")

    @property
    def patient_guide(self) -> PatientGuideFile:
        """patient_guide.yaml: the plan explained in plain language (portal, printed plan)."""
        return self.collection("patient_guide")

    def __getattr__(self, name: str) -> Any:
        # Typed properties above cover the common collections; others are reachable by name.
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.__dict__.get("_by_collection", {}):
            return self._by_collection[name]
        raise AttributeError(name)


def _read_collection(data_dir: Path, collection: Collection) -> tuple[dict[str, Document], Any]:
    files = sorted(data_dir.glob(collection.pattern))
    if not files:
        raise KnowledgeError(collection.pattern, "", "no such knowledge file")
    documents: dict[str, Document] = {}
    for path in files:
        relative = path.relative_to(data_dir).as_posix()
        documents[relative] = parse_document(path, collection.model, relative)
    if not collection.many:
        return documents, next(iter(documents.values()))
    by_id: dict[str, Document] = {}
    for relative, doc in documents.items():
        if doc.id in by_id:
            raise KnowledgeError(relative, "id", f"duplicate id {doc.id!r} in {collection.pattern}")
        by_id[doc.id] = doc
    return documents, by_id


def read_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Read and validate every knowledge file under ``data_dir`` (uncached).

    Returns the ``KnowledgeBase``. Raises ``KnowledgeError`` for the first malformed file.
    """
    documents: dict[str, Document] = {}
    by_collection: dict[str, Any] = {}
    for collection in collections():
        docs, value = _read_collection(data_dir, collection)
        documents.update(docs)
        by_collection[collection.name] = value
    return KnowledgeBase(data_dir, documents, by_collection)


@lru_cache(maxsize=4)
def load_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Return the knowledge base under ``data_dir``, read once per process and then cached.

    Raises ``KnowledgeError`` for a malformed file.
    """
    return read_knowledge(data_dir)
