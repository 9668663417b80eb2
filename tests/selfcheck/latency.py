"""The suite on a slow network: a tenant-mode run with writes at 0 ms and at 80 ms added to every answer
(`norce-emulator serve --variant network-latency=80`), full and smoke, measured back to back so both see the
same load on the machine.

For each run: wall time, requests sent, how many were in flight over time (from the request logs every
client writes, `reports/requests*.json`: when each request left and how long it took), what each worker
spent collecting, and the critical path: the worker that finished last and the longest tests, each a chain
of requests one after another (a test's client is synchronous), with its job waits (Job/Get polls).

`python -m tests.selfcheck.latency [--profiles full smoke] [--ms 80] [--keep DIR]` prints the figures;
`make bench BENCH_ARGS="--only latency"` writes them to docs/benchmarks.md ("Slow network (80 ms)").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.selfcheck.runner import REPO_ROOT
from tests.selfcheck.tenant import Tenant, TenantPlan, TenantRun, run_against, served

LATENCY_MS = 80
GOAL_RATIO = 1.5  # issue 18: at 80 ms, a run with writes takes at most 1.5x the run without latency
SMOKE_GOAL_SECONDS = 60.0
TIMELINE_PLUGIN = ("-p", "tests.selfcheck.timeline")
JOB_POLL = "/Job/Get?"


@dataclass(frozen=True)
class Request:
    worker: str
    url: str
    start: float
    end: float
    cleanup: bool = False  # sent by the session's cleanup (requests-cleanup-*.json), up to 8 at once

    @property
    def job_poll(self) -> bool:
        return JOB_POLL in self.url


@dataclass(frozen=True)
class TestSpan:
    worker: str
    nodeid: str
    start: float
    end: float
    requests: int = 0
    in_requests: float = 0.0  # seconds of the test spent waiting for answers
    job_polls: int = 0

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class RunProfile:
    label: str
    verdict: str
    wall: float
    tests: int
    requests: list[Request] = field(default_factory=list)
    spans: list[TestSpan] = field(default_factory=list)
    workers: dict[str, dict[str, float]] = field(default_factory=dict)  # worker -> timings
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average before and after

    @property
    def mean_in_flight(self) -> float:
        """Requests in flight, averaged over the span from the first request out to the last answer in."""
        if not self.requests:
            return 0.0
        first = min(r.start for r in self.requests)
        last = max(r.end for r in self.requests)
        busy = sum(r.end - r.start for r in self.requests)
        return busy / (last - first) if last > first else 0.0

    @property
    def peak_in_flight(self) -> int:
        edges = sorted([(r.start, 1) for r in self.requests] + [(r.end, -1) for r in self.requests])
        peak = level = 0
        for _, step in edges:
            level += step
            peak = max(peak, level)
        return peak

    @property
    def seconds_in_requests(self) -> float:
        return sum(r.end - r.start for r in self.requests)


def load_requests(report_dir: Path) -> list[Request]:
    """Every request of the run's clients (tests and cleanup), from the logs each process writes."""
    found: list[Request] = []
    for path in sorted(report_dir.glob("requests*.json")):
        worker = path.stem.rsplit("-", 1)[-1] if "-gw" in path.stem else "main"
        cleanup = path.stem.startswith("requests-cleanup")
        for record in json.loads(path.read_text(encoding="utf-8"))["requests"]:
            start = float(record["sent_at"])
            found.append(Request(worker, record["url"], start, start + float(record["elapsed"]), cleanup))
    return found


def load_timelines(
    report_dir: Path,
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, float, float]]]:
    """Per process: started, collected_at, collection CPU, finished; and every test's (worker, id, start,
    end)."""
    workers: dict[str, dict[str, float]] = {}
    tests: list[tuple[str, str, float, float]] = []
    for path in sorted(report_dir.glob("timeline*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        worker = str(document["worker"])
        workers[worker] = {
            key: float(document[key])
            for key in ("started", "collected_at", "collection_cpu", "finished", "cpu")
            if key in document
        }
        tests += [(worker, nodeid, float(start), float(end)) for nodeid, start, end in document["tests"]]
    if len(workers) > 1:  # under xdist the controller hears of every test again, as its reports come in
        tests = [test for test in tests if test[0] != "controller"]
    return workers, tests


def spans_of(tests: list[tuple[str, str, float, float]], requests: list[Request]) -> list[TestSpan]:
    """Each test with the requests its worker sent while it ran (a worker runs one test at a time; its
    cleanup, in the last test's teardown, is counted apart)."""
    by_worker: dict[str, list[Request]] = {}
    for request in requests:
        if not request.cleanup:
            by_worker.setdefault(request.worker, []).append(request)
    spans = []
    for worker, nodeid, start, end in tests:
        mine = [r for r in by_worker.get(worker, []) if start <= r.start <= end]
        spans.append(
            TestSpan(
                worker,
                nodeid,
                start,
                end,
                len(mine),
                sum(r.end - r.start for r in mine),
                sum(r.job_poll for r in mine),
            )
        )
    return spans


def profile_of(label: str, result: TenantRun, report_dir: Path) -> RunProfile:
    requests = load_requests(report_dir)
    workers, tests = load_timelines(report_dir)
    return RunProfile(
        label,
        result.run.verdict,
        result.run.seconds,
        result.run.tests_run,
        requests,
        spans_of(tests, requests),
        workers,
    )


def measure(
    ms: int, profile: str, *, workers: int | None = None, seed: int = 1, keep: Path | None = None
) -> RunProfile:
    """One tenant-mode run with writes against `norce-emulator serve` with `ms` added to every answer;
    `workers` None: the CLI's own choice."""
    tenant = Tenant(variants=(f"network-latency={ms}",) if ms else ())
    plan = TenantPlan(
        allow_writes=True,
        workers=workers,
        timeout=3600.0,
        extra_args=("--profile", profile, "--", *TIMELINE_PLUGIN),
    )
    # The suite's processes load the timeline plugin from this checkout (tenant_environment copies environ).
    paths = (str(REPO_ROOT), os.environ.get("PYTHONPATH"))
    os.environ["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    with tempfile.TemporaryDirectory(prefix="latency-") as scratch, served(tenant) as base:
        report_dir = keep / f"{profile}-{ms}" if keep else Path(scratch)
        report_dir.mkdir(parents=True, exist_ok=True)
        load_before = os.getloadavg()[0]
        result = run_against(base, plan, seed=seed, report_dir=report_dir, tenant=tenant)
        run = profile_of(f"{profile}, {ms} ms", result, report_dir)
        run.load = (load_before, os.getloadavg()[0])
        return run


# ---- what the figures say ----


def short(nodeid: str) -> str:
    return nodeid.removeprefix("contracts/suite/")


def worker_names(run: RunProfile) -> list[str]:
    return sorted(name for name in run.workers if name != "controller")


def origin_of(run: RunProfile) -> float:
    starts = [times["started"] for times in run.workers.values()] or [r.start for r in run.requests] or [0.0]
    return min(starts)


def collection_line(run: RunProfile) -> str:
    """What collecting cost each worker (all collect the whole suite, side by side, at the start)."""
    names = worker_names(run)
    if not names:
        return "collection: not measured"
    walls = [
        run.workers[n].get("collected_at", run.workers[n]["started"]) - run.workers[n]["started"]
        for n in names
    ]
    cpus = [run.workers[n].get("collection_cpu", 0.0) for n in names]
    return (
        f"collection: {len(names)} workers, {max(walls):.0f}s until the last had collected, "
        f"{sum(cpus) / len(cpus):.1f}s CPU each ({sum(cpus):.0f}s in all)"
    )


def longest_tests(run: RunProfile, count: int = 3) -> list[TestSpan]:
    return sorted(run.spans, key=lambda span: span.seconds, reverse=True)[:count]


def describe_span(span: TestSpan, origin: float) -> str:
    polls = f", {span.job_polls} Job/Get polls" if span.job_polls else ""
    return (
        f"`{short(span.nodeid)}` on {span.worker} ({span.start - origin:.0f}-{span.end - origin:.0f}s, "
        f"{span.seconds:.0f}s: {span.requests} requests, {span.in_requests:.0f}s awaiting answers{polls})"
    )


def critical_path_lines(run: RunProfile, ms: int) -> list[str]:
    """Where the run's time went: the worker that finished last and why, and the longest tests, each a chain
    of requests sent one after another (a test's client waits for each answer; cleanup, in the last test's
    teardown, sends up to 8 at once)."""
    origin = origin_of(run)
    lines = [collection_line(run)]
    names = worker_names(run)
    if names:
        last = max(names, key=lambda name: run.workers[name]["finished"])
        mine = [span for span in run.spans if span.worker == last]
        final = max(mine, key=lambda span: span.end, default=None)
        lines.append(
            f"last worker: {last}, done at {run.workers[last]['finished'] - origin:.0f}s"
            + (f"; its last test (cleanup follows it): {describe_span(final, origin)}" if final else "")
        )
    cleanup = [request for request in run.requests if request.cleanup]
    if cleanup:
        lasted = {
            worker: max(r.end for r in cleanup if r.worker == worker)
            - min(r.start for r in cleanup if r.worker == worker)
            for worker in {r.worker for r in cleanup}
        }
        lines.append(
            f"cleanup: {len(cleanup)} requests in all, the longest worker's {max(lasted.values()):.0f}s "
            "(up to 8 entries at once)"
        )
    chains = "; ".join(describe_span(span, origin) for span in longest_tests(run))
    lines.append(f"longest tests: {chains}")
    if ms:
        longest = max(run.spans, key=lambda span: span.requests * ms, default=None)
        if longest is not None:
            lines.append(
                f"longest chain of requests: {longest.requests} in `{short(longest.nodeid)}`, at least "
                f"{longest.requests * ms / 1000:.0f}s at {ms} ms each"
            )
    return lines


def profile_lines(run: RunProfile, ms: int) -> list[str]:
    head = (
        f"- **{run.label}**: {run.verdict}, {run.wall:.0f}s, {run.tests} tests, {len(run.requests)} requests"
    )
    return [head, *(f"  - {line}" for line in critical_path_lines(run, ms))]


def table(runs: Sequence[RunProfile]) -> list[str]:
    rows = [
        "| run | result | wall time | tests | workers | requests | mean in flight | peak in flight | "
        "load before, after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        rows.append(
            f"| {run.label} | {run.verdict} | {run.wall:.0f}s | {run.tests} | "
            f"{len(worker_names(run)) or 1} | "
            f"{len(run.requests)} | {run.mean_in_flight:.1f} | {run.peak_in_flight} | "
            f"{run.load[0]:.1f}, {run.load[1]:.1f} |"
        )
    return rows


def verdict_lines(runs: Sequence[RunProfile], ms: int) -> list[str]:
    """The ratio of each profile's slow run to its run without latency, against the goals."""
    by_label = {run.label: run for run in runs}
    lines = []
    for profile in ("full", "smoke"):
        fast, slow = by_label.get(f"{profile}, 0 ms"), by_label.get(f"{profile}, {ms} ms")
        if fast is None or slow is None or not fast.wall:
            continue
        ratio = slow.wall / fast.wall
        goal = "met" if ratio <= GOAL_RATIO else f"not met: {slow.wall - GOAL_RATIO * fast.wall:.0f}s over"
        lines.append(
            f"- {profile}: {slow.wall:.0f}s at {ms} ms / {fast.wall:.0f}s at 0 ms = **{ratio:.2f}x** "
            f"(goal at most {GOAL_RATIO}x: {goal})"
        )
        if profile == "smoke":
            under = "met" if slow.wall < SMOKE_GOAL_SECONDS and slow.verdict == "pass" else "not met"
            lines.append(
                f"- smoke at {ms} ms: {slow.verdict} in {slow.wall:.0f}s "
                f"(goal: a pass in under {SMOKE_GOAL_SECONDS:.0f} s: {under})"
            )
    return lines


def measure_all(
    profiles: Sequence[str], ms: int, *, workers: int | None, keep: Path | None
) -> list[RunProfile]:
    """Each profile at 0 ms then at `ms`, back to back (the same load on a shared machine)."""
    runs = []
    for profile in profiles:
        for delay in (0, ms):
            runs.append(measure(delay, profile, workers=workers, keep=keep))
            print(f"latency: {runs[-1].label}: {runs[-1].verdict} in {runs[-1].wall:.0f}s", file=sys.stderr)
    return runs


def section(
    profiles: Sequence[str] = ("full", "smoke"),
    ms: int = LATENCY_MS,
    workers: int | None = None,
    keep: Path | None = None,
) -> list[str]:
    """The "Slow network" section of docs/benchmarks.md."""
    started = datetime.now(UTC)
    runs = measure_all(profiles, ms, workers=workers, keep=keep)
    finished = datetime.now(UTC)
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M}-{finished:%H:%M} UTC on a machine of {os.cpu_count()} CPUs "
        "shared with other people's work at the same time (the load average before and after each run is in "
        f"the table); each profile at 0 ms and at {ms} ms back to back, so both runs of a pair see about the "
        f"same load. Each run: `norce-emulator serve [--variant network-latency={ms}]` and "
        "`norce-contracts run "
        "--target http://127.0.0.1:PORT --allow-writes --seed 1 --profile P` with the CLI's own choice of "
        "workers. Requests: every request the run's clients sent (tests and cleanup, retries included); in "
        "flight: requests awaiting their answer, averaged from the first request out to the last answer in.",
        "",
        *table(runs),
        "",
        *verdict_lines(runs, ms),
        "",
        "Critical path of each run:",
        "",
    ]
    for run in runs:
        lines += profile_lines(run, ms if run.label.endswith(f" {ms} ms") else 0)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.latency", description=__doc__)
    parser.add_argument("--profiles", nargs="+", default=["full", "smoke"], choices=["full", "smoke"])
    parser.add_argument("--ms", type=int, default=LATENCY_MS)
    parser.add_argument("--workers", type=int, help="--workers for the suite (default: the CLI's choice)")
    parser.add_argument("--keep", type=Path, help="keep each run's report directory under this directory")
    parser.add_argument("--report", type=Path, nargs="+", help="only summarise kept report directories")
    args = parser.parse_args(argv)
    if args.report:
        for report_dir in args.report:
            run = RunProfile(report_dir.name, "?", 0.0, 0, load_requests(report_dir))
            run.workers, tests = load_timelines(report_dir)
            run.spans, run.tests = spans_of(tests, run.requests), len(tests)
            if "controller" in run.workers:
                run.wall = run.workers["controller"]["finished"] - run.workers["controller"]["started"]
            print("\n".join([*table([run]), *profile_lines(run, args.ms)]))
        return 0
    print("\n".join(section(args.profiles, args.ms, args.workers, args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
