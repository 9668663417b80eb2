"""Run events for the reports: what each check, header rule and enum value did, as JSON lines.

Every process (the pytest controller or an xdist worker) appends to its own file under the report
directory; the controller merges the files at session end. Files, not memory, so that a worker's events
survive to the merge and a crash leaves a readable partial record (a torn last line is skipped).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

EVENTS_DIR = ".norce-events"
MERGED_EVENTS = "events.jsonl"


@dataclass(frozen=True)
class CheckEvent:
    """One check run against one response (or one assertion a test reports itself)."""

    operation: str
    media_type: str
    check: str
    passed: bool
    rule_id: str | None = None
    detail: str = ""
    test_id: str = ""
    test_name: str = ""
    curl: str = ""
    kind: str = "check"


@dataclass(frozen=True)
class TallyEvent:
    """Passes of one (operation, media type, check, rule) beyond those written as CheckEvents."""

    operation: str
    media_type: str
    check: str
    rule_id: str | None
    passed: int
    kind: str = "tally"


@dataclass(frozen=True)
class CaseTallyEvent:
    """How many generated cases of an operation were sent as generated, rewritten, or not sent (and why)."""

    operation: str
    outcome: str  # "sent as generated" | "rewritten" | "not sent"
    reason: str
    count: int
    kind: str = "case_tally"


@dataclass(frozen=True)
class DeviationEvent:
    """A finding above the run's strictness: how often, and the first detail, per judgement and operation."""

    judgement: str
    operation: str
    media_type: str
    detail: str
    count: int
    test_id: str = ""
    kind: str = "deviation"


@dataclass(frozen=True)
class WaiverEvent:
    waiver: str
    operation: str
    count: int
    kind: str = "waiver"


@dataclass(frozen=True)
class HeaderRuleEvent:
    rule_id: str
    outcome: str  # "pass" (the target obeyed the rule) or "fail"
    operation: str = ""
    test_id: str = ""
    kind: str = "header_rule"


@dataclass(frozen=True)
class EnumValueEvent:
    enum_name: str
    value: int
    form: str  # "int", "name" or "xml"
    kind: str = "enum"


@dataclass(frozen=True)
class FailedTestEvent:
    """A failed test, with the last request it sent (for tests whose failure no check recorded)."""

    test_id: str
    test_name: str
    message: str
    operation: str = ""
    media_type: str = ""
    rule_id: str | None = None
    curl: str = ""  # the request that broke the contract
    chain: str = ""  # the test's requests and answers up to the failure
    script: str = ""  # a shell script replaying the chain
    kind: str = "test_failure"


@dataclass(frozen=True)
class JudgedEvent:
    """A judgement was judged (kept or broken) on an operation by a test function, `count` times: what the
    fact coverage counts as exercised."""

    judgement: str
    operation: str  # "" when the test named none and called none
    test: str  # the test function: path::name, no parameters
    count: int
    kind: str = "judged"


@dataclass(frozen=True)
class ItemStatusEvent:
    """What became of a test function's items: "ran", "skipped" or "deselected", with the reason."""

    test: str  # path::name, no parameters
    status: str
    reason: str = ""
    kind: str = "test_status"


@dataclass(frozen=True)
class TrafficEvent:
    """One client's request count and what it retried (a front end's 502/503/504, 429, network errors)."""

    requests: int
    gateway_retries: int = 0
    throttled: int = 0
    network_retries: int = 0
    auth_refreshes: int = 0
    kind: str = "traffic"


@dataclass(frozen=True)
class ObservationEvent:
    """One process's observations (contracts/reports/observations.py `ObservationLog.as_data`)."""

    data: dict[str, Any]
    kind: str = "observation"


Event = (
    CheckEvent
    | TallyEvent
    | CaseTallyEvent
    | DeviationEvent
    | WaiverEvent
    | HeaderRuleEvent
    | EnumValueEvent
    | FailedTestEvent
    | JudgedEvent
    | ItemStatusEvent
    | TrafficEvent
    | ObservationEvent
)
EVENT_TYPES: dict[str, type[Event]] = {
    "deviation": DeviationEvent,
    "waiver": WaiverEvent,
    "check": CheckEvent,
    "tally": TallyEvent,
    "case_tally": CaseTallyEvent,
    "header_rule": HeaderRuleEvent,
    "enum": EnumValueEvent,
    "test_failure": FailedTestEvent,
    "judged": JudgedEvent,
    "test_status": ItemStatusEvent,
    "traffic": TrafficEvent,
    "observation": ObservationEvent,
}


def event_from_dict(data: dict[str, Any]) -> Event | None:
    """The event a JSON line describes, or None for an unknown kind or shape (newer or damaged files)."""
    event_type = EVENT_TYPES.get(str(data.get("kind")))
    if event_type is None:
        return None
    try:
        return event_type(**data)
    except TypeError:
        return None


class EventLog:
    """Appends events to one JSON-lines file; safe to call from several threads.

    Events are flat dataclasses, so `vars` is their dict: `asdict` deep-copies and was a tenth of a run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._handle: IO[str] | None = None

    def append(self, event: Event) -> None:
        line = json.dumps(vars(event), ensure_ascii=False, sort_keys=True)
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(line + "\n")
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def read_events(path: Path) -> list[Event]:
    events: list[Event] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue  # a line torn by a crashed worker
        event = event_from_dict(data) if isinstance(data, dict) else None
        if event is not None:
            events.append(event)
    return events


def worker_events_path(report_dir: Path, run_token: str, worker: str) -> Path:
    return report_dir / EVENTS_DIR / f"{run_token}-{worker}.jsonl"


def merge_event_files(files: Iterable[Path], merged: Path) -> list[Event]:
    """Concatenate per-process event files (in name order, so the result is stable) into `merged`."""
    events: list[Event] = []
    for file in sorted(files):
        events.extend(read_events(file))
    merged.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(vars(event), ensure_ascii=False, sort_keys=True) for event in events)
    merged.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return events


def collect_run_events(report_dir: Path, run_token: str) -> list[Event]:
    """Merge this run's per-process files into `events.jsonl` and remove them (no files: nothing written)."""
    directory = report_dir / EVENTS_DIR
    files = sorted(directory.glob(f"{run_token}-*.jsonl")) if directory.is_dir() else []
    events = merge_event_files(files, report_dir / MERGED_EVENTS) if files else []
    for file in files:
        file.unlink()
    if directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
    return events
