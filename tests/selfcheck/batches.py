"""Fact faults grouped into suite runs: faults that bend disjoint operations share a run, so `make selfcheck`
stays practical with one fault per observable fact.

Pure. A batch has one place to run (the served emulator as a tenant, or the embedded emulator for a fault
whose operations are never sent to a tenant) and one strictness (the faults' level), and its faults bend
pairwise disjoint operations, so each failure can be laid at one fault's door
(tests/selfcheck/attribution.py).
A fault that names no operation could break anything: it runs alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tests.selfcheck.attribution import Aim

TENANT, EMBEDDED = "tenant", "embedded"


@dataclass(frozen=True)
class Planned:
    """A fault ready for planning: what attributes it, its level, and where it can be caught."""

    aim: Aim
    level: str
    where: str = TENANT


@dataclass(frozen=True)
class Batch:
    id: str
    where: str
    level: str
    aims: tuple[Aim, ...]

    @property
    def faults(self) -> tuple[str, ...]:
        return tuple(aim.fault for aim in self.aims)


def where_to_run(operations: Collection[str], not_sent: Collection[str]) -> str:
    """A fault that bends an operation the suite never sends to a tenant (price-list writes) can be caught
    only on the embedded emulator."""
    return EMBEDDED if any(operation in not_sent for operation in operations) else TENANT


def plan_batches(planned: Sequence[Planned], size: int, levels: Sequence[str]) -> list[Batch]:
    """Batches of at most `size` faults with pairwise disjoint operations and one place and level each;
    tenant batches first, then by level in `levels` order. First fit, faults bending the most operations
    first (they are the hardest to place), ties by name, so the plan is the same every time."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    unknown = sorted({p.level for p in planned} - set(levels))
    if unknown:
        raise ValueError(f"unknown level(s) {', '.join(unknown)}")
    batches: list[Batch] = []
    for where in (TENANT, EMBEDDED):
        for level in levels:
            group = [p.aim for p in planned if p.where == where and p.level == level]
            group.sort(key=lambda aim: (-len(aim.operations), aim.fault))
            open_batches: list[list[Aim]] = []
            for aim in group:
                home = next((b for b in open_batches if aim.operations and _fits(aim, b, size)), None)
                if home is None:
                    open_batches.append([aim])
                else:
                    home.append(aim)
            for members in open_batches:
                batches.append(Batch(f"B{len(batches) + 1:03d}", where, level, tuple(members)))
    return batches


def _fits(aim: Aim, members: list[Aim], size: int) -> bool:
    if len(members) >= size or not members[0].operations:
        return False
    return not any(aim.operations & member.operations for member in members)
