"""Run the contract suite in a subprocess against the embedded emulator, with or without seeded faults.

One function, `run_suite`, does one run and returns a `SuiteRun`: exit code, wall time (with `-x` the run
stops
at the first failure, so that is the time to detection) and which rule id or Schemathesis check caught it,
read from the run's own junit XML. `run_many` fans runs out over a few worker threads (each run is a process).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import defusedxml.ElementTree as SafeElementTree

from contracts.oracle.evidence import JUDGEMENTS
from contracts.reports.plugin import FAILED_JUDGEMENT, OPERATIONS_CALLED
from emulator import faults as catalogue

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_SUITE = ("contracts/suite",)
DEFAULT_TIMEOUT_SECONDS = 900.0
PYTEST_NO_TESTS = 5

# Rule ids look like HDR-DEP-ACCOUNTS: upper-case words joined by dashes; every part after the first holds a
# letter, so UTF-8 and ISO-8601 in a message are not mistaken for rule ids.
RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]*[A-Z][A-Z0-9]*)+\b")
CUSTOM_CHECK = re.compile(r"Custom check failed: `([a-z_][a-z0-9_]*)`")
# Schemathesis 4 failure titles (core/failures.py, openapi/checks.py) -> the check that raises them.
SCHEMATHESIS_TITLES: dict[str, str] = {
    "Server error": "not_a_server_error",
    "Undocumented HTTP status code": "status_code_conformance",
    "Undocumented status code": "status_code_conformance",
    "Undocumented Content-Type": "content_type_conformance",
    "Missing Content-Type header": "content_type_conformance",
    "Malformed media type": "content_type_conformance",
    "Response violates schema": "response_schema_conformance",
    "JSON deserialization error": "response_schema_conformance",
    "Content deserialization error": "response_schema_conformance",
    "Missing required response headers": "response_headers_conformance",
    "Response header does not conform to the schema": "response_headers_conformance",
    "Schema-violating request accepted": "negative_data_rejection",
    "API accepted schema-violating request": "negative_data_rejection",
    "Schema-valid request rejected": "positive_data_acceptance",
    "API rejected schema-compliant request": "positive_data_acceptance",
    "Missing required header accepted": "missing_required_header",
    "Wrong response to undeclared method": "unsupported_method",
    "Allow header mismatch": "allow_header_conformance",
    "Authentication not enforced": "ignored_auth",
    "API accepts requests without authentication": "ignored_auth",
    "Deleted resource still available": "use_after_free",
    "Created resource not found": "ensure_resource_availability",
}
CHECK_NAMES = frozenset(SCHEMATHESIS_TITLES.values())


@dataclass(frozen=True)
class FailedCase:
    test: str
    message: str
    crash: str = ""  # the failure's own message (junit `message`), without the traceback
    operations: tuple[str, ...] = ()  # the test case's `operation` property
    judged: tuple[str, ...] = ()  # its `failed_judgement` properties: "JUDGEMENT|Op1,Op2|media"


@dataclass(frozen=True)
class SuiteRun:
    faults: tuple[str, ...]
    seed: int
    exit_code: int
    seconds: float
    tests_run: int
    failures: tuple[FailedCase, ...] = ()
    error: str | None = None  # the run produced no verdict: timeout, no tests, internal/usage error
    catcher: str | None = None
    # (pytest node id, operationIds it sent requests to) of every test that ran: what a fault-free run tells
    # the fact-fault phase about which tests reach which operations
    reach: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def failed(self) -> bool:
        """A verdict that some contract is violated (pytest exit 1 with a recorded failure)."""
        return self.error is None and self.exit_code == 1 and bool(self.failures)

    @property
    def passed(self) -> bool:
        return self.error is None and self.exit_code == 0 and self.tests_run > 0

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "error"
        if self.faults:
            return "caught" if self.failed else "missed"
        return "pass" if self.passed else "fail"


@dataclass(frozen=True)
class RunPlan:
    """What to run: the suite paths, an optional -k expression, stop at first failure, a time limit, and the
    strictness (None: the target's default, `emulator` on the embedded emulator)."""

    paths: Sequence[str] = CONTRACT_SUITE
    keyword: str | None = None
    stop_first: bool = True
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    app_factory: str | None = None  # NORCE_EMULATOR_APP override (a wrapped emulator in tests)
    strictness: str | None = None
    extra_args: Sequence[str] = field(default_factory=tuple)


# Every judgement id (contracts/oracle/evidence.py), longest first so CS-NOT-FOUND-FORM is not read as
# CS-NOT-FOUND; a failure names its judgement first (ContractViolation, NorceFailure "[op] ID: ...").
JUDGEMENT_ID = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(name) for name in sorted(JUDGEMENTS, key=len, reverse=True))
    + r")(?![\w-])"
)


# A ContractViolation's own line; the traceback before it quotes source lines that name other judgements.
VIOLATION = re.compile(r"ContractViolation: (\S+) \((?:documented|recommended|emulator): ")


def catcher_of(failure: FailedCase) -> str:
    """The judgement, Schemathesis check or rule id named in a failure, else the failing test's name."""
    text = failure.message
    violation = VIOLATION.search(text)
    if violation:
        return violation.group(1)
    for title, check in SCHEMATHESIS_TITLES.items():
        if title in text:
            return check
    judgement = JUDGEMENT_ID.search(text)
    if judgement:
        return judgement.group(1)
    custom = CUSTOM_CHECK.search(text)
    if custom:
        return custom.group(1)
    for name in CHECK_NAMES:
        if name in text:
            return name
    rule = RULE_ID.search(text)
    if rule:
        return rule.group(0)
    return f"test:{failure.test}"


def read_junit(path: Path) -> tuple[int, tuple[FailedCase, ...]]:
    """(test cases run, failures and errors in execution order) from a pytest junit XML file."""
    if not path.is_file():
        return 0, ()
    root = SafeElementTree.parse(path).getroot()
    run, failed = 0, []
    for case in root.iter("testcase"):
        outcomes = [child for child in case if child.tag in ("failure", "error", "skipped")]
        if any(child.tag == "skipped" for child in outcomes):
            continue
        run += 1
        properties = [(p.get("name", ""), p.get("value", "")) for p in case.iter("property")]
        operations = tuple(
            name for key, value in properties if key == "operation" for name in value.split(",") if name
        )
        judged = tuple(value for key, value in properties if key == FAILED_JUDGEMENT)
        for child in outcomes:
            crash = child.get("message") or ""
            failed.append(
                FailedCase(
                    test=f"{case.get('classname', '')}::{case.get('name', '')}",
                    message=f"{crash}\n{child.text or ''}",
                    crash=crash,
                    operations=operations,
                    judged=judged,
                )
            )
    return run, tuple(failed)


def node_id(classname: str, name: str) -> str:
    """A junit test case's pytest node id (the suite's tests are module-level functions)."""
    return f"{classname.replace('.', '/')}.py::{name}"


def read_reach(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(node id, operations called) of every test case that ran, from the `operations_called` property."""
    if not path.is_file():
        return ()
    found = []
    for case in SafeElementTree.parse(path).getroot().iter("testcase"):
        if any(child.tag == "skipped" for child in case):
            continue
        called = [p.get("value", "") for p in case.iter("property") if p.get("name") == OPERATIONS_CALLED]
        operations = tuple(name for value in called for name in value.split(",") if name)
        found.append((node_id(case.get("classname", ""), case.get("name", "")), operations))
    return tuple(found)


def suite_environment(faults: Iterable[str], app_factory: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["NORCE_TARGET"] = "emulator"  # never a real tenant: faults only exist in the emulator
    env["NORCE_EMULATOR_FAULTS"] = ",".join(sorted(faults))
    env.pop("NORCE_EMULATOR_SEED", None)  # the run's --seed then seeds the emulator too
    if app_factory:
        env["NORCE_EMULATOR_APP"] = app_factory
    return env


def pytest_command(plan: RunPlan, seed: int, report_dir: Path) -> list[str]:
    # The repository's root conftest loads contracts.pytest_plugin; naming it again with -p trips pytest's
    # assertion-rewrite warning (an error under filterwarnings=error).
    argv = [sys.executable, "-m", "pytest", *plan.paths, "-q"]
    argv += ["-p", "no:randomly", "-p", "no:xdist", f"--junitxml={report_dir / 'junit.xml'}"]
    argv += [f"--report-dir={report_dir}", "--seed", str(seed)]
    if plan.stop_first:
        argv.append("-x")
    if plan.keyword:
        argv += ["-k", plan.keyword]
    if plan.strictness:
        argv += ["--strictness", plan.strictness]
    return argv + list(plan.extra_args)


def run_suite(faults: Iterable[str] = (), *, seed: int = 0, plan: RunPlan | None = None) -> SuiteRun:
    """One run of the suite against a fresh embedded emulator with exactly `faults` switched on."""
    plan = plan or RunPlan()
    names = tuple(sorted(catalogue.validate(faults)))
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as scratch:
        report_dir = Path(scratch)
        started = time.monotonic()
        try:
            completed = subprocess.run(
                pytest_command(plan, seed, report_dir),
                cwd=REPO_ROOT,
                env=suite_environment(names, plan.app_factory),
                capture_output=True,
                text=True,
                timeout=plan.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            seconds = time.monotonic() - started
            return SuiteRun(names, seed, -1, seconds, 0, error=f"timed out after {plan.timeout:.0f}s")
        seconds = time.monotonic() - started
        tests_run, failures = read_junit(report_dir / "junit.xml")
        reach = read_reach(report_dir / "junit.xml")
    error = no_verdict(completed.returncode, tests_run, completed.stdout + completed.stderr)
    catcher = catcher_of(failures[0]) if failures and error is None else None
    return SuiteRun(names, seed, completed.returncode, seconds, tests_run, failures, error, catcher, reach)


def no_verdict(exit_code: int, tests_run: int, output: str) -> str | None:
    if exit_code in (0, 1) and tests_run > 0:
        return None
    if exit_code == PYTEST_NO_TESTS or tests_run == 0:
        return "no contract tests ran"
    tail = " | ".join(line for line in output.strip().splitlines()[-3:] if line.strip())
    return f"pytest exit {exit_code}: {tail[:300]}"


T = TypeVar("T")
R = TypeVar("R")


def run_many(jobs: Sequence[T], work: Callable[[T], R], workers: int) -> list[R]:
    """`work` over `jobs` on `workers` threads (each job runs a process), results in job order."""
    if workers <= 1 or len(jobs) <= 1:
        return [work(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, jobs))


def at_fault_level(plan: RunPlan, fault: str) -> RunPlan:
    """The plan at the fault's evidence level: a documented fault must be caught at documented strictness,
    the strictness a tenant is judged at, so no convention of ours is what catches it."""
    return replace(plan, strictness=catalogue.CATALOGUE[fault].level)


def fault_runs(
    names: Sequence[str], *, seed: int, workers: int, plan: RunPlan | None = None
) -> list[SuiteRun]:
    base = plan or RunPlan()
    return run_many(
        names, lambda name: run_suite([name], seed=seed, plan=at_fault_level(base, name)), workers
    )


def false_positive_runs(seeds: Sequence[int], *, workers: int, plan: RunPlan | None = None) -> list[SuiteRun]:
    """The fault-free emulator once per seed; every one of these runs must pass."""
    return run_many(seeds, lambda seed: run_suite((), seed=seed, plan=plan), workers)
