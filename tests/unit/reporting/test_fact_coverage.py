"""Fact coverage: a run's judged events and test fates decide which facts it exercised and why it left out the
rest; the recorder records both; the summary page shows them; the trace compares observed and declared."""

from __future__ import annotations

from contracts.oracle.evidence import JUDGEMENT_TESTS
from contracts.oracle.facts import Fact, facts
from contracts.reports.events import ItemStatusEvent, JudgedEvent
from contracts.reports.fact_coverage import (
    DESELECTED,
    EXERCISED,
    NOT_OBSERVABLE,
    NOT_REACHED,
    NOT_SELECTED,
    SKIPPED,
    fact_coverage,
)
from contracts.reports.recorder import Recorder, node_function, pop_recorder, push_recorder
from contracts.reports.render import render_markdown
from contracts.reports.summary import RunMeta, summarize
from contracts.reports.trace import differences, observed_tests
from contracts.reports.verdicts import judge

T_READS = "contracts/suite/test_x.py::test_reads"
T_WRITES = "contracts/suite/test_x.py::test_writes"
TESTS_OF = {"J-READ": (T_READS,), "J-WRITE": (T_WRITES,)}


def fact(fact_id: str, judgements: tuple[str, ...], operations: tuple[str, ...] = ()) -> Fact:
    return Fact(fact_id, "§1C", "q", "text", "SEED3", "C-N", judgements, operations)


def outcome_of(
    a_fact: Fact, judged: set[tuple[str, str]], statuses: set[tuple[str, str, str]]
) -> tuple[str, str]:
    (status,) = fact_coverage(judged, statuses, [a_fact], TESTS_OF)
    return status.outcome, status.reason


def test_a_fact_is_exercised_when_its_judgement_is_judged_on_its_operation() -> None:
    on_get = fact("F-A", ("J-READ",), ("GetCustomer",))
    assert outcome_of(on_get, {("J-READ", "GetCustomer")}, {(T_READS, "ran", "")})[0] == EXERCISED
    # the same judgement on another operation does not exercise it: its tests ran, it was not reached
    outcome, reason = outcome_of(on_get, {("J-READ", "GetCompany")}, {(T_READS, "ran", "")})
    assert outcome == NOT_REACHED and "GetCustomer" in reason
    # a fact that names no operation is exercised by its judgement anywhere
    assert outcome_of(fact("F-B", ("J-READ",)), {("J-READ", "")}, set())[0] == EXERCISED


def test_a_fact_left_out_says_why() -> None:
    on_write = fact("F-W", ("J-WRITE",), ("UpdateCustomer3",))
    read_only = "target https://t is read-only (--allow-writes enables lab/stage/playground)"
    assert outcome_of(on_write, set(), {(T_WRITES, "deselected", read_only)}) == (DESELECTED, read_only)
    no_codes = "tenant reference data not configured: pricelist-codes"
    assert outcome_of(on_write, set(), {(T_WRITES, "skipped", no_codes)}) == (SKIPPED, no_codes)
    assert outcome_of(on_write, set(), set())[0] == NOT_SELECTED
    hidden = Fact("F-H", "§4.3", "q", "HTTPS is required", "INTEG", "C-N", observable=False, why_not="why")
    assert outcome_of(hidden, set(), set()) == (NOT_OBSERVABLE, "why")


def test_the_recorder_counts_a_judgement_for_the_operations_the_test_called() -> None:
    recorder = Recorder()
    push_recorder(recorder)
    try:
        recorder.start_test("contracts/suite/test_x.py::test_reads[JSON]", "test_reads[JSON]")
        recorder.note_operation("ImportCustomers")
        recorder.note_operation("GetCustomerByCode")
        judge("IMP-READ-BACK", True)  # no operation named: every operation the test called
        judge("SCHEMA-DOCUMENTED", True, operation="JobGet")
        recorder.test_status("contracts/suite/test_x.py::test_reads[JSON]", "ran")
        recorder.test_status("contracts/suite/test_x.py::test_reads[XML]", "ran")  # one event per function
        recorder.close()
    finally:
        pop_recorder(recorder)
    judged = {(e.judgement, e.operation, e.test) for e in recorder.memory if isinstance(e, JudgedEvent)}
    assert judged == {
        ("IMP-READ-BACK", "ImportCustomers", T_READS),
        ("IMP-READ-BACK", "GetCustomerByCode", T_READS),
        ("SCHEMA-DOCUMENTED", "JobGet", T_READS),
    }
    assert [e for e in recorder.memory if isinstance(e, ItemStatusEvent)] == [ItemStatusEvent(T_READS, "ran")]


def test_test_functions_are_named_from_the_suite_path_wherever_it_is_installed() -> None:
    installed = "lib/python3.11/site-packages/contracts/suite/test_auth.py::test_x[a-b]"
    assert node_function(installed) == "contracts/suite/test_auth.py::test_x"
    assert node_function("tests/unit/test_y.py::test_z") == "tests/unit/test_y.py::test_z"


def test_the_summary_shows_the_fact_coverage() -> None:
    some_fact = next(f for f in facts() if f.observable and f.operations)
    events = [
        JudgedEvent(some_fact.judgements[0], some_fact.operations[0], T_READS, 3),
        ItemStatusEvent(T_READS, "ran"),
    ]
    summary = summarize(events, RunMeta(seed=1, target="emulator", duration=1.0))
    statuses = {s.fact.id: s for s in summary.facts}
    assert len(statuses) == len(facts()) and statuses[some_fact.id].exercised
    page = render_markdown(summary)
    observable = sum(f.observable for f in facts())
    exercised = sum(s.exercised for s in summary.facts)
    assert f"facts: {exercised}/{observable} observable facts exercised" in page
    assert "## Fact coverage" in page and "Left out, with the reason:" in page


def test_the_trace_compares_what_a_run_judged_with_the_declared_table() -> None:
    events = [
        JudgedEvent("J-READ", "GetCustomer", T_READS, 1),
        JudgedEvent("J-READ", "GetCustomer", "tests/unit/test_u.py::test_u", 1),  # not a contract test
    ]
    observed = observed_tests(events)
    assert observed == {"J-READ": (T_READS,)}
    assert differences(observed, {"J-READ": (T_WRITES,)}) == [
        f"declared, not judged in this run: J-READ <- {T_WRITES}",
        f"judged, not declared: J-READ <- {T_READS}",
    ]
    assert all(test.startswith("contracts/suite/") for tests in JUDGEMENT_TESTS.values() for test in tests)
