"""Proof that a write run on a shared tenant touches only what it created and cleans it up, and that a run
against a throttling tenant with `--rate` passes within the rate (issue #12; set-up in shared_tenant.py).

The fast proof runs the tests marked `writes` (every request that can change a tenant comes from them) and,
throttled and paced, Schemathesis' 1.1 write cases with the header-rule imports. The whole suite is proven the
same way by `make selfcheck` and measured by `make bench`.
"""

from __future__ import annotations

from pathlib import Path

from tests.selfcheck.shared_tenant import (
    GENERATED_WRITES,
    RATE,
    RATE_WINDOW_SECONDS,
    WRITES_ONLY,
    clean_run,
    rate_allowed,
    throttled_run,
)


def test_a_write_run_touches_only_what_it_created_and_cleans_it_up(tmp_path: Path) -> None:
    proof = clean_run(WRITES_ONLY, tmp_path)
    assert len(proof.before["customers"]) >= 300 and len(proof.before["companies"]) >= 100
    assert proof.result.run.verdict == "pass", proof.failed()
    found = proof.found
    assert found.created["customers"] > 0 and found.created["companies"] > 0, found.summary()
    assert found.changed == [], found.summary()
    assert found.unprefixed == [], found.summary()
    assert found.left_active == [], found.summary()
    assert found.relations_left == [], found.summary()
    assert "rewritten" in proof.cases, proof.cases  # generated 1.1 writes were made safe, not just dropped


def test_a_throttled_tenant_with_a_rate_passes_within_the_rate(tmp_path: Path) -> None:
    proof = throttled_run(GENERATED_WRITES, tmp_path)
    assert proof.result.run.verdict == "pass", proof.failed()
    assert proof.found.clean, proof.found.summary()
    assert proof.requests > 100
    assert proof.busiest() <= rate_allowed(workers=2), (proof.busiest(), RATE_WINDOW_SECONDS)
    assert proof.average_rate <= RATE
