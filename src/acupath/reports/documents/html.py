"""The documents' HTML: one Jinja2 template per kind over ``base.html``, written in the clinic's locale.

``document_html(data, kb)`` returns the HTML that ``pdf.write_pdf`` lays out. Templates get the
``DocumentData`` (``header``, ``body``), what each kind draws (the body chart, the progress charts as
inline SVG from ``reports.body_chart`` and ``reports.progress_chart``), and the filters ``day``,
``when`` and ``number`` of ``reports.locale_formats`` in the clinic's locale, plus ``words``
(``chronic_low_back_pain`` -> ``chronic low back pain``), ``instrument`` (an instrument's name) and
``for_patient`` (what a safety finding means, in the patient's words).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from acupath.planning.plain_language import finding_for_patient
from acupath.reports.body_chart import body_chart_svg, excluded_regions
from acupath.reports.locale_formats import format_day, format_number, format_when
from acupath.reports.progress_chart import Formats, progress_charts
from acupath.reports.wording import words
from acupath.services.documents.records import DocumentData

#: Document titles, by kind.
TITLES = {
    "plan": "Your treatment plan",
    "progress": "Progress report",
    "ncd": "Medicare NCD 30.3.3: documentation of improvement",
    "referral": "Referral letter",
    "superbill": "Superbill: session summary",
    "record": "Health record",
}


@pass_context
def _day(context: Context, value: Any) -> str:
    return format_day(value, context["locale"])


@pass_context
def _when(context: Context, value: Any) -> str:
    return format_when(value, context["locale"])


@pass_context
def _number(context: Context, value: Any, digits: int | None = None) -> str:
    return format_number(value, context["locale"], digits)


@pass_context
def _instrument(context: Context, key: str) -> str:
    doc = context["kb"].instruments.get(key)
    return doc.name if doc is not None else words(str(key))  # a diary's count: "Headache days"


def _words(value: Any, capital: bool = False) -> str:
    # A code in words, abbreviations kept as the pages write them ("EA implanted device"): within a
    # sentence by default, ``words(true)`` for a label that starts with a capital.
    return words(str(value), capital=capital)


@pass_context
def _for_patient(context: Context, code: Any, action: Any = None) -> str:
    return finding_for_patient(str(code), None if action is None else str(action), context["kb"])


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("acupath.reports.documents", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(day=_day, when=_when, number=_number, words=_words, instrument=_instrument,
                       for_patient=_for_patient)
    return env


def _context(data: DocumentData, kb: Any) -> dict[str, Any]:
    locale = data.header.clinic.locale
    context: dict[str, Any] = {"data": data, "header": data.header, "body": data.body, "title": TITLES[data.kind],
                               "kb": kb, "locale": locale}
    if data.kind == "plan":
        plan = data.body.plan
        regions = excluded_regions(data.body.screening_findings)
        context["chart"] = body_chart_svg(plan, kb, excluded_regions=regions, id_prefix="doc-body") if plan.points else ""
    if data.kind == "progress":
        formats = Formats(number=lambda value: format_number(value, locale), day=lambda day: format_day(day, locale))
        context["charts"] = progress_charts(data.body.trends, kb, id_prefix="doc-trend", formats=formats)
    return context


def document_html(data: DocumentData, kb: Any) -> str:
    """Return the HTML of the document ``data`` (its ``kind``'s template), dates and numbers in the clinic's locale.

    Raises ``jinja2.UndefinedError`` if a template names something the data lacks (a bug, never input).
    """
    return _environment().get_template(f"{data.kind}.html").render(**_context(data, kb))
