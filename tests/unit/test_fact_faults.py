"""Every seeded fault that names a fact is traced to the fact catalogue (openapi/facts.yaml) both ways.

The emulator names facts and judgements as plain strings (it imports nothing of the oracle); here the two
sides meet: the fact exists and is observable, the operations exist, the fault's judgement is one of the
fact's, and the fault's level is that judgement's level (so a documented fact's fault must be caught at
documented strictness, as on a tenant).
"""

from __future__ import annotations

from pathlib import Path

from contracts.oracle.evidence import JUDGEMENTS
from contracts.oracle.facts import fact_index
from emulator import faults
from emulator.fact_faults import families

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = {
    line.strip()
    for line in (ROOT / "openapi" / "operations.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}
TRACED = [fault for fault in faults.CATALOGUE.values() if fault.fact]


def test_every_fact_a_fault_names_exists_and_is_observable() -> None:
    index = fact_index()
    problems = [f"{f.name}: no fact {f.fact}" for f in TRACED if f.fact not in index]
    problems += [f"{f.name}: {f.fact} is not observable" for f in TRACED if not index[f.fact].observable]
    assert not problems, "\n".join(problems)


def test_every_fault_operation_is_in_the_inventory() -> None:
    problems = [
        f"{f.name}: {op}" for f in faults.CATALOGUE.values() for op in f.operations if op not in OPERATIONS
    ]
    assert not problems, problems


def test_a_fault_is_caught_by_one_of_its_facts_judgements_at_that_judgements_level() -> None:
    index = fact_index()
    problems = []
    for fault in TRACED:
        fact = index[fault.fact]
        if fault.judgement not in fact.judgements:
            problems.append(
                f"{fault.name}: {fault.judgement} is not a judgement of {fact.id} {fact.judgements}"
            )
        elif JUDGEMENTS[fault.judgement].level.label != fault.level:
            problems.append(
                f"{fault.name}: level {fault.level}, {fault.judgement} is "
                f"{JUDGEMENTS[fault.judgement].level.label}"
            )
    assert not problems, "\n".join(problems)


def test_only_our_own_conventions_go_without_a_fact() -> None:
    """A fault without a fact breaks a convention of ours (documented in emulator/faults.py next to it); the
    generated families and the other fact-fault modules always name one."""
    untraced = {fault.name for fault in faults.CATALOGUE.values() if not fault.fact}
    assert untraced <= {fault.name for fault in faults._ENTRIES}
    assert untraced == {
        "validation-summary-messages-null",
        "xml-nil-as-empty",
        "xml-nil-as-null-text",
        "job-log-missing-errors",
        "cs-deactivation-does-not-stick",
    }


def test_every_1_1_operation_row_has_its_missing_operation_fault() -> None:
    by_fact = {fault.fact: fault for fault in families.ENTRIES if fault.name.startswith("operation-missing-")}
    rows = {f.id for f in fact_index().values() if f.id.startswith("F-CS-OP-") and f.observable}
    assert set(by_fact) == rows
    for fact_id, fault in by_fact.items():
        operation = fact_id.removeprefix("F-CS-OP-")
        assert fault.operations == (operation,)
        # C-N / C-N(list) / C-S rows are documented (CS-OPERATION); W rows are the WSDL's (CS-OPERATION-WSDL)
        assert fault.judgement == ("CS-OPERATION" if fault.level == "documented" else "CS-OPERATION-WSDL")


def test_family_faults_are_one_per_fact() -> None:
    facts = [fault.fact for fault in families.ENTRIES]
    assert len(facts) == len(set(facts)), sorted(f for f in facts if facts.count(f) > 1)
