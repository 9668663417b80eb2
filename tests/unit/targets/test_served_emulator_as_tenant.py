"""The guard, the ledger and cleanup against the real emulator served over HTTP and treated as a tenant.

The emulator is addressed as an ordinary base URL (not the `emulator` target), so every tenant rule applies:
read-only without --allow-writes, writes only to hosts on the configured allow-list, namespaced codes, and a
cleanup that deactivates exactly what the run created.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.transport.auth import AuthSession, TokenProvider
from contracts.transport.client import NorceClient
from contracts.transport.embedded import EmbeddedServer
from contracts.transport.guard import WriteGuard, WriteRefused
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace
from contracts.transport.target import CONNECT_PATH, CUSTOMER_PATH, TOKEN_PATH, Credentials, Target

CUSTOMER_HEADER = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 11, 19]})
# The same, with Accounts (14) and the account's Status (AccountField 1).
ACCOUNT_HEADER = json.dumps(
    {"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 11, 14, 19], "AccountFieldsThatAreSet": [1]}
)
COMPANY_HEADER = json.dumps({"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4]})


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with EmbeddedServer(env={"NORCE_EMULATOR_JOB_TIMING": "background"}) as base:
        yield base


def tenant(base: str, *, write_hosts: tuple[str, ...]) -> Target:
    return Target(
        name=base,
        connect_url=base + CONNECT_PATH,
        customer_url=base + CUSTOMER_PATH,
        token_url=base + TOKEN_PATH,
        credentials=Credentials.from_env({}, emulator_defaults=True),
        write_hosts=write_hosts,
    )


def client(target: Target, *, allow_writes: bool, ns: RunNamespace, ledger: Ledger | None) -> NorceClient:
    credentials = target.credentials
    assert credentials is not None
    tokens = TokenProvider(target.token_url, credentials, http=httpx.Client(timeout=10))
    return NorceClient(
        target,
        AuthSession(credentials, tokens),
        WriteGuard(target, allow_writes=allow_writes),
        namespace=ns,
        ledger=ledger,
    )


def customer(norce: NorceClient, code: str) -> dict[str, object] | None:
    response = norce.call("GetCustomerByCode", params={"code": code, "includeCompanies": "true"})
    response.raise_for_status()
    body = response.json()
    return body if isinstance(body, dict) else None


def imported(norce: NorceClient, response: httpx.Response) -> None:
    response.raise_for_status()
    job = norce.wait_for_job(int(response.json()["JobId"]), timeout=30)
    assert job["IsFinished"] and job["Fail"] == 0, job


def test_writes_are_refused_without_the_flag_and_nothing_reaches_the_host(served: str) -> None:
    ns = RunNamespace("guard001")
    target = tenant(served, write_hosts=(served.split("//")[1].split(":")[0],))
    norce = client(target, allow_writes=False, ns=ns, ledger=None)
    code = ns.code("ro")
    item = {"Code": code, "EmailAddress": ns.email("ro"), "FirstName": "Read", "LastName": "Only"}
    with pytest.raises(WriteRefused, match="read-only"):
        norce.import_customers([item], header=CUSTOMER_HEADER)
    assert customer(norce, code) is None  # reads still work, and the write never arrived


def test_cleanup_deactivates_exactly_what_the_run_created(served: str, tmp_path: Path) -> None:
    host = served.split("//")[1].split(":")[0]
    ns = RunNamespace("clean001")
    ledger = Ledger(tmp_path / "ledger.json", run_id=ns.run_id, target=served, namespace=ns)
    norce = client(tenant(served, write_hosts=(host,)), allow_writes=True, ns=ns, ledger=ledger)

    # A bystander the run did not create, in another run's namespace.
    other_ns = RunNamespace("other001")
    other = client(tenant(served, write_hosts=(host,)), allow_writes=True, ns=other_ns, ledger=None)
    bystander = other_ns.code("by")
    imported(
        other,
        other.import_customers(
            [
                {
                    "Code": bystander,
                    "EmailAddress": other_ns.email("by"),
                    "FirstName": "By",
                    "LastName": "Stander",
                }
            ],
            header=CUSTOMER_HEADER,
        ),
    )

    company = ns.code("co")
    imported(
        norce,
        norce.import_companies(
            [{"Code": company, "OrganizationNo": ns.code("org"), "Name": "Ledger AB"}], header=COMPANY_HEADER
        ),
    )
    created = [ns.code("cu"), ns.code("cu")]
    emails = [ns.email("cu"), ns.email("cu")]
    imported(
        norce,
        norce.import_customers(
            [
                {
                    "Code": code,
                    "EmailAddress": email,
                    "FirstName": "Led",
                    "LastName": "Ger",
                    "IsActive": True,
                    "Companies": [{"Code": company}],
                    "Accounts": [{"LoginName": email, "Password": "Ledger-Passw0rd", "Status": 1}],
                }
                for code, email in zip(created, emails, strict=True)
            ],
            header=ACCOUNT_HEADER,
        ),
    )
    for code in created:
        before = customer(norce, code)
        assert before is not None and before["IsActive"] is True
        assert (before.get("Account") or {}).get("IsActive") is True, before

    ledger.cleanup(norce)

    for code in created:
        after = customer(norce, code)
        assert after is not None and after["IsActive"] is False, after
        assert after["Account"]["IsActive"] is False, after  # a login of the run must not keep working
    bystander_after = customer(norce, bystander)
    assert bystander_after is not None and bystander_after["IsActive"] is True
    assert Ledger.load(tmp_path / "ledger.json").pending == []
