"""Which judgement caught a seeded fault, and on which operation: a fault is caught only by its own fact's
judgements (openapi/facts.yaml) on the operations it bends.

Pure: a run's failing test cases in (`runner.FailedCase`, read from junit.xml), a verdict per fault out.

Each failing test case yields findings: a judgement it broke and the operations that judgement was made on.
The reporting plugin writes them as `failed_judgement` junit properties (`JUDGEMENT|Op1,Op2|media`); where
the test did not name the operation, the test's own `operation` property stands in, then the operationIds
its failure message names (failure messages name their operation), else none is known. A failure without any
such property (an older report, a bare assert) is read with `runner.catcher_of`.

Verdicts (`attribute`):
- caught: a finding of one of the fact's judgements on one of the fault's operations (any operation when the
  fault names none);
- accidental: the run failed because of the fault, but on other judgements (or on the right judgement of
  another operation): the catch to fix is named;
- missed: no failure the fault can be blamed for.
A fault without a fact keeps the old rule: any failure is a catch. In a batch (faults with pairwise disjoint
operations), a finding counts for a fault only when its operations touch that fault's operations and no other
fault's of the batch; a finding with no operation, or one touching several, is blamed on none of them (the
solo re-run decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tests.selfcheck.runner import FailedCase, catcher_of

CAUGHT, ACCIDENTAL, MISSED = "caught", "accidental", "missed"
NO_JUDGEMENT = "no judgement (a bare assert)"  # a failure that names no judgement, Schemathesis check or rule


@cache
def operation_ids() -> frozenset[str]:
    """Every operationId of both APIs (openapi/operations.txt)."""
    text = files("openapi").joinpath("operations.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def _named_operation() -> re.Pattern[str]:
    names = sorted(operation_ids(), key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(re.escape(name) for name in names) + r")(?![A-Za-z0-9])"
    )


def operations_named(text: str) -> frozenset[str]:
    """The operationIds a text names as words (`GetCustomer` is not read out of `GetCustomerByCode`)."""
    return frozenset(_named_operation().findall(text))


@dataclass(frozen=True)
class Finding:
    """One judgement a failing test case broke, on these operations (empty: the test did not say)."""

    judgement: str
    operations: frozenset[str]
    test: str
    media_type: str = ""

    @property
    def where(self) -> str:
        return ",".join(sorted(self.operations)) or "operation not named"


def findings_of(case: FailedCase) -> list[Finding]:
    """A failing test case's findings (see the module's docstring for where each part comes from)."""
    fallback = frozenset(case.operations) or operations_named(case.crash)
    found = []
    for raw in case.judged:
        judgement, _, rest = raw.partition("|")
        operations, _, media = rest.partition("|")
        named = frozenset(name for name in operations.split(",") if name)
        found.append(Finding(judgement, named or fallback, case.test, media))
    if found:
        return found
    catcher = catcher_of(case)
    return [Finding(NO_JUDGEMENT if catcher.startswith("test:") else catcher, fallback, case.test)]


@dataclass(frozen=True)
class Aim:
    """What the attribution needs of a fault: its fact, the fact's judgements, the operations it bends."""

    fault: str
    fact: str = ""
    judgements: frozenset[str] = frozenset()
    operations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Attribution:
    verdict: str  # caught | accidental | missed
    judgement: str | None = None  # what caught it (its own fact's judgement, or the accidental one)
    test: str | None = None
    where: str = ""  # the operations the deciding finding was made on

    @property
    def label(self) -> str:
        return f"{ACCIDENTAL}: {self.judgement}" if self.verdict == ACCIDENTAL else self.verdict


def blamed_on(finding: Finding, aim: Aim, others: Sequence[Aim]) -> bool:
    """Whether a finding of a run with `aim` (and `others`) switched on can be laid at `aim`'s door."""
    if not others:
        return True  # alone (and the fault-free run passes): every failure is the fault's doing
    if not finding.operations & aim.operations:
        return False
    return not any(finding.operations & other.operations for other in others)


def own_judgement(finding: Finding, aim: Aim) -> bool:
    on_its_operations = not aim.operations or bool(finding.operations & aim.operations)
    return finding.judgement in aim.judgements and on_its_operations


def attribute(aim: Aim, failures: Iterable[FailedCase], batch: Sequence[Aim] = ()) -> Attribution:
    """The verdict for `aim`'s fault in a run with `batch` (the faults on in that run; `aim` may be among
    them) whose failing test cases are `failures`."""
    others = [other for other in batch if other.fault != aim.fault]
    findings = [f for case in failures for f in findings_of(case) if blamed_on(f, aim, others)]
    if not findings:
        return Attribution(MISSED)
    if not aim.fact:
        first = findings[0]
        return Attribution(CAUGHT, first.judgement, first.test, first.where)
    for finding in findings:
        if own_judgement(finding, aim):
            return Attribution(CAUGHT, finding.judgement, finding.test, finding.where)
    # Name the catch to fix: preferably one made on the fault's own operations.
    first = next((f for f in findings if f.operations & aim.operations), findings[0])
    return Attribution(ACCIDENTAL, first.judgement, first.test, first.where)
