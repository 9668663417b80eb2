"""The run summary as one page (`contracts.reports.document`), written as `summary.md` and `summary.html`,
plus one `failures/NNN-*.txt` per failure."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from contracts.oracle.enums import field_enum
from contracts.oracle.evidence import JUDGEMENTS, judgement
from contracts.reports.document import Block, Code, Page, Paragraph, Section, Table, to_html, to_markdown
from contracts.reports.fact_coverage import EXERCISED, NOT_OBSERVABLE
from contracts.reports.summary import FailureEntry, RunSummary

ENUM_FORMS = ("int", "name", "xml")
FAILURES_DIR = "failures"
NO_REQUEST = "# no request was recorded for this failure"


def _outcome_text(outcomes: Counter[str]) -> str:
    return ", ".join(f"{outcome} x{count}" for outcome, count in sorted(outcomes.items())) or "-"


def _enum_name(enum_name: str, value: int) -> str:
    return field_enum(enum_name).names_by_value.get(value, "(not a member)")


def _checks_section(summary: RunSummary) -> Section:
    items = sorted(summary.checks.items())
    table = Table(
        ("operation", "media type", "run", "passed", "failed"),
        [(op, media, t.run, t.passed, t.failed) for (op, media), t in items],
        ["bad" if t.failed else "" for _, t in items],
    )
    return Section("Checks per operation and media type", [table])


def _cases_section(summary: RunSummary) -> list[Section]:
    """Generated cases on a tenant: how many went out as generated, rewritten, or were held back, and why."""
    if not summary.cases:
        return []
    totals: Counter[str] = Counter()
    for (_, outcome, _), count in summary.cases.items():
        totals[outcome] += count
    items = sorted(summary.cases.items())
    table = Table(
        ("operation", "outcome", "reason", "cases"),
        [(op, outcome, reason or "-", count) for (op, outcome, reason), count in items],
        ["note" if outcome == "not sent" else "" for (_, outcome, _), _ in items],
    )
    overview = ", ".join(f"{outcome} {count}" for outcome, count in sorted(totals.items()))
    return [Section("Generated cases on the target", [Paragraph(overview), table])]


def _deviation_sections(summary: RunSummary) -> list[Section]:
    """Findings above the run's strictness: to look at, not failures. With the evidence of each judgement."""
    if not summary.deviations:
        note = f"None above `{summary.meta.strictness}`." if summary.meta.strictness != "emulator" else "None."
        return [Section("Deviations", [Paragraph(note)])]
    rows, marks = [], []
    for entry in summary.deviations:
        found = judgement(entry.judgement)
        rows.append(
            (
                entry.judgement,
                found.level.label,
                entry.operation or "-",
                entry.media_type or "-",
                entry.count,
                entry.detail[:300] or "-",
            )
        )
        marks.append("note")
    intro = Paragraph(
        f"Judgements above this run's strictness (`{summary.meta.strictness}`) that the target does not meet. "
        "They do not fail the run; each rests on less than Norce's documentation (see the evidence below)."
    )
    table = Table(("judgement", "level", "operation", "media type", "times", "first seen"), rows, marks)
    return [Section(f"Deviations ({sum(e.count for e in summary.deviations)})", [intro, table])]


def _evidence_section(summary: RunSummary) -> Section:
    """The evidence behind every judgement this run found broken (failures and deviations)."""
    used = {entry.judgement for entry in summary.deviations}
    used |= {f.rule_id for f in summary.failures if f.rule_id and f.rule_id in JUDGEMENTS}
    used |= {f.check for f in summary.failures if f.check in JUDGEMENTS}
    if not used:
        return Section("Evidence", [Paragraph("Every judgement held. The full table is `docs/evidence.md`.")])
    rows = [(j.id, j.level.label, j.judges, j.basis) for j in (judgement(i) for i in sorted(used))]
    table = Table(("judgement", "level", "demands", "rests on"), rows)
    return Section("Evidence", [Paragraph("Full table: `docs/evidence.md`."), table])


def _fact_sections(summary: RunSummary) -> list[Section]:
    """How many catalogued facts the run exercised, and every fact it left out with the reason."""
    statuses = summary.facts
    if not statuses:
        return []
    outcomes = Counter(status.outcome for status in statuses)
    observable = len(statuses) - outcomes[NOT_OBSERVABLE]
    overview = (
        f"{len(statuses)} facts in `openapi/facts.yaml`, {observable} observable: **{outcomes[EXERCISED]} "
        f"exercised**, {observable - outcomes[EXERCISED]} left out; {outcomes[NOT_OBSERVABLE]} not observable."
    )
    counts = Table(
        ("outcome", "facts"),
        [(outcome, count) for outcome, count in sorted(outcomes.items(), key=lambda item: -item[1])],
    )
    left_out = [s for s in statuses if not s.exercised]
    rows = [(s.fact.id, s.outcome, s.reason or "-", s.fact.text) for s in left_out]
    marks = ["" if s.outcome == NOT_OBSERVABLE else "missing" for s in left_out]
    blocks: list[Block] = [Paragraph(overview), counts]
    if left_out:
        blocks += [Paragraph("Left out, with the reason:"), Table(("fact", "outcome", "reason", "says"), rows, marks)]
    return [Section(f"Fact coverage ({outcomes[EXERCISED]}/{observable} observable facts exercised)", blocks)]


def _waiver_section(summary: RunSummary) -> list[Section]:
    if not summary.waivers:
        return []
    rows = [(waiver, operation, count) for (waiver, operation), count in sorted(summary.waivers.items())]
    return [Section("Waivers applied", [Table(("waiver", "operation", "times"), rows)])]


def _header_rules_section(summary: RunSummary) -> Section:
    rules = list(summary.header_rules.items())
    exercised = sum(1 for _, outcomes in rules if outcomes)
    table = Table(
        ("rule", "exercised", "outcome"),
        [(rule, "yes" if outcomes else "no", _outcome_text(outcomes)) for rule, outcomes in rules],
        ["bad" if outcomes.get("fail") else ("" if outcomes else "missing") for _, outcomes in rules],
    )
    return Section(f"Header rules ({exercised}/{len(rules)} exercised)", [table])


def _enum_sections(summary: RunSummary) -> list[Section]:
    sections = []
    for enum_name, values in summary.enum_forms.items():
        items = sorted(values.items())
        seen = sum(1 for _, forms in items if forms)
        table = Table(
            ("value", "name", *ENUM_FORMS),
            [
                (value, _enum_name(enum_name, value), *("yes" if f in forms else "" for f in ENUM_FORMS))
                for value, forms in items
            ],
            ["" if forms else "missing" for _, forms in items],
        )
        sections.append(Section(f"{enum_name} values ({seen}/{len(items)} seen)", [table]))
    return sections


def failure_title(number: int, failure: FailureEntry) -> str:
    """`3. IMP-READ-BACK — ImportCustomers [xml] — test_everything_imported_reads_back[...]`."""
    return f"{number}. {failure.judgement} — {failure.operation} [{failure.media_type}] — {failure.test_name}"


def _failure_sections(summary: RunSummary) -> list[Section]:
    """Failures first on the page: each names its judgement, operation, media type and test, links to its
    file (the whole message, the chain, the curl of the breaking request) and shows what to run."""
    if not summary.failures:
        return [Section("Failures", [Paragraph("None.")])]
    sections = [Section(f"Failures ({len(summary.failures)})", [])]
    names = failure_file_names(summary.failures)
    for number, (failure, name) in enumerate(zip(summary.failures, names, strict=True), start=1):
        evidence = judgement(failure.judgement) if failure.judgement in JUDGEMENTS else None
        level = f" ({evidence.level.label}: {evidence.judges})" if evidence else ""
        blocks: list[Block] = [
            Paragraph(
                f"judgement `{failure.judgement}`{level}; check `{failure.check}`; test `{failure.test_id}`; "
                f"seen {failure.occurrences} time(s); the whole message, the requests and the curl:",
                href=f"{FAILURES_DIR}/{name}.txt",
            ),
            Code(_first_lines(failure.message) or "(no message)"),
            Paragraph("Reproduce the request that broke the contract:"),
            Code(failure.curl or NO_REQUEST, "sh"),
            Paragraph("Replay the test:"),
            Code(failure.replay, "sh"),
        ]
        sections.append(Section(failure_title(number, failure), blocks, level=3))
    return sections


def _first_lines(message: str, lines: int = 12) -> str:
    """The start of a long message on the page; the failure file holds all of it."""
    kept = message.strip().splitlines()
    if len(kept) <= lines:
        return "\n".join(kept)
    return "\n".join([*kept[:lines], f"… ({len(kept) - lines} more lines in the failure file)"])


def summary_page(summary: RunSummary) -> Page:
    meta, totals = summary.meta, summary.totals
    facts = [
        f"seed: `{meta.seed if meta.seed is not None else 'unknown'}`",
        f"target: `{meta.target}`",
        f"duration: {meta.duration:.1f} s",
        f"tests: {meta.tests_passed} passed, {meta.tests_failed} failed",
        f"checks: {totals.run} run, {totals.passed} passed, {totals.failed} failed",
        f"failures: {len(summary.failures)}",
        f"strictness: `{meta.strictness}` (deviations above it: {sum(d.count for d in summary.deviations)})",
    ]
    if summary.traffic:
        traffic = summary.traffic
        facts.append(
            f"requests: {traffic['requests']} (retried: gateway 502/503/504 {traffic['gateway_retries']}, "
            f"429 {traffic['throttled']}, network {traffic['network_retries']}; token refreshes "
            f"{traffic['auth_refreshes']})"
        )
    if summary.facts:
        observable = [s for s in summary.facts if s.outcome != NOT_OBSERVABLE]
        exercised = sum(s.exercised for s in observable)
        facts.append(f"facts: {exercised}/{len(observable)} observable facts exercised")
    sections = [
        *_failure_sections(summary),  # first: what a person paged for a red run needs
        *_deviation_sections(summary),
        *_fact_sections(summary),
        _checks_section(summary),
        *_cases_section(summary),
        _header_rules_section(summary),
        *_enum_sections(summary),
    ]
    tail = [*_waiver_section(summary), _evidence_section(summary)]
    return Page("Norce contract run", facts, [*sections, *tail])


def render_markdown(summary: RunSummary) -> str:
    return to_markdown(summary_page(summary))


def render_html(summary: RunSummary) -> str:
    return to_html(summary_page(summary))


def failure_text(failure: FailureEntry) -> str:
    lines = [
        f"judgement: {failure.judgement}",
        f"operation: {failure.operation}",
        f"media type: {failure.media_type}",
        f"test: {failure.test_id}",
        f"check: {failure.check}",
        f"seen: {failure.occurrences} time(s)",
        "",
        "message:",
        failure.message.strip() or "(no message)",
        "",
        "reproduce the request that broke the contract:",
        failure.curl or NO_REQUEST,
        "",
    ]
    if failure.chain:
        lines += ["the requests of the test, in order, up to the failure:", failure.chain, ""]
    if failure.script:
        lines += ["replay the whole chain: sh <this file's name with .sh>", ""]
    lines += ["replay the test:", failure.replay, ""]
    return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "x"


def failure_file_names(failures: list[FailureEntry]) -> list[str]:
    """`001-IMP-READ-BACK-ImportCustomers`: number, judgement, operation (no extension)."""
    return [
        f"{number:03d}-{_slug(failure.judgement)}-{_slug(failure.operation)}"
        for number, failure in enumerate(failures, start=1)
    ]


def write_reports(summary: RunSummary, report_dir: Path) -> list[Path]:
    """Write summary.md, summary.html and failures/NNN-<judgement>-<operation>.txt (and .sh, a script that
    replays a failure's chain); old failure files are removed first."""
    report_dir.mkdir(parents=True, exist_ok=True)
    page = summary_page(summary)
    written = [report_dir / "summary.md", report_dir / "summary.html"]
    written[0].write_text(to_markdown(page), encoding="utf-8")
    written[1].write_text(to_html(page), encoding="utf-8")
    failures_dir = report_dir / FAILURES_DIR
    if failures_dir.is_dir():
        for old in [*failures_dir.glob("*.txt"), *failures_dir.glob("*.sh")]:
            old.unlink()
    for failure, name in zip(summary.failures, failure_file_names(summary.failures), strict=True):
        failures_dir.mkdir(exist_ok=True)
        path = failures_dir / f"{name}.txt"
        path.write_text(failure_text(failure), encoding="utf-8")
        written.append(path)
        if failure.script:
            script = failures_dir / f"{name}.sh"
            script.write_text(failure.script + "\n", encoding="utf-8")
            written.append(script)
    return written
