"""Safety guard: read-only by default, writes only with --allow-writes on non-production hosts, dry-run."""

from __future__ import annotations

import pytest

from contracts.transport.auth import AuthSession
from contracts.transport.client import NorceClient
from contracts.transport.guard import WriteGuard, WriteRefused, is_production_host
from contracts.transport.namespace import RunNamespace
from tests.unit.targets.fakes import CREDENTIALS, FakeClock, FakeNorce, tenant_target

PRODUCTION = ["https://acme.api-se.norce.tech", "https://api.storm.io", "https://acme.storm.io"]
NON_PRODUCTION = [
    "https://acme.api-se.stage.norce.tech",
    "https://acme.api-se.playground.norce.tech",
    "https://connect.lab.storm.io",
    "http://localhost:8080",
    "http://127.0.0.1:8080",
]


def client_for(
    base: str, *, allow_writes: bool = False, dry_run: bool = False
) -> tuple[NorceClient, FakeNorce]:
    clock = FakeClock()
    fake = FakeNorce(clock)
    target = tenant_target(base)
    guard = WriteGuard(target, allow_writes=allow_writes, dry_run=dry_run)
    session = AuthSession(CREDENTIALS, None)  # no token endpoint: refused writes must not need one
    client = NorceClient(target, session, guard, transport=fake.transport, clock=clock, sleep=clock.sleep)
    return client, fake


@pytest.mark.parametrize("base", NON_PRODUCTION)
def test_writes_refused_without_the_flag(base: str) -> None:
    guard = WriteGuard(tenant_target(base))
    assert not guard.writes_allowed
    assert "--allow-writes" in str(guard.refusal)
    with pytest.raises(WriteRefused, match="read-only"):
        guard.check_write("POST", base + "/commerce/customer/1.1/InactivateCustomer")


@pytest.mark.parametrize("base", NON_PRODUCTION)
def test_lab_stage_playground_and_local_hosts_allowed_with_the_flag(base: str) -> None:
    guard = WriteGuard(tenant_target(base), allow_writes=True)
    assert guard.writes_allowed, guard.refusal
    guard.check_write("POST", base + "/x")


@pytest.mark.parametrize("base", PRODUCTION)
def test_production_refused_whatever_the_flags(base: str) -> None:
    assert is_production_host(base.split("//")[1])
    for allow in (False, True):
        guard = WriteGuard(tenant_target(base), allow_writes=allow, dry_run=allow)
        assert not guard.writes_allowed
        assert "production host" in str(guard.refusal)


def test_unknown_hosts_need_a_configured_pattern() -> None:
    assert not WriteGuard(tenant_target("https://qa-box.example.org"), allow_writes=True).writes_allowed
    configured = tenant_target("https://qa-box.example.org", write_hosts=("*.example.org",))
    assert WriteGuard(configured, allow_writes=True).writes_allowed


def test_emulator_is_always_writable() -> None:
    target = tenant_target("http://127.0.0.1:1234", is_emulator=True)
    assert WriteGuard(target).writes_allowed


def test_refused_write_never_reaches_the_target_but_reads_do() -> None:
    client, fake = client_for("https://acme.api-se.stage.norce.tech")
    with pytest.raises(WriteRefused):
        client.import_customers([{"Code": "x"}], header="{}")
    with pytest.raises(WriteRefused):
        client.call("InactivateCustomer", params={"customerId": 1, "inactivatedBy": 1})
    assert fake.calls == []
    client.target = tenant_target("https://acme.api-se.stage.norce.tech", connect_auth="basic")
    assert client.job(7).status_code == 200
    assert [(m, op) for m, op, _ in fake.calls] == [("GET", "Get")]


def test_raw_writes_to_production_hosts_are_refused() -> None:
    client, fake = client_for("https://acme.api-se.stage.norce.tech", allow_writes=True)
    with pytest.raises(WriteRefused, match="production"):
        client.raw("POST", "https://acme.api-se.norce.tech/commerce/connect/4.0/Customer/ImportCustomers")
    assert fake.calls == []


def test_dry_run_lists_writes_and_sends_none() -> None:
    client, fake = client_for("https://acme.api-se.stage.norce.tech", allow_writes=True, dry_run=True)
    response = client.import_customers(
        [{"Code": "nct-x", "Accounts": [{"Password": "hunter22"}]}], header="{}"
    )
    assert response.status_code == 204 and response.headers["x-norce-contracts-dry-run"] == "1"
    assert fake.calls == []
    assert len(client.guard.planned) == 1
    planned = str(client.guard.planned[0])
    assert planned.startswith(
        "POST https://acme.api-se.stage.norce.tech/commerce/connect/4.0/Customer/ImportCustomers"
    )
    assert "hunter22" not in planned and "[REDACTED]" in planned


def test_tenant_imports_must_use_the_run_namespace() -> None:
    client, fake = client_for("https://acme.api-se.stage.norce.tech", allow_writes=True)
    client.namespace = RunNamespace("abcd1234")
    with pytest.raises(WriteRefused, match="nct-abcd1234-"):
        client.import_companies([{"Code": "REAL-CUSTOMER-CO"}], header="{}")
    with pytest.raises(WriteRefused):
        client.import_customers(b'[{"Id": 5}]', header="{}")
    assert fake.calls == []


def test_namespace_codes_and_emails_are_prefixed_and_unique() -> None:
    namespace = RunNamespace("abcd1234")
    codes = {namespace.code("Cust omer") for _ in range(5)}
    assert len(codes) == 5 and all(code.startswith("nct-abcd1234-cust-omer-") for code in codes)
    assert namespace.email().endswith("@example.com") and namespace.owns(namespace.email())
    assert not namespace.owns("ABC")
    with pytest.raises(ValueError):
        RunNamespace("Bad Id!")
