"""What a run saw of the target, kept for the next release's comparison (`reports/observations.json`).

Per operation and media type: the status codes answered, the members of the answers with their types, the
values of enumeration members, and each judgement's outcome (pass, deviation, failure); the job timings
(p50, p95) and the facts exercised. Nothing that differs from run to run on the same target is kept: no id,
date, code, name or run prefix, only members, types, statuses, enumeration values and outcomes.

Noise: Schemathesis and Hypothesis draw their cases from the seed, so what only generated cases saw (an
error key a random body provoked, a member only some random answer carries) may come and go between two
runs of the same release. Each observation is flagged `d` (a deterministic test saw it), `g` (only generated
cases did) or `dg`; the comparison (contracts/reports/compare.py) reports a change only where a
deterministic test saw it, and lists the rest apart as sampling noise to look at.

Each process keeps an `ObservationLog` (the recorder's), written as one `ObservationEvent` at its end; the
controller merges them into the document.
"""

from __future__ import annotations

import functools
import json
import statistics
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from contracts.oracle.shapes import answer_shape
from contracts.oracle.spec import CONNECT_SPEC, CUSTOMER_SERVICE_SPEC, load_spec

VERSION = 1
KIND = "norce-contracts observations"
FILE_NAME = "observations.json"
DETERMINISTIC, GENERATED = "d", "g"
MAX_ANSWER_BYTES = 2_000_000  # larger answers are counted, not parsed (their shape is their first items')
# A path no spec declares (a test asks for NoSuchOperation<run id>): one name, whatever the run called it.
UNKNOWN_OPERATION = "(undeclared)"

Key = tuple[str, ...]


@functools.cache
def declared_operations() -> frozenset[str]:
    return frozenset(
        op for path in (CONNECT_SPEC, CUSTOMER_SERVICE_SPEC) for op in load_spec(path).operation_ids()
    )


def operation_label(operation: str) -> str:
    """The operation as observations name it: its operationId, or one name for every undeclared one (the
    name a test makes up for it carries the run's id, so it would differ from run to run)."""
    return operation if not operation or operation in declared_operations() else UNKNOWN_OPERATION


def _flag(generated: bool) -> str:
    return GENERATED if generated else DETERMINISTIC


def _merge_flags(left: str, right: str) -> str:
    return "".join(sorted(set(left) | set(right)))


class ObservationLog:
    """One process's observations: (kind, *key) -> flags, and job timings per operation."""

    def __init__(self) -> None:
        self.marks: dict[Key, str] = {}
        self.job_seconds: list[float] = []
        self._lock = threading.Lock()

    def mark(self, key: Key, generated: bool) -> None:
        if len(key) > 1:  # every kind of observation names its operation second
            key = (key[0], operation_label(key[1]), *key[2:])
        flag = _flag(generated)
        with self._lock:
            found = self.marks.get(key)
            if found is None or flag not in found:
                self.marks[key] = _merge_flags(found or "", flag)

    def answer(
        self,
        operation: str,
        media: str,
        status: int | None,
        content: bytes,
        content_type: str,
        generated: bool,
    ) -> None:
        code = "none" if status is None else str(status)
        self.mark(("status", operation, media, code), generated)
        if status is None or len(content) > MAX_ANSWER_BYTES:
            return
        shape, enums = answer_shape(content, content_type)
        for path, kind in shape:
            self.mark(("member", operation, media, code, path, kind), generated)
        for member, value in enums:
            self.mark(("enum", operation, media, member, value), generated)

    def job_time(self, seconds: float) -> None:
        with self._lock:
            self.job_seconds.append(round(seconds, 3))

    def as_data(self) -> dict[str, Any]:
        with self._lock:
            return {
                "marks": [[*key, flags] for key, flags in sorted(self.marks.items())],
                "jobs": self.job_seconds,
            }


def merged_marks(parts: Iterable[Mapping[str, Any]]) -> tuple[dict[Key, str], list[float]]:
    marks: dict[Key, str] = {}
    jobs: list[float] = []
    for part in parts:
        for entry in part.get("marks", []):
            key, flags = tuple(str(piece) for piece in entry[:-1]), str(entry[-1])
            marks[key] = _merge_flags(marks.get(key, ""), flags)
        jobs += [float(seconds) for seconds in part.get("jobs", [])]
    return marks, jobs


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(sorted(values), n=100, method="inclusive")[int(fraction * 100) - 1], 3)


def document(
    marks: Mapping[Key, str],
    job_seconds: list[float],
    exercised_facts: Iterable[str],
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """The versioned observations document: nested by operation and media type, flags as values."""
    statuses: dict[str, dict[str, str]] = {}
    members: dict[str, dict[str, dict[str, str]]] = {}
    enums: dict[str, dict[str, dict[str, str]]] = {}
    judgements: dict[str, dict[str, dict[str, str]]] = {}
    for key, flags in sorted(marks.items()):
        kind, rest = key[0], key[1:]
        if kind == "status":
            operation, media, code = rest
            statuses.setdefault(f"{operation} {media}", {})[code] = flags
        elif kind == "member":
            operation, media, code, path, type_name = rest
            members.setdefault(f"{operation} {media} {code}", {}).setdefault(path, {})[type_name] = flags
        elif kind == "enum":
            operation, media, member, value = rest
            enums.setdefault(f"{operation} {media}", {}).setdefault(member, {})[value] = flags
        elif kind == "outcome":
            operation, judgement, outcome = rest
            judgements.setdefault(operation or "-", {}).setdefault(judgement, {})[outcome] = flags
    return {
        "version": VERSION,
        "kind": KIND,
        "meta": dict(meta),  # seed, strictness, target, date: shown, never compared
        "statuses": statuses,
        "members": members,
        "enums": enums,
        "judgements": judgements,
        "jobs": {
            "count": len(job_seconds),
            "p50": _percentile(job_seconds, 0.50),
            "p95": _percentile(job_seconds, 0.95),
        },
        "facts": {"exercised": sorted(set(exercised_facts))},
    }


def write_document(data: Mapping[str, Any], report_dir: Path) -> Path:
    path = report_dir / FILE_NAME
    path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_document(path: Path) -> dict[str, Any]:
    """An observations file, or the one in a report directory."""
    file = path / FILE_NAME if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no observations at {file} (a run writes them to reports/{FILE_NAME})") from None
    except ValueError as exc:
        raise ValueError(f"{file} is not an observations file: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ValueError(f"{file} is not an observations file")
    if data.get("version") != VERSION:
        raise ValueError(f"{file} has observations version {data.get('version')}, this suite reads {VERSION}")
    return data
