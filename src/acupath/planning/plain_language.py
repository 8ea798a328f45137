"""The plan explained to the patient: phases, dates, what to expect, electroacupuncture, handouts.

``explain_plan`` turns a stored plan (``Plan.to_dict()``) into a ``PlainPlan`` that the patient portal
shows and the printed plan (``reports``) prints: ONE generator for both, so the page and the paper
never differ. Every sentence comes from ``knowledge/data/patient_guide.yaml`` (cited), from a safety
rule's ``for_patient`` in ``safety.yaml`` (cited with the rule's sources), or from the plan itself (dates, counts, frequencies, the electroacupuncture duration, the components' instructions);
nothing here states a clinical fact of its own. A pure function: today and the knowledge base come in
as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acupath.knowledge import KnowledgeBase

#: How a phase's frequency reads ("2/week" in the plan).
_PER_WEEK = {1: "once a week", 2: "twice a week", 3: "three times a week"}


@dataclass(frozen=True)
class PlainPhase:
    """One phase of care: title, what it is for, what to expect, the dates of its first and last
    sessions (None when it has none, as after a pregnancy's limit), how often, how many sessions, the
    titles of the components that run in it."""

    id: str
    title: str
    purpose: str
    expect: str
    starts: date | None
    ends: date | None
    frequency: str
    sessions: int
    components: tuple[str, ...]


@dataclass(frozen=True)
class PlainSession:
    """A dated session: its number and phase title, the questionnaires asked then (their names), and
    whether it is a checkpoint."""

    number: int
    day: date
    phase: str
    questionnaires: tuple[str, ...] = ()
    checkpoint: bool = False


@dataclass(frozen=True)
class PlainHandout:
    """A component of the plan explained: title, why, what to do, the plan's own instructions, and who
    else takes part (``referral``, None when no one).

    ``instructions`` are the clinician's words (programme.yaml): the patient reads them only when no
    handout explains the component (a plan of an older knowledge base). ``at_home`` is the home practice
    in the patient's words (the component's homework), None when it has none.
    """

    component: str
    title: str
    why: str
    what_to_do: str
    instructions: str
    referral: str | None
    at_home: str | None = None


@dataclass(frozen=True)
class PlainElectroacupuncture:
    """What electroacupuncture is and feels like, as paragraphs, with the plan's duration in minutes."""

    paragraphs: tuple[str, ...]
    minutes: tuple[int, int] | None


@dataclass(frozen=True)
class PlainSafety:
    """A safety finding of the plan in the patient's words; ``reason`` and ``decided_on`` when the
    clinician went ahead despite it (an override), None for a finding in force."""

    text: str
    reason: str | None = None
    decided_on: date | None = None
    #: Who decided (a user id, or a name as typed): the page and the document name the person.
    by: str | None = None


@dataclass(frozen=True)
class PlainPlan:
    """The whole plan in plain language (see ``explain_plan``).

    ``upcoming`` are the dated sessions after ``today``; ``sessions_total`` counts every planned one.
    ``citations`` are the keys of every source the texts restate, for a printed plan's source list.
    """

    condition: str
    starts: date | None
    ends: date | None
    phases: tuple[PlainPhase, ...]
    upcoming: tuple[PlainSession, ...]
    sessions_total: int
    acupuncture: tuple[str, ...]
    electroacupuncture: PlainElectroacupuncture | None
    reassessments: str
    checkpoints: str
    handouts: tuple[PlainHandout, ...]
    citations: tuple[str, ...] = field(default=())
    #: The findings in force, then the overrides, each in the patient's words (empty: none).
    safety: tuple[PlainSafety, ...] = ()
    #: How ``safety`` is introduced to the patient.
    safety_intro: str = ""

    @property
    def next_session(self) -> PlainSession | None:
        """The first upcoming session, or None when none is left."""
        return self.upcoming[0] if self.upcoming else None


def frequency_in_words(frequency: str) -> str:
    """Return a phase's frequency as the patient reads it: ``2/week`` -> ``twice a week``; others as given."""
    count, slash, unit = frequency.partition("/")
    if slash and unit == "week" and count.isdigit() and int(count) in _PER_WEEK:
        return _PER_WEEK[int(count)]
    return frequency


def _instrument_name(kb: KnowledgeBase, instrument: str) -> str:
    found = kb.instruments.get(instrument)
    return getattr(found, "name", None) or instrument


def explain_plan(plan: dict[str, Any], kb: KnowledgeBase, today: date) -> PlainPlan:
    """Return ``plan`` (a stored ``Plan.to_dict()``) explained in plain language as of ``today``.

    Raises ``KeyError`` for a plan without its ``condition``, ``phases`` or ``sessions`` (a referral
    holds no plan to explain: callers show the referral instead).
    """
    guide = kb.patient_guide
    cited: set[str] = set()
    components = list(plan.get("components") or ())
    phase_titles = {phase.id: phase.title for phase in guide.phases}
    phases = []
    for phase in plan["phases"]:
        text = guide.phase(phase["id"])
        cited.update(text.citations)
        # The patient reads the dates of the phase's sessions, not its window in weeks: a monthly phase's
        # window runs on after its last session, and a phase a pregnancy's limit emptied has none.
        days = [date.fromisoformat(s["date"]) for s in plan["sessions"] if s["phase"] == phase["id"]]
        phases.append(PlainPhase(
            id=phase["id"], title=text.title, purpose=text.purpose, expect=text.expect,
            starts=min(days, default=None), ends=max(days, default=None),
            frequency=frequency_in_words(phase["frequency"]), sessions=int(phase["sessions"]),
            # Each part by its handout's title ("Your medicines"), as the handouts name it, not the
            # clinician's ("Pharmacology review with the prescriber").
            components=tuple(_title(guide, c) for c in components if phase["id"] in c.get("phases", ()))))
    sessions = [PlainSession(number=s["number"], day=date.fromisoformat(s["date"]),
                             phase=phase_titles.get(s["phase"], s["phase"]),
                             questionnaires=tuple(_instrument_name(kb, i) for i in s.get("reassess") or ()),
                             checkpoint=bool(s.get("checkpoint")))
                for s in plan["sessions"]]
    acupuncture = guide.acupuncture
    paragraphs = [acupuncture.during, acupuncture.feels, acupuncture.after, acupuncture.response]
    cited.update(key for p in paragraphs for key in p.citations)
    for text in (guide.reassessments, guide.checkpoints):
        cited.update(text.citations)
    handouts = []
    for component in components:
        handout = guide.handout(component["id"])
        if handout is None:  # knowledge check refuses this; a plan of an older knowledge base may still hold one
            handouts.append(PlainHandout(component=component["id"], title=component["title"], why="",
                                         what_to_do="", instructions=component["instructions"],
                                         referral=component.get("referral")))
            continue
        cited.update(handout.citations)
        homework = next((c.homework for c in kb.programme.components if c.id == component["id"]), None)
        if homework is not None:
            cited.update(homework.citations)
        handouts.append(PlainHandout(component=component["id"], title=handout.title, why=handout.why,
                                     what_to_do=handout.what_to_do, instructions=component["instructions"],
                                     referral=component.get("referral"),
                                     at_home=homework.task if homework is not None else None))
    days = [s.day for s in sessions]
    return PlainPlan(
        condition=guide.conditions.get(plan["condition"], plan["condition"].replace("_", " ")),
        starts=min(days, default=None), ends=max(days, default=None), phases=tuple(phases),
        upcoming=tuple(s for s in sessions if s.day > today), sessions_total=len(sessions),
        acupuncture=tuple(p.text for p in paragraphs),
        electroacupuncture=_electroacupuncture(plan, kb, cited),
        reassessments=guide.reassessments.text, checkpoints=guide.checkpoints.text,
        handouts=tuple(handouts), safety=_safety(plan, kb, cited), safety_intro=guide.safety.intro.text,
        citations=tuple(sorted(cited)))


def finding_for_patient(code: str, action: str | None, kb: KnowledgeBase) -> str:
    """Return what the finding ``code`` means, in the patient's words: its rule's ``for_patient`` (found by
    its code or a former one), else what its ``action`` means (patient_guide.yaml). Never raises."""
    rule = kb.safety.rule_answering(code)
    if rule is not None:
        return rule.for_patient
    meanings: dict[str, str] = dict(kb.patient_guide.safety.by_action)
    return meanings.get(action or "", "Your clinician will explain what it means for your plan.")


def _where(text: str, finding: dict[str, Any], kb: KnowledgeBase) -> str:
    """Return ``text`` with the places the patient named at intake ("(left knee)"), for a rule about the
    places the intake gives (a skin lesion, an implant, a tumour, numb skin); else ``text`` as it is."""
    rule = kb.safety.rule_answering(finding["code"])
    places = finding.get("regions") or ()
    if rule is None or not places or not (rule.affects.regions_from or rule.affects.heat_regions_from):
        return text
    named = ", ".join(place.replace("_", " ") for place in places)
    return f"{text[:-1]} ({named})." if text.endswith(".") else f"{text} ({named})"


def _safety(plan: dict[str, Any], kb: KnowledgeBase, cited: set[str]) -> tuple[PlainSafety, ...]:
    """Return the plan's findings in force, then its overrides, in the patient's words."""
    said: list[PlainSafety] = []
    for finding in plan.get("findings") or ():
        if not finding.get("overridden_by"):
            text = finding_for_patient(finding["code"], finding.get("action"), kb)
            said.append(PlainSafety(text=_where(text, finding, kb)))
    for override in plan.get("overrides") or ():
        on = override.get("on")
        # What would have applied, quoted: said plainly, it would contradict the clinician's decision.
        text = f"{kb.patient_guide.safety.overridden} “{finding_for_patient(override['finding'], None, kb)}”"
        said.append(PlainSafety(text=text, reason=override["reason"], decided_on=date.fromisoformat(on) if on else None,
                                by=override.get("by")))
    for code in [f["code"] for f in plan.get("findings") or ()] + [o["finding"] for o in plan.get("overrides") or ()]:
        rule = kb.safety.rule_answering(code)
        cited.update(rule.citations if rule is not None else ())
    if said:
        cited.update(kb.patient_guide.safety.intro.citations)
    return tuple(said)


def _title(guide: Any, component: dict[str, Any]) -> str:
    """Return what the patient's handout calls ``component`` (its own title when it has no handout)."""
    handout = guide.handout(component["id"])
    return handout.title if handout is not None else str(component["title"])


def _electroacupuncture(plan: dict[str, Any], kb: KnowledgeBase, cited: set[str]) -> PlainElectroacupuncture | None:
    """Return the electroacupuncture paragraphs when the plan uses it (its ``electroacupuncture`` is set)."""
    settings = plan.get("electroacupuncture")
    if not settings:
        return None
    ea = kb.patient_guide.electroacupuncture
    parts = [ea.what, ea.feels]
    if "/" in str(settings.get("frequency_hz", "")):  # dense-disperse: two alternating frequencies
        parts.append(ea.rhythm)
    parts += [ea.twitching, ea.tell_us]
    cited.update(key for p in parts for key in p.citations)
    duration = settings.get("duration_min")
    minutes = (int(duration[0]), int(duration[1])) if duration and len(duration) == 2 else None
    return PlainElectroacupuncture(paragraphs=tuple(p.text for p in parts), minutes=minutes)
