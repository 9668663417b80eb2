"""What a seeded fault is (the catalogue: emulator/faults.py; faults by fact: emulator/fact_faults/)."""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = (
    "response-shape",
    "status-codes",
    "xml",
    "header-rules",
    "import-semantics",
    "job-lifecycle",
    "customer-service",
    "auth",
    "robustness",
)


# Evidence levels, the labels of contracts.oracle.evidence.Level (a unit test keeps them equal).
D, R, E = "documented", "recommended", "emulator"
LEVELS = (D, R, E)


@dataclass(frozen=True)
class Fault:
    name: str
    category: str
    level: str  # the weakest strictness at which the suite must catch it
    judgement: str  # the judgement meant to catch it (another one may fail first)
    description: str
    since: str = "0.1.0"
    # The fact it breaks (an id of openapi/facts.yaml, named as a plain string: the emulator reads no oracle)
    # and the operations it bends: the self-check counts a catch only when a failure of one of the fact's
    # judgements names one of these operations.
    fact: str = ""
    operations: tuple[str, ...] = ()
    # Facts that state the same rule as `fact` in another place of the facts sheet (a member's row and the
    # matching table, a header value and its switch): the one regression breaks them all, and the catch of
    # any of their judgements is the fault's own.
    restates: tuple[str, ...] = ()

    @property
    def facts(self) -> tuple[str, ...]:
        return (self.fact, *self.restates) if self.fact else ()
