"""`make selfcheck`: prove the suite's power on the emulator and write `reports/selfcheck.md`.

1. Every fault in the catalogue (or the ones chosen) that names no fact: the full contract suite with that
   fault on, at the fault's evidence level (`--strictness`), must fail. A documented fault is so caught by
   documented rules alone, as on a tenant.
   Every fault that names a fact (tests/selfcheck/fact_check.py): run at its level in tenant mode, batched
   with faults of disjoint operations, and caught by its own fact's judgement; a catch by another judgement
   is an accidental catch, to fix. `--faults facts` (or `--fact F-CS-*`) runs this phase alone.
2. The false-positive gate: the fault-free emulator under N seeds; every run must pass.
3. The tenant gate: the emulator served over HTTP as a tenant (tests/selfcheck/tenant.py), once plain and
   read-only, once plain with --allow-writes, once per conforming variant and once with all of them, the suite
   at the tenant default strictness (documented) with --allow-writes; every run must pass.
4. The shared-tenant proof (tests/selfcheck/shared_tenant.py) with the whole suite: a write run on a tenant
   holding other teams' data changes none of it and leaves nothing of its own active, also when the tenant
   throttles and the run has a --rate (`make test` proves the same with the tests marked `writes`).
Exit 0 when every fault is caught and every other run passes, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import fnmatch
import statistics
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from contracts.cli import TENANT_WORKERS
from emulator import faults as catalogue
from emulator import variants as variant_catalogue
from tests.selfcheck import fact_check, fact_report, shared_tenant, tenant_gate
from tests.selfcheck.fact_check import DEFAULT_BATCH_SIZE, FactPhase, fact_faults
from tests.selfcheck.runner import (
    CONTRACT_SUITE,
    DEFAULT_TIMEOUT_SECONDS,
    RunPlan,
    SuiteRun,
    at_fault_level,
    run_many,
    run_suite,
)

DEFAULT_REPORT = Path("reports/selfcheck.md")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.run", description=__doc__)
    parser.add_argument(
        "--faults",
        help="comma-separated fault names, 'facts' (every fault that names a fact), or 'none' "
        "(default: the whole catalogue)",
    )
    parser.add_argument(
        "--fact",
        help="only the fact faults whose fact id matches one of these comma-separated patterns "
        "(fnmatch, e.g. 'F-CS-*,F-CX-IMPORTCUSTOMERS')",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"fact faults of disjoint operations per run (default {DEFAULT_BATCH_SIZE}; 1 runs each alone)",
    )
    parser.add_argument(
        "--tenant-workers",
        type=int,
        default=TENANT_WORKERS,
        help=f"pytest workers of each tenant-mode fact-fault run (default {TENANT_WORKERS}, as on a tenant)",
    )
    parser.add_argument("--category", choices=catalogue.CATEGORIES, help="only the faults of one category")
    parser.add_argument("--seeds", type=int, default=100, help="false-positive runs (0 skips the gate)")
    parser.add_argument(
        "--variants",
        default="each",
        help="tenant gate: 'each' (plain, every variant, all), 'none', or comma-separated variant names",
    )
    parser.add_argument(
        "--shared-tenant",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the shared-tenant proof with the whole suite (default: on)",
    )
    parser.add_argument("--workers", type=int, default=2, help="runs in parallel (one process each)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the fault runs")
    parser.add_argument(
        "--timeout",
        type=float,
        help=f"seconds per run (default {DEFAULT_TIMEOUT_SECONDS:.0f}; a fact-fault run in tenant mode "
        f"{fact_check.TENANT_RUN_TIMEOUT:.0f})",
    )
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--suite", action="append", help=argparse.SUPPRESS)  # machinery tests only
    parser.add_argument("--app", help=argparse.SUPPRESS)  # NORCE_EMULATOR_APP override, machinery tests only
    return parser.parse_args(argv)


def selected_faults(names: str | None, category: str | None, facts: str | None = None) -> list[str]:
    if names == "none":
        return []
    if names == "facts":
        chosen = fact_faults(sorted(catalogue.CATALOGUE))
    else:
        chosen = sorted(catalogue.parse(names)) if names else sorted(catalogue.CATALOGUE)
    if category:
        chosen = [name for name in chosen if catalogue.CATALOGUE[name].category == category]
    if facts:
        patterns = [pattern.strip() for pattern in facts.split(",") if pattern.strip()]
        chosen = [
            name
            for name in fact_faults(chosen)
            if any(fnmatch.fnmatchcase(catalogue.CATALOGUE[name].fact, p) for p in patterns)
        ]
    return chosen


def faulted_facts() -> set[str]:
    """Every fact some fault of the catalogue breaks."""
    return {fault.fact for fault in catalogue.CATALOGUE.values() if fault.fact}


def detection_times(runs: Sequence[SuiteRun]) -> list[float]:
    return sorted(run.seconds for run in runs if run.verdict == "caught")


def render_report(
    faulted: Sequence[SuiteRun],
    fault_free: Sequence[SuiteRun],
    *,
    seed: int,
    baseline: SuiteRun | None = None,
    tenant_lines: Sequence[str] = (),
    facts: FactPhase | None = None,
) -> str:
    """`baseline` is the fault-free run at the fault runs' seed; if it fails, no fault counts as caught."""
    valid = baseline is None or baseline.verdict == "pass"
    caught = [run for run in faulted if run.verdict == "caught"] if valid else []
    times = detection_times(caught)
    fp_failures = [run for run in fault_free if run.verdict != "pass"]
    lines = [
        "# Self-check: seeded faults and the false-positive gate",
        "",
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `python -m tests.selfcheck.run`; "
        f"fault catalogue {catalogue.CATALOGUE_VERSION}; fault runs use `--seed {seed}`, run at the fault's "
        "evidence level (`--strictness documented` for a documented fault: what a tenant run enforces) "
        "and stop at the first failure (`-x`), so a run's wall time (start-up included) is its time to "
        "first failure.",
        "",
        "## Summary",
        "",
        *(
            []
            if valid
            else [
                f"- **Baseline FAILED**: the fault-free suite fails at seed {seed} "
                f"({_first_problem(baseline)}), so no fault below counts as caught.",
            ]
        ),
        f"- Score: **{len(caught)}/{len(faulted)} faults without a fact caught**"
        + (f" ({100 * len(caught) / len(faulted):.1f}%)" if faulted else ""),
    ]
    if times:
        lines.append(
            f"- Time to first failure: median {statistics.median(times):.1f}s, worst {times[-1]:.1f}s"
        )
    if fault_free:
        verdict = "PASS" if not fp_failures else "FAIL"
        lines.append(
            f"- False-positive gate: **{verdict}**, {len(fault_free) - len(fp_failures)}/{len(fault_free)} "
            "fault-free runs passed"
        )
    else:
        lines.append("- False-positive gate: not run (`--seeds 0`)")
    lines += list(tenant_lines[:1])
    lines += _levels_summary(faulted, caught)
    lines += fact_report.summary_lines(facts, faulted_facts())
    lines += [
        "",
        "## Faults",
        "",
        "| fault | category | level | meant for | result | time to first failure | caught by |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for run in faulted:
        fault = catalogue.CATALOGUE[run.faults[0]]
        when = f"{run.seconds:.1f}s" if run.verdict == "caught" else "-"
        by = f"`{run.catcher}`" if run.catcher else (run.error or "-")
        result = run.verdict if valid or run.verdict != "caught" else "invalid (baseline fails)"
        lines.append(
            f"| `{fault.name}` | {fault.category} | {fault.level} | `{fault.judgement}` | {result} | {when} "
            f"| {by} |"
        )
    if fp_failures:
        lines += [
            "",
            "## False-positive failures",
            "",
            "| seed | result | first failing test |",
            "|---|---|---|",
        ]
        for run in fp_failures:
            lines.append(f"| {run.seed} | {run.verdict} | `{_first_problem(run)}` |")
    lines += fact_report.section_lines(facts)
    lines += list(tenant_lines[1:])
    return "\n".join(lines) + "\n"


def _levels_summary(faulted: Sequence[SuiteRun], caught: Sequence[SuiteRun]) -> list[str]:
    lines = []
    for level in catalogue.LEVELS:
        at_level = [run for run in faulted if catalogue.CATALOGUE[run.faults[0]].level == level]
        if at_level:
            hits = sum(1 for run in caught if catalogue.CATALOGUE[run.faults[0]].level == level)
            lines.append(f"- {level} faults (run at `--strictness {level}`): {hits}/{len(at_level)} caught")
    return lines


def _first_problem(run: SuiteRun | None) -> str:
    if run is None:
        return "-"
    if run.error:
        return run.error
    return run.failures[0].test if run.failures else f"pytest exit {run.exit_code}"


class Progress:
    """One line per finished run, so a long selfcheck shows where it is and what it found so far."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.finished = 0
        self._lock = threading.Lock()

    def done(self, run: SuiteRun) -> SuiteRun:
        with self._lock:
            self.finished += 1
            label = f"fault {run.faults[0]}" if run.faults else f"fault-free seed {run.seed}"
            found = f" by {run.catcher}" if run.catcher else (f" ({run.error})" if run.error else "")
            where = f"[{self.finished}/{self.total}]"
            print(f"selfcheck: {where} {label}: {run.verdict}{found} in {run.seconds:.1f}s", flush=True)
        return run


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        chosen = selected_faults(args.faults, args.category, args.fact)
        tenant_gate.tenant_cases(args.variants)  # an unknown variant is a usage error before anything runs
        fact_names = fact_faults(chosen)
        for name in fact_names:  # an unknown fact id is a usage error too
            fact_check.aim_of(catalogue.CATALOGUE[name])
        if args.fact and not fact_names:
            raise ValueError(f"no fault names a fact matching {args.fact!r}")
        if args.batch_size < 1:
            raise ValueError(f"--batch-size must be at least 1, not {args.batch_size}")
    except (catalogue.UnknownFaultError, variant_catalogue.UnknownVariantError, KeyError, ValueError) as exc:
        print(f"selfcheck: error: {exc}", file=sys.stderr)
        return 2
    names = [name for name in chosen if name not in set(fact_names)]
    timeout = args.timeout or DEFAULT_TIMEOUT_SECONDS
    plan = RunPlan(paths=tuple(args.suite or CONTRACT_SUITE), timeout=timeout, app_factory=args.app)
    workers = max(1, args.workers)
    print(
        f"selfcheck: {len(names)} fault run(s), {len(fact_names)} fact fault(s), {args.seeds} fault-free "
        f"run(s), {workers} worker(s)"
    )
    total = (1 + len(names) if names else 0) + args.seeds
    progress = Progress(total)
    # The baseline shares the fault runs' seed: a fault is only caught if the same run passes without it.
    baseline: SuiteRun | None = None
    faulted: list[SuiteRun] = []
    if names:
        baseline, *faulted = run_many(
            [(), *((name,) for name in names)],
            lambda faults: progress.done(
                run_suite(faults, seed=args.seed, plan=at_fault_level(plan, faults[0]) if faults else plan)
            ),
            workers,
        )
    fault_free = run_many(
        list(range(1, args.seeds + 1)),
        lambda seed: progress.done(run_suite((), seed=seed, plan=plan)),
        workers,
    )
    fact_phase: FactPhase | None = None
    if fact_names:
        fact_plan = fact_check.FactRunPlan(
            seed=args.seed,
            batch_size=args.batch_size,
            workers=workers,
            tenant_workers=max(1, args.tenant_workers),
            timeout=args.timeout or fact_check.TENANT_RUN_TIMEOUT,
            paths=tuple(args.suite or CONTRACT_SUITE),
        )
        fact_phase = fact_check.check_facts(fact_names, fact_plan)
    cases = tenant_gate.tenant_cases(args.variants)
    tenant_runs = tenant_gate.run_gate(cases, seed=args.seed, workers=workers)
    tenant_lines = [tenant_gate.summary_line(tenant_runs), *tenant_gate.render_section(tenant_runs, cases)]
    shared_holds = True
    if args.shared_tenant:
        print("selfcheck: shared-tenant proof (whole suite, plain then throttled)", flush=True)
        clean, throttled = shared_tenant.prove_both(shared_tenant.WHOLE_SUITE)
        shared_holds = shared_tenant.holds(clean, rate=False) and shared_tenant.holds(throttled, rate=True)
        proof_lines = shared_tenant.figures(clean, throttled)
        print("\n".join(f"selfcheck: {line[2:]}" for line in proof_lines[1:3]), flush=True)
        tenant_lines += ["", "## Shared-tenant proof", "", *proof_lines]
    report = render_report(
        faulted, fault_free, seed=args.seed, baseline=baseline, tenant_lines=tenant_lines, facts=fact_phase
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    baseline_passed = baseline is None or baseline.verdict == "pass"
    if not baseline_passed:
        print(f"selfcheck: the fault-free baseline fails ({_first_problem(baseline)}); no fault counts")
    missed = [run.faults[0] for run in faulted if run.verdict != "caught" or not baseline_passed]
    false_alarms = [run.seed for run in fault_free if run.verdict != "pass"]
    print(f"selfcheck: {len(faulted) - len(missed)}/{len(faulted)} caught; report in {args.report}")
    if missed:
        print(f"selfcheck: missed: {', '.join(missed)}")
    if false_alarms:
        print(f"selfcheck: fault-free runs failed for seeds {false_alarms}")
    tenant_failures = [run.tenant.label for run in tenant_runs if not tenant_gate.passed(run)]
    if tenant_failures:
        print(f"selfcheck: tenant runs failed: {', '.join(tenant_failures)}")
    if not shared_holds:
        print("selfcheck: the shared-tenant proof does not hold (see the report)")
    facts_hold = fact_phase is None or fact_phase.holds
    if fact_phase is not None:
        print(f"selfcheck: {fact_report.summary_lines(fact_phase, faulted_facts())[1][2:]}")
        for v in fact_phase.verdicts:
            if v.verdict != "caught" or not fact_phase.valid(v):
                print(f"selfcheck: fact fault {v.fault} ({v.fact}): {v.label}")
    return 1 if missed or false_alarms or tenant_failures or not shared_holds or not facts_hold else 0


if __name__ == "__main__":
    sys.exit(main())
