"""Render a plan as text or Markdown that a clinician can follow, findings and overrides first."""

from __future__ import annotations

from acupath.planning.plan import Plan
from acupath.planning.schedule import moved_note


class _Doc:
    """Lines of text or Markdown: headings, bullets and tables in one of the two styles."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.lines: list[str] = []

    def heading(self, text: str, level: int = 2) -> None:
        if self.lines:
            self.lines.append("")
        if self.markdown:
            self.lines.append("#" * level + " " + text)
            self.lines.append("")
        else:
            self.lines.append(text.upper() if level == 2 else text)
            self.lines.append(("=" if level <= 2 else "-") * len(text))

    def bullet(self, text: str, depth: int = 0) -> None:
        self.lines.append("  " * depth + "- " + text)

    def line(self, text: str) -> None:
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        if self.markdown:
            self.lines.append("| " + " | ".join(header) + " |")
            self.lines.append("|" + "---|" * len(header))
            self.lines.extend("| " + " | ".join(row) + " |" for row in rows)
            return
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        self.lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        self.lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _findings(doc: _Doc, plan: Plan) -> None:
    doc.heading("Screening findings")
    if not plan.findings:
        doc.line("No findings.")
    cleared_on = {o.finding: f" on {o.on.isoformat()}" for o in plan.overrides if o.on}
    for f in plan.findings:
        on = cleared_on.get(f.code, "")
        state = f" - OVERRIDDEN by {f.overridden_by}{on}: {f.override_reason}" if f.overridden_by else ""
        doc.bullet(f"[{f.severity}] {f.code} ({f.kind}, {f.action}){state}")
        doc.bullet(f.message, 1)
    doc.heading("Overrides applied")
    if not plan.overrides:
        doc.line("None.")
    for o in plan.overrides:
        on = f" on {o.on.isoformat()}" if o.on else ""
        doc.bullet(f"{o.finding}: overridden by {o.by}{on} - {o.reason}")


def _points(doc: _Doc, plan: Plan) -> None:
    doc.heading(f"Points ({plan.needles_per_session} needles per session)")
    rows = []
    for p in plan.points:
        extra = " +warm needle" if p.warm_needle else ""
        rows.append([p.code, p.side, p.role, str(p.needles), p.technique + extra, p.rationale + _cites(p.evidence_claims)])
    if plan.ashi:
        rows.append(["ashi", ", ".join(plan.ashi.sites) or "pain site", "ashi", str(plan.ashi.needles),
                     plan.ashi.technique, plan.ashi.rationale])
    doc.table(["point", "side", "role", "needles", "technique", "rationale"], rows)
    cautions = [c for p in plan.points for c in p.cautions]
    if cautions:
        doc.heading("Depth and angle cautions", 3)
        for caution in dict.fromkeys(cautions):
            doc.bullet(caution)
    if plan.omitted_points:
        doc.heading("Points left out", 3)
        for o in plan.omitted_points:
            doc.bullet(f"{o.code} ({o.side}): {o.reason}")
    if plan.dropped_points:
        doc.heading("Points dropped for the needle budget", 3)
        for o in plan.dropped_points:
            doc.bullet(f"{o.code} ({o.side}): dropped, {o.reason}")
    if plan.retention:
        doc.heading("Needle retention", 3)
        for r in plan.retention:
            doc.bullet(f"{r.minutes[0]}-{r.minutes[1]} min ({r.source}; {r.status}){_cites((r.evidence_claim,))}")


def _cites(ids: tuple[str, ...] | list[str]) -> str:
    """Return the evidence ids a line rests on, as `` [evidence: a, b]`` (empty when none)."""
    return f" [evidence: {', '.join(ids)}]" if ids else ""


def _evidence(doc: _Doc, plan: Plan) -> None:
    doc.heading("Evidence (evidence.yaml: unverified claims marked, contradicted ones by their correction)")
    for e in plan.evidence:
        source = f" ({e.source})" if e.source else ""
        doc.bullet(f"{e.id} [{e.status}]: {e.text}{source}")


def _modality(doc: _Doc, plan: Plan) -> None:
    doc.heading("Modality")
    if plan.modality is not None:
        heat = f" with {plan.modality.heat}" if plan.modality.heat else ""
        doc.line(f"{plan.modality.primary}{heat}")
        for reason in plan.modality.reasons:
            doc.bullet(reason)
    ea = plan.electroacupuncture
    if ea is not None:
        doc.heading("Electroacupuncture", 3)
        doc.bullet(f"frequency {ea.frequency_hz} Hz, {ea.intensity_ma[0]:g}-{ea.intensity_ma[1]:g} mA to tolerance, "
                   f"{ea.duration_min[0]}-{ea.duration_min[1]} min")
        doc.bullet("electrode pairs: " + ", ".join(f"{a}-{b} ({side})" for a, b, side in ea.pairs))
        doc.bullet(f"indicated by: {ea.indication}")
        if ea.note:
            doc.bullet(ea.note)


def _components(doc: _Doc, plan: Plan) -> None:
    doc.heading("Multimodal components")
    for c in plan.components:
        who = f"; referral: {c.referral}" if c.referral else ""
        review = "; prescriber review flagged (no prescription)" if c.prescriber_review else ""
        doc.bullet(f"{c.title} [{', '.join(c.phases)}] - {c.instructions}")
        doc.bullet(f"trigger: {c.trigger}{who}{review}", 1)


def _schedule(doc: _Doc, plan: Plan) -> None:
    doc.heading("Phases")
    for ph in plan.phases:
        note = f" ({ph.note})" if ph.note else ""
        doc.bullet(f"{ph.id}: weeks {ph.first_week}-{ph.last_week}, {ph.frequency}, "
                   f"{ph.starts.isoformat()} to {ph.ends.isoformat()}, {ph.sessions} sessions{note}")
    doc.heading("Sessions")
    doc.table(
        ["#", "date", "day", "phase", "coverage", "reassess"],
        [[str(s.number), s.date.isoformat(), s.date.strftime("%a"), s.phase, s.coverage,
          (", ".join(s.reassess) + (f" ({s.checkpoint})" if s.checkpoint else "")) if s.reassess else ""]
         for s in plan.sessions],
    )
    moved = [note for note in map(moved_note, plan.sessions) if note]
    if moved:
        doc.heading("Moved for closures", 3)
        for note in moved:
            doc.bullet(note)
    doc.heading("Checkpoints")
    for c in plan.checkpoints:
        when = c.date.isoformat() if c.date else "not scheduled"
        doc.bullet(f"session {c.session} ({when}) {c.id}: expect {c.expect} If not: {c.if_not}"
                   + _cites(c.evidence_claims))


def _coverage(doc: _Doc, plan: Plan) -> None:
    cov = plan.coverage
    if cov is None:
        return
    doc.heading("Coverage")
    counts: dict[str, int] = {}
    for session in plan.sessions:
        counts[session.coverage] = counts.get(session.coverage, 0) + 1
    tally = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items()) or "no sessions"
    if cov.payer == "medicare":
        tally = ("eligible under NCD 30.3.3; " if cov.eligible else "not eligible under NCD 30.3.3; ") + tally
    doc.line(f"payer {cov.payer}: {tally}")
    low, high = cov.self_pay_total
    if high == 0:
        unpaid = "no planned session is self-pay"
    elif cov.payer == "private":
        unpaid = f"{low:g}-{high:g} for all planned sessions if the plan pays for none"
    elif cov.payer == "self_pay":
        unpaid = f"{low:g}-{high:g} for all planned sessions"
    else:
        unpaid = f"{low:g}-{high:g} for the planned sessions not covered"
    doc.line(f"self-pay {cov.currency} {cov.self_pay_per_session[0]:g}-{cov.self_pay_per_session[1]:g} per session; "
             + unpaid)
    for warning in cov.warnings:
        doc.bullet(warning)


def render_plan(plan: Plan, markdown: bool = False) -> str:
    """Return the plan as text (``markdown=False``) or Markdown: findings and overrides first."""
    doc = _Doc(markdown)
    title = f"Plan for {plan.patient_id}: {plan.condition}" + (f" ({plan.pattern})" if plan.pattern else "")
    doc.heading(title, 1)
    doc.line(f"status: {plan.status}; payer: {plan.payer}; knowledge: {plan.knowledge_version}")
    if plan.is_referral:
        doc.heading("REFER - no acupuncture plan")
        doc.line(f"Screening status {plan.status}. Refer before any treatment:")
        for part in plan.referral:
            doc.bullet(part)
        doc.line("A plan is built once the finding is cleared and overridden with a written reason.")
    _findings(doc, plan)
    if plan.is_referral:
        return doc.text()
    if plan.warnings:
        doc.heading("Warnings")
        for warning in plan.warnings:
            doc.bullet(warning)
    _points(doc, plan)
    _modality(doc, plan)
    _components(doc, plan)
    _schedule(doc, plan)
    _coverage(doc, plan)
    if plan.guidelines:
        doc.heading("Guideline positions (sources disagree where shown)")
        for g in plan.guidelines:
            doc.bullet(f"{g['guideline']}: {g['position']} - {g['summary']}" + _cites(g.get("evidence_claims", ())))
    if plan.evidence:
        _evidence(doc, plan)
    return doc.text()
