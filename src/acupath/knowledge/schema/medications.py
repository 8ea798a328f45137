"""The drug classes a medication list may name: one vocabulary for intakes, records and safety rules.

Like ``regions``, the vocabulary lives beside the schemas so that safety.yaml (``medication_class_in``)
and programme.yaml (a component's ``medication_classes`` trigger) are checked against the same words
the intake accepts. ``other`` is for anything not listed, so that no medication has to be left out.
"""

from __future__ import annotations

from typing import Literal, get_args

DrugClass = Literal[
    "anticoagulant",
    "antiplatelet",
    "opioid",
    "nsaid",
    "paracetamol",
    "gabapentinoid",
    "snri",
    "tricyclic",
    "other_antidepressant",
    "muscle_relaxant",
    "corticosteroid",
    "triptan",
    "benzodiazepine",
    "other",
]

DRUG_CLASSES: tuple[str, ...] = get_args(DrugClass)
