"""The fast self-check in `make test`: one cheap fault per category is caught at its evidence level (a
documented fault at `--strictness documented`, as on a tenant); 5 fault-free runs pass.

`make selfcheck` decides caught/missed with the full suite for every fault; here each category's fault runs
against the part of the suite that meets it first (`keyword`, a pytest -k expression; None = whole suite),
still stopping at the first failure. The runner itself is proven first on a fault simulated outside the
emulator (tests/selfcheck/simulated.py) against a one-test probe suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator import faults as catalogue
from tests.selfcheck import runner
from tests.selfcheck.run import render_report
from tests.selfcheck.simulated import SIMULATED_APP, SIMULATED_FAULT

FALSE_POSITIVE_SEEDS = [0, 1, 2, 3, 4]
FAULT_RUN_SEED = FALSE_POSITIVE_SEEDS[0]
FAST_RUN_TIMEOUT = 600.0  # a bound for a hung run, not a speed target (speed is in make bench)
PROBE_SUITE = ("tests/selfcheck/probe/probe_token_contract.py",)


@dataclass(frozen=True)
class FastCase:
    fault: str
    keyword: str | None  # the contract tests that meet this fault first; None = the whole suite with -x


# The cheapest-to-detect fault of each category: one request, no job polling, no multi-step flow.
FAST_CASES: dict[str, FastCase] = {
    "response-shape": FastCase("job-response-drops-job-id", None),
    "status-codes": FastCase("json-content-type-text-plain", None),
    "xml": FastCase("xml-accept-answered-json", None),
    "header-rules": FastCase("hdr-dep-accounts-not-enforced", "HDR-DEP-ACCOUNTS"),
    "import-semantics": FastCase("import-unlisted-fields-applied", None),
    "job-lifecycle": FastCase("job-wrong-counters", None),
    "customer-service": FastCase("cs-not-found-500", None),
    "auth": FastCase("auth-missing-token-accepted", None),
    "robustness": FastCase("robust-500-on-empty-array", None),
}


def first_problem(run: runner.SuiteRun) -> str:
    if run.error:
        return run.error
    return run.failures[0].test if run.failures else f"pytest exit {run.exit_code}"


def test_every_category_has_a_fast_case_from_the_catalogue() -> None:
    assert set(FAST_CASES) == set(catalogue.CATEGORIES)
    for category, case in FAST_CASES.items():
        assert catalogue.CATALOGUE[case.fault].category == category


def test_runner_catches_a_simulated_fault_and_names_the_rule() -> None:
    plan = runner.RunPlan(paths=PROBE_SUITE, app_factory=SIMULATED_APP, timeout=FAST_RUN_TIMEOUT)
    clean, faulted = runner.run_many(
        [(), (SIMULATED_FAULT,)], lambda names: runner.run_suite(names, seed=7, plan=plan), workers=2
    )
    assert clean.verdict == "pass", clean
    assert faulted.verdict == "caught", faulted
    assert faulted.catcher == "PROBE-TOKEN-CONTENT-TYPE"
    report = render_report([faulted], [clean], seed=7, baseline=clean)
    assert (
        f"| `{SIMULATED_FAULT}` | status-codes | documented | `content_type_conformance` | caught |" in report
    )
    assert "False-positive gate: **PASS**, 1/1" in report


def test_documented_fast_cases_run_at_documented_strictness(tmp_path: Path) -> None:
    plan = runner.at_fault_level(runner.RunPlan(), "job-response-drops-job-id")
    argv = runner.pytest_command(plan, 0, tmp_path)
    assert argv[argv.index("--strictness") + 1] == "documented"
    assert all(catalogue.CATALOGUE[case.fault].level == "documented" for case in FAST_CASES.values())


def test_catcher_prefers_the_schemathesis_check_then_the_rule_id() -> None:
    schemathesis = runner.FailedCase("t", "- Server error\n\n[500] Internal Server Error")
    rule = runner.FailedCase(
        "t", "AssertionError: a header breaking HDR-DEP-ACCOUNTS was not rejected (UTF-8)"
    )
    neither = runner.FailedCase("contracts.suite.x::test_y", "assert 1 == 2 (ISO-8601)")
    assert runner.catcher_of(schemathesis) == "not_a_server_error"
    assert runner.catcher_of(rule) == "HDR-DEP-ACCOUNTS"
    assert runner.catcher_of(neither) == "test:contracts.suite.x::test_y"
    violation = runner.FailedCase(
        "t",
        'judge("not_a_server_error", status < 500)\nE   contracts.reports.verdicts.ContractViolation: '
        "AUTH-401-FORM (recommended: ...): expected 401 (rule AUTH-TOKEN-EXPIRY)",
    )
    custom = runner.FailedCase("t", "Custom check failed: `norce_schema`\n[JobGet] CS-NOT-FOUND-FORM: null")
    assert runner.catcher_of(violation) == "AUTH-401-FORM"
    assert runner.catcher_of(custom) == "CS-NOT-FOUND-FORM"


def test_read_junit_counts_runs_and_keeps_failure_order(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase classname="a" name="ok"/>'
        '<testcase classname="a" name="bad"><failure message="HDR-PRESENT broken">tb</failure></testcase>'
        '<testcase classname="a" name="skipped"><skipped message="no"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    run, failures = runner.read_junit(junit)
    assert run == 2
    assert [failure.test for failure in failures] == ["a::bad"]
    assert runner.catcher_of(failures[0]) == "HDR-PRESENT"


@pytest.fixture(scope="module")
def fault_free_runs() -> dict[int, runner.SuiteRun]:
    """The false-positive gate runs, done once; seed 0 is also the baseline of the whole-suite fault runs."""
    plan = runner.RunPlan(timeout=FAST_RUN_TIMEOUT)
    return {run.seed: run for run in runner.false_positive_runs(FALSE_POSITIVE_SEEDS, workers=2, plan=plan)}


def test_false_positive_gate_with_five_seeds(fault_free_runs: dict[int, runner.SuiteRun]) -> None:
    failing = {seed: first_problem(run) for seed, run in fault_free_runs.items() if run.verdict != "pass"}
    assert not failing, f"the fault-free emulator failed the suite (seed: first failure): {failing}"


@pytest.mark.parametrize("category", sorted(FAST_CASES))
def test_fault_of_each_category_is_caught(category: str, fault_free_runs: dict[int, runner.SuiteRun]) -> None:
    case = FAST_CASES[category]
    plan = runner.at_fault_level(runner.RunPlan(keyword=case.keyword, timeout=FAST_RUN_TIMEOUT), case.fault)
    # The same run must pass without the fault, or a failure would prove nothing about the fault.
    if case.keyword is None:
        baseline = fault_free_runs[FAULT_RUN_SEED]
        result = runner.run_suite((case.fault,), seed=FAULT_RUN_SEED, plan=plan)
    else:
        baseline, result = runner.run_many(
            [(), (case.fault,)],
            lambda names: runner.run_suite(names, seed=FAULT_RUN_SEED, plan=plan),
            workers=2,
        )
    assert baseline.verdict == "pass", f"baseline (no fault) does not pass: {first_problem(baseline)}"
    assert result.verdict == "caught", (
        f"fault {case.fault!r} ({category}) was {result.verdict}: {result.error or 'the suite passed'} "
        "(is the fault wired into the emulator, and does the suite check what it breaks?)"
    )


# ---- faults by fact: one served batch, each catch laid at its own fault's door ----

# Two faults of disjoint operations, given facts for this test only (the catalogue's own `fact`s are filled
# area by area). cs-not-found-500 breaks the not-found answer of the GetCustomer family: its fact's judgement
# CS-NOT-FOUND must catch it there (its GetCompany failures belong to no fault of this batch). The second is
# mapped to a fact on purpose whose judgements (JOB-*) cannot be what catches a company-customer delete: an
# accidental catch, which the batch leaves to a solo re-run that must say so and name the judgement it was.
FACT_BATCH = {
    "cs-not-found-500": (
        "F-CS-GETCUSTOMER-FAMILY",
        (
            "GetCustomer",
            "GetCustomerByAccountId",
            "GetCustomerByCode",
            "GetCustomerByEmail",
            "GetCustomerByKey",
            "GetCustomerByLoginName",
        ),
    ),
    "cs-delete-last-company-customer-allowed": ("F-JOB-BASE", ("DeleteCompanyCustomer",)),
}
FACT_BATCH_KEYWORD = (
    "test_get_not_found_answers_null or test_cannot_delete_last_customer_and_customer_missing"
)


def test_a_served_batch_attributes_each_catch_and_flags_an_accidental_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    from tests.selfcheck import fact_check

    for name, (fact_id, operations) in FACT_BATCH.items():
        entry = replace(catalogue.CATALOGUE[name], fact=fact_id, operations=operations, restates=())
        monkeypatch.setitem(catalogue.CATALOGUE, name, entry)
    plan = fact_check.FactRunPlan(
        seed=FAULT_RUN_SEED, workers=2, tenant_workers=1, timeout=FAST_RUN_TIMEOUT, keyword=FACT_BATCH_KEYWORD
    )
    phase = fact_check.check_facts(sorted(FACT_BATCH), plan, progress=lambda _: None)
    ((_, baseline),) = phase.baselines
    assert baseline.verdict == "pass", f"baseline (no fault) does not pass: {first_problem(baseline)}"
    verdicts = {v.fault: v for v in phase.verdicts}
    caught = verdicts["cs-not-found-500"]
    assert (caught.where, caught.batch, caught.verdict) == ("tenant", "B001", "caught"), caught
    assert caught.attribution.judgement == "CS-NOT-FOUND", caught
    assert set(caught.attribution.where.split(",")) <= set(FACT_BATCH["cs-not-found-500"][1]), caught
    accidental = verdicts["cs-delete-last-company-customer-allowed"]
    assert (accidental.batch, accidental.verdict) == ("B001/solo", "accidental"), accidental
    assert accidental.attribution.judgement and not accidental.attribution.judgement.startswith("JOB-")
    assert (phase.batches, phase.reruns, phase.holds) == (1, 1, False)
