"""Fact coverage: which facts of the catalogue (openapi/facts.yaml) a run exercised, and why it left out the rest.

A fact is *exercised* when one of its judgements was judged (kept or broken) on one of its operations (any
operation, for a fact that names none). Each fact left out gets its reason, from what became of the tests that
exercise its judgements (contracts/oracle/evidence.py `JUDGEMENT_TESTS`): not observable (the catalogue says
why), deselected (a read-only run), skipped (tenant reference data not configured, price lists not sent to a
tenant, ...), not selected (`-k`, paths), or *not reached*: its tests ran and judged it nowhere it applies —
a gap in the trace, worth a look.

Pure functions over events, so they are tested directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from contracts.oracle.evidence import JUDGEMENT_TESTS
from contracts.oracle.facts import Fact, facts

EXERCISED = "exercised"
NOT_OBSERVABLE = "not observable"
DESELECTED = "deselected"
SKIPPED = "skipped"
NOT_SELECTED = "not selected"
NOT_REACHED = "not reached"


@dataclass(frozen=True)
class FactStatus:
    fact: Fact
    outcome: str  # EXERCISED, or why it was left out: one of the constants above
    reason: str = ""  # the detail: the catalogue's why_not, a skip or deselect reason

    @property
    def exercised(self) -> bool:
        return self.outcome == EXERCISED


@dataclass(frozen=True)
class Fate:
    """What became of one test function's items in a run."""

    ran: bool = False
    skipped: tuple[str, ...] = ()
    deselected: tuple[str, ...] = ()


def fates_of(statuses: Iterable[tuple[str, str, str]]) -> dict[str, Fate]:
    """(test function, status, reason) triples -> each function's fate."""
    ran: set[str] = set()
    skipped: dict[str, dict[str, None]] = {}
    deselected: dict[str, dict[str, None]] = {}
    for test, status, reason in statuses:
        if status == "ran":
            ran.add(test)
        elif status == "skipped":
            skipped.setdefault(test, {}).setdefault(reason)
        elif status == "deselected":
            deselected.setdefault(test, {}).setdefault(reason)
    names = ran | skipped.keys() | deselected.keys()
    return {
        name: Fate(name in ran, tuple(skipped.get(name, {})), tuple(deselected.get(name, {})))
        for name in names
    }


def _exercised(fact: Fact, judged: set[tuple[str, str]], judged_anywhere: set[str]) -> bool:
    if not fact.operations:
        return any(j in judged_anywhere for j in fact.judgements)
    return any((j, op) in judged for j in fact.judgements for op in fact.operations)


def fact_status(
    fact: Fact,
    judged: set[tuple[str, str]],
    fates: Mapping[str, Fate],
    tests_of: Mapping[str, tuple[str, ...]] = JUDGEMENT_TESTS,
) -> FactStatus:
    if not fact.observable:
        return FactStatus(fact, NOT_OBSERVABLE, fact.why_not)
    judged_anywhere = {judgement for judgement, _ in judged}
    if _exercised(fact, judged, judged_anywhere):
        return FactStatus(fact, EXERCISED)
    tests = [t for j in fact.judgements for t in tests_of.get(j, ())]
    known = [fates[t] for t in dict.fromkeys(tests) if t in fates]
    deselected = dict.fromkeys(r for fate in known if not fate.ran for r in fate.deselected)
    skipped = dict.fromkeys(r for fate in known for r in fate.skipped)
    if deselected:
        return FactStatus(fact, DESELECTED, "; ".join(deselected))
    if skipped:
        return FactStatus(fact, SKIPPED, "; ".join(skipped))
    if not any(fate.ran for fate in known):
        return FactStatus(fact, NOT_SELECTED, "none of its tests was selected in this run")
    where = ", ".join(fact.operations) or "any operation"
    return FactStatus(
        fact, NOT_REACHED, f"its tests ran but judged {', '.join(fact.judgements)} nowhere on {where}"
    )


def fact_coverage(
    judged: Iterable[tuple[str, str]],
    statuses: Iterable[tuple[str, str, str]],
    catalogue: Iterable[Fact] | None = None,
    tests_of: Mapping[str, tuple[str, ...]] = JUDGEMENT_TESTS,
) -> list[FactStatus]:
    """Every fact's status in a run: `judged` holds (judgement, operation) pairs, `statuses` (test function,
    status, reason) triples."""
    pairs = set(judged)
    fates = fates_of(statuses)
    return [fact_status(f, pairs, fates, tests_of) for f in (facts() if catalogue is None else catalogue)]
