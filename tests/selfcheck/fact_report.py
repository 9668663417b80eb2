"""The fact-fault part of `reports/selfcheck.md`: summary bullets (facts, observable facts, traced, caught,
accidental, missed; `make bench --only detection` copies them to docs/benchmarks.md) and a row per fault."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from contracts.oracle.facts import Fact, facts
from tests.selfcheck.attribution import ACCIDENTAL, CAUGHT, MISSED
from tests.selfcheck.batches import EMBEDDED
from tests.selfcheck.fact_check import FactPhase, FactVerdict


def traced(catalogue_facts: Iterable[Fact], faulted: Collection[str]) -> list[Fact]:
    """The observable facts some fault of the catalogue breaks."""
    return [f for f in catalogue_facts if f.observable and f.id in faulted]


def summary_lines(phase: FactPhase | None, faulted_facts: Collection[str]) -> list[str]:
    """`faulted_facts`: the fact ids the whole fault catalogue names (traced does not depend on the run)."""
    every = facts()
    observable = [f for f in every if f.observable]
    lines = [
        f"- Facts: {len(every)} in `openapi/facts.yaml`, {len(observable)} observable; traced (an observable "
        f"fact with a seeded fault): {len(traced(every, faulted_facts))}/{len(observable)}"
    ]
    if phase is None:
        return [*lines, "- Fact faults: not run"]
    verdicts = phase.verdicts
    embedded = sum(1 for v in verdicts if v.where == EMBEDDED)
    errors = phase.counts("error")
    lines.append(
        f"- Fact faults (each at its level, in tenant mode: the served emulator, `--allow-writes`): "
        f"{len(verdicts)} run in {phase.batches} batch run(s) and {phase.reruns} solo re-run(s); "
        f"**caught by their own fact's judgement: {phase.counts(CAUGHT)}/{len(verdicts)}**, "
        f"accidental catches: {phase.counts(ACCIDENTAL)}, missed: {phase.counts(MISSED)}"
        + (f", no verdict: {errors}" if errors else "")
        + (
            f"; {embedded} on the embedded emulator only (price-list writes are never sent to a tenant)"
            if embedded
            else ""
        )
    )
    by_fact: dict[str, list[FactVerdict]] = {}
    for verdict in verdicts:
        by_fact.setdefault(verdict.fact, []).append(verdict)
    caught_facts = sum(
        1 for group in by_fact.values() if all(v.verdict == CAUGHT and phase.valid(v) for v in group)
    )
    lines.append(
        f"- Facts whose every fault is caught by the fact's own judgement: {caught_facts}/{len(by_fact)}"
    )
    for batch, run in phase.baselines:
        if run.verdict != "pass":
            first = run.error or (run.failures[0].test if run.failures else f"pytest exit {run.exit_code}")
            lines.append(
                f"- **Baseline FAILED** ({batch.where}, `--strictness {batch.level}`): {first}; no fact "
                "fault of that place and level counts"
            )
    return lines


def section_lines(phase: FactPhase | None) -> list[str]:
    if phase is None or not phase.verdicts:
        return []
    lines = [
        "",
        "## Faults by fact",
        "",
        "Each fault breaks one fact of `openapi/facts.yaml` and must be caught by one of that fact's "
        "judgements on one of the operations it bends. Faults with disjoint operations share a batch run "
        "(no `-x`); a fault a batch did not cleanly catch is re-run alone (`/solo`), and that verdict "
        "counts. "
        "An accidental catch names the judgement that caught it instead: a catch to fix (the fact's own "
        "judgement should catch it). Each run has only the tests that reach its batch's operations (what the "
        "fault-free baseline run sent to them); tests and time are those of the deciding run.",
        "",
        "| fault | fact | level | where | verdict | caught by | on | test | tests | time | batch |",
        "|---|---|---|---|---|---|---|---|---:|---:|---|",
    ]
    for v in _ordered(phase.verdicts):
        a = v.attribution
        verdict = v.label if phase.valid(v) else "invalid (baseline fails)"
        test = a.test.rsplit("::", 1)[-1] if a.test else "-"
        lines.append(
            f"| `{v.fault}` | `{v.fact}` | {v.level} | {v.where} | {_bold(verdict, v.verdict)} "
            f"| {f'`{a.judgement}`' if a.judgement else '-'} | {a.where or '-'} | {_cell(test)} "
            f"| {v.tests} | {v.seconds:.0f}s | {v.batch} |"
        )
    return lines


def _ordered(verdicts: Sequence[FactVerdict]) -> list[FactVerdict]:
    """Problems first (what to fix), then by fact."""
    rank = {MISSED: 0, "error": 1, ACCIDENTAL: 2, CAUGHT: 3}
    return sorted(verdicts, key=lambda v: (rank.get(v.verdict, 0), v.fact, v.fault))


def _bold(text: str, verdict: str) -> str:
    return text if verdict == CAUGHT else f"**{text}**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
