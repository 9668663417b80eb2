"""A run's events summed up: checks per operation and media type, header-rule and enum coverage, failures
(one entry per distinct failure, with its reproducing curl and replay command).

Pure functions over `contracts.reports.events` values: no pytest, no network, so they are tested directly.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from contracts.oracle.enums import FIELD_ENUM_NAMES, field_enum, header_rules
from contracts.reports.events import (
    CaseTallyEvent,
    CheckEvent,
    DeviationEvent,
    EnumValueEvent,
    Event,
    FailedTestEvent,
    HeaderRuleEvent,
    JudgedEvent,
    TallyEvent,
    ItemStatusEvent,
    TrafficEvent,
    WaiverEvent,
)
from contracts.reports.fact_coverage import FactStatus, fact_coverage

# Characters pytest's -k grammar accepts inside one identifier (_pytest/mark/expression.py).
_K_IDENT = re.compile(r"[\w:+\-.\[\]\\/]+")
_K_RESERVED = frozenset({"and", "or", "not"})


@dataclass(frozen=True)
class RunMeta:
    seed: int | None
    target: str  # already redacted
    duration: float
    strictness: str = "emulator"
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
    chain: str = ""  # the test's requests and answers up to the failure
    script: str = ""  # a shell script replaying them

    @property
    def judgement(self) -> str:
        """The judgement the failure broke (a check's own name when it rests on no other; `assertion` for a
        test's own assertion that names none)."""
        return self.rule_id or ("assertion" if self.check == "test" else self.check)

    @property
    def test_name(self) -> str:
        return self.test_id.rsplit("::", 1)[-1]


@dataclass
class DeviationEntry:
    """A judgement found broken above the run's level, per operation and media type."""

    judgement: str
    operation: str
    media_type: str
    count: int
    detail: str
    test_id: str


@dataclass
class RunSummary:
    meta: RunMeta
    checks: dict[tuple[str, str], CheckTally] = field(default_factory=dict)
    header_rules: dict[str, Counter[str]] = field(default_factory=dict)
    enum_forms: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    failures: list[FailureEntry] = field(default_factory=list)
    # (operation, outcome, reason) -> generated cases; only runs on a tenant prepare or hold back cases
    cases: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    deviations: list[DeviationEntry] = field(default_factory=list)
    waivers: Counter[tuple[str, str]] = field(default_factory=Counter)  # (waiver, operation) -> uses
    facts: list[FactStatus] = field(default_factory=list)  # every catalogued fact: exercised, or why not
    traffic: Counter[str] = field(default_factory=Counter)  # requests, and what the clients retried

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
    deviations: dict[tuple[str, str, str], DeviationEntry] = {}
    judged: set[tuple[str, str]] = set()
    statuses: set[tuple[str, str, str]] = set()
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
        elif isinstance(event, CaseTallyEvent):
            summary.cases[(event.operation, event.outcome, event.reason)] += event.count
        elif isinstance(event, DeviationEvent):
            where = (event.judgement, event.operation, event.media_type)
            found = deviations.get(where)
            if found is None:
                deviations[where] = DeviationEntry(*where, event.count, event.detail, event.test_id)
            else:
                found.count += event.count
        elif isinstance(event, WaiverEvent):
            summary.waivers[(event.waiver, event.operation)] += event.count
        elif isinstance(event, HeaderRuleEvent):
            summary.header_rules.setdefault(event.rule_id, Counter())[event.outcome] += 1
        elif isinstance(event, EnumValueEvent):
            summary.enum_forms.setdefault(event.enum_name, {}).setdefault(event.value, set()).add(event.form)
        elif isinstance(event, FailedTestEvent):
            key = (event.test_id, event.operation, event.media_type, "test", event.rule_id)
            latest_failures[key] = (event, 1)
        elif isinstance(event, JudgedEvent):
            judged.add((event.judgement, event.operation))
        elif isinstance(event, ItemStatusEvent):
            statuses.add((event.test, event.status, event.reason))
        elif isinstance(event, TrafficEvent):
            for name in ("requests", "gateway_retries", "throttled", "network_retries", "auth_refreshes"):
                summary.traffic[name] += getattr(event, name)
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
                chain=event.chain if isinstance(event, FailedTestEvent) else "",
                script=event.script if isinstance(event, FailedTestEvent) else "",
            )
        )
    summary.deviations = sorted(deviations.values(), key=lambda d: (d.judgement, d.operation, d.media_type))
    summary.facts = fact_coverage(judged, statuses)
    return summary
