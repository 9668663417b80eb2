"""The shared-tenant proof (issue #12): a write run on a tenant that holds other teams' data touches only what
it created and cleans it up, and a run against a throttling tenant with `--rate` passes within the rate.

The emulator is served in its own process as a tenant that already holds data nobody in the run made: a few
hundred customers and companies with relations, flags, accounts and addresses (the `prepopulated-tenant`
variant), plus the docs' own sample customer and company, imported the way another team would. The suite then
runs against it as a user would (`norce-contracts run --target URL --allow-writes`), and the tenant's state
before and after is compared (tenant_safety.py).

Scopes: `WHOLE_SUITE` (`make selfcheck`, `make bench`); for the fast proof in `make test`, `WRITES_ONLY` (the
tests marked `writes`: every request that can change a tenant comes from them) and, for the throttled run at
`--rate 25`, `GENERATED_WRITES` (Schemathesis' 1.1 write cases and the header-rule imports, which wait for
their jobs), since a throttled, paced run of every write test takes over ten minutes.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from contracts.transport.target import (
    CONNECT_PATH,
    EMULATOR_APPLICATION_KEY,
    EMULATOR_CREDENTIALS,
    TOKEN_PATH,
)
from tests.selfcheck.tenant import Tenant, TenantPlan, TenantRun, run_against, served, state_of
from tests.selfcheck.tenant_safety import Findings, findings

PREPOPULATED = "prepopulated-tenant=300"
RATE = 25.0  # requests per second for the whole run
THROTTLE_EVERY = 15
RATE_WINDOW_SECONDS = 5.0


@dataclass(frozen=True)
class Scope:
    """Which tests of the suite a proof run sends."""

    label: str
    pytest_args: tuple[str, ...] = ()
    keyword: str | None = None


WHOLE_SUITE = Scope("the whole suite")
WRITES_ONLY = Scope("the tests marked `writes`", ("--", "-m", "writes"))
GENERATED_WRITES = Scope(
    "Schemathesis' 1.1 write cases and the header-rule imports",
    ("--", "-m", "writes"),
    "test_customer_service_writes or test_header_breaking_a_rule_writes_nothing",
)
CASES_OVERVIEW = re.compile(r"## Generated cases on the target\s+(.+)")


def other_teams_import(base: str) -> None:
    """The docs' sample customer and company (seed 002), imported by someone else before the run."""
    form = {
        "grant_type": "client_credentials",
        "client_id": EMULATOR_CREDENTIALS["NORCE_CLIENT_ID"],
        "client_secret": EMULATOR_CREDENTIALS["NORCE_CLIENT_SECRET"],
        "scope": EMULATOR_CREDENTIALS["NORCE_SCOPE"],
    }
    with httpx.Client(base_url=base + CONNECT_PATH, timeout=30) as http:
        token = http.post(base + TOKEN_PATH, data=form).json()["access_token"]
        headers = {
            "Authorization": f"Bearer {token}",
            "application-id": EMULATOR_CREDENTIALS["NORCE_APPLICATION_ID"],
        }
        company = {"Code": "C-1001", "Name": "C-1001 Example AB", "OrganizationNo": "556677-8899"}
        company["ApplicationKey"] = EMULATOR_APPLICATION_KEY
        customer = {
            "Code": "P-2001",
            "EmailAddress": "anna@example.com",
            "FirstName": "Anna",
            "LastName": "Andersson",
            "Companies": [{"Code": "C-1001", "IsPrimary": True}],
        }
        for path, header, item in (
            ("ImportCompanies", {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4]}, company),
            ("ImportCustomers", {"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 19]}, customer),
        ):
            answer = http.post(
                f"/Customer/{path}",
                json=[item],
                headers={**headers, "X-StormConnect-Header": json.dumps(header)},
            )
            answer.raise_for_status()
            job_id = answer.json()["JobId"]
            for _ in range(100):
                job = http.get("/Job/Get", params={"id": job_id}, headers=headers).json()
                if job["IsFinished"]:
                    break
            if job.get("Inserts") != 1:
                raise RuntimeError(f"the other team's import did not land: {job}")


def run_prefix(report_dir: Path) -> str:
    ledgers = sorted(report_dir.glob("ledger*.json"))
    if not ledgers:
        raise RuntimeError(f"no ledger in {report_dir}")
    run_id = json.loads(ledgers[0].read_text(encoding="utf-8"))["run_id"]
    return f"nct-{run_id}-"


def request_times(report_dir: Path) -> list[float]:
    """When each request of the run left, all processes together, cleanup included (requests*.json)."""
    times = []
    for path in report_dir.glob("requests*.json"):
        times += [record["sent_at"] for record in json.loads(path.read_text(encoding="utf-8"))["requests"]]
    return sorted(times)


def busiest_window(times: list[float], seconds: float) -> int:
    """The most requests that left within any `seconds`-long window."""
    most, start = 0, 0
    for end, sent in enumerate(times):
        while sent - times[start] > seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def cases_overview(report_dir: Path) -> str:
    """The summary's line on generated cases: how many went out as generated, rewritten, or not sent."""
    summary = report_dir / "summary.md"
    found = CASES_OVERVIEW.search(summary.read_text(encoding="utf-8")) if summary.is_file() else None
    return found.group(1).strip() if found else "no generated cases"


@dataclass
class Proof:
    """One proof run: the suite's verdict, what it did to the tenant, and its traffic."""

    scope: Scope
    result: TenantRun
    found: Findings
    before: dict[str, Any]
    times: list[float]
    cases: str

    @property
    def requests(self) -> int:
        return len(self.times)

    @property
    def average_rate(self) -> float:
        span = self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0
        return len(self.times) / span if span else 0.0

    def busiest(self, seconds: float = RATE_WINDOW_SECONDS) -> int:
        return busiest_window(self.times, seconds)

    def failed(self) -> str:
        first = self.result.run.failures[:3]
        run = self.result.run
        return f"{run.verdict}: {run.error or [f.test for f in first]}\n{self.result.output[-3000:]}"


def prove(tenant: Tenant, plan: TenantPlan, scope: Scope, report_dir: Path) -> Proof:
    with served(tenant) as base:
        other_teams_import(base)
        before = state_of(base)
        result = run_against(base, plan, seed=0, report_dir=report_dir, tenant=tenant)
        after = state_of(base)
    found = findings(before, after, run_prefix(report_dir))
    return Proof(scope, result, found, before, request_times(report_dir), cases_overview(report_dir))


def clean_run(scope: Scope, report_dir: Path) -> Proof:
    """A write run on the prepopulated tenant."""
    plan = TenantPlan(workers=2, keyword=scope.keyword, extra_args=scope.pytest_args)
    return prove(Tenant(variants=(PREPOPULATED,)), plan, scope, report_dir)


def throttled_run(scope: Scope, report_dir: Path) -> Proof:
    """A write run with `--rate` on the prepopulated tenant that throttles every Nth request."""
    tenant = Tenant(variants=(PREPOPULATED, f"api-throttling={THROTTLE_EVERY}"))
    plan = TenantPlan(workers=2, rate=RATE, keyword=scope.keyword, extra_args=scope.pytest_args)
    return prove(tenant, plan, scope, report_dir)


def rate_allowed(workers: int) -> int:
    """Pacing keeps 1/share seconds between one process's request starts, so any window holds at most
    rate x window requests, plus one per process for the window's edges."""
    return int(RATE * RATE_WINDOW_SECONDS) + workers + 1


def holds(proof: Proof, *, rate: bool) -> bool:
    """What the proof asks: the run passes and leaves the tenant clean; with a rate, stays within it."""
    within = not rate or (proof.busiest() <= rate_allowed(2) and proof.average_rate <= RATE)
    return proof.result.run.verdict == "pass" and proof.found.clean and within


def prove_both(scope: Scope) -> tuple[Proof, Proof]:
    with tempfile.TemporaryDirectory(prefix="shared-") as scratch:
        return clean_run(scope, Path(scratch) / "clean"), throttled_run(scope, Path(scratch) / "throttled")


def figures(clean: Proof, throttled: Proof) -> list[str]:
    """Both proof runs, as lines for docs/benchmarks.md and reports/selfcheck.md."""
    seeded = f"{len(clean.before['customers'])} customers, {len(clean.before['companies'])} companies"
    lines = [f"- A tenant holding data the run did not create ({seeded}); `--allow-writes`, 2 workers."]
    throttling = f"throttled (429 with Retry-After on every {THROTTLE_EVERY}th request), `--rate {RATE:g}`"
    for label, proof, rate in (("plain", clean, False), (throttling, throttled, True)):
        run = proof.result.run
        verdict = "holds" if holds(proof, rate=rate) else "DOES NOT HOLD"
        lines.append(
            f"- {label}, {proof.scope.label}: **{verdict}**; suite {run.verdict} in {run.seconds:.0f}s, "
            f"{run.tests_run} tests; {proof.found.summary()}; {proof.requests} requests (cleanup included), "
            f"average {proof.average_rate:.1f}/s, busiest {RATE_WINDOW_SECONDS:g} s window "
            f"{proof.busiest()}; generated cases: {proof.cases}"
        )
    lines.append(
        f"- Allowed at `--rate {RATE:g}`: at most {rate_allowed(2)} requests in any "
        f"{RATE_WINDOW_SECONDS:g} s window."
    )
    return lines
