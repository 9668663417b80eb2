"""The parity proof: no tenant is reachable, so the emulator served with each conforming variant stands in
for one. A run of the suite against it is recorded (`norce-contracts run --record`), the cassette replayed
with `norce-emulator parity` against the plain emulator, and the reported differences checked against the
variant's description (tests/selfcheck/parity_expectations.py): at least one, each covered by a change the
variant makes. The plain served emulator (`none`) must show none.

`python -m tests.selfcheck.parity [--variants each|none|a,b] [-k KEYWORD] [--bench]` runs the table;
`--bench` writes it to docs/benchmarks.md, section "Parity".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator import variants as variant_catalogue
from tests.selfcheck.parity_expectations import EXPECTED, MAPPED_IDS_ONLY, NOT_EXERCISED, unexplained
from tests.selfcheck.runner import REPO_ROOT
from tests.selfcheck.tenant import Tenant, TenantPlan, TenantRun, run_against, served

PLAIN = "none"
EMULATOR_CLI = Path(sys.executable).with_name("norce-emulator")
REPLAY_TIMEOUT = 900.0
SECTION = "Parity"
# The table's selection: every deterministic contract test (the generated ones, Schemathesis fuzzing and the
# stateful workflow, add many exchanges and little that the deterministic tests do not meet).
TABLE_KEYWORD = "not test_schemathesis and not test_stateful_import"
# Where the table's selection does not meet what a variant changes, or takes tens of minutes with it, the
# tests that do: slow-jobs makes every job take 5-20 s (the selection waits for some 150 one by one); only
# Schemathesis' reads send a bearer call without the application id (its security parameters generated)
# or a method an operation does not take (its unsupported_method check).
SCHEMATHESIS_READS = "test_customer_service_reads and (ListCustomers or GetCustomer)"
VARIANT_KEYWORDS = {
    "slow-jobs": "test_insert_counts_validation_failures or test_empty_import_is_a_job_with_zero",
    "application-id-optional": SCHEMATHESIS_READS,
    "generic-allow": SCHEMATHESIS_READS,
}


@dataclass
class ParityOutcome:
    variant: str
    recorded: TenantRun | None
    exit_code: int
    entries: int = 0
    replay_seconds: float = 0.0
    groups: list[dict[str, Any]] = field(default_factory=list)
    unexplained: list[tuple[str, str, str]] = field(default_factory=list)
    error: str | None = None
    ids_different: int = 0

    @property
    def differences(self) -> int:
        return sum(int(group["count"]) for group in self.groups)

    @property
    def passed(self) -> bool:
        if self.error is not None:
            return False
        if self.variant == PLAIN:
            return self.exit_code == 0 and self.differences == 0
        if self.variant in MAPPED_IDS_ONLY and self.differences == 0:
            return self.exit_code == 0 and self.ids_different > 0
        if self.variant in NOT_EXERCISED and self.differences == 0:
            return self.exit_code == 0
        return self.exit_code == 1 and self.differences > 0 and not self.unexplained

    def reported(self) -> list[str]:
        """`operation: kind path (count)` per group."""
        return [
            f"{group['operation']}: {group['kind']} {group['path'] or '(answer)'} ({group['count']})"
            for group in self.groups
        ]


def replay(cassette: Path, report_dir: Path) -> tuple[int, float, dict[str, Any] | None, str]:
    """`norce-emulator parity CASSETTE` as a user runs it: exit code, seconds, parity.json, output."""
    started = time.monotonic()
    completed = subprocess.run(
        [str(EMULATOR_CLI), "parity", str(cassette), "--report-dir", str(report_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=REPLAY_TIMEOUT,
        check=False,
    )
    seconds = time.monotonic() - started
    found = report_dir / "parity.json"
    document = json.loads(found.read_text(encoding="utf-8")) if found.is_file() else None
    return completed.returncode, seconds, document, completed.stdout + completed.stderr


def prove(
    variant: str, *, keyword: str | None, scratch: Path, workers: int = 1, seed: int = 1
) -> ParityOutcome:
    """Record a run against the emulator served with `variant` (or plain), replay it, judge the report."""
    tenant = Tenant(variants=() if variant == PLAIN else (variant,))
    cassette = scratch / "run.har"
    plan = TenantPlan(keyword=keyword, workers=workers, extra_args=("--record", str(cassette)))
    with served(tenant) as base:
        recorded = run_against(base, plan, seed=seed, report_dir=scratch / "run", tenant=tenant)
    if not cassette.is_file():
        return ParityOutcome(variant, recorded, -1, error=f"no cassette: {recorded.output[-500:]}")
    code, seconds, document, output = replay(cassette, scratch / "parity")
    if document is None or code not in (0, 1):
        return ParityOutcome(
            variant, recorded, code, replay_seconds=seconds, error=output[-500:] or "no report"
        )
    groups = list(document["groups"])
    found = [(str(g["operation"]), str(g["kind"]), str(g["path"])) for g in groups]
    return ParityOutcome(
        variant,
        recorded,
        code,
        entries=int(document["entries"]),
        replay_seconds=seconds,
        groups=groups,
        unexplained=[] if variant == PLAIN else unexplained(variant, found),
        ids_different=int(document.get("ids", {}).get("different", 0)),
    )


def cases(spec: str) -> list[str]:
    if spec == "each":
        return [PLAIN, *sorted(EXPECTED)]
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in names if name != PLAIN and name not in variant_catalogue.CATALOGUE]
    if unknown:
        raise variant_catalogue.UnknownVariantError(f"unknown variant(s): {', '.join(unknown)}")
    return names


def render_table(outcomes: Sequence[ParityOutcome], keyword: str | None) -> list[str]:
    selection = f"`-k '{keyword}'`" if keyword else "the whole suite"
    passed = sum(1 for outcome in outcomes if outcome.passed)
    lines = [
        "Each row: `norce-emulator serve --variant NAME`, `norce-contracts run --target "
        f"http://127.0.0.1:PORT --allow-writes --workers 1 --record run.har` ({selection}), then "
        "`norce-emulator parity run.har` "
        "against a fresh plain emulator. A row passes when the report names at least one difference and "
        "each matches the variant's description (tests/selfcheck/parity_expectations.py); `none` (the plain "
        "emulator served) passes with no difference.",
        "",
        f"- **{passed}/{len(outcomes)} pass**",
        "",
        "| variant | differences reported (operation: kind path (count)) | result | exchanges | replay |",
        "|---|---|---|---:|---:|",
    ]
    for outcome in outcomes:
        reported = "; ".join(outcome.reported()[:6]) or "none"
        if outcome.variant in MAPPED_IDS_ONLY and not outcome.groups:
            reported += f" ({outcome.ids_different} ids numbered differently, mapped)"
        if outcome.variant in NOT_EXERCISED and not outcome.groups:
            reported += f" (not exercised: {NOT_EXERCISED[outcome.variant]})"
        if len(outcome.groups) > 6:
            reported += f"; … {len(outcome.groups) - 6} more"
        result = "pass" if outcome.passed else "FAIL"
        if outcome.error:
            result += f" ({outcome.error[:80]})"
        elif outcome.unexplained:
            result += " (unexplained: " + "; ".join(" ".join(item) for item in outcome.unexplained[:3]) + ")"
        name = f"`{outcome.variant}`" + (
            f" (`-k '{VARIANT_KEYWORDS[outcome.variant]}'`)"
            if (keyword == TABLE_KEYWORD and outcome.variant in VARIANT_KEYWORDS)
            else ""
        )
        lines.append(
            f"| {name} | {reported.replace('|', '/')} | {result} | {outcome.entries} "
            f"| {outcome.replay_seconds:.1f}s |"
        )
    return lines


def run_table(names: Sequence[str], keyword: str | None, seed: int = 1) -> list[ParityOutcome]:
    outcomes = []
    for number, name in enumerate(names, start=1):
        with tempfile.TemporaryDirectory(prefix=f"parity-{name}-") as scratch:
            started = time.monotonic()
            chosen = VARIANT_KEYWORDS.get(name, keyword) if keyword == TABLE_KEYWORD else keyword
            outcome = prove(name, keyword=chosen, scratch=Path(scratch), seed=seed)
            verdict = "pass" if outcome.passed else "FAIL"
            print(
                f"parity: [{number}/{len(names)}] {name}: {verdict}, {outcome.differences} difference(s) in "
                f"{len(outcome.groups)} group(s), replay {outcome.replay_seconds:.1f}s, "
                f"{time.monotonic() - started:.0f}s in all"
                + (f"; unexplained {outcome.unexplained[:3]}" if outcome.unexplained else "")
                + (f"; {outcome.error}" if outcome.error else ""),
                flush=True,
            )
            outcomes.append(outcome)
    return outcomes


def whole_suite() -> list[str]:
    """The whole suite recorded against the plain served emulator (2 workers, as the tenant gate runs) and
    replayed: how long a full cassette takes (the target: under 2 minutes), and that it shows nothing."""
    with tempfile.TemporaryDirectory(prefix="parity-whole-") as scratch:
        outcome = prove(PLAIN, keyword=None, scratch=Path(scratch), workers=2)
    tests, seconds = (
        (outcome.recorded.run.tests_run, outcome.recorded.run.seconds) if outcome.recorded else (0, 0.0)
    )
    verdict = "pass" if outcome.passed else "FAIL"
    reported = "; ".join(outcome.reported()[:6]) or "none"
    return [
        f"- **Whole suite** (plain served emulator, 2 workers, {tests} tests, recorded in {seconds:.0f}s): "
        f"{outcome.entries} exchanges replayed in "
        f"**{outcome.replay_seconds:.1f}s** (`norce-emulator parity`, start-up included); differences: "
        f"{reported} ({verdict})",
    ]


def write_bench_section(lines: list[str]) -> None:
    from tests.selfcheck.bench import BENCHMARKS, merge_sections

    stamp = (
        f"_Measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `python -m tests.selfcheck.parity --bench` "
        "(the same table as `make bench BENCH_ARGS='--only parity'`) on "
        f"`{platform.node()}` ({os.cpu_count()} CPUs, Python {platform.python_version()}), next to other "
        "people's runs on the same CPUs, so the times are upper bounds._"
    )
    BENCHMARKS.write_text(merge_sections(BENCHMARKS.read_text(), {SECTION: lines}, stamp), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.parity", description=__doc__)
    parser.add_argument("--variants", default="each", help="'each' (none + every variant) or names")
    parser.add_argument(
        "-k", dest="keyword", default=TABLE_KEYWORD, help=f"the recorded runs' selection ({TABLE_KEYWORD!r})"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bench", action="store_true", help="write the table to docs/benchmarks.md")
    parser.add_argument(
        "--whole-suite",
        action="store_true",
        help="also record the whole suite against the plain emulator and time its replay",
    )
    args = parser.parse_args(argv)
    try:
        names = cases(args.variants)
    except variant_catalogue.UnknownVariantError as error:
        print(f"parity: error: {error}", file=sys.stderr)
        return 2
    outcomes = run_table(names, args.keyword, args.seed)
    table = render_table(outcomes, args.keyword)
    if args.whole_suite:
        table = [*whole_suite(), "", *table]
    print("\n".join(table))
    if args.bench:
        write_bench_section(table)
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
