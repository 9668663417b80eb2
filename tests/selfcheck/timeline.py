"""A pytest plugin for measuring a run's time line (`-p tests.selfcheck.timeline`): when each process started,
how much CPU its collection cost, and when each test started and finished, in epoch seconds (comparable
across the run's processes and with the request logs' `sent_at`).

Written to `<report dir>/timeline[-<worker>].json` at the end of each process. The latency benchmark
(`tests/selfcheck/latency.py`) reads it to name the run's critical path; the suite never loads it.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any

import pytest

_STARTED = time.time()  # this module is imported with the plugin, before collection
_state: dict[str, Any] = {"tests": []}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pytest_collection_finish(session: pytest.Session) -> None:
    _state["collected_at"] = time.time()
    _state["collection_cpu"] = _cpu_seconds()
    _state["collected"] = len(session.items)


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    _state["current"] = [nodeid, time.time()]


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    current = _state.pop("current", None)
    if current is not None and current[0] == nodeid:
        _state["tests"].append([nodeid, current[1], time.time()])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    worker = getattr(config, "workerinput", {}).get("workerid")
    report_dir = Path(config.getoption("norce_report_dir", default="reports") or "reports")
    document = {
        "worker": worker or "controller",
        "started": _STARTED,
        "finished": time.time(),
        "cpu": _cpu_seconds(),
        **{key: value for key, value in _state.items() if key != "current"},
    }
    report_dir.mkdir(parents=True, exist_ok=True)
    name = f"timeline-{worker}.json" if worker else "timeline.json"
    (report_dir / name).write_text(json.dumps(document) + "\n", encoding="utf-8")
