"""Every observable fact is traced: it names judgements (contracts/oracle/evidence.py), each judgement names
the contract tests that exercise it against a target, those tests exist, and each observable fact has a
seeded emulator fault that breaks it (emulator/faults.py: `Fault.fact`, or `Fault.restates`).

`python -m contracts.reports.trace reports/events.jsonl` shows which tests a run saw judging what; the table
in evidence.py is kept from such a run, and this test keeps it honest: no judgement without a test, no test
named that does not exist.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from contracts.oracle.evidence import JUDGEMENT_TESTS, JUDGEMENTS, NOT_RUN
from contracts.oracle.facts import facts
from emulator.faults import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


@cache
def suite_tests() -> frozenset[str]:
    """`contracts/suite/<module>.py::<test function>` for every test function of the contract suite."""
    found = set()
    for path in sorted((ROOT / "contracts" / "suite").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = path.relative_to(ROOT).as_posix()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                found.add(f"{module}::{node.name}")
    return frozenset(found)


def test_every_judgement_names_its_tests_or_why_it_is_not_run() -> None:
    untested = [j for j in JUDGEMENTS if not JUDGEMENT_TESTS.get(j) and j not in NOT_RUN]
    assert not untested, f"judgements with no test (JUDGEMENT_TESTS) and no reason (NOT_RUN): {untested}"
    assert not set(NOT_RUN) & {j for j, tests in JUDGEMENT_TESTS.items() if tests}
    assert set(JUDGEMENT_TESTS) <= set(JUDGEMENTS), sorted(set(JUDGEMENT_TESTS) - set(JUDGEMENTS))
    assert all(reason for reason in NOT_RUN.values())


def test_every_test_a_judgement_names_exists() -> None:
    missing = sorted({t for tests in JUDGEMENT_TESTS.values() for t in tests} - suite_tests())
    assert not missing, f"JUDGEMENT_TESTS names tests that do not exist: {missing}"


def test_every_observable_fact_is_traced_to_a_judgement_and_a_test() -> None:
    untraced = [
        f.id for f in facts() if f.observable and not any(JUDGEMENT_TESTS.get(j) for j in f.judgements)
    ]
    assert not untraced, f"observable facts none of whose judgements has a test: {untraced}"


# The observable facts that have no seeded fault yet: a list that may only shrink (a fact added to the
# catalogue comes with its fault). Each entry is a gap in what the self-check proves, not an exemption.
WITHOUT_FAULT_YET = frozenset(("F-2C-XML-PRICELISTPOPULATIONRULELIST",))


def test_every_observable_fact_has_a_fault_that_breaks_it() -> None:
    broken = {one for fault in CATALOGUE.values() for one in fault.facts}
    without = {f.id for f in facts() if f.observable and f.id not in broken}
    new_gaps = sorted(without - WITHOUT_FAULT_YET)
    assert not new_gaps, f"observable facts with no seeded fault: {new_gaps}"
    closed = sorted(WITHOUT_FAULT_YET - without)
    assert not closed, (
        f"these facts have a fault now (or are gone): strike them from WITHOUT_FAULT_YET: {closed}"
    )
