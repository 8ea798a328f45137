"""patient_guide.yaml: what the plan means, in plain language, for the patient's portal and printed plan.

Every text is written for the patient (no point codes, no jargon) and cites where it comes from. It
holds no numbers of its own: dates, session counts, frequencies and electroacupuncture durations come
from the stored plan, and component instructions from programme.yaml through the plan. Keys:

- ``conditions``: the plain name of each condition (``chronic_low_back_pain``: "long-lasting low back
  pain").
- ``phases``: for relief, activation and consolidation, what the phase is for and what to expect.
- ``acupuncture``: what a session is like (``during``), how needling feels (``feels``), what may follow
  (``after``), when improvement comes (``response``).
- ``electroacupuncture``: what it is, how it feels, the alternating rhythm of dense-disperse
  stimulation, muscle twitching, and who must tell the clinic first.
- ``reassessments``, ``checkpoints``: why questionnaires come back, and what a checkpoint session is.
- ``safety``: how the plan's safety findings are introduced (``intro``) and an overridden one
  (``overridden``, before its rule's sentence), and what a finding means by
  its action (``by_action``) when safety.yaml no longer holds its rule (each rule there has its own
  ``for_patient`` sentence).
- ``handouts``: for every multimodal component of programme.yaml (by its id), why it is in the plan
  and what to do; ``acupath knowledge check`` refuses a component without one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.safety import ActionName

PhaseId = Literal["relief", "activation", "consolidation"]


class Text(Strict):
    """A paragraph for the patient and its sources."""

    text: str = Field(min_length=1)
    citations: tuple[str, ...] = Field(min_length=1)


class PhaseGuide(Strict):
    """What a phase of care is for (``purpose``) and what the patient can expect in it (``expect``)."""

    id: PhaseId
    title: str
    purpose: str
    expect: str
    citations: tuple[str, ...] = Field(min_length=1)


class Acupuncture(Strict):
    """What a session of acupuncture is like, for everyone."""

    during: Text
    feels: Text
    after: Text
    response: Text


class Electroacupuncture(Strict):
    """What electroacupuncture is and feels like; ``rhythm`` applies to dense-disperse (2/100 Hz) only."""

    what: Text
    feels: Text
    rhythm: Text
    twitching: Text
    tell_us: Text


class SafetyGuide(Strict):
    """The plan's safety findings for the patient: the lead-in, and each action's meaning for a finding
    whose rule safety.yaml no longer holds."""

    intro: Text
    #: The lead-in of a finding the clinician overrode (its rule's sentence follows, quoted).
    overridden: str = Field(min_length=10)
    by_action: dict[ActionName, str]

    @model_validator(mode="after")
    def _every_action(self) -> SafetyGuide:
        missing = {"urgent_referral", "referral", "exclude", "caution"} - set(self.by_action)
        if missing:
            raise ValueError(f"by_action must say what every action means; missing {sorted(missing)}")
        return self


class Handout(Strict):
    """A component of the plan explained: why it is there and what the patient does."""

    component: str
    title: str
    why: str
    what_to_do: str
    citations: tuple[str, ...] = Field(min_length=1)


class PatientGuideFile(Document):
    """The plain-language texts (see the module docstring)."""

    conditions: dict[str, str]
    phases: tuple[PhaseGuide, ...] = Field(min_length=3, max_length=3)
    acupuncture: Acupuncture
    electroacupuncture: Electroacupuncture
    reassessments: Text
    checkpoints: Text
    safety: SafetyGuide
    handouts: tuple[Handout, ...]

    @model_validator(mode="after")
    def _one_of_each(self) -> PatientGuideFile:
        ids = [phase.id for phase in self.phases]
        if sorted(ids) != sorted(("relief", "activation", "consolidation")):
            raise ValueError(f"phases must be relief, activation and consolidation once each, got {ids}")
        components = [h.component for h in self.handouts]
        if len(set(components)) != len(components):
            raise ValueError("a component has two handouts")
        return self

    def phase(self, phase_id: str) -> PhaseGuide:
        """Return the guide of the phase ``phase_id``. Raises ``KeyError`` for an unknown phase."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def handout(self, component: str) -> Handout | None:
        """Return the handout of the component ``component``, or None."""
        return next((h for h in self.handouts if h.component == component), None)

    def cited_keys(self) -> set[str]:
        keys = set(self.citations)
        texts = [self.reassessments, self.checkpoints, self.safety.intro, *(getattr(self.acupuncture, n) for n in
                                                         ("during", "feels", "after", "response")),
                 *(getattr(self.electroacupuncture, n) for n in ("what", "feels", "rhythm", "twitching", "tell_us"))]
        for text in texts:
            keys.update(text.citations)
        for item in (*self.phases, *self.handouts):
            keys.update(item.citations)
        return keys
