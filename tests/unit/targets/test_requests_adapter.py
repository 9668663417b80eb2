"""Schemathesis' `requests` traffic takes the suite's one road: the adapter sends through NorceClient."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from schemathesis.core.transport import Response as SchemathesisResponse

from contracts.transport.auth import AuthSession, TokenProvider
from contracts.transport.client import NorceClient
from contracts.transport.guard import WriteGuard, WriteRefused
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace
from contracts.transport.requests_adapter import client_session
from tests.unit.targets.fakes import BASE, CREDENTIALS, FakeClock, FakeNorce, tenant_target

CUSTOMER = f"{BASE}/commerce/customer/1.1"
CONNECT = f"{BASE}/commerce/connect/4.0"


def make(
    handler: httpx.MockTransport, clock: FakeClock, *, allow_writes: bool = True, **client: object
) -> tuple[NorceClient, AuthSession]:
    target = tenant_target()
    http = httpx.Client(transport=handler)
    auth = AuthSession(CREDENTIALS, TokenProvider(target.token_url, CREDENTIALS, http=http, clock=clock))
    norce = NorceClient(
        target,
        auth,
        WriteGuard(target, allow_writes=allow_writes),
        transport=handler,
        clock=clock,
        sleep=clock.sleep,
        **client,  # type: ignore[arg-type]
    )
    return norce, auth


def test_answers_arrive_whole_and_schemathesis_can_read_them() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers=[("X-Multi", "a"), ("X-Multi", "b")], json={"Id": 3}, request=request
        )

    clock = FakeClock()
    norce, _ = make(httpx.MockTransport(handler), clock)
    with client_session(norce) as session:
        answer = session.get(f"{CUSTOMER}/GetCustomer", params={"id": 3})
    assert (answer.status_code, answer.json()) == (200, {"Id": 3})
    seen = SchemathesisResponse.from_requests(answer, verify=True)
    assert seen.headers["x-multi"] == ["a", "b"] and seen.http_version == "1.1"
    assert [record.status for record in norce.records] == [200]  # recorded like any other request


def test_throttling_is_waited_out_and_paced() -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json=None)]
    clock = FakeClock()
    norce, _ = make(httpx.MockTransport(lambda request: answers.pop(0)), clock, rate=2.0)
    with client_session(norce) as session:
        assert session.get(f"{CUSTOMER}/GetCustomer?id=1").status_code == 200
    assert 3.0 in clock.sleeps and norce.stats.throttled == 1


def test_a_write_on_a_read_only_target_is_refused_before_it_leaves() -> None:
    sent: list[httpx.Request] = []
    clock = FakeClock()
    norce, _ = make(
        httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200)), clock, allow_writes=False
    )
    with client_session(norce) as session, pytest.raises(WriteRefused):
        session.post(f"{CUSTOMER}/InactivateCustomer", params={"customerId": 1, "inactivatedBy": 1})
    assert sent == []


def test_a_401_to_our_own_token_refreshes_once_a_probe_gets_its_401() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    norce, auth = make(fake.transport, clock)
    own = auth.headers("oauth")  # tok-1
    fake.revoked.add(own["Authorization"].removeprefix("Bearer "))
    with client_session(norce) as session:
        answer = session.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=own)
        assert answer.status_code == 200 and answer.request.headers["Authorization"] == own["Authorization"]
        assert norce.stats.auth_refreshes == 1 and len(fake.token_requests) == 2
        # Without the application id the request is a probe: its 401 is the answer, no token is fetched.
        probe = {"Authorization": auth.headers("oauth")["Authorization"]}
        fake.revoked.add(probe["Authorization"].removeprefix("Bearer "))
        assert session.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=probe).status_code == 401
        wrong = {"Authorization": "Bearer not-ours", "application-id": "42"}
        assert session.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=wrong).status_code == 401
    assert norce.stats.auth_refreshes == 1 and len(fake.token_requests) == 2


def test_imports_are_namespaced_and_ledgered_and_creates_are_read_back(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        if request.url.path.endswith("CreateCustomer3"):
            return httpx.Response(200, json={"Id": 55, "Code": "nct-abcd1234-c-1", "Email": None})
        return httpx.Response(200, json={"JobId": "1", "ValidationSummary": {}})

    clock = FakeClock()
    namespace = RunNamespace("abcd1234")
    ledger = Ledger(tmp_path / "ledger.json", namespace=namespace)
    norce, auth = make(httpx.MockTransport(handler), clock, namespace=namespace, ledger=ledger)
    headers = {**auth.headers("oauth"), "Content-Type": "application/json"}
    with client_session(norce) as session:
        body = json.dumps([{"Code": "nct-abcd1234-c-2", "EmailAddress": "nct-abcd1234-e@example.com"}])
        session.post(f"{CONNECT}/Customer/ImportCustomers", data=body, headers=headers)
        session.post(f"{CUSTOMER}/CreateCustomer3", data="{}", headers=headers)
        with pytest.raises(WriteRefused, match="its Code is not in the run namespace"):
            session.post(f"{CONNECT}/customer/importcompanies", data='[{"Code": "theirs"}]', headers=headers)
    assert [(e.kind, e.code, e.id) for e in ledger.entries] == [
        ("customer", "nct-abcd1234-c-2", None),
        ("customer", "nct-abcd1234-c-1", 55),
    ]
    assert json.loads((tmp_path / "ledger.json").read_text())["entries"]  # on disk as it happens


def test_operation_at_names_the_operation_of_either_api() -> None:
    norce, _ = make(httpx.MockTransport(lambda r: httpx.Response(200)), FakeClock())
    assert norce.operation_at(f"{CUSTOMER}/GetCustomer?id=1") == "GetCustomer"
    assert norce.operation_at(f"{CONNECT}/Customer/ImportCompanies") == "ImportCompanies"
    assert norce.operation_at(f"{CONNECT}/Job/GetLog?id=2") == "JobGetLog"
    assert norce.operation_at("https://elsewhere.example/commerce/customer/1.1/GetCustomer") is None


def test_ignored_auth_probes_go_through_the_client_and_are_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemathesis' ignored_auth probes (sent without and with invalid credentials) take the run's session:
    they are paced, throttling is waited out, they are recorded, and a tenant that serves them is caught."""
    from schemathesis.core.failures import FailureGroup

    from contracts.oracle.spec import CONNECT_SPEC
    from contracts.schemathesis_ext import schemas
    from contracts.schemathesis_ext.case_gate import CaseGate
    from contracts.schemathesis_ext.schemas import call_and_validate, load_schema

    # ignored_auth probes an operation once per process; a contract run in this process may have done so.
    monkeypatch.setattr(schemas, "_AUTH_ENFORCEMENT_CONFIRMED", set())

    throttled_once: list[bool] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        if not throttled_once and "Authorization" not in request.headers:
            throttled_once.append(True)  # a probe meets a throttle first: it is waited out, not judged
            return httpx.Response(429, headers={"Retry-After": "2"})
        return httpx.Response(200, json=[], request=request)  # serves anyone: auth is not enforced

    clock = FakeClock()
    norce, auth = make(httpx.MockTransport(handler), clock)
    schema = load_schema(CONNECT_SPEC, seed=1, max_examples=1)
    case = schema["/Job/Get"]["GET"].Case(query={"id": 1})
    headers = {**auth.headers("oauth"), "application-id": "1", "Accept": "application/json"}
    with client_session(norce) as session, pytest.raises(FailureGroup) as failures:
        call_and_validate(
            case,
            base_url=CONNECT,
            headers=headers,
            session=session,
            gate=CaseGate(WriteGuard(tenant_target(), allow_writes=False), None),
        )
    kinds = {type(failure).__name__ for failure in failures.value.exceptions}
    assert "IgnoredAuth" in kinds, kinds
    probes = [record for record in norce.records if "Job/Get" in record.url][1:]
    assert len(probes) >= 2 and [record.status for record in probes][:2] == [429, 200]
    assert 2.0 in clock.sleeps and norce.stats.throttled == 1
