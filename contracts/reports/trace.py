"""Which contract tests judged which judgements in a run: the observed side of `JUDGEMENT_TESTS`.

`python -m contracts.reports.trace [reports/events.jsonl]` prints, for every judgement judged in that run, the
test functions that judged it, as the Python literal `contracts/oracle/evidence.py` keeps; and, compared
with the declared table, what a test no longer judges and what is judged but not declared. Run it after a
run against the embedded emulator at `--strictness emulator` (every judgement enforced).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from contracts.oracle.evidence import JUDGEMENT_TESTS, REFINEMENTS
from contracts.reports.events import Event, JudgedEvent, read_events
from contracts.reports.recorder import SUITE_PATH


def observed_tests(events: Iterable[Event]) -> dict[str, tuple[str, ...]]:
    """judgement -> the contract test functions that judged it, sorted."""
    found: dict[str, set[str]] = {}
    for event in events:
        if isinstance(event, JudgedEvent) and event.test.startswith(SUITE_PATH):
            found.setdefault(event.judgement, set()).add(event.test)
    for refinement, check in REFINEMENTS.items():
        if check in found:
            found.setdefault(refinement, set()).update(found[check])
    return {judgement: tuple(sorted(tests)) for judgement, tests in sorted(found.items())}


def differences(
    observed: Mapping[str, tuple[str, ...]], declared: Mapping[str, tuple[str, ...]]
) -> list[str]:
    lines = []
    for judgement in sorted(set(observed) | set(declared)):
        seen, named = set(observed.get(judgement, ())), set(declared.get(judgement, ()))
        lines += [f"declared, not judged in this run: {judgement} <- {t}" for t in sorted(named - seen)]
        lines += [f"judged, not declared: {judgement} <- {t}" for t in sorted(seen - named)]
    return lines


def as_literal(observed: Mapping[str, tuple[str, ...]]) -> str:
    lines = ["JUDGEMENT_TESTS: dict[str, tuple[str, ...]] = {"]
    for judgement, tests in observed.items():
        lines.append(f"    {judgement!r}: (")
        lines += [f"        {test!r}," for test in tests]
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "reports/events.jsonl")
    observed = observed_tests(read_events(path))
    sys.stdout.write(as_literal(observed) + "\n")
    for line in differences(observed, JUDGEMENT_TESTS):
        sys.stderr.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
