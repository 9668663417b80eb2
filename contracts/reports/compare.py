"""What changed between two runs: a baseline's observations and the current run's (`observations.json`).

`norce-contracts compare BASELINE CURRENT` and `norce-contracts run --baseline PATH` report, per operation
and media type: new and fixed failures; new and gone deviations; members that appeared or disappeared and
types that changed; enumeration values that appeared or disappeared; status codes that appeared or
disappeared; job timing that moved beyond the tolerance; facts no longer exercised.

Noise: what only generated cases (Schemathesis, Hypothesis: drawn from the seed) saw, on the side where it
was seen, is sampling noise, not a change: it is listed apart and never fails the comparison. A failure is
never noise. Two runs of one release against one target therefore compare as unchanged whatever their seeds
(docs/benchmarks.md "Release to release").

Policy: a new failure always fails the comparison (exit 1); other kinds fail it only when asked
(`--fail-on deviations,members,enums,statuses,timing,coverage` or `all`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from typing import Any

from contracts.oracle.evidence import JUDGEMENTS

NEW_FAILURE, FIXED_FAILURE = "new failure", "fixed failure"
NEW_DEVIATION, GONE_DEVIATION = "new deviation", "gone deviation"
MEMBER_APPEARED, MEMBER_DISAPPEARED, TYPE_CHANGED = "member appeared", "member disappeared", "type changed"
ENUM_APPEARED, ENUM_DISAPPEARED = "enum value appeared", "enum value disappeared"
STATUS_APPEARED, STATUS_DISAPPEARED = "status appeared", "status disappeared"
JOB_TIMING, FACT_LOST = "job timing moved", "fact no longer exercised"

# Which kinds `--fail-on` names; failures always fail.
POLICY_KINDS: Mapping[str, frozenset[str]] = {
    "deviations": frozenset({NEW_DEVIATION}),
    "members": frozenset({MEMBER_APPEARED, MEMBER_DISAPPEARED, TYPE_CHANGED}),
    "enums": frozenset({ENUM_APPEARED, ENUM_DISAPPEARED}),
    "statuses": frozenset({STATUS_APPEARED, STATUS_DISAPPEARED}),
    "timing": frozenset({JOB_TIMING}),
    "coverage": frozenset({FACT_LOST}),
}
ORDER = [
    NEW_FAILURE,
    FIXED_FAILURE,
    NEW_DEVIATION,
    GONE_DEVIATION,
    STATUS_APPEARED,
    STATUS_DISAPPEARED,
    MEMBER_APPEARED,
    MEMBER_DISAPPEARED,
    TYPE_CHANGED,
    ENUM_APPEARED,
    ENUM_DISAPPEARED,
    JOB_TIMING,
    FACT_LOST,
]
# Job timing moved when p95 changed by more than both of these (a tenant's queue varies run to run).
TIMING_ABSOLUTE_SECONDS = 2.0
TIMING_RELATIVE = 0.5
DETERMINISTIC = "d"
WORST = ("failure", "deviation", "pass")
# Enumeration values that come and go with timing and order, not with a release. A job's StatusId 1
# (Initialized: still running) is seen only by a poll that comes before the job finishes (with 80 ms more per
# answer, a run saw no job still running); Job/List lists every job on the target, other tests' and on a
# tenant other users', so which statuses it shows depends on what ran before the call. Listed with the
# noise; how long jobs take is compared by their p95, what a run's own jobs end with by Job/Get.
TIMING_DEPENDENT = ("JobGet StatusId=1", "JobList StatusId=*")


@dataclass(frozen=True)
class Change:
    kind: str
    where: str  # "operation media [status]"
    what: str  # the judgement, member path, value or status
    detail: str = ""
    noise: bool = False  # only generated cases saw it: sampling, not a change


@dataclass
class Comparison:
    changes: list[Change] = field(default_factory=list)
    baseline_meta: dict[str, Any] = field(default_factory=dict)
    current_meta: dict[str, Any] = field(default_factory=dict)

    @property
    def real(self) -> list[Change]:
        return [c for c in self.changes if not c.noise]

    @property
    def noise(self) -> list[Change]:
        return [c for c in self.changes if c.noise]

    def counts(self) -> dict[str, int]:
        found = {kind: 0 for kind in ORDER}
        for change in self.real:
            found[change.kind] += 1
        return {kind: count for kind, count in found.items() if count}


def parse_policy(value: str | Iterable[str] | None) -> frozenset[str]:
    """`--fail-on` items (comma-separated or repeated): kinds of change besides failures that fail."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    names = {item.strip() for item in items if item and item.strip()}
    if "all" in names:
        names = set(POLICY_KINDS)
    unknown = names - set(POLICY_KINDS)
    if unknown:
        known = ", ".join(sorted(POLICY_KINDS))
        raise ValueError(f"--fail-on: unknown {', '.join(sorted(unknown))} (one of {known}, all)")
    return frozenset(kind for name in names for kind in POLICY_KINDS[name])


def fails(comparison: Comparison, policy: frozenset[str]) -> list[Change]:
    """The changes the policy fails on: every new failure, and the kinds `policy` names."""
    return [c for c in comparison.real if c.kind == NEW_FAILURE or c.kind in policy]


def _presence(
    kind_appeared: str,
    kind_gone: str,
    where: str,
    baseline: Mapping[str, str],
    current: Mapping[str, str],
    label: str = "",
) -> list[Change]:
    changes = []
    for what in sorted(set(baseline) | set(current)):
        before, after = baseline.get(what, ""), current.get(what, "")
        if before and not after:
            changes.append(Change(kind_gone, where, f"{label}{what}", noise=DETERMINISTIC not in before))
        elif after and not before:
            changes.append(Change(kind_appeared, where, f"{label}{what}", noise=DETERMINISTIC not in after))
    return changes


def _outcome(outcomes: Mapping[str, str]) -> tuple[str, str] | None:
    """The worst outcome a judgement had on an operation, with its flags."""
    for name in WORST:
        if outcomes.get(name):
            return name, outcomes[name]
    return None


def _judgement_changes(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> list[Change]:
    changes = []
    for operation in sorted(set(baseline) | set(current)):
        before_ops, after_ops = baseline.get(operation, {}), current.get(operation, {})
        for judgement in sorted(set(before_ops) | set(after_ops)):
            before = _outcome(before_ops.get(judgement, {}))
            after = _outcome(after_ops.get(judgement, {}))
            level = JUDGEMENTS[judgement].level.label if judgement in JUDGEMENTS else "-"
            was, now = before[0] if before else "not judged", after[0] if after else "not judged"
            detail = f"{level}; was {was}, now {now}"
            if after and after[0] == "failure" and (not before or before[0] != "failure"):
                changes.append(Change(NEW_FAILURE, operation, judgement, detail))
            elif before and before[0] == "failure" and (not after or after[0] != "failure"):
                noise = DETERMINISTIC not in before[1] or after is None
                changes.append(Change(FIXED_FAILURE, operation, judgement, detail, noise))
            elif after and after[0] == "deviation" and (not before or before[0] == "pass"):
                changes.append(
                    Change(NEW_DEVIATION, operation, judgement, detail, DETERMINISTIC not in after[1])
                )
            elif before and before[0] == "deviation" and after and after[0] == "pass":
                changes.append(
                    Change(GONE_DEVIATION, operation, judgement, detail, DETERMINISTIC not in before[1])
                )
    return changes


def _member_changes(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> list[Change]:
    changes = []
    for where in sorted(set(baseline) | set(current)):
        before, after = baseline.get(where, {}), current.get(where, {})
        for path in sorted(set(before) | set(after)):
            old, new = before.get(path, {}), after.get(path, {})
            if old and not new:
                noise = all(DETERMINISTIC not in flags for flags in old.values())
                changes.append(Change(MEMBER_DISAPPEARED, where, path, ", ".join(sorted(old)), noise))
            elif new and not old:
                noise = all(DETERMINISTIC not in flags for flags in new.values())
                changes.append(Change(MEMBER_APPEARED, where, path, ", ".join(sorted(new)), noise))
            else:
                # A type only deterministic tests saw, on one side and not the other (null is "no value").
                old_types = {t for t, flags in old.items() if t != "null" and DETERMINISTIC in flags}
                new_types = {t for t, flags in new.items() if t != "null" and DETERMINISTIC in flags}
                if old_types and new_types and old_types != new_types:
                    detail = f"{', '.join(sorted(old_types))} -> {', '.join(sorted(new_types))}"
                    changes.append(Change(TYPE_CHANGED, where, path, detail))
    return changes


def _nested_presence(
    appeared: str, gone: str, baseline: Mapping[str, Any], current: Mapping[str, Any]
) -> list[Change]:
    changes = []
    for where in sorted(set(baseline) | set(current)):
        before, after = baseline.get(where, {}), current.get(where, {})
        for member in sorted(set(before) | set(after)):
            changes += _presence(
                appeared, gone, where, before.get(member, {}), after.get(member, {}), f"{member}="
            )
    return changes


def _timing_is_noise(change: Change) -> Change:
    seen = f"{change.where.split(' ')[0]} {change.what}"
    if not change.noise and any(fnmatchcase(seen, pattern) for pattern in TIMING_DEPENDENT):
        return replace(change, noise=True, detail="seen or not by when the call came: timing, not a change")
    return change


def _job_changes(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> list[Change]:
    before, after = baseline.get("p95"), current.get("p95")
    if before is None or after is None:
        return []
    moved = abs(after - before)
    if moved > TIMING_ABSOLUTE_SECONDS and moved > TIMING_RELATIVE * before:
        detail = f"p95 {before:.2f} s -> {after:.2f} s (p50 {baseline.get('p50')} -> {current.get('p50')})"
        return [Change(JOB_TIMING, "Connect jobs", "p95", detail)]
    return []


def compare(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> Comparison:
    comparison = Comparison(
        baseline_meta=dict(baseline.get("meta", {})), current_meta=dict(current.get("meta", {}))
    )
    changes = _judgement_changes(baseline.get("judgements", {}), current.get("judgements", {}))
    for where in sorted(set(baseline.get("statuses", {})) | set(current.get("statuses", {}))):
        changes += _presence(
            STATUS_APPEARED,
            STATUS_DISAPPEARED,
            where,
            baseline.get("statuses", {}).get(where, {}),
            current.get("statuses", {}).get(where, {}),
        )
    changes += _member_changes(baseline.get("members", {}), current.get("members", {}))
    enums = _nested_presence(
        ENUM_APPEARED, ENUM_DISAPPEARED, baseline.get("enums", {}), current.get("enums", {})
    )
    changes += [_timing_is_noise(change) for change in enums]
    changes += _job_changes(baseline.get("jobs", {}), current.get("jobs", {}))
    lost = set(baseline.get("facts", {}).get("exercised", [])) - set(
        current.get("facts", {}).get("exercised", [])
    )
    changes += [Change(FACT_LOST, "facts", fact_id) for fact_id in sorted(lost)]
    comparison.changes = sorted(changes, key=lambda c: (c.noise, ORDER.index(c.kind), c.where, c.what))
    return comparison
