"""One seedable source of integer ids, GUID keys and timestamps.

Ids are per-kind counters; keys are derived from (seed, counter) so a given seed always yields the same keys;
the clock is either the real UTC clock or a fixed start that advances one millisecond per reading, which makes
timestamps reproducible in tests. ``state()``/``from_state()`` let a restart with ``--db`` continue the
counters.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

# First id per kind: distinct ranges make ids of different kinds easy to tell apart in logs.
FIRST_IDS: dict[str, int] = {
    "customer": 1000,
    "company": 5000,
    "account": 9000,
    "address": 20000,
    "job": 1,
    "reference": 100,
}
CLOCK_STEP = timedelta(milliseconds=1)


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a ``Z`` suffix, the form every timestamp in the store uses."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class IdSource:
    """Thread-safe; every value the store invents comes from here."""

    def __init__(self, seed: int = 0, fixed_start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self.seed = seed
        self._next_ids: dict[str, int] = dict(FIRST_IDS)
        self._keys_issued = 0
        self._fixed_start = fixed_start
        self._ticks = 0

    def next_id(self, kind: str) -> int:
        with self._lock:
            value = self._next_ids.setdefault(kind, 1)
            self._next_ids[kind] = value + 1
            return value

    def new_key(self) -> str:
        with self._lock:
            self._keys_issued += 1
            digest = hashlib.sha256(f"{self.seed}:{self._keys_issued}".encode()).digest()[:16]
        return str(uuid.UUID(bytes=digest, version=4))

    def now(self) -> datetime:
        if self._fixed_start is None:
            return datetime.now(UTC)
        with self._lock:
            self._ticks += 1
            return self._fixed_start + self._ticks * CLOCK_STEP

    def timestamp(self) -> str:
        return format_timestamp(self.now())

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "seed": self.seed,
                "next_ids": dict(self._next_ids),
                "keys_issued": self._keys_issued,
                "ticks": self._ticks,
            }

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from a saved state; counters never move backwards."""
        with self._lock:
            self.seed = int(state.get("seed", self.seed))
            for kind, value in state.get("next_ids", {}).items():
                self._next_ids[kind] = max(int(value), self._next_ids.get(kind, 1))
            self._keys_issued = max(int(state.get("keys_issued", 0)), self._keys_issued)
            self._ticks = max(int(state.get("ticks", 0)), self._ticks)
