"""`make bench`: measure the suite and the emulator, write `docs/benchmarks.md`.

Sections: machine; contract-suite wall time and Schemathesis cases/s (in-process ASGI and over HTTP);
time to detect a fault; emulator import throughput against the parse-and-validate floor; the same seeded
faults through plain `schemathesis run` for a side-by-side ratio. A section that cannot be measured says why.
The mutation score section is kept (written by `make mutation`). `--only KEY ...` re-measures the named
sections and keeps the rest of the file as it was (e.g. `--only detection` after a `make selfcheck`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import xmlschema
import yaml

from contracts.transport.auth import client_credentials_form
from emulator.config import EmulatorConfig
from emulator.http.app import create_app
from tests.selfcheck import runner
from tests.selfcheck.test_selfcheck_fast import FAST_CASES
from tests.unit.emulator_http.support import TestClient

REPO = runner.REPO_ROOT
BENCHMARKS = REPO / "docs" / "benchmarks.md"
SELFCHECK_REPORT = REPO / "reports" / "selfcheck.md"
CONNECT_SPEC = REPO / "openapi" / "connect-customer-4.0.yaml"
CUSTOMER_SPEC = REPO / "openapi" / "customer-service-1.1.yaml"
IMPORT_XSD = REPO / "openapi" / "xsd" / "connect-customer-import.xsd"
CONNECT = "/commerce/connect/4.0"
CUSTOMER = "/commerce/customer/1.1"
XML_NS = "Enferno.Services.StormConnect.Contracts.Customer.Models"
CREDENTIALS = {"client_id": "norce-emulator", "client_secret": "emulator-secret", "scope": "playground"}
IMPORT_HEADER = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8]})
MUTATION_MARKER = "## Mutation score"


def section(title: str, body: Callable[[], list[str]]) -> list[str]:
    """A section's lines, or one line saying why it could not be measured (the bench never dies halfway)."""
    try:
        lines = body()
    except Exception as exc:
        lines = [f"Not measured: {type(exc).__name__}: {str(exc)[:300]}"]
    return [f"## {title}", "", *lines, ""]


def machine() -> list[str]:
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",
        f"- Machine: `{' '.join(platform.uname())}`",
        f"- CPUs: {os.cpu_count()}",
        f"- Python: {platform.python_version()} ({sys.executable})",
    ]


def token_headers(client: Any, base: str = "") -> dict[str, str]:
    form = client_credentials_form(**CREDENTIALS)
    token = client.post(f"{base}/identity/1.0/connect/token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "application-id": "1"}


# ---- contract suite and Schemathesis throughput ----


def contract_suite() -> list[str]:
    run = runner.run_suite((), seed=1, plan=runner.RunPlan(stop_first=False))
    rate = run.tests_run / run.seconds if run.seconds else 0.0
    return [
        f"- `contracts/suite` over HTTP (embedded emulator, seed 1): {run.seconds:.1f}s wall, "
        f"{run.tests_run} test cases, {rate:.2f} cases/s, result {run.verdict}",
    ]


def schemathesis_rate(
    app: Any | None, base_url: str, headers: dict[str, str], examples: int
) -> tuple[int, float]:
    """Generated cases per second over every Customer Service 1.1 operation (calls + default checks)."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_path(str(CUSTOMER_SPEC))
    schema.config.update(base_url=base_url)
    if app is not None:
        schema.app = app
    count = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            nonlocal count
            count += 1
            # A finding is not a benchmark concern; the contract suite judges findings.
            with contextlib.suppress(AssertionError, BaseExceptionGroup):
                case.call_and_validate(headers=headers)

        call()
    return count, time.monotonic() - started


def schemathesis_throughput(examples: int) -> list[str]:
    app = create_app(EmulatorConfig(job_timing="immediate"))
    with TestClient(app) as client:
        headers = token_headers(client)
    cases, seconds = schemathesis_rate(app, "http://testserver" + CUSTOMER, headers, examples)
    lines = [
        f"- In-process (ASGI, `schema.app = app`): {cases} cases in {seconds:.1f}s = {cases / seconds:.1f}/s"
    ]
    from contracts.transport.embedded import EmbeddedServer

    with EmbeddedServer() as base:
        headers = token_headers(httpx.Client(timeout=10), base)
        cases, seconds = schemathesis_rate(None, base + CUSTOMER, headers, examples)
    lines.append(
        f"- Over HTTP (uvicorn, loopback): {cases} cases in {seconds:.1f}s = {cases / seconds:.1f}/s"
    )
    lines.append(f"- Customer Service 1.1, all operations, {examples} examples each, default checks.")
    return lines


# ---- time to detect ----


def detection() -> list[str]:
    if SELFCHECK_REPORT.is_file():
        return [
            f"From `{SELFCHECK_REPORT.relative_to(REPO)}`:",
            "",
            *selfcheck_summary(SELFCHECK_REPORT.read_text()),
        ]
    names = [case.fault for case in FAST_CASES.values()]
    runs = runner.fault_runs(names, seed=0, workers=2)
    times = sorted(run.seconds for run in runs if run.verdict == "caught")
    head = f"Sample of {len(runs)} faults (one per category; no selfcheck report yet): {len(times)} caught"
    facts = fact_figures()
    if not times:
        return [head + ".", *facts]
    return [
        head + f", median {statistics.median(times):.1f}s, worst {times[-1]:.1f}s to first failure.",
        *facts,
    ]


def fact_figures() -> list[str]:
    """The fact catalogue's figures without a self-check run: facts, observable, traced."""
    from tests.selfcheck.fact_report import summary_lines
    from tests.selfcheck.run import faulted_facts

    return summary_lines(None, faulted_facts())


def selfcheck_summary(report: str) -> list[str]:
    """The Summary section's bullets of a selfcheck report: score, detection times, the false-positive gate,
    the tenant gate, faults caught per level; plus the shared-tenant proof's bullets when it ran."""
    bullets, section = [], ""
    for line in report.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("- ") and section in ("Summary", "Shared-tenant proof"):
            bullets.append(line)
    return bullets


# ---- tenant mode ----


def tenant_mode() -> list[str]:
    """The suite against the emulator served as a tenant (`--allow-writes`, documented strictness, the tenant
    default of 4 workers): plain, with every job taking 5 s, and with jobs of 5-20 s in submission order."""
    from contracts.cli import TENANT_WORKERS
    from tests.selfcheck.tenant import Tenant, run_tenant
    from tests.selfcheck.tenant_gate import QUEUED_JOBS

    tenants = (
        ("plain (`--job-timing background`)", Tenant()),
        ("5-second jobs (`--job-timing 5`)", Tenant(job_timing="5")),
        ("jobs of 5-20 s in submission order (`--variant slow-jobs`)", Tenant(variants=("slow-jobs",))),
    )
    lines = [
        "`norce-contracts run --target http://127.0.0.1:PORT --allow-writes` against `norce-emulator "
        f"serve`, {TENANT_WORKERS} workers (the tenant default). Imports are submitted first and their "
        "jobs waited for together (independent imports of a test, the header-rule experiments, cleanup), "
        "and workers run tests side by side; what still waits job after job is a chain in which each "
        "import needs the one before it (the list-delta tests: 3 jobs; each part of the stateful "
        "workflow: up to 10).",
        "",
        "| tenant | result | tests | deviations | wall time |",
        "|---|---|---:|---:|---:|",
    ]
    for label, tenant in tenants:
        result = run_tenant(tenant, QUEUED_JOBS)  # the tenant default of workers
        run = result.run
        lines.append(
            f"| {label} | {run.verdict} | {run.tests_run} | {result.deviations} | {run.seconds:.0f}s |"
        )
    return lines


def slow_network() -> list[str]:
    """Issue 18's goal: at 80 ms a round trip a run with writes takes at most 1.5x the run without latency,
    and the smoke profile passes in under 60 s (tests/selfcheck/latency.py)."""
    from tests.selfcheck import latency

    return latency.section()


def shared_tenant_proof() -> list[str]:
    from tests.selfcheck import shared_tenant

    clean, throttled = shared_tenant.prove_both(shared_tenant.WHOLE_SUITE)
    return shared_tenant.figures(clean, throttled)


# ---- import throughput ----


def customers(count: int) -> list[dict[str, str]]:
    return [
        {
            "Code": f"bench-{i}",
            "EmailAddress": f"bench-{i}@example.test",
            "FirstName": "Ada",
            "LastName": "Bench",
        }
        for i in range(count)
    ]


def customers_xml(items: list[dict[str, str]]) -> bytes:
    rows = "".join(
        "<Customer>" + "".join(f"<{key}>{item[key]}</{key}>" for key in sorted(item)) + "</Customer>"
        for item in items
    )
    declaration = '<?xml version="1.0" encoding="utf-8"?>'
    return f'{declaration}<ArrayOfCustomer xmlns="{XML_NS}">{rows}</ArrayOfCustomer>'.encode()


def import_seconds(body: bytes, media_type: str) -> float:
    with TestClient(create_app(EmulatorConfig(job_timing="immediate"))) as client:
        headers = {**token_headers(client), "Content-Type": media_type, "Accept": "application/json"}
        headers["X-StormConnect-Header"] = IMPORT_HEADER
        started = time.monotonic()
        response = client.post(f"{CONNECT}/Customer/ImportCustomers", content=body, headers=headers)
        seconds = time.monotonic() - started
    if response.status_code != 200:
        raise RuntimeError(f"import answered {response.status_code}: {response.text[:200]}")
    return seconds


def json_floor_seconds(body: bytes) -> float:
    spec = yaml.safe_load(CONNECT_SPEC.read_text())
    schema = {"$ref": "#/components/schemas/ArrayOfCustomer", "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    started = time.monotonic()
    validator.validate(json.loads(body))
    return time.monotonic() - started


def xml_floor_seconds(body: bytes) -> float:
    schema = xmlschema.XMLSchema(str(IMPORT_XSD))
    started = time.monotonic()
    schema.validate(body.decode())
    return time.monotonic() - started


def import_throughput(count: int) -> list[str]:
    items = customers(count)
    json_body, xml_body = json.dumps(items).encode(), customers_xml(items)
    rows = [
        "| body | emulator import | parse+validate floor | emulator time / floor time |",
        "|---|---|---|---|",
    ]
    for label, body, media, floor in (
        ("JSON", json_body, "application/json", json_floor_seconds),
        ("XML", xml_body, "application/xml", xml_floor_seconds),
    ):
        spent, least = import_seconds(body, media), floor(body)
        rows.append(
            f"| {count} customers, {label} | {count / spent:,.0f} items/s | {count / least:,.0f} items/s "
            f"| {spent / least:.1f}x |"
        )
    return [
        "Immediate job timing; one request through the ASGI app in-process; floor = json.loads + "
        "jsonschema (JSON) or xmlschema validation (XML) of the same body.",
        "",
        *rows,
    ]


# ---- read latency under concurrency ----


def read_latency(clients: int, requests_per_client: int) -> list[str]:
    """p50/p99 of GetCustomerByCode over HTTP with `clients` concurrent keep-alive clients."""
    from concurrent.futures import ThreadPoolExecutor

    from contracts.transport.embedded import EmbeddedServer

    with EmbeddedServer() as base:
        headers = token_headers(httpx.Client(timeout=10), base)
        body = json.dumps(customers(50)).encode()
        seeded = httpx.post(
            f"{base}{CONNECT}/Customer/ImportCustomers",
            content=body,
            headers={**headers, "Content-Type": "application/json", "X-StormConnect-Header": IMPORT_HEADER},
            timeout=30,
        )
        seeded.raise_for_status()
        time.sleep(1.0)  # background job timing: let the 50 customers land

        def one_client(index: int) -> list[float]:
            timings = []
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                for n in range(requests_per_client):
                    started = time.perf_counter()
                    client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": f"bench-{(index + n) % 50}"})
                    timings.append(time.perf_counter() - started)
            return timings

        with ThreadPoolExecutor(max_workers=clients) as pool:
            samples = sorted(s for timings in pool.map(one_client, range(clients)) for s in timings)
    p50 = samples[len(samples) // 2] * 1000
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000
    return [
        f"- GetCustomerByCode, {clients} concurrent clients x {requests_per_client} requests over HTTP "
        f"(embedded uvicorn, clients in the same process): p50 {p50:.2f} ms, p99 {p99:.2f} ms",
    ]


# ---- our suite against plain schemathesis run ----


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


FAILURE_SIGNATURE = re.compile(r"^(?:- (ST\d+ .+)|_+ ([A-Z]+ \S+) _+)$", re.MULTILINE)


def schemathesis_findings(fault: str | None, budget: int) -> set[str]:
    """Failure kinds and failing operations `schemathesis run` (default checks) reports against the emulator
    served by `norce-emulator serve` with `fault` on (None = fault-free)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scripts = Path(sys.executable).parent
    command = [str(scripts / "norce-emulator"), "serve", "--port", str(port)]
    command += ["--fault", fault] if fault else []
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    findings: set[str] = set()
    try:
        headers = _wait_for_token(base)
        for spec, path in ((CONNECT_SPEC, CONNECT), (CUSTOMER_SPEC, CUSTOMER)):
            st = [str(scripts / "schemathesis"), "run", str(spec), "--url", base + path]
            st += ["--max-time", str(budget), "--seed", "1", "--generation-deterministic", "--no-color"]
            for name, value in headers.items():
                st += ["-H", f"{name}: {value}"]
            result = subprocess.run(st, capture_output=True, text=True, timeout=budget * 4 + 60, check=False)
            for match in FAILURE_SIGNATURE.finditer(result.stdout):
                findings.add(f"{spec.name}: {match.group(1) or match.group(2)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return findings


def _wait_for_token(base: str) -> dict[str, str]:
    deadline = time.monotonic() + 20
    while True:
        try:
            return token_headers(httpx.Client(timeout=5), base)
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ours_caught() -> dict[str, str]:
    """fault -> verdict from the last selfcheck report (empty when there is none)."""
    if not SELFCHECK_REPORT.is_file():
        return {}
    row = re.compile(r"^\| `([a-z0-9-]+)` \| [a-z-]+ \| ([a-z ()]+) \|")
    return {
        m.group(1): m.group(2) for line in SELFCHECK_REPORT.read_text().splitlines() if (m := row.match(line))
    }


def side_by_side(names: Sequence[str], budget: int) -> list[str]:
    ours = ours_caught()
    if not ours or any(name not in ours for name in names):
        clean, *runs = runner.run_many(
            [(), *((name,) for name in names)], lambda faults: runner.run_suite(faults, seed=0), 2
        )
        # As in `make selfcheck`: with a failing fault-free baseline no fault counts as caught.
        ours.update({run.faults[0]: run.verdict if clean.verdict == "pass" else "invalid" for run in runs})
    # Schemathesis alone "catches" a fault only with a finding the fault-free emulator does not also produce.
    baseline = schemathesis_findings(None, budget)
    rows = ["| fault | ours | schemathesis run alone |", "|---|---|---|"]
    theirs_total = ours_total = 0
    for name in names:
        theirs = bool(schemathesis_findings(name, budget) - baseline)
        ours_hit = ours.get(name) == "caught"
        theirs_total += theirs
        ours_total += ours_hit
        rows.append(
            f"| `{name}` | {'caught' if ours_hit else 'missed'} | {'caught' if theirs else 'missed'} |"
        )
    ratio = f"{ours_total / theirs_total:.2f}" if theirs_total else "n/a (schemathesis alone caught none)"
    return [
        f"`schemathesis run` with its default checks, `--max-time {budget}` per spec, against "
        "`norce-emulator serve --fault NAME` on a local port; a fault counts as caught by it only with a "
        f"finding (failure kind or failing operation) the fault-free run ({len(baseline)} findings) lacks.",
        "",
        f"- Caught by ours: {ours_total}/{len(names)}; by schemathesis alone: {theirs_total}/{len(names)}; "
        f"ratio ours/schemathesis: {ratio}",
        "",
        *rows,
    ]


def kept_mutation_section() -> list[str]:
    if not BENCHMARKS.is_file():
        return []
    text = BENCHMARKS.read_text()
    return [*text[text.index(MUTATION_MARKER) :].rstrip().splitlines(), ""] if MUTATION_MARKER in text else []


# (key for --only, section title, what it measures); the order is the file's.
SECTIONS = (
    ("machine", "Machine", "date, platform, CPUs, Python"),
    ("suite", "Contract suite", "contracts/suite wall time over HTTP"),
    ("throughput", "Schemathesis throughput", "cases/s in-process and over HTTP"),
    ("detection", "Time to detect a fault", "score and detection times from reports/selfcheck.md"),
    (
        "tenant",
        "Tenant mode and queued jobs",
        "the suite against the served emulator: plain, 5 s jobs, 5-20 s",
    ),
    ("shared-tenant", "Shared-tenant proof", "whole suite on a prepopulated tenant, plain and throttled"),
    ("import", "Emulator import throughput", "10,000-item imports against the parse-and-validate floor"),
    ("read-latency", "Read latency under concurrency", "GetCustomerByCode p50/p99 with 8 clients"),
    (
        "latency",
        "Slow network (80 ms)",
        "tenant-mode runs with writes at 0 and 80 ms a round trip, full and smoke: ratio, concurrency, "
        "critical path",
    ),
    ("side-by-side", "Our suite vs plain `schemathesis run`", "fault sample through schemathesis run"),
    ("parity", "Parity", "each variant recorded and replayed with norce-emulator parity (about two hours)"),
    (
        "compare",
        "Release to release (compare)",
        "seed pairs, every variant and ten faults through norce-contracts compare (about two hours)",
    ),
)
# Sections measured only when named with --only (too long for every `make bench`); a full run keeps them.
OPT_IN = frozenset({"parity", "compare"})


def parity_table() -> list[str]:
    from tests.selfcheck import parity

    return parity.render_table(
        parity.run_table(parity.cases("each"), parity.TABLE_KEYWORD), parity.TABLE_KEYWORD
    )


def compare_table() -> list[str]:
    from tests.selfcheck import compare_bench

    return compare_bench.table(compare_bench.parser().parse_args([]))[1]


def kept_section(title: str) -> list[str]:
    """An opt-in section as the current file has it (a full `make bench` does not re-measure it)."""
    if not BENCHMARKS.is_file():
        return []
    kept: list[str] = []
    inside = False
    for line in BENCHMARKS.read_text().splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == title
        if inside:
            kept.append(line)
    return [*kept, ""] if kept else []


def merge_sections(text: str, fresh: dict[str, list[str]], stamp: str) -> str:
    """`text` (a benchmarks file) with the sections titled as `fresh`'s keys replaced by its values, each
    headed by `stamp`; every other line (preamble notes, other sections) is kept as it was."""
    out: list[str] = []
    replacing = False
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            replacing = title in fresh
            if replacing:
                out += [line, "", stamp, "", *fresh.pop(title), ""]
                continue
        if not replacing:
            out.append(line)
    for title, lines in fresh.items():  # sections the old file did not have yet
        out += ["", f"## {title}", "", stamp, "", *lines]
    return "\n".join(out).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.selfcheck.bench", description=__doc__)
    parser.add_argument("--items", type=int, default=10000, help="customers per import body")
    parser.add_argument("--examples", type=int, default=10, help="Schemathesis examples per operation")
    parser.add_argument(
        "--budget", type=int, default=30, help="schemathesis run --max-time per fault and spec"
    )
    parser.add_argument("--all-faults", action="store_true", help="side-by-side for the whole catalogue")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="KEY",
        help="re-measure only these sections and keep the others: "
        + "; ".join(f"{key} ({what})" for key, _, what in SECTIONS if key != "machine"),
    )
    args = parser.parse_args(argv)
    from emulator import faults

    names = sorted(faults.CATALOGUE) if args.all_faults else [case.fault for case in FAST_CASES.values()]
    measures: dict[str, Callable[[], list[str]]] = {
        "machine": machine,
        "suite": contract_suite,
        "throughput": lambda: schemathesis_throughput(args.examples),
        "detection": detection,
        "tenant": tenant_mode,
        "shared-tenant": shared_tenant_proof,
        "import": lambda: import_throughput(args.items),
        "read-latency": lambda: read_latency(8, 200),
        "latency": slow_network,
        "side-by-side": lambda: side_by_side(names, args.budget),
        "parity": parity_table,
        "compare": compare_table,
    }
    chosen = args.only or [key for key, _, _ in SECTIONS if key not in OPT_IN]
    # The Machine section dates every section without a re-measure stamp, so `--only` never rewrites it.
    choices = [key for key in measures if key != "machine"]
    unknown = sorted(set(args.only or ()) - set(choices))
    if unknown:
        parser.exit(2, f"bench: unknown section(s) {', '.join(unknown)}; choose from {', '.join(choices)}\n")
    if args.only and BENCHMARKS.is_file():
        fresh = {title: section(title, measures[key])[2:-1] for key, title, _ in SECTIONS if key in chosen}
        stamp = (
            f"_Re-measured {datetime.now(UTC):%Y-%m-%d %H:%M UTC} by `make bench` with `--only "
            f"{' '.join(chosen)}` on `{platform.node()}` ({os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}); unstamped sections date from the Machine section._"
        )
        BENCHMARKS.write_text(merge_sections(BENCHMARKS.read_text(), fresh, stamp), encoding="utf-8")
    else:
        lines = ["# Benchmarks", "", "Written by `make bench` (`python -m tests.selfcheck.bench`).", ""]
        for key, title, _ in SECTIONS:
            if key == "machine" or key in chosen:
                lines += section(title, measures[key])
            elif key in OPT_IN:
                lines += kept_section(title)
        lines += kept_mutation_section()
        BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
        BENCHMARKS.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"bench: wrote {BENCHMARKS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
