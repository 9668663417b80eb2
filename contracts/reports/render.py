"""Turn a run's events into `summary.md`, `summary.html` (self-contained, no JS) and `failures/*.txt`.

Pure functions over `contracts.reports.events` values: no pytest, no network, so they are tested directly.
"""

from __future__ import annotations

import html
import re
import shlex
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contracts.oracle.enums import FIELD_ENUM_NAMES, field_enum, header_rules
from contracts.reports.events import (
    CheckEvent,
    EnumValueEvent,
    Event,
    FailedTestEvent,
    HeaderRuleEvent,
    TallyEvent,
)

ENUM_FORMS = ("int", "name", "xml")
FAILURES_DIR = "failures"
# Characters pytest's -k grammar accepts inside one identifier (_pytest/mark/expression.py).
_K_IDENT = re.compile(r"[\w:+\-.\[\]\\/]+")
_K_RESERVED = frozenset({"and", "or", "not"})


@dataclass(frozen=True)
class RunMeta:
    seed: int | None
    target: str  # already redacted
    duration: float
    tests_passed: int = 0
    tests_failed: int = 0


@dataclass
class CheckTally:
    run: int = 0
    passed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class FailureEntry:
    operation: str
    media_type: str
    check: str
    rule_id: str | None
    message: str
    curl: str
    replay: str
    test_id: str
    occurrences: int = 1


@dataclass
class RunSummary:
    meta: RunMeta
    checks: dict[tuple[str, str], CheckTally] = field(default_factory=dict)
    header_rules: dict[str, Counter[str]] = field(default_factory=dict)
    enum_forms: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    failures: list[FailureEntry] = field(default_factory=list)

    @property
    def totals(self) -> CheckTally:
        total = CheckTally()
        for tally in self.checks.values():
            total.run += tally.run
            total.passed += tally.passed
            total.failed += tally.failed
        return total


def k_expression(test_name: str) -> str:
    """A pytest -k expression selecting `test_name` (parametrized ids may hold spaces or other characters
    -k cannot spell; then every spellable fragment must match, joined with `and`)."""
    fragments = [f for f in _K_IDENT.findall(test_name) if f.lower() not in _K_RESERVED]
    return " and ".join(fragments) or test_name


def replay_command(meta: RunMeta, test_name: str) -> str:
    parts = ["norce-contracts", "run"]
    if meta.target and meta.target != "emulator":
        parts += ["--target", meta.target]
    if meta.seed is not None:
        parts += ["--seed", str(meta.seed)]
    parts += ["-k", k_expression(test_name)]
    return shlex.join(parts)


def summarize(events: Iterable[Event], meta: RunMeta) -> RunSummary:
    summary = RunSummary(meta=meta)
    summary.header_rules = {rule: Counter() for rule in header_rules()}
    summary.enum_forms = {
        name: {value: set() for value in field_enum(name).values} for name in FIELD_ENUM_NAMES
    }
    latest_failures: dict[
        tuple[str, str, str, str, str | None], tuple[CheckEvent | FailedTestEvent, int]
    ] = {}
    tests_with_check_failures: set[str] = set()
    for event in events:
        if isinstance(event, CheckEvent):
            tally = summary.checks.setdefault((event.operation, event.media_type), CheckTally())
            tally.run += 1
            if event.passed:
                tally.passed += 1
                continue
            tally.failed += 1
            tests_with_check_failures.add(event.test_id)
            key = (event.test_id, event.operation, event.media_type, event.check, event.rule_id)
            # The last occurrence wins: Hypothesis replays the shrunk example last.
            latest_failures[key] = (event, latest_failures.get(key, (event, 0))[1] + 1)
        elif isinstance(event, TallyEvent):
            tally = summary.checks.setdefault((event.operation, event.media_type), CheckTally())
            tally.run += event.passed
            tally.passed += event.passed
        elif isinstance(event, HeaderRuleEvent):
            summary.header_rules.setdefault(event.rule_id, Counter())[event.outcome] += 1
        elif isinstance(event, EnumValueEvent):
            summary.enum_forms.setdefault(event.enum_name, {}).setdefault(event.value, set()).add(event.form)
        elif isinstance(event, FailedTestEvent):
            key = (event.test_id, event.operation, event.media_type, "test", event.rule_id)
            latest_failures[key] = (event, 1)
    for (test_id, operation, media_type, check, rule_id), (event, count) in latest_failures.items():
        if isinstance(event, FailedTestEvent) and test_id in tests_with_check_failures:
            continue  # the failed checks of that test already explain it
        message = event.detail if isinstance(event, CheckEvent) else event.message
        summary.failures.append(
            FailureEntry(
                operation=operation or "-",
                media_type=media_type or "-",
                check=check,
                rule_id=rule_id,
                message=message,
                curl=event.curl,
                replay=replay_command(meta, event.test_name or test_id.rsplit("::", 1)[-1]),
                test_id=test_id,
                occurrences=count,
            )
        )
    return summary


# -- Markdown ---------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _outcome_text(outcomes: Counter[str]) -> str:
    return ", ".join(f"{outcome} x{count}" for outcome, count in sorted(outcomes.items())) or "-"


def _forms_text(forms: set[str], form: str) -> str:
    return "yes" if form in forms else ""


def render_markdown(summary: RunSummary) -> str:
    meta, totals = summary.meta, summary.totals
    lines = [
        "# Norce contract run",
        "",
        f"- seed: `{meta.seed if meta.seed is not None else 'unknown'}`",
        f"- target: `{meta.target}`",
        f"- duration: {meta.duration:.1f} s",
        f"- tests: {meta.tests_passed} passed, {meta.tests_failed} failed",
        f"- checks: {totals.run} run, {totals.passed} passed, {totals.failed} failed",
        f"- failures: {len(summary.failures)}",
        "",
        "## Checks per operation and media type",
        "",
        "| operation | media type | run | passed | failed |",
        "|---|---|---:|---:|---:|",
    ]
    for (operation, media_type), tally in sorted(summary.checks.items()):
        counts = f"{tally.run} | {tally.passed} | {tally.failed}"
        lines.append(f"| {_md_cell(operation)} | {_md_cell(media_type)} | {counts} |")
    exercised = sum(1 for outcomes in summary.header_rules.values() if outcomes)
    lines += [
        "",
        f"## Header rules ({exercised}/{len(summary.header_rules)} exercised)",
        "",
        "| rule | exercised | outcome |",
        "|---|---|---|",
    ]
    for rule, outcomes in summary.header_rules.items():
        lines.append(f"| {rule} | {'yes' if outcomes else 'no'} | {_outcome_text(outcomes)} |")
    for enum_name, values in summary.enum_forms.items():
        seen = sum(1 for forms in values.values() if forms)
        lines += [
            "",
            f"## {enum_name} values ({seen}/{len(values)} seen)",
            "",
            "| value | name | int | name | xml |",
            "|---:|---|---|---|---|",
        ]
        for value, forms in sorted(values.items()):
            name = _enum_name(enum_name, value)
            cells = " | ".join(_forms_text(forms, form) for form in ENUM_FORMS)
            lines.append(f"| {value} | {name} | {cells} |")
    lines += ["", "## Failures", ""]
    if not summary.failures:
        lines.append("None.")
    for number, failure in enumerate(summary.failures, start=1):
        lines += [
            f"### {number}. {failure.operation} [{failure.media_type}] {failure.rule_id or failure.check}",
            "",
            f"- test: `{failure.test_id}`",
            f"- check: `{failure.check}`" + (f", rule `{failure.rule_id}`" if failure.rule_id else ""),
            f"- seen: {failure.occurrences} time(s)",
            "",
            "```text",
            failure.message.strip() or "(no message)",
            "```",
            "",
            "Reproduce:",
            "",
            "```sh",
            failure.curl or "# no request was recorded for this failure",
            "```",
            "",
            "Replay:",
            "",
            "```sh",
            failure.replay,
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _enum_name(enum_name: str, value: int) -> str:
    names = field_enum(enum_name).names_by_value
    return names.get(value, "(not a member)")


# -- HTML -------------------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; text-align: left; }
td.num { text-align: right; }
tr.bad td { background: #fde8e8; }
tr.missing td { color: #999; }
pre { background: #f5f5f5; padding: 0.6rem; white-space: pre-wrap; word-break: break-all; }
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(headers: Sequence[str], rows: Iterable[tuple[Sequence[object], str]]) -> str:
    head = "".join(f"<th>{_h(h)}</th>" for h in headers)
    body = []
    for cells, css_class in rows:
        tds = "".join(
            f'<td class="num">{_h(c)}</td>' if isinstance(c, int) else f"<td>{_h(c)}</td>" for c in cells
        )
        body.append(f'<tr class="{css_class}">{tds}</tr>' if css_class else f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(summary: RunSummary) -> str:
    meta, totals = summary.meta, summary.totals
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Norce contract run</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>Norce contract run</h1>",
        "<ul>",
        f"<li>seed: <code>{_h(meta.seed if meta.seed is not None else 'unknown')}</code></li>",
        f"<li>target: <code>{_h(meta.target)}</code></li>",
        f"<li>duration: {meta.duration:.1f} s</li>",
        f"<li>tests: {meta.tests_passed} passed, {meta.tests_failed} failed</li>",
        f"<li>checks: {totals.run} run, {totals.passed} passed, {totals.failed} failed</li>",
        f"<li>failures: {len(summary.failures)}</li>",
        "</ul>",
        "<h2>Checks per operation and media type</h2>",
        _table(
            ("operation", "media type", "run", "passed", "failed"),
            (
                ((op, media, t.run, t.passed, t.failed), "bad" if t.failed else "")
                for (op, media), t in sorted(summary.checks.items())
            ),
        ),
    ]
    exercised = sum(1 for outcomes in summary.header_rules.values() if outcomes)
    parts.append(f"<h2>Header rules ({exercised}/{len(summary.header_rules)} exercised)</h2>")
    parts.append(
        _table(
            ("rule", "exercised", "outcome"),
            (
                (
                    (rule, "yes" if outcomes else "no", _outcome_text(outcomes)),
                    "bad" if outcomes.get("fail") else ("" if outcomes else "missing"),
                )
                for rule, outcomes in summary.header_rules.items()
            ),
        )
    )
    for enum_name, values in summary.enum_forms.items():
        seen = sum(1 for forms in values.values() if forms)
        parts.append(f"<h2>{_h(enum_name)} values ({seen}/{len(values)} seen)</h2>")
        parts.append(
            _table(
                ("value", "name", *ENUM_FORMS),
                (
                    (
                        (value, _enum_name(enum_name, value), *(_forms_text(forms, f) for f in ENUM_FORMS)),
                        "" if forms else "missing",
                    )
                    for value, forms in sorted(values.items())
                ),
            )
        )
    parts.append("<h2>Failures</h2>")
    if not summary.failures:
        parts.append("<p>None.</p>")
    for number, failure in enumerate(summary.failures, start=1):
        title = f"{number}. {failure.operation} [{failure.media_type}] {failure.rule_id or failure.check}"
        parts += [
            f"<h3>{_h(title)}</h3>",
            f"<p>test: <code>{_h(failure.test_id)}</code>; check: <code>{_h(failure.check)}</code>"
            + (f"; rule: <code>{_h(failure.rule_id)}</code>" if failure.rule_id else "")
            + f"; seen {failure.occurrences} time(s)</p>",
            f"<pre>{_h(failure.message.strip() or '(no message)')}</pre>",
            "<p>Reproduce:</p>",
            f"<pre>{_h(failure.curl or '# no request was recorded for this failure')}</pre>",
            "<p>Replay:</p>",
            f"<pre>{_h(failure.replay)}</pre>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -- files ------------------------------------------------------------------------------------------------


def failure_text(failure: FailureEntry) -> str:
    return "\n".join(
        [
            f"operation: {failure.operation}",
            f"media type: {failure.media_type}",
            f"check: {failure.check}",
            f"rule: {failure.rule_id or '-'}",
            f"test: {failure.test_id}",
            f"seen: {failure.occurrences} time(s)",
            "",
            "message:",
            failure.message.strip() or "(no message)",
            "",
            "reproduce:",
            failure.curl or "# no request was recorded for this failure",
            "",
            "replay:",
            failure.replay,
            "",
        ]
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "x"


def write_reports(summary: RunSummary, report_dir: Path) -> list[Path]:
    """Write summary.md, summary.html and failures/NNN-*.txt (old failure files are removed first)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    written = [report_dir / "summary.md", report_dir / "summary.html"]
    written[0].write_text(render_markdown(summary), encoding="utf-8")
    written[1].write_text(render_html(summary), encoding="utf-8")
    failures_dir = report_dir / FAILURES_DIR
    if failures_dir.is_dir():
        for old in failures_dir.glob("*.txt"):
            old.unlink()
    for number, failure in enumerate(summary.failures, start=1):
        failures_dir.mkdir(exist_ok=True)
        name = f"{number:03d}-{_slug(failure.operation)}-{_slug(failure.rule_id or failure.check)}.txt"
        path = failures_dir / name
        path.write_text(failure_text(failure), encoding="utf-8")
        written.append(path)
    return written
