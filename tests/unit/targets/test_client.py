"""NorceClient politeness: 429 + Retry-After, network retries, rate, bounded job waits; recording; curl."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest

from contracts.transport.auth import AuthSession
from contracts.transport.client import JobStalled, JobTimeout, NetworkError, NorceClient, as_curl, method_for
from contracts.transport.guard import WriteGuard, WriteRefused
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace
from tests.unit.targets.fakes import CREDENTIALS, FakeClock, tenant_target


def client_with(
    handler, *, rate: float | None = None, allow_writes: bool = True, clock: FakeClock | None = None
) -> tuple[NorceClient, FakeClock]:  # type: ignore[no-untyped-def]
    clock = clock or FakeClock()
    target = tenant_target(connect_auth="basic")
    return (
        NorceClient(
            target,
            AuthSession(CREDENTIALS, None),
            WriteGuard(target, allow_writes=allow_writes),
            transport=httpx.MockTransport(handler),
            clock=clock,
            sleep=clock.sleep,
            rate=rate,
        ),
        clock,
    )


def test_429_retry_after_is_honoured() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"})] * 2 + [httpx.Response(200, json={})])
    client, clock = client_with(lambda request: next(answers))
    assert client.job(1).status_code == 200
    assert clock.sleeps == [7.0, 7.0]
    assert client.stats.throttled == 2
    assert [record.status for record in client.records] == [429, 429, 200]


def test_429_gives_up_after_the_retry_budget() -> None:
    client, clock = client_with(lambda request: httpx.Response(429, headers={"Retry-After": "1"}))
    assert client.job(1).status_code == 429
    assert len(clock.sleeps) == client.max_retries


def test_transient_network_errors_are_retried_with_backoff_and_counted() -> None:
    failures = [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]

    def handler(request: httpx.Request) -> httpx.Response:
        if failures:
            raise failures.pop(0)
        return httpx.Response(200, json={})

    client, clock = client_with(handler)
    assert client.job(1).status_code == 200
    assert client.stats.network_retries == 2
    assert clock.sleeps == [0.25, 0.5]
    assert [record.error for record in client.records] == ["ConnectError", "ReadTimeout", None]


def test_an_import_whose_outcome_a_network_error_left_unknown_is_sent_again() -> None:
    """Every import the suite sends is namespaced and already in the ledger: an upsert by Code, so sending
    it again after a reset or a read timeout writes the same entities again and no more."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if len(sent) == 1:
            raise httpx.ReadTimeout("slow")
        return httpx.Response(200, json={"JobId": "1"})

    client, _ = client_with(handler)
    assert client.import_customers([{"Code": "a"}], header="{}").status_code == 200
    assert len(sent) == 2 and client.stats.network_retries == 1


def test_a_broken_import_is_not_sent_again_after_a_network_error() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        raise httpx.RemoteProtocolError("reset")

    client, _ = client_with(handler)
    with pytest.raises(NetworkError, match="outcome is unknown"):
        client.import_customers([{"Code": "a"}], header="{}", repeat_unknown=False)
    assert len(sent) == 1


def test_a_1_1_write_cut_off_by_the_network_is_not_repeated_and_cleanup_learns_what_it_names(
    tmp_path: Path,
) -> None:
    """A CreateCustomer may have created a customer before the connection dropped: not sent twice (it could
    create two), and the ledger learns its run-owned Code and e-mail, so cleanup reads them back."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        raise httpx.ReadTimeout("slow")

    client, ledger = namespaced_client(handler, tmp_path)
    body = {"Code": "nct-abcd1234-c-9", "Email": "nct-abcd1234-u-9@example.com", "FirstName": "A"}
    with pytest.raises(NetworkError, match="outcome is unknown"):
        url = f"{client.target.customer_url}/CreateCustomer"
        client.raw("POST", url, authenticate=False, content=json.dumps(body).encode())
    assert len(sent) == 1
    assert [(e.kind, e.code, e.email) for e in ledger.entries] == [
        ("customer", "nct-abcd1234-c-9", "nct-abcd1234-u-9@example.com")
    ]


def test_network_retries_are_bounded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down")

    client, _ = client_with(handler)
    with pytest.raises(NetworkError):
        client.job(1)
    assert client.stats.network_retries == client.max_retries


def test_request_rate_is_paced() -> None:
    client, clock = client_with(lambda request: httpx.Response(200, json={}), rate=2.0)
    for _ in range(3):
        client.job(1)
    assert clock.sleeps == [0.5, 0.5]


def test_wait_for_job_polls_until_finished_and_is_bounded() -> None:
    polls = iter([{"IsFinished": False}, {"IsFinished": False}, {"IsFinished": True, "StatusId": 2}])
    client, _ = client_with(lambda request: httpx.Response(200, json=next(polls)))
    assert client.wait_for_job(7, timeout=5)["StatusId"] == 2
    never, clock = client_with(lambda request: httpx.Response(200, json={"IsFinished": False}))
    with pytest.raises(JobTimeout):
        never.wait_for_job(7, timeout=3, interval=0.5)
    assert clock.now - 1000.0 >= 3


def test_a_stalled_job_service_is_reported_within_the_stall_bound_then_at_once() -> None:
    """A queued job that moves is waited for up to the timeout; one that stands still for job-stall seconds
    is JobStalled, and once the service has been seen standing still later waits get a short grace only."""
    states = iter(
        [{"IsFinished": False, "StatusId": 1, "Totals": n} for n in range(60)] + [{"IsFinished": True}]
    )
    moving, clock = client_with(lambda request: httpx.Response(200, json=next(states)))
    moving.target = tenant_target(job_stall=5.0, connect_auth="basic")
    assert moving.wait_for_job(1, timeout=300)["IsFinished"] is True  # slow, but always moving
    assert clock.now - 1000.0 > 5.0

    still, clock = client_with(lambda request: httpx.Response(200, json={"IsFinished": False, "StatusId": 1}))
    still.target = tenant_target(job_stall=60.0, connect_auth="basic")
    with pytest.raises(JobStalled, match=r"moved for 6[0-9]s"):
        still.wait_for_job(1, timeout=300)
    first = clock.now - 1000.0
    assert 60.0 <= first < 65.0
    with pytest.raises(JobStalled):
        still.wait_for_job(2, timeout=300)
    assert clock.now - 1000.0 - first < 8.0  # the second wait did not sit out another minute


def queued_jobs(finish_at: dict[int, float], queued_until: dict[int, float] | None = None) -> NorceClient:
    """A client whose Job/Get answers for jobs finishing at fixed times (seconds on its fake clock); before
    `queued_until[id]` a job stands still (queued), after it its LastUpdated moves with the clock."""
    clock, queued = FakeClock(), queued_until or {}

    def handler(request: httpx.Request) -> httpx.Response:
        job_id, now = int(request.url.params["id"]), clock.now - 1000.0
        if now >= finish_at[job_id]:
            return httpx.Response(200, json={"Id": job_id, "IsFinished": True, "StatusId": 2})
        updated = now if now >= queued.get(job_id, 0.0) else 0.0
        return httpx.Response(200, json={"Id": job_id, "IsFinished": False, "LastUpdated": updated})

    client, _ = client_with(handler, clock=clock)
    return client


def waited(client: NorceClient) -> float:
    return float(client.clock() - 1000.0)


def test_jobs_waited_for_together_take_as_long_as_the_slowest() -> None:
    """Ten 5-20 s jobs submitted together are waited for in about 20 s, not in their sum of ~125 s."""
    finish_at = {job_id: 5.0 + (job_id * 7) % 16 for job_id in range(1, 11)}
    client = queued_jobs(finish_at)
    client.target = tenant_target(job_stall=60.0, connect_auth="basic")
    outcomes = client.wait_for_jobs(list(finish_at), timeout=300)
    assert list(outcomes) == list(finish_at)
    assert all(isinstance(job, dict) and job["IsFinished"] for job in outcomes.values()), outcomes
    slowest = max(finish_at.values())
    assert slowest <= waited(client) < slowest + 3.0
    assert sum(finish_at.values()) > 5 * waited(client)


def test_a_job_queued_behind_moving_ones_is_not_stalled_but_a_standing_service_is() -> None:
    """A job that stands still while others of the batch run is queued, not stalled; when no job of the
    batch moves for job-stall seconds, every unfinished one is JobStalled; past the timeout, JobTimeout."""
    queued = queued_jobs({1: 30.0, 2: 45.0}, queued_until={2: 30.0})
    queued.target = tenant_target(job_stall=10.0, connect_auth="basic")
    outcomes = queued.wait_for_jobs([1, 2], timeout=300)
    assert all(isinstance(job, dict) for job in outcomes.values()), outcomes  # job 2 stood still 30 s

    standing = queued_jobs({1: 5.0, 2: 999.0, 3: 999.0}, queued_until={2: 999.0, 3: 999.0})
    standing.target = tenant_target(job_stall=10.0, connect_auth="basic")
    outcomes = standing.wait_for_jobs([1, 2, 3], timeout=300)
    assert isinstance(outcomes[1], dict)
    assert isinstance(outcomes[2], JobStalled) and isinstance(outcomes[3], JobStalled), outcomes
    assert 15.0 <= waited(standing) < 20.0  # 5 s for job 1, then 10 s in which nothing moved

    nothing = queued_jobs({})
    assert nothing.wait_for_jobs([]) == {} and nothing.records == []  # no job, no request

    slow = queued_jobs({1: 5.0, 2: 999.0})
    slow.target = tenant_target(job_stall=60.0, connect_auth="basic")
    outcomes = slow.wait_for_jobs([1, 2], timeout=30)
    assert isinstance(outcomes[1], dict) and type(outcomes[2]) is JobTimeout, outcomes
    assert 30.0 <= waited(slow) < 33.0


def test_call_picks_the_method_from_the_spec_or_verb_rule_and_builds_the_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=None)

    client, _ = client_with(handler)
    client.target = tenant_target()  # bearer for 1.1 is not reached: patch headers instead
    client.auth.headers = lambda scheme="oauth": {"Authorization": "Bearer t", "application-id": "42"}  # type: ignore[method-assign]
    client.call("GetCustomerByCode", params={"code": "A B"}, accept="application/xml")
    client.call("UpdateCustomer", params={"updatedBy": 1}, json={"Code": "A"})
    assert [r.method for r in seen] == ["GET", "POST"]
    assert (
        str(seen[0].url)
        == "https://acme.api-se.stage.norce.tech/commerce/customer/1.1/GetCustomerByCode?code=A+B"
    )
    assert seen[0].headers["accept"] == "application/xml"
    assert json.loads(seen[1].content) == {"Code": "A"}
    assert method_for("ListCustomerFlags") == "GET" and method_for("SendPasswordReminder") == "POST"


def test_import_sends_the_header_and_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"JobId": 3})

    client, _ = client_with(handler)
    client.import_companies(b"<ArrayOfCompany/>", header='{"AccountId":1}', media_type="application/xml")
    assert seen[0].url.path == "/commerce/connect/4.0/Customer/ImportCompanies"
    assert seen[0].headers["x-stormconnect-header"] == '{"AccountId":1}'
    assert seen[0].headers["content-type"] == "application/xml"
    assert seen[0].content == b"<ArrayOfCompany/>"


def test_as_curl_redacts_credentials_and_secret_fields() -> None:
    request = httpx.Request(
        "POST",
        "https://x.lab/identity/1.0/connect/token?client_secret=abc123456",
        headers={"Authorization": "Bearer eyJhbGciOi.payload.sig", "application-id": "42"},
        content=b'{"LoginName": "a", "Password": "hunter22"}',
    )
    curl = as_curl(request, secrets=["abc123456"])
    assert curl.startswith("curl -X POST")
    assert "eyJhbGciOi" not in curl and "hunter22" not in curl and "abc123456" not in curl
    assert "application-id: 42" in curl and "LoginName" in curl


def namespaced_client(  # type: ignore[no-untyped-def]
    handler, tmp_path: Path, *, allow_writes: bool = True
) -> tuple[NorceClient, Ledger]:
    target = tenant_target(connect_auth="basic")
    ledger = Ledger(tmp_path / "ledger.json", target=target.name, run_id="abcd1234")
    client = NorceClient(
        target,
        AuthSession(CREDENTIALS, None),
        WriteGuard(target, allow_writes=allow_writes),
        namespace=RunNamespace("abcd1234"),
        ledger=ledger,
        transport=httpx.MockTransport(handler),
    )
    return client, ledger


def test_a_raw_import_is_namespace_checked_and_recorded_like_any_import(tmp_path: Path) -> None:
    """A lenient server may write the items of an import sent raw (e.g. without its header)."""
    sent: list[httpx.Request] = []
    client, ledger = namespaced_client(lambda request: sent.append(request) or httpx.Response(400), tmp_path)
    url = f"{client.target.connect_url}/Customer/ImportCustomers"
    foreign = json.dumps([{"Code": "C-1001", "EmailAddress": "anna@example.com"}]).encode()
    with pytest.raises(WriteRefused, match="Code is not in the run namespace"):
        client.raw("POST", url, content=foreign, headers={"Content-Type": "application/json"})
    assert not sent
    own = json.dumps([{"Code": "nct-abcd1234-c-1", "EmailAddress": "nct-abcd1234-u-1@example.com"}]).encode()
    client.raw("POST", url, content=own, headers={"Content-Type": "application/json"})
    assert len(sent) == 1
    assert [entry.code for entry in ledger.entries] == ["nct-abcd1234-c-1"]


def test_a_folded_header_write_passes_the_guard_first(tmp_path: Path) -> None:
    client, _ = namespaced_client(lambda request: httpx.Response(200), tmp_path, allow_writes=False)
    url = f"{client.target.connect_url}/Customer/ImportCustomers"
    with pytest.raises(WriteRefused):
        client.post_folded(url, headers={"X-StormConnect-Header": '{\n"AccountId": 1}'}, content=b"[]")
    assert client.stats.requests == 0


def test_a_folded_header_crosses_as_obs_fold_and_is_recorded() -> None:
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.headers.get("X-StormConnect-Header", ""))
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        target = tenant_target(base, connect_auth="basic", write_hosts=("127.0.0.1",))
        client = NorceClient(target, AuthSession(CREDENTIALS, None), WriteGuard(target, allow_writes=True))
        url = f"{target.connect_url}/Customer/ImportCustomers"
        response = client.post_folded(
            url,
            headers={"X-StormConnect-Header": '{\n"AccountId": 1}', "Content-Type": "application/json"},
            content=b"[]",
        )
    finally:
        server.shutdown()
    assert response.status_code == 400
    assert (
        received
        and "AccountId" in received[0]
        and "\n" not in received[0].strip("\r\n ").replace("\r\n ", "")
    )
    assert client.records[-1].status == 400 and client.stats.requests == 1
    assert "\\r\\n " in client.curl(response.request)


GATEWAY_PAGE = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
NORCE_ERROR = {"MessageId": 503, "Message": "Down for maintenance", "Messages": []}


def test_a_gateway_503_is_retried_after_retry_after_or_a_backoff_and_counted() -> None:
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": "1"}, content=GATEWAY_PAGE),
            httpx.Response(503, content=GATEWAY_PAGE),  # no Retry-After: back off
            httpx.Response(200, json={}),
        ]
    )
    client, clock = client_with(lambda request: next(answers))
    assert client.job(1).status_code == 200
    assert clock.sleeps == [1.0, 1.0]  # Retry-After, then the second backoff step
    assert client.stats.gateway_retries == 2


def test_a_5xx_with_a_norce_body_or_one_that_persists_is_answered_as_it_is() -> None:
    client, _ = client_with(lambda request: httpx.Response(503, json=NORCE_ERROR))
    assert client.job(1).status_code == 503 and client.stats.gateway_retries == 0
    client, clock = client_with(lambda request: httpx.Response(503, content=GATEWAY_PAGE))
    assert client.job(1).status_code == 503
    assert client.stats.gateway_retries == client.max_retries == len(clock.sleeps)


def test_a_write_is_retried_on_502_or_504_only_when_repeating_it_is_harmless() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if len(sent) == 1:
            return httpx.Response(502, content=b"Bad Gateway")
        return httpx.Response(200, json={"JobId": "1"})

    client, _ = client_with(handler)
    # a 1.1 write that may have acted upstream is not repeated
    url = f"{client.target.customer_url}/InactivateCustomer"
    write = client.raw("POST", url, authenticate=False, params={"customerId": 1, "inactivatedBy": 1})
    assert write.status_code == 502 and len(sent) == 1
    # a namespaced import is an upsert by Code: repeating it writes the same entities again
    sent.clear()
    header = json.dumps({"AccountId": 1, "CompanyFieldsThatAreSet": [2]})
    response = client.import_companies([{"Code": "x"}], header)
    assert response.status_code == 200 and len(sent) == 2 and client.stats.gateway_retries == 1


def test_a_broken_import_refused_below_http_is_a_refusal_not_an_error() -> None:
    """A front end may reset the connection of a malformed request instead of answering 400: for a request
    the test broke on purpose that is a refusal (status REFUSED, judged by its effect); for any other
    request the network error stands."""
    from contracts.oracle.strategies.requests import ImportRequest
    from contracts.suite.raw_import import REFUSED, is_refusal, send

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    client, _ = client_with(reset)
    header = '{"AccountId":1}'
    request = ImportRequest("ImportCustomers", "application/json", header, [{"Code": "x"}], b'[{"Code":"x"}]')
    refused = send(client, request, broken=True)
    assert is_refusal(refused) and refused.status_code == REFUSED
    assert "RemoteProtocolError" in refused.text and "ImportCustomers" in str(refused.request.url)
    with pytest.raises(NetworkError):
        send(client, request)


def test_an_import_may_name_by_id_only_an_entity_a_1_1_answer_showed_to_be_the_run_s(tmp_path: Path) -> None:
    """Id-first matching is checked on a tenant too: the run reads its own entity back (its Code is the
    run's), and only then may an import name that Id; any other Id, or one shown with a foreign Code, or
    a company's Id named as a customer's, is refused before anything is sent."""
    sent: list[str] = []
    answers = {
        "GetCustomerByCode": {
            "Id": 11,
            "Code": "nct-abcd1234-c-1",
            "FirstName": "A",
            "Companies": [
                {"Id": 21, "Code": "nct-abcd1234-co-1", "Name": "Co", "OrgNo": "nct-abcd1234-org-1"},
                {"Id": 22, "Code": "FOREIGN", "Name": "Theirs", "OrgNo": "556000-0001"},
            ],
        },
    }

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        operation = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, json=answers.get(operation, {"JobId": "1"}))

    client, _ = namespaced_client(handler, tmp_path)
    client.auth.headers = lambda scheme: {}  # type: ignore[method-assign]
    with pytest.raises(WriteRefused, match="not read back as its own"):
        client.import_customers([{"Id": 11, "FirstName": "B"}], header="{}")
    client.call("GetCustomerByCode", params={"code": "nct-abcd1234-c-1"})
    assert client.owned_ids == {("customer", 11), ("company", 21)}
    assert client.import_customers([{"Id": 11, "FirstName": "B"}], header="{}").status_code == 200
    for item in ({"Id": 21, "FirstName": "B"}, {"Id": 11, "Companies": [{"Id": 22}]}):
        with pytest.raises(WriteRefused, match="not read back as its own"):
            client.import_customers([item], header="{}")
    assert client.import_companies([{"Id": 21, "Name": "B"}], header="{}").status_code == 200
