"""`norce-contracts`: run the contract suite, finish an earlier run's cleanup, or show what a run would do.

Exit codes: 0 every contract holds, 1 a contract is violated (or cleanup left data behind),
2 usage or configuration error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from contracts.oracle.evidence import Level
from contracts.reports.compare import compare, fails, parse_policy
from contracts.reports.compare_report import write_comparison
from contracts.reports.observations import read_document
from contracts.transport.guard import WriteGuard, WriteRefused
from contracts.transport.target import EMULATOR, ConfigError, Target, resolve_target

if TYPE_CHECKING:
    import pytest

    from contracts.transport.ledger import Ledger

# httpx, pytest and the HTTP client are imported by the commands that use them: `norce-contracts compare`
# loads none of them (on a release morning it answers in a fraction of a second, not after seconds of
# imports).

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE = 0, 1, 2
SUITE_DIR = Path(__file__).resolve().parent / "suite"  # shipped with the package: runs when installed
REACHABILITY_TIMEOUT = 5.0
TENANT_WORKERS = 4
# A target this slow to answer (seconds, the fastest of the reachability check's requests) gets more workers:
# at 80 ms a round trip, 4 workers kept only about 3.6 requests in flight and a run took 3.4x as long.
SLOW_ROUND_TRIP = 0.04
SLOW_NETWORK_WORKERS = 8
PLUGIN = "contracts.pytest_plugin"
# This process imported httpx (hence anyio, a pytest plugin) before pytest starts: pytest cannot rewrite its
# asserts and warns, which the project's `filterwarnings = error` would turn into a crash.
IN_PROCESS_ARGS = (
    "-p",
    PLUGIN,
    "-p",
    "no:cacheprovider",  # an installed suite lives in site-packages: nothing is written next to it
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
    # A long traceback prints every frame's arguments: a request's headers (a bearer token) would reach
    # junit.xml, and the secret scan would fail the run. The failure files carry what a person needs.
    "--tb=short",
)


class UsageError(Exception):
    """Reported as one line on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="'emulator' (default), a tenant base URL, or a profile name")
    parser.add_argument("--connect-url", help="Connect 4.0 base URL (per-API layout)")
    parser.add_argument("--customer-url", help="Customer Service 1.1 base URL (per-API layout)")
    parser.add_argument("--token-url", help="OAuth2 token endpoint")
    parser.add_argument(
        "--rate",
        type=float,
        help="max requests per second to the target, for the whole run (each worker takes its share)",
    )
    parser.add_argument("--job-timeout", type=float, help="seconds to wait for an import job")
    parser.add_argument(
        "--job-stall", type=float, help="seconds a job may stand still before the run calls it stalled"
    )
    parser.add_argument(
        "--retries",
        type=int,
        help="retries after a 429, a gateway's transient 502/503/504 or a network error (default 3)",
    )
    parser.add_argument(
        "--strictness",
        choices=[level.label for level in Level],
        help="judge by what is documented (tenant default), recommended, or the emulator's conventions",
    )
    parser.add_argument(
        "--waiver", dest="waivers", action="append", help="+W-ID turns a waiver on, -W-ID off (repeatable)"
    )


def _add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on",
        action="append",
        help="also fail the comparison on: deviations, members, enums, statuses, timing, coverage, all "
        "(comma-separated or repeated; new failures always fail)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="norce-contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="run the contract suite (contracts/suite) against the target")
    _add_target_options(run)
    run.add_argument("--seed", type=int, help="replay a run's seed")
    run.add_argument(
        "--allow-writes", action="store_true", help="allow writes on a lab/stage/playground host"
    )
    run.add_argument("--dry-run", action="store_true", help="deselect and list write tests, send no writes")
    run.add_argument("--max-examples", type=int, help="Hypothesis examples per test")
    run.add_argument(
        "--profile",
        choices=["full", "smoke"],
        default="full",
        help="smoke: every test and operation once, one example each, in both media types: a quick answer",
    )
    run.add_argument("--report-dir", default="reports", help="directory for junit.xml and other reports")
    run.add_argument("-k", dest="keyword", help="only tests matching this pytest -k expression")
    run.add_argument(
        "--workers",
        type=int,
        help=f"processes running tests side by side (default {TENANT_WORKERS} on a tenant, where most time "
        "is spent waiting for queued jobs; 1 on the embedded emulator)",
    )
    run.add_argument(
        "--record",
        type=Path,
        metavar="PATH",
        help="keep the run's exchanges as a HAR 1.2 cassette (redacted) for `norce-emulator parity PATH`",
    )
    run.add_argument(
        "--baseline",
        type=Path,
        help="compare this run with a baseline's observations (a file or a report directory)",
    )
    _add_policy_option(run)
    run.add_argument("--suite", type=Path, default=SUITE_DIR, help=argparse.SUPPRESS)
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")

    compare = commands.add_parser("compare", help="what changed between two runs' observations")
    compare.add_argument("baseline", type=Path, help="the baseline's observations.json or report directory")
    compare.add_argument("current", type=Path, help="the current run's observations.json or report directory")
    compare.add_argument("--report-dir", default="reports", help="where compare.md/.html/-junit.xml go")
    _add_policy_option(compare)

    cleanup = commands.add_parser("cleanup", help="finish the cleanup recorded in a ledger file")
    cleanup.add_argument(
        "--ledger",
        required=True,
        type=Path,
        action="append",
        help="a ledger file, or a report directory for all its ledger*.json (repeatable)",
    )
    _add_target_options(cleanup)

    dry_run = commands.add_parser("dry-run", help="show the target, the write decision and the tests to run")
    _add_target_options(dry_run)
    dry_run.add_argument("--allow-writes", action="store_true")
    return parser


def target_options(args: argparse.Namespace) -> dict[str, Any]:
    names = (
        "target",
        "connect_url",
        "customer_url",
        "token_url",
        "rate",
        "job_timeout",
        "job_stall",
        "retries",
        "strictness",
        "waivers",
    )
    return {name.replace("_", "-"): getattr(args, name, None) for name in names}


def check_reachable(target: Target) -> float | None:
    """Any HTTP answer counts as reachable; a connection failure is a configuration error. Returns the
    fastest round trip seen (one connection where the hosts are one: no handshake in the later ones), or
    None for the embedded emulator."""
    import httpx

    from contracts.transport.embedded import load_app_factory, load_http_protocol

    if target.is_emulator:
        load_app_factory(target.emulator_app)  # the embedded server starts later; fail early on a bad import
        load_http_protocol(target.emulator_http_protocol)
        return None
    fastest: float | None = None
    with httpx.Client(timeout=REACHABILITY_TIMEOUT) as http:
        for url in dict.fromkeys((target.connect_url, target.customer_url, target.token_url)):
            started = time.monotonic()
            try:
                http.get(url)
            except httpx.HTTPError as exc:
                raise ConfigError(f"target unreachable: {url} ({type(exc).__name__})") from None
            took = time.monotonic() - started
            fastest = took if fastest is None else min(fastest, took)
    return fastest


def default_workers(target: Target, round_trip: float | None) -> int:
    """1 on the embedded emulator; on a tenant TENANT_WORKERS, or SLOW_NETWORK_WORKERS when a round trip
    takes SLOW_ROUND_TRIP or more. A worker's tests send one request after another, so on a slow network
    the run's time is mostly answers in flight, and more workers keep more of them in flight. Each worker
    collects the whole suite (about 8 s of CPU: Schemathesis builds every operation's coverage cases), so
    on a fast network more workers only cost CPU."""
    if target.is_emulator:
        return 1
    if round_trip is not None and round_trip >= SLOW_ROUND_TRIP:
        return SLOW_NETWORK_WORKERS
    return TENANT_WORKERS


def _pytest_target_args(args: argparse.Namespace) -> list[str]:
    argv: list[str] = []
    for name, value in target_options(args).items():
        if name == "waivers":
            for waiver in value or []:
                argv.append(f"--waiver={waiver}")  # `=`: a value such as -W-ID is not an option
        elif value is not None:
            argv += [f"--{name}", str(value)]
    return argv


def command_run(args: argparse.Namespace) -> int:
    import pytest

    target = resolve_target(target_options(args))
    guard = WriteGuard(target, allow_writes=args.allow_writes)
    if args.allow_writes and guard.refusal:
        raise ConfigError(f"--allow-writes refused: {guard.refusal}")
    missing = guard.write_requirements()
    if missing is not None:
        raise ConfigError(missing)
    if not target.is_emulator:
        target.credentials.require_oauth()
    round_trip = check_reachable(target)
    if not args.suite.is_dir():
        raise ConfigError(f"contract suite not found at {args.suite}")
    report_dir = Path(args.report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    # `-p` makes the run independent of the repository's root conftest (a no-op when that loads it too).
    argv = [str(args.suite), *IN_PROCESS_ARGS, f"--junitxml={report_dir / 'junit.xml'}", "-q"]
    argv.append(f"--report-dir={report_dir}")
    argv += _pytest_target_args(args)
    if args.seed is not None:
        argv += ["--seed", str(args.seed)]
    if args.allow_writes:
        argv.append("--allow-writes")
    if args.dry_run:
        argv.append("--dry-run")
    if args.max_examples is not None:
        argv += ["--max-examples", str(args.max_examples)]
    argv += ["--profile", args.profile]
    if args.keyword:
        argv += ["-k", args.keyword]
    if args.record is not None:
        argv.append(f"--record={args.record}")
    workers = args.workers if args.workers is not None else default_workers(target, round_trip)
    if args.workers is None and round_trip is not None and workers == SLOW_NETWORK_WORKERS:
        print(
            f"norce-contracts: a round trip to the target takes {round_trip * 1000:.0f} ms: {workers} "
            "workers, to keep more requests in flight (--workers N to choose)"
        )
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    if workers > 1 and not any(
        arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args.pytest_args
    ):
        # Test by test, so the import tests' job waits overlap instead of queueing behind one another.
        argv += ["-n", str(workers), "--dist", "loadgroup"]
    argv += args.pytest_args
    if args.baseline is not None:
        read_document(args.baseline)  # a missing or unreadable baseline is a usage error, before the run
    code = _exit_code(pytest.main(argv))
    if args.baseline is None or code == EXIT_USAGE:
        return code
    return max(code, compare_runs(args.baseline, report_dir, report_dir, args.fail_on))


def compare_runs(baseline: Path, current: Path, report_dir: Path, fail_on: Sequence[str] | None) -> int:
    """Compare two runs' observations and write compare.md/.html/-junit.xml; 1 when the policy fails."""
    try:
        policy = parse_policy(",".join(fail_on or ()))
        comparison = compare(read_document(baseline), read_document(current))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    failing = fails(comparison, policy)
    write_comparison(comparison, failing, report_dir)
    counts = ", ".join(f"{kind} {count}" for kind, count in comparison.counts().items()) or "nothing changed"
    print(f"norce-contracts: compared with {baseline}: {counts}; noise set apart: {len(comparison.noise)}")
    print(f"norce-contracts: comparison in {report_dir}/compare.md (.html, -junit.xml)")
    return EXIT_VIOLATION if failing else EXIT_OK


def command_compare(args: argparse.Namespace) -> int:
    return compare_runs(args.baseline, args.current, Path(args.report_dir), args.fail_on)


def _exit_code(pytest_code: int | pytest.ExitCode) -> int:
    import pytest

    code = int(pytest_code)
    if code == pytest.ExitCode.OK:
        return EXIT_OK
    if code == pytest.ExitCode.TESTS_FAILED:
        return EXIT_VIOLATION
    # interrupted, internal error, usage error, nothing collected: none of them is a verdict on the target
    return EXIT_USAGE


def ledger_files(paths: Sequence[Path]) -> list[Path]:
    """The ledger files named: files as given, directories for their `ledger*.json` (one per xdist worker)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("ledger*.json"))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"ledger not found: {path}")
    if not found:
        raise ConfigError(f"no ledger*.json in {', '.join(map(str, paths))}")
    return found


def command_cleanup(args: argparse.Namespace) -> int:
    """Finish the cleanup of every ledger named; list what is left and exit 1 if anything is."""
    from contracts.transport.ledger import Ledger

    leftovers = 0
    for path in ledger_files(args.ledger):
        try:
            book = Ledger.load(path)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"ledger {path} is not readable: {exc}") from None
        leftovers += _clean_one(args, path, book)
    return EXIT_VIOLATION if leftovers else EXIT_OK


def _clean_one(args: argparse.Namespace, path: Path, book: Ledger) -> int:
    """Clean one ledger; returns how many of its entries are still on the target."""
    from contracts.transport.auth import AuthSession, TokenProvider
    from contracts.transport.client import NorceClient
    from contracts.transport.ledger import CLEANUP_CONCURRENCY, CleanupError

    if not book.pending:
        print(f"norce-contracts: nothing left to clean in {path}")
        return 0
    options = target_options(args)
    if not any(options.values()):
        if book.target == EMULATOR:
            print(f"norce-contracts: {path} belongs to an embedded emulator, whose state is gone")
            return 0
        # The URLs the run used, as a per-API target (explicit 'emulator' keeps NORCE_TARGET out of it).
        options = {
            "target": EMULATOR,
            "connect-url": book.urls.get("connect"),
            "customer-url": book.urls.get("customer"),
            "token-url": book.urls.get("token"),
        }
    target = resolve_target(options)
    # Cleanup only deactivates what the ledger says this suite created; it is a write all the same.
    guard = WriteGuard(target, allow_writes=True)
    if guard.refusal:
        raise ConfigError(f"cleanup refused: {guard.refusal}")
    target.credentials.require_oauth()
    check_reachable(target)
    tokens = TokenProvider(target.token_url, target.credentials)
    client = NorceClient(target, AuthSession(target.credentials, tokens), guard)
    try:
        handled = book.cleanup(client, concurrency=CLEANUP_CONCURRENCY)
    except CleanupError as exc:
        print(f"norce-contracts: {path}: {exc}", file=sys.stderr)
        return len(exc.leftovers)
    finally:
        client.close()
    print(f"norce-contracts: cleaned {len(handled)} ledger item(s) from {path}")
    return 0


def command_dry_run(args: argparse.Namespace) -> int:
    import pytest

    target = resolve_target(target_options(args))
    guard = WriteGuard(target, allow_writes=args.allow_writes, dry_run=True)
    print(f"target: {target.label}")
    print(f"  connect:  {target.connect_url}")
    print(f"  customer: {target.customer_url}")
    print(f"  token:    {target.token_url}")
    present = [name for name, value in vars(target.credentials).items() if value]
    print(f"credentials present: {', '.join(present) or 'none'} (values never shown)")
    print(f"writes: {'allowed' if guard.writes_allowed else guard.refusal} - dry-run sends none")
    if not SUITE_DIR.is_dir():
        raise ConfigError(f"contract suite not found at {SUITE_DIR}")
    argv = [str(SUITE_DIR), *IN_PROCESS_ARGS, "--collect-only", "-q", "--dry-run", *_pytest_target_args(args)]
    if args.allow_writes:
        argv.append("--allow-writes")
    code = int(pytest.main(argv))
    return EXIT_OK if code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED) else EXIT_USAGE


COMMANDS = {
    "run": command_run,
    "cleanup": command_cleanup,
    "dry-run": command_dry_run,
    "compare": command_compare,
}


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors reported as one line; a token error only where a command loaded the client raising it."""
    errors: list[type[Exception]] = [UsageError, ConfigError, WriteRefused]
    auth = sys.modules.get("contracts.transport.auth")
    if auth is not None:
        errors.append(auth.TokenError)
    return tuple(errors)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except Exception as exc:
        if not isinstance(exc, _user_errors()):
            raise
        print(f"norce-contracts: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
