"""The slow-network benchmark's figures (tests/selfcheck/latency.py): requests in flight, each test's chain
of requests, cleanup apart, and the ratio against the goals."""

from __future__ import annotations

import json
from pathlib import Path

from tests.selfcheck.latency import RunProfile, load_requests, load_timelines, spans_of, verdict_lines


def write(path: Path, document: object) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def a_run(report_dir: Path) -> RunProfile:
    def record(
        sent_at: float, elapsed: float, url: str = "http://t/commerce/customer/1.1/GetCustomer"
    ) -> dict:
        return {"url": url, "sent_at": sent_at, "elapsed": elapsed}

    job = "http://t/commerce/connect/4.0/Job/Get?id=1"
    write(report_dir / "requests-gw0.json", {"requests": [record(10, 1), record(11, 1), record(12, 1, job)]})
    write(report_dir / "requests-gw1.json", {"requests": [record(10.5, 1)]})
    write(report_dir / "requests-cleanup-gw0.json", {"requests": [record(20, 1), record(20, 1)]})
    for worker, tests in (("gw0", [["t::a", 9.5, 13.5]]), ("gw1", [["t::b", 10, 12]])):
        write(
            report_dir / f"timeline-{worker}.json",
            {"worker": worker, "started": 5, "finished": 21, "tests": tests},
        )
    write(
        report_dir / "timeline.json",
        {"worker": "controller", "started": 4, "finished": 22, "tests": [["t::a", 9, 14]]},
    )
    requests = load_requests(report_dir)
    workers, tests = load_timelines(report_dir)
    return RunProfile("full, 80 ms", "pass", 18.0, 2, requests, spans_of(tests, requests), workers)


def test_in_flight_spans_and_cleanup(tmp_path: Path) -> None:
    run = a_run(tmp_path)
    assert len(run.requests) == 6 and sum(r.cleanup for r in run.requests) == 2
    assert run.peak_in_flight == 2
    assert abs(run.mean_in_flight - 6 / 11) < 1e-9  # 6 request-seconds from 10 s to 21 s
    assert [(s.nodeid, s.requests, s.job_polls) for s in run.spans] == [("t::a", 3, 1), ("t::b", 1, 0)]


def test_the_ratio_is_judged_against_the_goals() -> None:
    fast, slow = RunProfile("full, 0 ms", "pass", 100.0, 1), RunProfile("full, 80 ms", "pass", 160.0, 1)
    smoke = RunProfile("smoke, 0 ms", "pass", 30.0, 1), RunProfile("smoke, 80 ms", "pass", 40.0, 1)
    lines = verdict_lines([fast, slow, *smoke], 80)
    assert "**1.60x**" in lines[0] and "not met: 10s over" in lines[0]
    assert "**1.33x**" in lines[1] and ": met" in lines[1]
    assert "a pass in under 60 s: met" in lines[2]
