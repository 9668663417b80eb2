"""The fact-fault self-check's pure parts: reading a failure's judgements, attributing a catch to a fault's
own fact, batching faults of disjoint operations, the orchestration (with fake runs) and the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from contracts.oracle.facts import facts
from emulator import faults as catalogue
from tests.selfcheck import fact_check, fact_report, run
from tests.selfcheck.attribution import (
    ACCIDENTAL,
    CAUGHT,
    MISSED,
    Aim,
    Finding,
    attribute,
    findings_of,
    operations_named,
)
from tests.selfcheck.batches import EMBEDDED, TENANT, Batch, Planned, plan_batches, where_to_run
from tests.selfcheck.runner import FailedCase, SuiteRun, read_junit

LEVELS = ("documented", "recommended", "emulator")


def failure(test: str, *judged: str, operations: Sequence[str] = (), crash: str = "") -> FailedCase:
    return FailedCase(test, crash, crash=crash, operations=tuple(operations), judged=judged)


LOGIN = Aim("login-fault", "F-LOGIN", frozenset({"CS-LOGIN"}), frozenset({"LoginPost"}))
WRITES = Aim("status-fault", "F-STATUS", frozenset({"CS-WRITES"}), frozenset({"UpdateAccountStatus"}))


# ---- findings: where a failure's judgement and operations come from ----


def test_a_judged_failure_names_its_judgement_operations_and_media() -> None:
    case = failure("t::a", "CS-WRITES|UpdateAccountStatus,GetCustomer|xml", operations=("Other",))
    (found,) = findings_of(case)
    assert found == Finding("CS-WRITES", frozenset({"UpdateAccountStatus", "GetCustomer"}), "t::a", "xml")


def test_without_an_operation_the_test_property_then_the_message_stand_in() -> None:
    by_property = findings_of(failure("t::b", "CS-LOGIN||", operations=("LoginPost",)))
    assert by_property[0].operations == {"LoginPost"}
    by_message = findings_of(failure("t::c", "CS-LOGIN||", crash="LoginPost accepted a wrong password"))
    assert by_message[0].operations == {"LoginPost"}
    unnamed = findings_of(failure("t::d", "CS-LOGIN||", crash="accepted"))
    assert unnamed[0].operations == frozenset() and unnamed[0].where == "operation not named"


def test_a_failure_without_judgement_properties_is_read_from_its_message() -> None:
    (found,) = findings_of(
        failure(
            "t::e",
            crash="contracts.reports.verdicts.ContractViolation: CS-WRITES (documented: x): "
            "UpdateAccountStatus changed nothing",
        )
    )
    assert found.judgement == "CS-WRITES" and found.operations == {"UpdateAccountStatus"}


def test_a_bare_assert_names_no_judgement() -> None:
    (found,) = findings_of(
        failure("m::test_x", crash="AssertionError: expected 400 LoginFailed on LoginPost")
    )
    assert (found.judgement, found.operations) == ("no judgement (a bare assert)", {"LoginPost"})
    result = attribute(LOGIN, [failure("m::test_x", crash="AssertionError: LoginPost answered 200")])
    assert result.label == "accidental: no judgement (a bare assert)" and result.test == "m::test_x"


def test_operation_names_are_read_as_whole_words() -> None:
    text = "GET /commerce/customer/1.1/GetCustomerByCode?code=x after POST Customer/ImportCustomers"
    assert operations_named(text) == {"GetCustomerByCode", "ImportCustomers"}


# ---- attribution ----


def test_caught_by_its_own_judgement_on_its_operation() -> None:
    result = attribute(LOGIN, [failure("t::login", "CS-LOGIN|LoginPost|json")], [LOGIN])
    assert (result.verdict, result.judgement, result.test) == (CAUGHT, "CS-LOGIN", "t::login")


def test_own_judgement_on_another_operation_is_no_catch() -> None:
    result = attribute(LOGIN, [failure("t::x", "CS-LOGIN|Login|json")])
    assert (result.verdict, result.judgement, result.where) == (ACCIDENTAL, "CS-LOGIN", "Login")


def test_alone_a_failure_of_another_judgement_is_an_accidental_catch() -> None:
    failures = [
        failure("t::x", "not_a_server_error|GetCustomer|"),
        failure("t::y", "SCHEMA-DOCUMENTED|LoginPost|"),
    ]
    result = attribute(LOGIN, failures)
    # the catch to fix is named, preferring one made on the fault's own operation
    assert (result.verdict, result.judgement, result.label) == (
        ACCIDENTAL,
        "SCHEMA-DOCUMENTED",
        "accidental: SCHEMA-DOCUMENTED",
    )


def test_no_failure_is_a_miss() -> None:
    assert attribute(LOGIN, []).verdict == MISSED


def test_a_fault_without_a_fact_keeps_the_old_rule() -> None:
    plain = Aim("plain")
    assert attribute(plain, [failure("t::z", "not_a_server_error||")]).verdict == CAUGHT


def test_a_fault_naming_no_operation_is_caught_on_any_operation() -> None:
    anywhere = Aim("auth-fault", "F-AUTH", frozenset({"AUTH-401"}))
    assert attribute(anywhere, [failure("t::a", "AUTH-401|GetCustomer|")]).verdict == CAUGHT


def test_in_a_batch_each_failure_goes_to_the_fault_of_its_operation() -> None:
    batch = [LOGIN, WRITES]
    failures = [
        failure("t::login", "CS-LOGIN|LoginPost|"),
        failure("t::status", "CS-WRITES|UpdateAccountStatus|"),
    ]
    assert attribute(LOGIN, failures, batch).judgement == "CS-LOGIN"
    assert attribute(WRITES, failures, batch).judgement == "CS-WRITES"
    # the login failure is no catch of the status fault, whose own operation failed on nothing
    assert attribute(WRITES, failures[:1], batch).verdict == MISSED


def test_in_a_batch_an_ambiguous_or_unnamed_failure_is_blamed_on_no_fault() -> None:
    batch = [LOGIN, WRITES]
    both = failure("t::both", "CS-LOGIN|LoginPost,UpdateAccountStatus|")
    unnamed = failure("t::unnamed", "CS-WRITES||")
    assert attribute(LOGIN, [both, unnamed], batch).verdict == MISSED
    assert attribute(WRITES, [both, unnamed], batch).verdict == MISSED
    # a failure on another operation of the batch, of a judgement the fault does not own: accidental
    wrong = failure("t::wrong", "SCHEMA-DOCUMENTED|LoginPost|")
    assert attribute(LOGIN, [wrong], batch).label == "accidental: SCHEMA-DOCUMENTED"
    assert attribute(WRITES, [wrong], batch).verdict == MISSED


# ---- batching ----


def aim(name: str, *operations: str) -> Aim:
    return Aim(name, f"F-{name}", frozenset({"J"}), frozenset(operations))


def test_batches_hold_disjoint_operations_one_level_and_place() -> None:
    planned = [
        Planned(aim("a", "ImportCustomers"), "documented"),
        Planned(aim("b", "ImportCustomers", "ImportCompanies"), "documented"),
        Planned(aim("c", "GetCustomer"), "documented"),
        Planned(aim("d", "LoginPost"), "documented"),
        Planned(aim("e", "LoginPost"), "recommended"),
        Planned(aim("f"), "documented"),  # no operation: alone
        Planned(aim("g", "InsertCompanyPricelist2"), "documented", EMBEDDED),
        Planned(aim("h", "GetCompany"), "documented", EMBEDDED),
    ]
    batches = plan_batches(planned, 3, LEVELS)
    assert [(b.id, b.where, b.level, b.faults) for b in batches] == [
        ("B001", TENANT, "documented", ("b", "c", "d")),  # most operations first, then by name
        ("B002", TENANT, "documented", ("a",)),
        ("B003", TENANT, "documented", ("f",)),
        ("B004", TENANT, "recommended", ("e",)),
        ("B005", EMBEDDED, "documented", ("g", "h")),
    ]
    for batch in batches:
        operations = [op for member in batch.aims for op in member.operations]
        assert len(operations) == len(set(operations))


def test_batch_size_bounds_a_batch_and_one_runs_each_alone() -> None:
    planned = [Planned(aim(f"x{i}", f"Op{i}"), "documented") for i in range(5)]
    assert [len(b.aims) for b in plan_batches(planned, 2, LEVELS)] == [2, 2, 1]
    assert [len(b.aims) for b in plan_batches(planned, 1, LEVELS)] == [1] * 5
    with pytest.raises(ValueError):
        plan_batches(planned, 0, LEVELS)


def test_price_list_writes_run_on_the_embedded_emulator() -> None:
    from contracts.transport.tenant_policy import NOT_SENT

    assert where_to_run(("InsertCompanyPricelist2", "ListCompanyPricelists"), NOT_SENT) == EMBEDDED
    assert where_to_run(("ListCompanyPricelists",), NOT_SENT) == TENANT
    assert where_to_run((), NOT_SENT) == TENANT


# ---- orchestration with fake runs ----


def suite_run(batch: Batch, *failed: FailedCase, error: str | None = None) -> SuiteRun:
    exit_code = 1 if failed else 0
    return SuiteRun(batch.faults, 0, exit_code, 10.0, 5, tuple(failed), error)


@pytest.fixture
def fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> dict[str, catalogue.Fault]:
    """Four fact faults on real facts: two caught in their batch, one whose catch a batch hides, one
    accidental."""
    entries = {
        "f-login": catalogue.Fault(
            "f-login",
            "customer-service",
            "documented",
            "CS-LOGIN",
            "x",
            fact="F-2C-LOGIN",
            operations=("LoginPost",),
        ),
        "f-status": catalogue.Fault(
            "f-status",
            "customer-service",
            "documented",
            "CS-WRITES",
            "x",
            fact="F-CS-UPDATEACCOUNTSTATUS",
            operations=("UpdateAccountStatus",),
        ),
        "f-hidden": catalogue.Fault(
            "f-hidden",
            "customer-service",
            "documented",
            "CS-ERROR-KEYS",
            "x",
            fact="F-KEY-CANNOTDELETELASTCUSTOMER",
            operations=("DeleteCompanyCustomer",),
        ),
        "f-wrong": catalogue.Fault(
            "f-wrong",
            "customer-service",
            "documented",
            "CS-LOGIN",
            "x",
            fact="F-CS-LOGIN-GET",
            operations=("InactivateCustomer",),
        ),
    }
    for name, entry in entries.items():  # the catalogue's dict is also the switchboard's
        monkeypatch.setitem(catalogue.CATALOGUE, name, entry)
    return entries


def fake_run(batch: Batch, plan: fact_check.FactRunPlan, skip: Sequence[str] = ()) -> SuiteRun:
    """What the suite would find: each fault fails its own test; f-hidden only when alone (in a batch
    another fault's breakage hides it); f-wrong fails a judgement its fact does not own."""
    failed = []
    if "f-login" in batch.faults:
        failed.append(failure("t::login", "CS-LOGIN|LoginPost|json"))
    if "f-status" in batch.faults:
        failed.append(failure("t::status", "CS-WRITES|UpdateAccountStatus|json"))
    if batch.faults == ("f-hidden",):
        failed.append(failure("t::last", "CS-ERROR-KEYS|DeleteCompanyCustomer|json"))
    if "f-wrong" in batch.faults:
        failed.append(failure("t::inactivate", "CS-WRITES|InactivateCustomer|json"))
    return suite_run(batch, *failed)


def test_a_batch_then_solo_reruns_of_what_it_did_not_cleanly_catch(
    fake_catalogue: dict[str, catalogue.Fault],
) -> None:
    seen: list[str] = []

    def recording_run(batch: Batch, plan: fact_check.FactRunPlan, skip: Sequence[str]) -> SuiteRun:
        seen.append(f"{batch.id}:{','.join(batch.faults)}")
        return fake_run(batch, plan)

    phase = fact_check.check_facts(
        sorted(fake_catalogue), fact_check.FactRunPlan(workers=1), run=recording_run, progress=lambda _: None
    )
    assert seen == [
        "baseline-tenant-documented:",
        "B001:f-hidden,f-login,f-status,f-wrong",
        "B001/solo:f-hidden",
        "B001/solo:f-wrong",
    ]
    verdicts = {v.fault: (v.label, v.batch) for v in phase.verdicts}
    assert verdicts == {
        "f-hidden": ("caught", "B001/solo"),
        "f-login": ("caught", "B001"),
        "f-status": ("caught", "B001"),
        "f-wrong": ("accidental: CS-WRITES", "B001/solo"),
    }
    assert (phase.batches, phase.reruns, phase.holds) == (1, 2, False)
    assert (phase.counts(CAUGHT), phase.counts(ACCIDENTAL), phase.counts(MISSED)) == (3, 1, 0)


def test_a_failing_baseline_voids_the_verdicts_of_its_place_and_level(
    fake_catalogue: dict[str, catalogue.Fault],
) -> None:
    def broken_baseline(batch: Batch, plan: fact_check.FactRunPlan, skip: Sequence[str]) -> SuiteRun:
        if not batch.faults:
            return suite_run(batch, failure("t::flaky", "CS-LOGIN|LoginPost|"))
        return fake_run(batch, plan)

    phase = fact_check.check_facts(
        ["f-login"], fact_check.FactRunPlan(workers=1), run=broken_baseline, progress=lambda _: None
    )
    assert phase.counts(CAUGHT) == 0 and not phase.holds
    lines = fact_report.summary_lines(phase, {"F-2C-LOGIN"})
    assert any("**Baseline FAILED** (tenant, `--strictness documented`): t::flaky" in line for line in lines)
    assert "| invalid (baseline fails) |" in "\n".join(fact_report.section_lines(phase))


def test_a_batch_without_a_verdict_reruns_every_fault_alone(
    fake_catalogue: dict[str, catalogue.Fault],
) -> None:
    def crashing_batch(batch: Batch, plan: fact_check.FactRunPlan, skip: Sequence[str]) -> SuiteRun:
        if len(batch.faults) > 1:
            return SuiteRun(batch.faults, 0, -1, 900.0, 0, error="timed out after 900s")
        return fake_run(batch, plan)

    phase = fact_check.check_facts(
        ["f-login", "f-status"],
        fact_check.FactRunPlan(workers=1),
        run=crashing_batch,
        progress=lambda _: None,
    )
    assert {v.fault: (v.verdict, v.batch) for v in phase.verdicts} == {
        "f-login": (CAUGHT, "B001/solo"),
        "f-status": (CAUGHT, "B001/solo"),
    }


# ---- the report ----


def test_the_report_has_fact_figures_and_a_row_per_fault(fake_catalogue: dict[str, catalogue.Fault]) -> None:
    phase = fact_check.check_facts(
        sorted(fake_catalogue), fact_check.FactRunPlan(workers=1), run=fake_run, progress=lambda _: None
    )
    report = run.render_report([], [], seed=0, facts=phase)
    observable = sum(1 for f in facts() if f.observable)
    assert f"- Facts: {len(facts())} in `openapi/facts.yaml`, {observable} observable; traced" in report
    assert (
        "4 run in 1 batch run(s) and 2 solo re-run(s); **caught by their own fact's judgement: 3/4**, "
        "accidental catches: 1, missed: 0" in report
    )
    assert "- Facts whose every fault is caught by the fact's own judgement: 3/4" in report
    rows = [line for line in report.splitlines() if line.startswith("| `f-")]
    # problems first: the accidental catch leads, naming the judgement that did catch it
    assert rows[0] == (
        "| `f-wrong` | `F-CS-LOGIN-GET` | documented | tenant | **accidental: CS-WRITES** | `CS-WRITES` "
        "| InactivateCustomer | inactivate | 5 | 10s | B001/solo |"
    )
    login = "| `f-login` | `F-2C-LOGIN` | documented | tenant | caught | `CS-LOGIN` | LoginPost | login |"
    assert f"{login} 5 | 10s | B001 |" in rows
    from tests.selfcheck.bench import selfcheck_summary

    bullets = selfcheck_summary(report)
    assert any(b.startswith("- Facts: ") for b in bullets)
    assert any("accidental catches: 1" in b for b in bullets)


def test_traced_counts_observable_facts_with_a_fault() -> None:
    every = facts()
    observable = [f for f in every if f.observable]
    hidden = next(f for f in every if not f.observable)
    assert fact_report.traced(every, {observable[0].id, hidden.id, "F-NOT-A-FACT"}) == [observable[0]]


# ---- the CLI's selection ----


def test_faults_facts_and_fact_patterns_select_the_fact_faults(
    fake_catalogue: dict[str, catalogue.Fault],
) -> None:
    with_fact = run.selected_faults("facts", None)
    assert set(fake_catalogue) <= set(with_fact)
    assert all(catalogue.CATALOGUE[name].fact for name in with_fact)
    chosen = run.selected_faults(None, None, "F-CS-*")
    assert {"f-status", "f-wrong"} <= set(chosen) and not {"f-login", "f-hidden"} & set(chosen)
    assert all(catalogue.CATALOGUE[name].fact.startswith("F-CS-") for name in chosen)
    assert run.selected_faults("f-login,f-status,cs-not-found-500", None, "F-2C-LOGIN") == ["f-login"]


def test_an_unknown_fact_or_batch_size_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = catalogue.Fault("f-bad", "customer-service", "documented", "CS-LOGIN", "x", fact="F-NO-SUCH-FACT")
    monkeypatch.setitem(catalogue.CATALOGUE, "f-bad", bad)
    assert run.main(["--faults", "f-bad", "--seeds", "0", "--variants", "none", "--no-shared-tenant"]) == 2
    args = [
        "--faults",
        "none",
        "--seeds",
        "0",
        "--variants",
        "none",
        "--no-shared-tenant",
        "--batch-size",
        "0",
    ]
    assert run.main([*args, "--report", str(tmp_path / "r.md")]) == 2
    assert (
        run.main(["--fact", "F-NO-SUCH-*", "--seeds", "0", "--variants", "none", "--no-shared-tenant"]) == 2
    )


def test_read_junit_keeps_each_failures_operation_and_judgement_properties(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase classname="m" name="t">'
        '<properties><property name="operation" value="LoginPost,Login"/>'
        '<property name="failed_judgement" value="CS-LOGIN|LoginPost|json"/>'
        '<property name="failed_judgement" value="CS-ERROR-KEYS||"/></properties>'
        '<failure message="ContractViolation: CS-LOGIN (documented: x): y">traceback GetCustomer</failure>'
        "</testcase></testsuite></testsuites>",
        encoding="utf-8",
    )
    _, (case,) = read_junit(junit)
    assert case.operations == ("LoginPost", "Login")
    assert case.judged == ("CS-LOGIN|LoginPost|json", "CS-ERROR-KEYS||")
    assert case.crash == "ContractViolation: CS-LOGIN (documented: x): y"
    assert [(f.judgement, sorted(f.operations)) for f in findings_of(case)] == [
        ("CS-LOGIN", ["LoginPost"]),
        ("CS-ERROR-KEYS", ["Login", "LoginPost"]),
    ]


# ---- narrowing a run to the tests that reach its batch's operations ----


def test_a_batch_runs_only_the_tests_that_reached_its_operations_fault_free() -> None:
    reach = (
        ("contracts/suite/test_a.py::test_login", ("CreateCustomer3", "LoginPost")),
        ("contracts/suite/test_a.py::test_status", ("UpdateAccountStatus",)),
        ("contracts/suite/test_b.py::test_offline", ()),
    )
    baseline = SuiteRun((), 0, 0, 1.0, 3, reach=reach)
    batch = Batch("B001", TENANT, "documented", (LOGIN,))
    assert fact_check.out_of_reach(batch, baseline) == [
        "contracts/suite/test_a.py::test_status",
        "contracts/suite/test_b.py::test_offline",
    ]
    # every test runs for a fault that names no operation, and without a passing baseline to tell
    anywhere = Batch("B002", TENANT, "documented", (Aim("auth", "F-AUTH", frozenset({"AUTH-401"})),))
    assert fact_check.out_of_reach(anywhere, baseline) == []
    failed = SuiteRun((), 0, 1, 1.0, 3, (failure("t::x"),), reach=reach)
    assert fact_check.out_of_reach(batch, failed) == []


def test_the_baseline_reach_narrows_every_batch_and_solo_run(
    fake_catalogue: dict[str, catalogue.Fault],
) -> None:
    reach = tuple(
        (f"contracts/suite/test_x.py::{op}", (op,))
        for op in (
            "LoginPost",
            "UpdateAccountStatus",
            "DeleteCompanyCustomer",
            "InactivateCustomer",
            "JobGet",
        )
    )
    skipped: dict[str, list[str]] = {}
    workers: dict[str, int] = {}

    def narrowed(batch: Batch, plan: fact_check.FactRunPlan, skip: Sequence[str]) -> SuiteRun:
        skipped[batch.id] = [node.rsplit("::", 1)[1] for node in skip]
        workers[batch.id] = plan.tenant_workers
        if not batch.faults:
            return SuiteRun((), 0, 0, 1.0, len(reach), reach=reach)
        return fake_run(batch, plan)

    fact_check.check_facts(
        sorted(fake_catalogue), fact_check.FactRunPlan(workers=1), run=narrowed, progress=lambda _: None
    )
    assert skipped["baseline-tenant-documented"] == []
    assert skipped["B001"] == ["JobGet"]
    assert skipped["B001/solo"] == ["LoginPost", "UpdateAccountStatus", "DeleteCompanyCustomer", "JobGet"]
    # a run narrowed to a few tests takes one worker: a worker's start-up outweighs them
    assert workers == {"baseline-tenant-documented": 4, "B001": 1, "B001/solo": 1}
    unscoped = fact_check.FactRunPlan(workers=1, scoped=False)
    skipped.clear()
    fact_check.check_facts(["f-login"], unscoped, run=narrowed, progress=lambda _: None)
    assert skipped["B001"] == []


def test_read_reach_gives_node_ids_and_the_operations_each_test_called(tmp_path: Path) -> None:
    from tests.selfcheck.runner import read_reach

    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase classname="contracts.suite.test_a" name="test_x[GET /GetCustomer]">'
        '<properties><property name="operations_called" value="ImportCustomers,JobGet"/></properties>'
        '</testcase><testcase classname="contracts.suite.test_a" name="test_y"/>'
        '<testcase classname="contracts.suite.test_a" name="test_z"><skipped message="no"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    assert read_reach(junit) == (
        ("contracts/suite/test_a.py::test_x[GET /GetCustomer]", ("ImportCustomers", "JobGet")),
        ("contracts/suite/test_a.py::test_y", ()),
    )
