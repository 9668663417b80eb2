"""One operation's coverage-phase cases spread over several tests, so that workers send them side by side.

Schemathesis runs an operation's cases one after another inside one Hypothesis test. For an import body the
coverage phase alone is over 2,000 cases (every boundary and mutation of ImportCompanies' members): at 80 ms
a round trip that one test took three minutes, longer than all the rest of a run on four workers. Split into
shards (a pytest parameter), the same cases go out from several workers at once.

Nothing is left out and nothing is sent twice: every shard builds the same cases (the same seed, the same
schema), each coverage case belongs to exactly one shard (a digest of its request), and the examples and
fuzzing phases' cases, which are few, all belong to the first shard.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

COVERAGE = "coverage"
COVERAGE_SHARDS = 8  # with several workers: a shard of ImportCompanies is about 280 cases


@dataclass(frozen=True)
class Shard:
    index: int  # 0-based
    count: int

    @property
    def label(self) -> str:
        return "coverage-all" if self.count == 1 else f"coverage-{self.index + 1}of{self.count}"


def shards(count: int) -> list[Shard]:
    return [Shard(index, count) for index in range(max(1, count))]


def shard_count(*, workers: int, smoke: bool) -> int:
    """One shard for a single process (nothing runs side by side) and for the smoke profile (no coverage
    phase); COVERAGE_SHARDS otherwise."""
    return 1 if workers <= 1 or smoke else COVERAGE_SHARDS


def is_coverage_case(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    phase = getattr(getattr(meta, "phase", None), "name", None)
    return str(getattr(phase, "value", phase)) == COVERAGE


def request_digest(case: Any) -> int:
    """A digest of what the case sends (method, path, parameters, headers, body, media type), the same in
    every process that builds it."""
    parts = {
        "method": str(case.method),
        "path": str(case.path),
        "path_parameters": case.path_parameters,
        "query": case.query,
        "headers": dict(case.headers or {}),
        "cookies": case.cookies,
        "body": case.body,
        "media_type": case.media_type,
    }
    text = json.dumps(parts, sort_keys=True, default=_stable_repr)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _stable_repr(value: Any) -> str:
    """repr, without the address a default repr carries (Schemathesis' NOT_SET body: `<... at 0x7f..>`)."""
    text = repr(value)
    return f"<{type(value).__name__}>" if " at 0x" in text else text


def in_shard(case: Any, shard: Shard) -> bool:
    """Whether `shard` sends this case: a coverage case in the shard its digest names, any other in the
    first."""
    if shard.count <= 1:
        return True
    if not is_coverage_case(case):
        return shard.index == 0
    return request_digest(case) % shard.count == shard.index
