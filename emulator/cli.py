"""`norce-emulator`: serve the emulator over HTTP, list the fault or the variant catalogue, or check a
recorded run against it (`parity`).

Exit codes: 0 normal shutdown (parity: no differences), 1 parity found differences, 2 usage or start-up
error (bad option, port in use, a file that is not a cassette) with one clear line.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from emulator import faults, variants
from emulator.config import ConfigError, EmulatorConfig, parse_job_timing


class _OneLineParser(argparse.ArgumentParser):
    """A bad option gets one clear line and exit code 2, not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="norce-emulator", description="Local Norce customer API emulator.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    serve = commands.add_parser(
        "serve", help="serve Connect 4.0, Customer Service 1.1 and the token endpoint"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--db", metavar="FILE", help="persist state in this SQLite file")
    serve.add_argument("--seed", type=int, default=0, help="seed for ids, keys and tokens")
    serve.add_argument("--admin", action="store_true", help="enable the /_emulator/ admin endpoints")
    serve.add_argument(
        "--job-timing", default="background", help="immediate, background or a delay in seconds"
    )
    serve.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="enable a fault (repeatable)"
    )
    serve.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="enable a conforming variant (repeatable; NAME=VALUE sets its parameter; 'all': every one)",
    )
    parity = commands.add_parser(
        "parity",
        help="replay a recorded run (norce-contracts run --record PATH) against a fresh emulator and report "
        "where the emulator answers differently",
    )
    parity.add_argument("cassette", type=Path, metavar="PATH", help="the run's HAR cassette")
    parity.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="where parity.md and parity.json go"
    )
    parity.add_argument("--seed", type=int, default=0, help="the fresh emulator's seed")
    parity.add_argument(
        "--job-slack",
        type=float,
        default=5.0,
        help="seconds a tenant's job may take before its time is a difference (default 5)",
    )
    parity.add_argument(
        "--latency-slack",
        type=float,
        default=50.0,
        help="milliseconds the tenant's median answer time may exceed the emulator's (default 50)",
    )
    commands.add_parser(
        "faults", help="print the fault catalogue: one line per fault (name, category, level, description)"
    )
    commands.add_parser(
        "variants", help="print the variant catalogue: one line per variant (name, silence, description)"
    )
    return parser


def _print_catalogue() -> None:
    width = max(len(name) for name in faults.CATALOGUE)
    category_width = max(len(category) for category in faults.CATEGORIES)
    level_width = max(len(level) for level in faults.LEVELS)
    for fault in faults.CATALOGUE.values():
        columns = f"{fault.name:<{width}}  {fault.category:<{category_width}}  {fault.level:<{level_width}}"
        print(f"{columns}  {fault.description}")


def _print_variants() -> None:
    width = max(len(name) for name in variants.CATALOGUE)
    for variant in variants.CATALOGUE.values():
        parameter = f" [{variant.name}={variant.parameter}]" if variant.parameter else ""
        print(f"{variant.name:<{width}}  {variant.silence}  --  {variant.description}{parameter}")


def _port_free(host: str, port: int) -> str | None:
    """None when the port can be bound, else the reason."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: connections of an earlier server still in TIME_WAIT do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return (
                "address already in use" if error.errno == errno.EADDRINUSE else str(error.strerror or error)
            )
    return None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from emulator.http.app import create_app
    from emulator.http.server import NorceH11Protocol

    try:
        config = EmulatorConfig(
            seed=args.seed,
            db_path=args.db,
            admin=args.admin,
            job_timing=parse_job_timing(args.job_timing),
            faults=set(faults.validate(args.fault)),
            variants=set(args.variant),
        )
    except (ConfigError, faults.UnknownFaultError) as error:
        print(f"norce-emulator: error: {error}", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"norce-emulator: error: port {args.port} is out of range", file=sys.stderr)
        return 2
    problem = _port_free(args.host, args.port)
    if problem is not None:
        print(f"norce-emulator: error: cannot listen on {args.host}:{args.port}: {problem}", file=sys.stderr)
        return 2
    uvicorn.run(
        create_app(config), host=args.host, port=args.port, log_level="warning", http=NorceH11Protocol
    )
    return 0


def _parity(args: argparse.Namespace) -> int:
    from emulator.parity.cassette import CassetteError, read_cassette
    from emulator.parity.replay import ReplayOptions, replay
    from emulator.parity.report import summary_line, write_report

    if args.job_slack < 0 or args.latency_slack < 0:
        print("norce-emulator: error: --job-slack and --latency-slack must be >= 0", file=sys.stderr)
        return 2
    try:
        cassette = read_cassette(args.cassette)
    except CassetteError as error:
        print(f"norce-emulator: error: {error}", file=sys.stderr)
        return 2
    options = ReplayOptions(seed=args.seed, job_slack=args.job_slack, latency_slack_ms=args.latency_slack)
    result = replay(args.cassette, cassette, options)
    markdown, _json = write_report(result, args.report_dir)
    print(f"norce-emulator {summary_line(result)} (report: {markdown})")
    return 1 if result.differences else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # argparse prints one usage error line and exits 2 on a bad option
    if args.command == "parity":
        return _parity(args)
    if args.command == "faults":
        _print_catalogue()
        return 0
    if args.command == "variants":
        _print_variants()
        return 0
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
