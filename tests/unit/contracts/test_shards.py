"""Coverage shards: every coverage case is sent by exactly one shard, every other case by the first, and a
case's shard is the same in every process that builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.schemathesis_ext.shards import (
    COVERAGE_SHARDS,
    Shard,
    in_shard,
    is_coverage_case,
    request_digest,
    shard_count,
    shards,
)


class NotSet:
    """Like Schemathesis' NOT_SET: a default repr, with the object's address in it."""


@dataclass
class Phase:
    name: str


@dataclass
class Meta:
    phase: Phase


@dataclass
class FakeCase:
    body: Any
    phase: str = "coverage"
    method: str = "POST"
    path: str = "/Customer/ImportCompanies"
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=lambda: {"X-StormConnect-Header": "{}"})
    cookies: dict[str, Any] = field(default_factory=dict)
    media_type: str | None = "application/json"

    @property
    def meta(self) -> Meta:
        return Meta(Phase(self.phase))


def test_each_coverage_case_is_in_exactly_one_shard_and_the_shards_share_them_out() -> None:
    cases = [FakeCase([{"Code": f"c{n}", "Name": "x" * n}]) for n in range(400)]
    split = shards(COVERAGE_SHARDS)
    owners = [[shard.index for shard in split if in_shard(case, shard)] for case in cases]
    assert all(len(found) == 1 for found in owners)
    sizes = [sum(found == [index] for found in owners) for index in range(COVERAGE_SHARDS)]
    assert min(sizes) > 400 / COVERAGE_SHARDS / 2  # no shard left (nearly) empty


def test_cases_of_other_phases_are_all_sent_by_the_first_shard() -> None:
    split = shards(4)
    for phase in ("examples", "fuzzing"):
        case = FakeCase({"Code": "x"}, phase=phase)
        assert not is_coverage_case(case)
        assert [shard.index for shard in split if in_shard(case, shard)] == [0]


def test_one_shard_sends_everything() -> None:
    assert shards(1) == [Shard(0, 1)] and shards(1)[0].label == "coverage-all"
    assert in_shard(FakeCase({"Code": "x"}), Shard(0, 1))
    assert shard_count(workers=1, smoke=False) == 1
    assert shard_count(workers=4, smoke=True) == 1
    assert shard_count(workers=4, smoke=False) == COVERAGE_SHARDS


def test_a_digest_does_not_depend_on_object_addresses() -> None:
    """Every xdist worker builds its own cases: a body Schemathesis leaves unset must digest the same."""
    assert request_digest(FakeCase(NotSet())) == request_digest(FakeCase(NotSet()))
    assert request_digest(FakeCase({"a": 1})) != request_digest(FakeCase({"a": 2}))
