"""The tenant gate of `make selfcheck`: the suite, pointed at the emulator served as a tenant, must pass at
the tenant default strictness (documented) against the plain emulator (read-only and with writes), against
each conforming variant alone (emulator/variants.py), and against all of them at once.

A variant changes only what Norce's docs leave open, so a failure here is a false alarm of the suite: the
report names the first failing test of each run, and how many deviations (findings above the strictness) the
run listed instead of failing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from contracts.cli import TENANT_WORKERS
from emulator import variants as variant_catalogue
from tests.selfcheck.runner import run_many
from tests.selfcheck.tenant import Tenant, TenantPlan, TenantRun, run_tenant

READ_ONLY = TenantPlan(allow_writes=False)
WRITES = TenantPlan()
# Jobs of 5-20 s that finish in submission order: tests that wait job after job bound these runs, not the
# CPU. They take the CLI's tenant default of workers and an hour's bound.
QUEUED_JOBS = TenantPlan(workers=TENANT_WORKERS, timeout=3600.0)
SLOW_JOB_VARIANTS = ("slow-jobs", "all")


def plan_for(item: str) -> TenantPlan:
    return QUEUED_JOBS if item.partition("=")[0] in SLOW_JOB_VARIANTS else WRITES


def tenant_cases(selection: str) -> list[tuple[Tenant, TenantPlan]]:
    """'each': plain (read-only, then with writes), every variant alone, and all at once; 'none'; or the
    comma-separated variants named (`name` or `name=value`), each alone."""
    if selection == "none":
        return []
    if selection != "each":
        items = [item.strip() for item in selection.split(",") if item.strip()]
        variant_catalogue.split(items)  # an unknown name or a bad parameter is refused before anything runs
        return [(Tenant(variants=(item,)), plan_for(item)) for item in items]
    cases = [(Tenant(), READ_ONLY), (Tenant(), WRITES)]
    cases += [(Tenant(variants=(name,)), plan_for(name)) for name in sorted(variant_catalogue.CATALOGUE)]
    return [*cases, (Tenant(variants=("all",)), plan_for("all"))]


def run_gate(cases: Sequence[tuple[Tenant, TenantPlan]], *, seed: int, workers: int) -> list[TenantRun]:
    lock, done = threading.Lock(), [0]

    def one(case: tuple[Tenant, TenantPlan]) -> TenantRun:
        tenant, plan = case
        result = run_tenant(tenant, plan, seed=seed)
        with lock:
            done[0] += 1
            mode = "writes" if plan.allow_writes else "read-only"
            print(
                f"selfcheck: tenant [{done[0]}/{len(cases)}] {tenant.label} ({mode}): {result.run.verdict} "
                f"in {result.run.seconds:.0f}s, {result.deviations} deviation(s){_first(result, ': ')}",
                flush=True,
            )
        return result

    return run_many(list(cases), one, workers)


def _first(result: TenantRun, lead: str = "") -> str:
    if result.run.error:
        return f"{lead}{result.run.error}"
    if result.run.failures:
        return f"{lead}{result.run.failures[0].test}"
    return ""


def passed(result: TenantRun) -> bool:
    return result.run.verdict == "pass"


def summary_line(results: Sequence[TenantRun]) -> str:
    if not results:
        return "- Tenant gate: not run (`--variants none`)"
    good = sum(passed(result) for result in results)
    verdict = "PASS" if good == len(results) else "FAIL"
    return (
        f"- Tenant gate (served over HTTP, `--strictness documented`): **{verdict}**, {good}/{len(results)} "
        "runs passed (plain read-only, plain with writes, each variant, all variants)"
    )


def render_section(results: Sequence[TenantRun], cases: Sequence[tuple[Tenant, TenantPlan]]) -> list[str]:
    if not results:
        return []
    lines = [
        "",
        "## Tenant gate",
        "",
        "The emulator served as a tenant (`norce-emulator serve --variant ...`), the suite run against it "
        "with `norce-contracts run --target http://127.0.0.1:PORT`, at the tenant default strictness. "
        "Deviations are findings above that strictness: listed in the run's summary, never failures.",
        "",
        "| tenant | writes | result | tests | deviations | time | first failure |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for result, (tenant, plan) in zip(results, cases, strict=True):
        writes = "yes" if plan.allow_writes else "no (read-only)"
        deviations = "-" if result.deviations is None else str(result.deviations)
        lines.append(
            f"| `{tenant.label}` | {writes} | {result.run.verdict} | {result.run.tests_run} | {deviations} "
            f"| {result.run.seconds:.0f}s | {_first(result) or '-'} |"
        )
    return lines
