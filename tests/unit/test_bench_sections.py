"""`make bench --only`: re-measured sections replace their old text, everything else is kept."""

from __future__ import annotations

from tests.selfcheck.bench import SECTIONS, merge_sections

OLD = """# Benchmarks

Written by `make bench`.

> A note written by hand about this run.

## Machine

- Date: 2026-01-01

## Time to detect a fault

- Score: 90/91
- False-positive gate: FAIL

## Emulator import throughput

| body | x |

## Mutation score

- Score: 65.5%
"""


def test_only_the_named_section_is_replaced_and_stamped() -> None:
    merged = merge_sections(OLD, {"Time to detect a fault": ["- Score: 91/91", "- gate: PASS"]}, "_stamp_")
    assert "- Score: 90/91" not in merged and "False-positive gate: FAIL" not in merged
    assert "## Time to detect a fault\n\n_stamp_\n\n- Score: 91/91\n- gate: PASS\n\n## Emulator" in merged
    for kept in ("> A note written by hand", "- Date: 2026-01-01", "| body | x |", "- Score: 65.5%"):
        assert kept in merged
    assert merged.count("_stamp_") == 1


def test_a_section_the_old_file_lacks_is_appended() -> None:
    merged = merge_sections(OLD, {"Read latency under concurrency": ["- p50 1 ms"]}, "_stamp_")
    assert merged.endswith("## Read latency under concurrency\n\n_stamp_\n\n- p50 1 ms\n")
    assert merge_sections(OLD, {}, "_stamp_") == OLD


def test_section_keys_are_unique_and_name_every_written_section() -> None:
    keys = [key for key, _, _ in SECTIONS]
    titles = [title for _, title, _ in SECTIONS]
    assert len(set(keys)) == len(keys) and len(set(titles)) == len(titles)
    assert "detection" in keys and "Time to detect a fault" in titles


def test_the_detection_section_takes_every_summary_bullet_and_the_shared_tenant_proof() -> None:
    from tests.selfcheck.bench import selfcheck_summary

    report = "\n".join(
        [
            "# Self-check",
            "- not a summary bullet",
            "## Summary",
            "- Score: **91/91 faults caught**",
            "- Tenant gate: **PASS**, 45/45",
            "- documented faults (run at `--strictness documented`): 68/68 caught",
            "## Faults",
            "- a fault row that is not a bullet of the summary",
            "## Shared-tenant proof",
            "- plain: **holds**",
        ]
    )
    assert selfcheck_summary(report) == [
        "- Score: **91/91 faults caught**",
        "- Tenant gate: **PASS**, 45/45",
        "- documented faults (run at `--strictness documented`): 68/68 caught",
        "- plain: **holds**",
    ]
