"""Tenant-mode runs: the emulator served in its own process (`norce-emulator serve`), the suite pointed at it
as at any tenant (`norce-contracts run --target http://127.0.0.1:PORT --allow-writes`), judged at the tenant
default strictness (documented) unless told otherwise.

Nothing here is embedded: the suite sees a base URL, the guard, the namespace, the ledger and the pacer all
apply, and the emulator keeps its state until the run ends, so `state_of` can compare before and after.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from contracts.transport.target import EMULATOR_APPLICATION_KEY, EMULATOR_CREDENTIALS, TOKEN_PATH
from emulator.domain.catalogues import seeded_catalogues
from tests.selfcheck.runner import REPO_ROOT, SuiteRun, catcher_of, no_verdict, read_junit, read_reach

STARTUP_SECONDS = 60.0  # a prepopulated tenant builds its store before it listens
CLI = Path(sys.executable).with_name("norce-contracts")


@dataclass(frozen=True)
class Tenant:
    """How the served emulator behaves: its variants (name or name=value), job timing, faults."""

    variants: tuple[str, ...] = ()
    job_timing: str = "background"
    faults: tuple[str, ...] = ()
    seed: int = 0

    @property
    def label(self) -> str:
        return ",".join(self.variants) or "plain"


@dataclass(frozen=True)
class TenantPlan:
    """How the suite is pointed at the tenant."""

    allow_writes: bool = True
    strictness: str | None = None  # None: the tenant default (documented)
    workers: int | None = 2  # None: the CLI's own choice (norce-contracts run without --workers)
    rate: float | None = None
    keyword: str | None = None
    timeout: float = 1800.0
    extra_args: Sequence[str] = field(default_factory=tuple)
    # The tenant's reference data as a QA engineer configures it (REFERENCE_ENVIRONMENT); False: none, so the
    # tests that need it say what they left out, and why.
    reference_codes: bool = True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(tenant: Tenant, *, admin: bool = True) -> Iterator[str]:
    """A `norce-emulator serve` process for the tenant; yields its base URL and stops it afterwards."""
    port = free_port()
    argv = [sys.executable, "-m", "emulator.cli", "serve", "--port", str(port), "--seed", str(tenant.seed)]
    argv += ["--job-timing", tenant.job_timing, *(["--admin"] if admin else [])]
    for variant in tenant.variants:
        argv += ["--variant", variant]
    for fault in tenant.faults:
        argv += ["--fault", fault]
    env = {key: value for key, value in os.environ.items() if not key.startswith("NORCE_EMULATOR_")}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_listening(process, base, errors)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(process: subprocess.Popen[bytes], base: str, errors: Any) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            raise RuntimeError(f"the emulator exited: {errors.read().decode(errors='replace')[-500:]}")
        try:
            # Any answer will do (no credentials: the token endpoint's rate limit is not spent here).
            httpx.get(base + TOKEN_PATH, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the emulator did not listen on {base} within {STARTUP_SECONDS:.0f}s")


def state_of(base: str) -> dict[str, Any]:
    """The served emulator's whole state (admin `GET /_emulator/state`)."""
    response = httpx.get(f"{base}/_emulator/state", timeout=60)
    response.raise_for_status()
    state: dict[str, Any] = response.json()["state"]
    return state


def tenant_environment(*, reference_codes: bool = True) -> dict[str, str]:
    """What a user sets for a tenant: the emulator's documented credentials, its application key, the write
    allow-list naming the local host (a tenant is never written to unless its host is listed) and, unless
    told otherwise, the codes of its reference data."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NORCE_")}
    env.update(EMULATOR_CREDENTIALS)
    env["NORCE_APPLICATION_KEY"] = EMULATOR_APPLICATION_KEY
    env["NORCE_WRITE_HOSTS"] = "127.0.0.1"
    if reference_codes:
        env.update(reference_environment())
    return env


def reference_environment() -> dict[str, str]:
    """The served emulator's reference data, named as a QA engineer names a tenant's (NORCE_*_CODES, see
    contracts/transport/target.py ReferenceCodes): the codes of the catalogues every emulator starts with. A
    tenant's codes cannot be discovered through 1.1, and without them the tests that need them leave that
    part out, so a served emulator must be told its codes as a tenant is."""
    catalogues = seeded_catalogues()
    tables = {
        "NORCE_CUSTOMER_FLAG_CODES": catalogues.customer_flags,
        "NORCE_COMPANY_FLAG_CODES": catalogues.company_flags,
        "NORCE_PRICELIST_CODES": catalogues.price_lists,
        "NORCE_DELIVERY_METHOD_CODES": catalogues.delivery_methods,
        "NORCE_PAYMENT_METHOD_CODES": catalogues.payment_methods,
    }
    return {variable: ",".join(item.code for item in items) for variable, items in tables.items()}


def suite_command(base: str, plan: TenantPlan, seed: int, report_dir: Path) -> list[str]:
    argv = [str(CLI), "run", "--target", base, "--seed", str(seed), "--report-dir", str(report_dir)]
    if plan.workers is not None:
        argv += ["--workers", str(plan.workers)]
    if plan.allow_writes:
        argv.append("--allow-writes")
    if plan.strictness:
        argv += ["--strictness", plan.strictness]
    if plan.rate:
        argv += ["--rate", str(plan.rate)]
    if plan.keyword:
        argv += ["-k", plan.keyword]
    return argv + list(plan.extra_args)


DEVIATIONS = re.compile(r"deviations above it: (\d+)")


@dataclass(frozen=True)
class TenantRun:
    tenant: Tenant
    run: SuiteRun
    deviations: int | None = None  # judgements above the run's strictness the tenant did not meet
    output: str = ""


def deviations_in(report_dir: Path) -> int | None:
    summary = report_dir / "summary.md"
    found = DEVIATIONS.search(summary.read_text(encoding="utf-8")) if summary.is_file() else None
    return int(found.group(1)) if found else None


def run_against(base: str, plan: TenantPlan, *, seed: int, report_dir: Path, tenant: Tenant) -> TenantRun:
    """One `norce-contracts run` against an already served tenant."""
    started = time.monotonic()
    try:
        completed = subprocess.run(
            suite_command(base, plan, seed, report_dir),
            cwd=REPO_ROOT,
            env=tenant_environment(reference_codes=plan.reference_codes),
            capture_output=True,
            text=True,
            timeout=plan.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        timed_out = f"timed out after {plan.timeout:.0f}s"
        return TenantRun(
            tenant, SuiteRun(tenant.faults, seed, -1, time.monotonic() - started, 0, error=timed_out)
        )
    seconds = time.monotonic() - started
    tests_run, failures = read_junit(report_dir / "junit.xml")
    output = completed.stdout + completed.stderr
    error = no_verdict(completed.returncode, tests_run, output)
    catcher = catcher_of(failures[0]) if failures and error is None else None
    reach = read_reach(report_dir / "junit.xml")
    run = SuiteRun(
        tenant.faults, seed, completed.returncode, seconds, tests_run, failures, error, catcher, reach
    )
    return TenantRun(tenant, run, deviations_in(report_dir), output)


def run_tenant(tenant: Tenant, plan: TenantPlan | None = None, *, seed: int = 0) -> TenantRun:
    """Serve the tenant, run the suite against it once, and stop it."""
    plan = plan or TenantPlan()
    with tempfile.TemporaryDirectory(prefix="tenant-") as scratch, served(tenant) as base:
        return run_against(base, plan, seed=seed, report_dir=Path(scratch), tenant=tenant)
