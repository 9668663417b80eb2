"""The release-to-release proofs (`norce-contracts compare`): tables for docs/benchmarks.md, section
"Release to release (compare)".

- Seed pairs: two runs of one release against one served emulator, with different seeds, compare with no
  change (sampling noise set apart is counted).
- Variants: a run against the plain served emulator (the baseline, one per seed and selection) compared with a
  run against the emulator served with one conforming variant reports that variant's change and nothing else
  (tests/selfcheck/compare_expectations.py); a variant the observations cannot see reports nothing.
- Faults: a plain run compared with a run against a seeded fault reports the fault's failures as new failures
  and exits 1.
- Sizes and times: the observation files' sizes, and the wall time of `norce-contracts compare`.

Every run is a tenant-mode run (`norce-emulator serve`, `norce-contracts run --target ... --allow-writes`).
`python -m tests.selfcheck.compare_bench [--pairs N] [--variants each|none|a,b] [--faults default|none|a,b]
[--bench]`; `make bench BENCH_ARGS='--only compare'` runs the whole of it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contracts.reports.compare import NEW_FAILURE, Change, Comparison, compare
from contracts.reports.observations import FILE_NAME, read_document
from emulator import variants as variant_catalogue
from tests.selfcheck.compare_expectations import COMBINED, EXPECTED, INVISIBLE, NEVER, unexplained
from tests.selfcheck.parity import VARIANT_KEYWORDS
from tests.selfcheck.runner import REPO_ROOT, SuiteRun, read_junit
from tests.selfcheck.tenant import Tenant, TenantPlan, TenantRun, run_against, served

SECTION = "Release to release (compare)"
CONTRACTS_CLI = Path(sys.executable).with_name("norce-contracts")
PAIRS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10))
SMOKE = "smoke"
# Ten faults of the documented level from different areas: import semantics, header rules, 1.1 writes,
# 1.1 reads, answer shape, XML, the job service.
FAULTS = (
    "import-customer-first-flag-only",
    "import-preserve-flags-ignored",
    "hdr-accountid-not-enforced",
    "header-violation-returns-500",
    "cs-updatecustomer-not-stored",
    "cs-insert-company-delivery-method-replaces-others",
    "cs-org-no-not-stripped",
    "customer-id-as-string",
    "xml-body-drops-cell-phone",
    "job-wrong-counters",
)


# Named selections, so a table row names its selection in a word (the legend under the table spells it out).
# `surfaces`: the tests that meet most variants' surfaces (1.1 semantics, shapes, auth, lookups, the import
# wire, header rules, import semantics); `catchers`: the catching tests of the ten FAULTS.
SELECTIONS = {
    "surfaces": " or ".join(
        (
            "test_customer_service_semantics",
            "test_customer_service_shapes",
            "test_auth",
            "test_company_lookups",
            "test_get_customer_family",
            "test_import_wire",
            "test_header_rules",
            "test_import_semantics",
        )
    ),
    "catchers": " or ".join(
        (
            "test_import_read_back",
            "test_import_semantics",
            "test_header_rule_effects",
            "test_header_rules",
            "test_customer_service_customer_writes",
            "test_customer_service_company_writes",
            "test_company_lookups",
            "test_list_companies_by_org_no",
            "test_customer_service_shapes",
        )
    ),
}


def keyword_of(value: str | None) -> str | None:
    """A -k value: a named selection's keyword, or the value itself."""
    return SELECTIONS.get(value, value) if value else None


@dataclass(frozen=True)
class Selection:
    """What a run of the table runs: a profile and, where the smoke profile leaves a variant's trigger out,
    a keyword (tests/selfcheck/parity.py VARIANT_KEYWORDS)."""

    profile: str = SMOKE
    keyword: str | None = None

    def plan(self) -> TenantPlan:
        return TenantPlan(keyword=self.keyword, extra_args=("--profile", self.profile))

    @property
    def label(self) -> str:
        named = next((name for name, keyword in SELECTIONS.items() if keyword == self.keyword), None)
        shown = f"<{named}>" if named else f"'{self.keyword}'"
        return f"`--profile {self.profile}`" + (f" `-k {shown}`" if self.keyword else "")


@dataclass
class Compared:
    """`norce-contracts compare BASELINE CURRENT` as a user runs it, and the comparison it made."""

    exit_code: int
    seconds: float
    comparison: Comparison
    output: str = ""
    cpu_seconds: float = 0.0  # the CLI's own CPU time: on a shared machine its wall time is mostly waiting


@dataclass
class Row:
    name: str
    selection: Selection
    run: TenantRun | None = None
    compared: Compared | None = None
    error: str | None = None
    unexplained: list[Change] = field(default_factory=list)
    passed: bool = False
    note: str = ""
    documents: list[Path] = field(default_factory=list)  # the observations files compared


KEPT: list[Path] = []  # --keep DIR: every run's reports are kept there and a finished run is not run again


def kept_run(tenant: Tenant, seed: int, report_dir: Path) -> TenantRun | None:
    """A run `--keep` kept (its observations and junit.xml written): judged again, not run again."""
    if not KEPT or not (report_dir / FILE_NAME).is_file() or not (report_dir / "junit.xml").is_file():
        return None
    tests_run, failures = read_junit(report_dir / "junit.xml")
    return TenantRun(tenant, SuiteRun(tenant.faults, seed, 1 if failures else 0, 0.0, tests_run, failures))


def run_once(tenant: Tenant, selection: Selection, seed: int, report_dir: Path) -> TenantRun:
    kept = kept_run(tenant, seed, report_dir)
    if kept is not None:
        return kept
    with served(tenant) as base:
        return run_against(base, selection.plan(), seed=seed, report_dir=report_dir, tenant=tenant)


@contextlib.contextmanager
def scratch_dir(name: str) -> Iterator[Path]:
    """A row's directory: under --keep DIR when given, else a temporary one."""
    if KEPT:
        path = KEPT[0] / name
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"compare-{name}-") as scratch:
        yield Path(scratch)


def compare_command(baseline: Path, current: Path, report_dir: Path) -> Compared:
    """The CLI (exit code, wall time with Python's start-up), then the same comparison in-process."""
    started, used = time.monotonic(), _children_cpu()
    completed = subprocess.run(
        [str(CONTRACTS_CLI), "compare", str(baseline), str(current), "--report-dir", str(report_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    seconds, cpu = time.monotonic() - started, _children_cpu() - used
    comparison = compare(read_document(baseline), read_document(current))
    return Compared(completed.returncode, seconds, comparison, completed.stdout + completed.stderr, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def observed(run: TenantRun, report_dir: Path) -> str | None:
    """Why a run cannot be compared (no verdict, no observations), or None."""
    if run.run.error is not None:
        return f"run: {run.run.error[:120]}"
    if not (report_dir / FILE_NAME).is_file():
        return "run wrote no observations"
    return None


def changes_text(changes: Sequence[Change], limit: int = 6) -> str:
    shown = [f"{c.kind}: {c.where} {c.what}" for c in changes[:limit]]
    more = f"; … {len(changes) - limit} more" if len(changes) > limit else ""
    return ("; ".join(shown) + more).replace("|", "/") or "none"


# ---- seed pairs ----


def seed_pair(first: int, second: int, scratch: Path, selection: Selection) -> Row:
    """Two runs against one served plain emulator, seeds `first` and `second`, compared."""
    row = Row(f"{first}, {second}", selection)
    tenant = Tenant()
    runs = [kept_run(tenant, seed, scratch / str(seed)) for seed in (first, second)]
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(served(tenant)) if None in runs else ""
        for index, seed in enumerate((first, second)):
            run = runs[index] or run_against(
                base, selection.plan(), seed=seed, report_dir=scratch / str(seed), tenant=tenant
            )
            row.error = observed(run, scratch / str(seed))
            if row.error:
                return row
            runs[index] = run
    row.run = runs[-1]
    row.documents = [scratch / str(seed) / FILE_NAME for seed in (first, second)]
    row.compared = compare_command(scratch / str(first), scratch / str(second), scratch / "compare")
    row.passed = not row.compared.comparison.real and row.compared.exit_code == 0
    return row


def pairs_table(pairs: Sequence[tuple[int, int]], selection: Selection) -> tuple[list[Row], list[str]]:
    rows = []
    for first, second in pairs:
        with scratch_dir(f"pair-{first}-{second}") as scratch:
            started = time.monotonic()
            row = seed_pair(first, second, scratch, selection)
            rows.append(row)
            _progress("pair", row, started)
    lines = [
        f"Each row: one `norce-emulator serve`, two `norce-contracts run --target http://127.0.0.1:PORT "
        f"--allow-writes` ({selection.label}) with the two seeds, then `norce-contracts compare`. A row "
        "passes when no change is reported and the exit code is 0; sampling noise (what only generated "
        "cases saw, set apart) is counted.",
        "",
        f"- **{sum(r.passed for r in rows)}/{len(rows)} pass**",
        "",
        "| seeds | changes reported | sampling noise | exit | result |",
        "|---|---|---:|---:|---|",
    ]
    for row in rows:
        if row.compared is None:
            lines.append(f"| {row.name} | - | - | - | FAIL ({row.error}) |")
            continue
        comparison = row.compared.comparison
        result = "pass" if row.passed else "FAIL"
        lines.append(
            f"| {row.name} | {changes_text(comparison.real)} | {len(comparison.noise)} "
            f"| {row.compared.exit_code} | {result} |"
        )
    return rows, lines


# ---- variants and faults against one plain baseline per seed and selection ----


class Baselines:
    """One run against the plain served emulator per selection (the same seed for all), kept in `scratch`."""

    def __init__(self, scratch: Path, seed: int) -> None:
        self.scratch, self.seed = scratch, seed
        self.runs: dict[Selection, tuple[Path, TenantRun]] = {}

    def get(self, selection: Selection) -> tuple[Path, TenantRun]:
        if selection not in self.runs:
            report_dir = self.scratch / f"baseline-{selection.profile}-{_short(selection.keyword)}"
            started = time.monotonic()
            run = run_once(Tenant(), selection, self.seed, report_dir)
            print(f"compare-bench: baseline {selection.label}: {time.monotonic() - started:.0f}s", flush=True)
            self.runs[selection] = (report_dir, run)
        return self.runs[selection]


def _short(keyword: str | None) -> str:
    """A directory name for a selection (a keyword is longer than a file name may be)."""
    return hashlib.sha256(keyword.encode()).hexdigest()[:12] if keyword else "all"


def variant_selection(name: str, profile: str, keyword: str | None = None) -> Selection:
    return Selection(profile, VARIANT_KEYWORDS.get(name, keyword))


def variant_row(name: str, baselines: Baselines, scratch: Path, selection: Selection) -> Row:
    row = Row(name, selection)
    baseline_dir, baseline = baselines.get(selection)
    row.error = observed(baseline, baseline_dir)
    if row.error:
        row.error = "baseline " + row.error
        return row
    report_dir = scratch / "current"
    row.run = run_once(Tenant(variants=(name,)), selection, baselines.seed, report_dir)
    row.error = observed(row.run, report_dir)
    if row.error:
        return row
    row.documents = [report_dir / FILE_NAME]
    row.compared = compare_command(baseline_dir, report_dir, scratch / "compare")
    real = row.compared.comparison.real
    if name in INVISIBLE:
        row.passed = not real and row.compared.exit_code == 0
        row.note = INVISIBLE[name]
    else:
        row.unexplained = unexplained(name, real)
        never = [c for c in real if c.kind in NEVER]
        row.passed = bool(real) and not row.unexplained and not never and row.compared.exit_code == 0
        row.note = "; ".join(expect.why for expect in EXPECTED.get(name, ()) if expect.why) or name
    return row


def fault_row(name: str, baselines: Baselines, scratch: Path, selection: Selection) -> Row:
    row = Row(name, selection)
    baseline_dir, baseline = baselines.get(selection)
    row.error = observed(baseline, baseline_dir)
    if row.error:
        row.error = "baseline " + row.error
        return row
    report_dir = scratch / "current"
    row.run = run_once(Tenant(faults=(name,)), selection, baselines.seed, report_dir)
    row.error = observed(row.run, report_dir)
    if row.error:
        return row
    row.documents = [report_dir / FILE_NAME]
    row.compared = compare_command(baseline_dir, report_dir, scratch / "compare")
    reported = {c.what for c in row.compared.comparison.real if c.kind == NEW_FAILURE}
    failed = failed_judgements(row.run)
    missing = sorted(failed - reported)
    row.passed = bool(failed) and not missing and row.compared.exit_code == 1
    row.note = f"failed judgements {', '.join(sorted(failed)) or 'none'}" + (
        f"; not reported: {', '.join(missing)}" if missing else ""
    )
    return row


def failed_judgements(run: TenantRun) -> set[str]:
    """The judgement ids the run's failed tests broke (junit `failed_judgement`: "ID|operations|media")."""
    return {entry.split("|", 1)[0] for case in run.run.failures for entry in case.judged if entry}


def variants_table(
    names: Sequence[str], baselines: Baselines, profile: str, keyword: str | None = None
) -> tuple[list[Row], list[str]]:
    rows = []
    for number, name in enumerate(names, start=1):
        with scratch_dir(f"variant-{name}") as scratch:
            started = time.monotonic()
            row = variant_row(name, baselines, scratch, variant_selection(name, profile, keyword))
            rows.append(row)
            _progress(f"variant {number}/{len(names)}", row, started)
    lines = [
        f"Each row: a run against the plain served emulator (the baseline, seed {baselines.seed}, one per "
        "selection) and a run against `norce-emulator serve --variant NAME` (same seed, same selection), "
        "compared with `norce-contracts compare`. A row passes when at least one change is reported and each "
        "matches the variant's description (tests/selfcheck/compare_expectations.py), no failure is new or "
        "fixed and the exit code is 0; a variant the observations cannot see (its reason in the row) passes "
        "with no change reported.",
        "",
        f"- **{sum(r.passed for r in rows)}/{len(rows)} pass**",
        "",
        "| variant | ran | changes reported | noise | result |",
        "|---|---|---|---:|---|",
    ]
    for row in rows:
        lines.append(_variant_line(row))
    return rows, lines


def _variant_line(row: Row) -> str:
    if row.compared is None:
        return f"| `{row.name}` | {row.selection.label} | - | - | FAIL ({row.error}) |"
    comparison = row.compared.comparison
    result = "pass" if row.passed else "FAIL"
    if row.unexplained:
        result += f" (unexplained: {changes_text(row.unexplained, 3)})"
    reported = changes_text(comparison.real)
    if row.name in INVISIBLE:
        reported += f" (invisible: {row.note})"
    return f"| `{row.name}` | {row.selection.label} | {reported} | {len(comparison.noise)} | {result} |"


def faults_table(
    names: Sequence[str], baselines: Baselines, profile: str, keyword: str | None = None
) -> tuple[list[Row], list[str]]:
    rows = []
    for number, name in enumerate(names, start=1):
        with scratch_dir(f"fault-{name}") as scratch:
            started = time.monotonic()
            row = fault_row(name, baselines, scratch, Selection(profile, keyword))
            rows.append(row)
            _progress(f"fault {number}/{len(names)}", row, started)
    lines = [
        f"Each row: the plain baseline (seed {baselines.seed}, the row's selection) compared with a run "
        "against `norce-emulator serve --fault NAME` (same seed and profile). A row passes when every "
        "judgement the fault run failed is reported as a new failure and the exit code is 1.",
        "",
        f"- **{sum(r.passed for r in rows)}/{len(rows)} pass**",
        "",
        "| fault | ran | new failures reported | judgements the run failed | exit | result |",
        "|---|---|---|---|---:|---|",
    ]
    for row in rows:
        if row.compared is None:
            lines.append(f"| `{row.name}` | {row.selection.label} | - | - | - | FAIL ({row.error}) |")
            continue
        new = [c for c in row.compared.comparison.real if c.kind == NEW_FAILURE]
        others = len(row.compared.comparison.real) - len(new)
        reported = "; ".join(f"{c.where} {c.what}" for c in new) or "none"
        reported += f" (+{others} other changes)" if others else ""
        failed = ", ".join(sorted(failed_judgements(row.run))) if row.run else "-"
        result = "pass" if row.passed else f"FAIL ({row.note})"
        lines.append(
            f"| `{row.name}` | {row.selection.label} | {reported} | {failed} | {row.compared.exit_code} "
            f"| {result} |"
        )
    return rows, lines


# ---- sizes and times ----


def sizes_and_times(rows: Sequence[Row], baselines: Baselines) -> list[str]:
    """The observations files' sizes (by profile) and the comparisons' wall times."""
    by_profile: dict[str, list[int]] = {}
    for selection, (report_dir, _) in baselines.runs.items():
        if (report_dir / FILE_NAME).is_file():
            by_profile.setdefault(selection.label, []).append((report_dir / FILE_NAME).stat().st_size)
    for row in rows:
        for path in row.documents:
            if path.is_file():
                by_profile.setdefault(row.selection.label, []).append(path.stat().st_size)
    lines = [
        "| observations of runs with | files | smallest | median | largest |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, sizes in sorted(by_profile.items()):
        sizes.sort()
        lines.append(
            f"| {label} | {len(sizes)} | {sizes[0] / 1024:.0f} KiB | {sizes[len(sizes) // 2] / 1024:.0f} KiB "
            f"| {sizes[-1] / 1024:.0f} KiB |"
        )
    times = sorted(row.compared.seconds for row in rows if row.compared is not None)
    cpu = sorted(row.compared.cpu_seconds for row in rows if row.compared is not None)
    largest = max((path for row in rows for path in row.documents if path.is_file()), key=_size, default=None)
    lines += [
        "",
        f"- `norce-contracts compare` (the CLI, Python start-up included), {len(times)} comparisons: wall "
        + (f"median {times[len(times) // 2]:.2f} s, worst {times[-1]:.2f} s" if times else "none")
        + (f"; CPU (user + system) median {cpu[len(cpu) // 2]:.2f} s, worst {cpu[-1]:.2f} s" if cpu else ""),
    ]
    if largest is not None:
        seconds = _in_process_seconds(largest)
        lines.append(
            f"- The comparison itself (read two files, compare; in-process) of the largest file "
            f"({_size(largest) / 1024:.0f} KiB) with itself: {seconds:.3f} s"
        )
    return lines


def _size(path: Path) -> int:
    return path.stat().st_size


def _in_process_seconds(path: Path) -> float:
    started = time.monotonic()
    compare(read_document(path), read_document(path))
    return time.monotonic() - started


def _progress(what: str, row: Row, started: float) -> None:
    real = len(row.compared.comparison.real) if row.compared else "-"
    noise = len(row.compared.comparison.noise) if row.compared else "-"
    print(
        f"compare-bench: {what} {row.name}: {'pass' if row.passed else 'FAIL'}, {real} change(s), "
        f"{noise} noise, exit {row.compared.exit_code if row.compared else '-'}, "
        f"{time.monotonic() - started:.0f}s"
        + (f"; {row.error}" if row.error else "")
        + (f"; unexplained {changes_text(row.unexplained, 3)}" if row.unexplained else ""),
        flush=True,
    )


def variant_names(spec: str) -> list[str]:
    if spec == "none":
        return []
    if spec == "each":
        return [*sorted(variant_catalogue.CATALOGUE), COMBINED]
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = [name for name in names if name != COMBINED and name not in variant_catalogue.CATALOGUE]
    if unknown:
        raise variant_catalogue.UnknownVariantError(f"unknown variant(s): {', '.join(unknown)}")
    return names


def fault_names(spec: str) -> list[str]:
    if spec == "none":
        return []
    return list(FAULTS) if spec == "default" else [name.strip() for name in spec.split(",") if name.strip()]


def table(args: argparse.Namespace) -> tuple[bool, list[str]]:
    started = datetime.now(UTC)
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC onwards on `{platform.node()}` ({os.cpu_count()} CPUs shared "
        "with other people's runs, so times are upper bounds), tenant mode throughout: "
        "`norce-emulator serve` and `norce-contracts run --target http://127.0.0.1:PORT --allow-writes` "
        "(2 workers). Regenerate: `python -m tests.selfcheck.compare_bench --bench`.",
        "",
    ]
    passed = True
    rows: list[Row] = []
    pairs = PAIRS[: args.pairs]
    if pairs:
        pair_rows, pair_lines = pairs_table(pairs, Selection(args.pair_profile))
        rows += pair_rows
        passed &= all(r.passed for r in pair_rows)
        lines += ["### Same release, same target, other seeds", "", *pair_lines, ""]
    with scratch_dir("baselines") as scratch:
        baselines = Baselines(scratch, args.seed)
        names = variant_names(args.variants)
        if names:
            variant_rows, variant_lines = variants_table(
                names, baselines, args.profile, keyword_of(args.keyword)
            )
            rows += variant_rows
            passed &= all(r.passed for r in variant_rows)
            lines += ["### Conforming variants", "", *variant_lines, ""]
        faults = fault_names(args.faults)
        if faults:
            fault_rows, fault_lines = faults_table(
                faults, baselines, args.profile, keyword_of(args.fault_keyword)
            )
            rows += fault_rows
            passed &= all(r.passed for r in fault_rows)
            lines += ["### Seeded faults", "", *fault_lines, ""]
        lines += ["### Sizes and times", "", *sizes_and_times(rows, baselines)]
    lines += ["", "Named selections (`-k <name>`):", ""]
    lines += [f"- `<{name}>`: `-k '{keyword}'`" for name, keyword in SELECTIONS.items()]
    return passed, lines


def write_bench_section(lines: list[str]) -> None:
    from tests.selfcheck.bench import BENCHMARKS, merge_sections

    stamp = (
        f"_Written {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `python -m tests.selfcheck.compare_bench "
        "--bench` (`make bench BENCH_ARGS='--only compare'`)._"
    )
    BENCHMARKS.write_text(merge_sections(BENCHMARKS.read_text(), {SECTION: lines}, stamp), encoding="utf-8")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.compare_bench", description=__doc__)
    parser.add_argument(
        "--pairs", type=int, default=len(PAIRS), help=f"seed pairs to run (at most {len(PAIRS)})"
    )
    parser.add_argument(
        "--pair-profile", default="full", choices=["full", SMOKE], help="the seed pairs' profile"
    )
    parser.add_argument(
        "--variants", default="each", help="'each', 'none' or variant names (comma-separated)"
    )
    parser.add_argument("--faults", default="default", help="'default' (ten), 'none' or fault names")
    parser.add_argument(
        "--profile", default=SMOKE, choices=["full", SMOKE], help="variant and fault runs' profile"
    )
    parser.add_argument(
        "-k",
        dest="keyword",
        help=f"the variant runs' selection: a keyword or one of {', '.join(SELECTIONS)} "
        "(a variant's keyword in parity.VARIANT_KEYWORDS wins)",
    )
    parser.add_argument(
        "--fault-keyword",
        help="the fault runs' selection: a keyword or a named one (default: the whole profile)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="the seed of the baseline, variant and fault runs"
    )
    parser.add_argument(
        "--bench", action="store_true", help=f"write the tables to docs/benchmarks.md, {SECTION!r}"
    )
    parser.add_argument(
        "--keep", type=Path, help="keep every run's reports here; a run already kept is judged, not run again"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.keep:
        KEPT[:] = [args.keep.resolve()]
    try:
        passed, lines = table(args)
    except variant_catalogue.UnknownVariantError as error:
        print(f"compare-bench: error: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    if args.bench:
        write_bench_section(lines)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
