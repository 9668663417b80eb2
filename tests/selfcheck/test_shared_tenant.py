"""Proof that a write run on a shared tenant touches only what it created and cleans it up (issue #12).

The emulator is served in its own process as a tenant that already holds data nobody in the run made: a few
hundred customers and companies with relations, flags, accounts and addresses (the `prepopulated-tenant`
variant), plus the docs' own sample customer and company, imported the way another team would. The suite then
runs against it as a user would (`norce-contracts run --target URL --allow-writes`), and the tenant's state
before and after is compared (tests/selfcheck/tenant_safety.py).

A second run meets a throttling tenant (429 with Retry-After on every Nth request) with `--rate`: it must
pass, and its requests, all workers together, must stay within the rate.
"""

from __future__ import annotations

import json
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
            assert job["Inserts"] == 1, job


def run_prefix(report_dir: Path) -> str:
    ledgers = sorted(report_dir.glob("ledger*.json"))
    assert ledgers, f"no ledger in {report_dir}"
    run_id = json.loads(ledgers[0].read_text(encoding="utf-8"))["run_id"]
    return f"nct-{run_id}-"


def request_times(report_dir: Path) -> list[float]:
    """When each request of the run left, all processes together (requests*.json)."""
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


def failed(run: TenantRun) -> str:
    first = run.run.failures[:3]
    return f"{run.run.verdict}: {run.run.error or [f.test for f in first]}\n{run.output[-3000:]}"


def write_run(
    tenant: Tenant, plan: TenantPlan, report_dir: Path
) -> tuple[TenantRun, Findings, dict[str, Any]]:
    with served(tenant) as base:
        other_teams_import(base)
        before = state_of(base)
        result = run_against(base, plan, seed=0, report_dir=report_dir, tenant=tenant)
        after = state_of(base)
    return result, findings(before, after, run_prefix(report_dir)), before


def test_a_write_run_touches_only_what_it_created_and_cleans_it_up(tmp_path: Path) -> None:
    tenant = Tenant(variants=(PREPOPULATED,))
    result, found, before = write_run(tenant, TenantPlan(workers=2), tmp_path)
    assert len(before["customers"]) >= 300 and len(before["companies"]) >= 100
    assert result.run.verdict == "pass", failed(result)
    assert found.created["customers"] > 0 and found.created["companies"] > 0, found.summary()
    assert found.changed == [], found.summary()
    assert found.unprefixed == [], found.summary()
    assert found.left_active == [], found.summary()
    assert found.relations_left == [], found.summary()


def test_a_throttled_tenant_with_a_rate_passes_within_the_rate(tmp_path: Path) -> None:
    tenant = Tenant(variants=(PREPOPULATED, f"api-throttling={THROTTLE_EVERY}"))
    plan = TenantPlan(workers=2, rate=RATE)
    result, found, _ = write_run(tenant, plan, tmp_path)
    assert result.run.verdict == "pass", failed(result)
    assert found.clean, found.summary()
    times = request_times(tmp_path)
    assert len(times) > 100
    # Pacing keeps 1/share seconds between one process's request starts, so any window holds at most
    # rate x window requests, plus one per process for the window's edges.
    allowed = RATE * RATE_WINDOW_SECONDS + plan.workers + 1
    assert busiest_window(times, RATE_WINDOW_SECONDS) <= allowed
    assert len(times) / (times[-1] - times[0]) <= RATE
