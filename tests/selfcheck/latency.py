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
import time
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
        for record in json.loads(path.read_text(encoding="utf-8"))["requests"]:
            start = float(record["sent_at"])
            found.append(Request(worker, record["url"], start, start + float(record["elapsed"])))
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
    return workers, tests


def spans_of(tests: list[tuple[str, str, float, float]], requests: list[Request]) -> list[TestSpan]:
    """Each test with the requests its worker sent while it ran (a worker runs one test at a time)."""
    by_worker: dict[str, list[Request]] = {}
    for request in requests:
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


def worker_lines(run: RunProfile) -> list[str]:
    """Per xdist worker: collection (wall and CPU), tests run, when it finished after the run started."""
    if not run.workers:
        return []
    origin = min(times["started"] for times in run.workers.values())
    lines = []
    for worker, times in sorted(run.workers.items()):
        if worker == "controller":
            continue
        mine = [span for span in run.spans if span.worker == worker]
        collected = times.get("collected_at", times["started"]) - times["started"]
        lines.append(
            f"{worker}: collected in {collected:.1f}s ({times.get('collection_cpu', 0.0):.1f}s CPU), "
            f"{len(mine)} tests, {sum(s.requests for s in mine)} requests, done at "
            f"{times['finished'] - origin:.0f}s, {times.get('cpu', 0.0):.0f}s CPU in all"
        )
    return lines


def longest_tests(run: RunProfile, count: int = 6) -> list[TestSpan]:
    return sorted(run.spans, key=lambda span: span.seconds, reverse=True)[:count]


def last_tests(run: RunProfile) -> list[TestSpan]:
    """Each worker's last test: what kept it busy at the end."""
    last: dict[str, TestSpan] = {}
    for span in run.spans:
        if span.worker not in last or span.end > last[span.worker].end:
            last[span.worker] = span
    return sorted(last.values(), key=lambda span: span.end, reverse=True)


def describe_span(span: TestSpan, origin: float) -> str:
    return (
        f"`{short(span.nodeid)}` ({span.worker}, {span.start - origin:.0f}-{span.end - origin:.0f}s: "
        f"{span.seconds:.1f}s, {span.requests} requests one after another, {span.in_requests:.1f}s of them "
        f"waiting for answers, {span.job_polls} Job/Get polls)"
    )


def origin_of(run: RunProfile) -> float:
    starts = [times["started"] for times in run.workers.values()] or [r.start for r in run.requests] or [0.0]
    return min(starts)


def profile_lines(run: RunProfile) -> list[str]:
    origin = origin_of(run)
    lines = [
        f"- **{run.label}**: {run.verdict}, {run.wall:.0f}s, {run.tests} tests, {len(run.requests)} requests"
    ]
    lines += [f"  - {line}" for line in worker_lines(run)]
    lines.append("  - longest tests: " + "; ".join(describe_span(s, origin) for s in longest_tests(run, 4)))
    lines.append(
        "  - last test of each worker: " + "; ".join(describe_span(s, origin) for s in last_tests(run))
    )
    return lines


def table(runs: Sequence[RunProfile]) -> list[str]:
    rows = [
        "| run | result | wall time | tests | workers | requests | mean in flight | peak in flight | "
        "request-seconds | load before, after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        workers = len([name for name in run.workers if name != "controller"]) or 1
        rows.append(
            f"| {run.label} | {run.verdict} | {run.wall:.0f}s | {run.tests} | {workers} | {len(run.requests)} | "
            f"{run.mean_in_flight:.1f} | {run.peak_in_flight} | {run.seconds_in_requests:.0f}s | "
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
        met = "met" if ratio <= GOAL_RATIO else f"not met (by {slow.wall - GOAL_RATIO * fast.wall:.0f}s)"
        lines.append(
            f"- {profile}: {slow.wall:.0f}s at {ms} ms / {fast.wall:.0f}s at 0 ms = **{ratio:.2f}x** "
            f"(goal {GOAL_RATIO}x: {met})"
        )
        if profile == "smoke":
            under = "met" if slow.wall < SMOKE_GOAL_SECONDS and slow.verdict == "pass" else "not met"
            lines.append(
                f"- smoke at {ms} ms: {slow.wall:.0f}s, {slow.verdict} (goal: a pass in under 60 s: {under})"
            )
    return lines


def measure_all(
    profiles: Sequence[str], ms: int, *, workers: int | None, keep: Path | None
) -> list[RunProfile]:
    """Each profile at 0 ms then at `ms`, back to back (same load on a shared machine)."""
    runs = []
    for profile in profiles:
        for delay in (0, ms):
            started = time.monotonic()
            runs.append(measure(delay, profile, workers=workers, keep=keep))
            print(
                f"latency: {runs[-1].label}: {runs[-1].verdict} in {time.monotonic() - started:.0f}s",
                file=sys.stderr,
            )
    return runs


def section(
    profiles: Sequence[str] = ("full", "smoke"),
    ms: int = LATENCY_MS,
    workers: int | None = None,
    keep: Path | None = None,
) -> list[str]:
    started = datetime.now(UTC)
    runs = measure_all(profiles, ms, workers=workers, keep=keep)
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M}-{datetime.now(UTC):%H:%M} UTC, each profile at 0 ms and at {ms} ms "
        "back to back, on a machine of 2 CPUs shared with other people's work at the same time (their load "
        "varies; both runs of a pair saw about the same). Each run: `norce-emulator serve "
        f"[--variant network-latency={ms}]` and `norce-contracts run --target http://127.0.0.1:PORT "
        "--allow-writes --seed 1 --profile P` with the CLI's default workers.",
        "",
        *table(runs),
        "",
        *verdict_lines(runs, ms),
        "",
    ]
    for run in runs:
        lines += profile_lines(run)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.latency", description=__doc__)
    parser.add_argument("--profiles", nargs="+", default=["full", "smoke"], choices=["full", "smoke"])
    parser.add_argument("--ms", type=int, default=LATENCY_MS)
    parser.add_argument("--workers", type=int, help="--workers for the suite (default: the CLI's choice)")
    parser.add_argument("--keep", type=Path, help="keep each run's report directory under this directory")
    parser.add_argument("--only-ms", type=int, help="measure only this latency (no pair)")
    args = parser.parse_args(argv)
    if args.only_ms is not None:
        runs = [measure(args.only_ms, p, workers=args.workers, keep=args.keep) for p in args.profiles]
        print("\n".join([*table(runs), "", *[line for run in runs for line in profile_lines(run)]]))
        return 0
    print("\n".join(section(args.profiles, args.ms, args.workers, args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
