"""--rate bounds the whole run: with several pytest-xdist workers each process paces at its share."""

from __future__ import annotations

from pathlib import Path

from contracts.pytest_plugin import SuiteSettings
from contracts.transport.target import resolve_target


def settings(rate: str | None, workers: int) -> SuiteSettings:
    target = resolve_target({"target": "emulator", "rate": rate}, env={}, pyproject={})
    return SuiteSettings(
        target=target,
        seed=1,
        seed_derived=False,
        allow_writes=False,
        dry_run=False,
        max_examples=None,
        report_dir=Path("reports"),
        run_id="r",
        workers=workers,
    )


def test_each_worker_paces_at_its_share_of_the_rate() -> None:
    assert settings("10", 4).rate == 2.5
    assert settings("10", 1).rate == 10.0


def test_no_rate_means_no_pacing_whatever_the_workers() -> None:
    assert settings(None, 4).rate is None
