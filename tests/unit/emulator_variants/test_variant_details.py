"""What each variant keeps: the detail behind the one-line observations of test_variant_wiring, and the
documented rules a variant must not touch."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from emulator.domain.jobs import JobRunner
from emulator.domain.store import Store
from emulator.domain.tenant_data import TENANT_PASSWORD
from emulator.faults import Faults
from emulator.http.variant_effects import accepts_gzip, dotnet_date_time
from emulator.variants import Variants
from tests.unit.emulator_faults.scenarios import (
    create_1_1,
    job,
    job_log,
    person,
    post_import,
    with_account,
    xml_customer,
)
from tests.unit.emulator_http.support import CONNECT, CUSTOMER, GOOD_FORM, TOKEN, auth_headers, make_client

from .scenarios import BROKEN_HEADER, wait_until_finished

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
NET_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$")


def client_with(*names: str, **settings: Any) -> Any:
    settings.setdefault("job_timing", "immediate")
    return make_client(variants=set(names), **settings)


# --- not found -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("operation", ["GetCustomer", "GetCompany", "GetAgreementAccount"])
def test_not_found_forms_on_every_null_on_not_found_read(operation: str) -> None:
    client = client_with("not-found-xml-nil-root", "not-found-json-empty-body")
    headers = auth_headers(client)
    as_json = client.get(f"{CUSTOMER}/{operation}", params={"id": 999999}, headers=headers)
    assert (as_json.status_code, as_json.headers["content-type"], as_json.content) == (
        200,
        "application/json",
        b"",
    )
    as_xml = client.get(
        f"{CUSTOMER}/{operation}", params={"id": 999999}, headers={**headers, "Accept": "application/xml"}
    )
    root = ElementTree.fromstring(as_xml.content)
    assert as_xml.status_code == 200 and root.get(XSI_NIL) == "true" and len(root) == 0
    # a found entity is untouched
    created = create_1_1(client, headers)
    assert (
        client.get(f"{CUSTOMER}/GetCustomer", params={"id": created["Id"]}, headers=headers).json()["Id"]
        == created["Id"]
    )


def test_204_applies_to_reads_only() -> None:
    """A write that answers no entity keeps its 200; a list that is empty stays []."""
    client = client_with("not-found-204")
    headers = auth_headers(client)
    assert client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=headers).status_code == 204
    found = client.get(f"{CUSTOMER}/ListCustomerBySSN2", params={"ssn": "nobody"}, headers=headers)
    assert (found.status_code, found.json()) == (200, [])
    assert client.get(f"{CONNECT}/Job/Get", params={"id": 999}, headers=headers).json() is None


# --- auth ------------------------------------------------------------------------------------------------
def test_auth_variants_keep_refusing_what_must_be_refused() -> None:
    client = client_with(
        "auth-wrong-application-id-403", "auth-401-no-challenge", "application-id-optional", "no-legacy-basic"
    )
    headers = auth_headers(client)
    roles = f"{CUSTOMER}/ListAccountRoles"
    assert client.get(roles).status_code == 401  # no token
    assert (
        client.get(roles, headers={"Authorization": "Bearer wrong", "application-id": "1"}).status_code == 401
    )
    assert client.get(roles, headers={**headers, "application-id": "2"}).status_code == 403
    assert client.get(roles, headers=headers).status_code == 200
    assert (
        client.get(f"{CONNECT}/Job/List", headers=headers).status_code == 200
    )  # OAuth2 still works on Connect
    assert "www-authenticate" not in client.get(roles).headers
    assert client.post(TOKEN, data=GOOD_FORM).status_code == 200  # token endpoint untouched


# --- gateway forms ---------------------------------------------------------------------------------------
def _gateway_answers(client: Any, headers: dict[str, str]) -> dict[int, Any]:
    header = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2]})
    return {
        404: client.get("/commerce/connect/4.0/No/Such", headers=headers),
        405: client.request("TRACE", f"{CONNECT}/Job/Get", headers=headers),
        413: post_import(client, headers, [person(f"C{i}") for i in range(20)], json.loads(header)),
        415: client.post(
            f"{CONNECT}/Customer/ImportCustomers",
            content=b"a",
            headers={**headers, "Content-Type": "text/csv", "X-StormConnect-Header": header},
        ),
    }


@pytest.mark.parametrize(
    ("name", "media"), [("gateway-errors-text", "text/plain"), ("gateway-errors-html", "text/html")]
)
def test_gateway_answers_404_405_413_415_in_its_own_type(name: str, media: str) -> None:
    client = client_with(name, max_body_bytes=512)
    answers = _gateway_answers(client, auth_headers(client))
    for status, response in answers.items():
        assert response.status_code == status and response.headers["content-type"].startswith(media), status
        assert str(status) in response.text
    assert answers[405].headers["allow"] == "GET"  # RFC 9110: a 405 names what is allowed
    # a business 400 keeps its ErrorMessage
    client.post("/_emulator/variants", json={"enabled": [name]})
    login = client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "x@y.se", "Password": "p"}, headers=auth_headers(client)
    )
    assert login.status_code == 400 and login.json()["Messages"][0]["Key"] == "LoginFailed"


# --- dates -----------------------------------------------------------------------------------------------
def test_dotnet_dates_everywhere_a_date_is_written() -> None:
    assert dotnet_date_time("2026-11-29T10:00:00.123Z") == "2026-11-29T10:00:00.1230000"
    assert dotnet_date_time("2026-11-29T12:00:00+02:00") == "2026-11-29T10:00:00.0000000"
    assert dotnet_date_time("not a date") == "not a date"
    client = client_with("dates-dotnet")
    headers = auth_headers(client)
    created = create_1_1(client, headers)
    assert NET_DATE.match(created["Created"]) and NET_DATE.match(created["Updated"])
    response = post_import(client, headers, [person("C2")])
    found = job(client, headers, response)
    assert all(NET_DATE.match(found[key]) for key in ("Start", "Stop", "LastUpdated")), found
    assert all(NET_DATE.match(row["TimeStamp"]) for row in job_log(client, headers, response))
    error = client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "x@y.se", "Password": "p"}, headers=headers
    )
    assert NET_DATE.match(error.json()["TimeStamp"])
    xml = xml_customer(client, headers).decode()
    assert re.search(r"<Created>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}</Created>", xml)


# --- collections, members, order --------------------------------------------------------------------------
def test_null_collections_in_json_and_xml_while_lists_stay_arrays() -> None:
    client = client_with("null-empty-collections")
    headers = auth_headers(client)
    created = with_account(client, headers)
    assert (
        created["DeliveryAddresses"] is None and created["Flags"] is None and created["PricelistIds"] is None
    )
    company = created["Companies"][0]
    assert company["DeliveryMethodIds"] is None and company["PaymentMethodIds"] is None
    assert created["Account"]["Roles"] == [2]  # not empty: kept
    root = ElementTree.fromstring(xml_customer(client, headers))
    ns = "{Enferno.Services.Contracts.Expose.Customers}"
    assert root.find(f"{ns}Companies").get(XSI_NIL) == "true"  # type: ignore[union-attr]
    listed = client.get(f"{CUSTOMER}/ListCustomerBySSN2", params={"ssn": "nobody"}, headers=headers)
    assert listed.json() == []  # a list answer is an empty array, not null


def test_newer_release_members_come_after_the_known_ones() -> None:
    client = client_with("newer-release-members")
    headers = auth_headers(client)
    created = create_1_1(client, headers)
    assert list(created)[-2:] == ["ExternalId", "Created2"] and created["Created2"] == created["Created"]
    root = ElementTree.fromstring(xml_customer(client, headers))
    ns = "{Enferno.Services.Contracts.Expose.Customers}"
    assert [child.tag for child in root][-2:] == [f"{ns}ExternalId", f"{ns}Created2"]
    response = post_import(client, headers, [person("C2")])
    assert {"ExternalId", "Created2"} <= set(response.json()) and "ExternalId" in job(
        client, headers, response
    )


def test_alphabetical_json_members_are_the_same_object() -> None:
    ours, varied = client_with(), client_with("json-members-alphabetical")
    first = create_1_1(ours, auth_headers(ours))
    second = create_1_1(varied, auth_headers(varied))
    assert list(second) == sorted(second) and list(first) != sorted(first)
    assert set(first) == set(second)
    account = create_1_1(varied, auth_headers(varied), "C2", Account={"LoginName": "c2@example.com"})[
        "Account"
    ]
    assert list(account) == sorted(account)  # every level


def _infoset(element: ElementTree.Element) -> Any:
    return (element.tag, dict(element.attrib), (element.text or "").strip(), [_infoset(c) for c in element])


def test_prefixed_xml_is_the_same_infoset() -> None:
    ours, varied = client_with(), client_with("xml-namespace-prefixes", "xml-no-declaration")
    plain = xml_customer(ours, auth_headers(ours))
    prefixed = xml_customer(varied, auth_headers(varied))
    assert b' xmlns="' not in prefixed and prefixed.startswith(b"<a:Customer")
    # names, namespaces, attributes and nesting are equal; texts differ only in keys and times
    left, right = _infoset(ElementTree.fromstring(plain)), _infoset(ElementTree.fromstring(prefixed))
    assert _shape(left) == _shape(right)


def _shape(node: Any) -> Any:
    tag, attrib, _text, children = node
    return tag, attrib, [_shape(child) for child in children]


def test_gzip_only_when_asked_for() -> None:
    assert accepts_gzip("gzip, deflate") and accepts_gzip("*") and not accepts_gzip("gzip;q=0")
    assert not accepts_gzip(None) and not accepts_gzip("identity")
    client = client_with("gzip-responses")
    headers = auth_headers(client)
    created = create_1_1(client, headers)
    plain = client.get(
        f"{CUSTOMER}/GetCustomer",
        params={"id": created["Id"]},
        headers={**headers, "Accept-Encoding": "identity"},
    )
    assert "content-encoding" not in plain.headers and plain.json()["Id"] == created["Id"]
    packed = client.get(
        f"{CUSTOMER}/GetCustomer",
        params={"id": created["Id"]},
        headers={**headers, "Accept-Encoding": "gzip"},
    )
    assert packed.headers["content-encoding"] == "gzip" and packed.headers["vary"] == "Accept-Encoding"
    assert packed.json() == plain.json()


# --- the Job service -------------------------------------------------------------------------------------
def test_single_object_log_only_for_one_row_and_in_xml_too() -> None:
    client = client_with("job-log-single-object")
    headers = auth_headers(client)
    one = post_import(client, headers, [person("C1")])
    job_id = one.json()["JobId"]
    assert isinstance(job_log(client, headers, one), dict)
    xml = client.get(
        f"{CONNECT}/Job/GetLog", params={"id": job_id}, headers={**headers, "Accept": "application/xml"}
    )
    assert ElementTree.fromstring(xml.content).tag == "{Enferno.Services.StormConnect.Contracts.Job}JobLogDto"
    two = post_import(client, headers, [person("C2"), person("C3")])
    assert isinstance(job_log(client, headers, two), list)
    assert client.get(f"{CONNECT}/Job/GetLog", params={"id": 999}, headers=headers).json() == []


def test_job_list_absent_for_every_method_while_the_job_service_works() -> None:
    client = client_with("job-list-absent")
    headers = auth_headers(client)
    assert client.get(f"{CONNECT}/Job/List", headers=headers).status_code == 404
    assert client.post(f"{CONNECT}/Job/List", headers=headers).status_code == 404
    assert client.get(f"{CONNECT}/job/list/", headers=headers).status_code == 404
    assert job(client, headers, post_import(client, headers, [person("C1")]))["IsFinished"] is True


def test_log_layout_variants_keep_the_counters() -> None:
    client = client_with("job-log-summary-row", "job-log-rows-one-based")
    headers = auth_headers(client)
    response = post_import(client, headers, [person("C1"), {"FirstName": "x"}, person("C3")])
    assert response.json()["ValidationSummary"]["Messages"][0].startswith("Item 2:")
    found = job(client, headers, response)
    assert (found["Totals"], found["Inserts"], found["Fail"]) == (3, 2, 1)
    rows = job_log(client, headers, response)
    assert [(r["SeverityId"], r["ImportedRow"]) for r in rows] == [(3, "2"), (1, None)]


def test_all_failed_is_3_but_a_partial_job_still_succeeds() -> None:
    client = client_with("all-failed-status-3")
    headers = auth_headers(client)
    partial = job(client, headers, post_import(client, headers, [person("C1"), {"Code": "C2"}]))
    assert partial["StatusId"] == 2
    empty = job(client, headers, post_import(client, headers, []))
    assert empty["StatusId"] == 2


def test_slow_jobs_run_for_their_time_in_order_and_report_progress() -> None:
    client = client_with("slow-jobs", slow_job_seconds=(0.6, 0.9))
    headers = auth_headers(client)
    started = time.monotonic()
    first = post_import(client, headers, [person("C1")])
    second = post_import(client, headers, [person("C1", FirstName="Later")])
    early = job(client, headers, first)
    assert (early["StatusId"], early["IsFinished"], early["Stop"]) == (1, False, None)
    time.sleep(0.05)
    assert job(client, headers, first)["LastUpdated"] > early["LastUpdated"]
    finished = wait_until_finished(client, headers, second.json()["JobId"])
    assert time.monotonic() - started >= 0.6 and finished["Updates"] == 1 and finished["StatusId"] == 2
    assert wait_until_finished(client, headers, first.json()["JobId"])["Inserts"] == 1
    read = client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": "C1"}, headers=headers)
    assert read.json()["FirstName"] == "Later"  # the jobs finished in the order they were submitted


def test_slow_job_durations_come_from_the_seed() -> None:
    def due_offsets(seed: int) -> list[float]:
        runner = JobRunner(Store(seed=seed), Faults(), "background", Variants(["slow-jobs"]), (5.0, 20.0))
        offsets = []
        for job_id in (1, 2, 3):
            runner._last_due = 0.0
            offsets.append(round(runner._slow_job_due(job_id) - time.monotonic(), 1))  # type: ignore[operator]
        return offsets

    assert due_offsets(7) == due_offsets(7) != due_offsets(8)
    assert all(5.0 <= offset <= 20.0 for offset in due_offsets(7))


# --- Connect requests ------------------------------------------------------------------------------------
def test_async_header_refusal_writes_nothing_and_fails_each_item() -> None:
    client = client_with("header-rules-async")
    headers = auth_headers(client)
    response = post_import(client, headers, [person("C1"), person("C2")], BROKEN_HEADER)
    assert response.status_code == 200 and response.json()["ValidationSummary"]["NrOfItemsInTotal"] == 2
    found = job(client, headers, response)
    assert (found["Totals"], found["Fail"], found["Inserts"], found["Updates"], found["StatusId"]) == (
        2,
        2,
        0,
        0,
        4,
    )
    rows = job_log(client, headers, response)
    assert len(rows) == 2 and all("HDR-ACCOUNTID" in row["Message"] for row in rows)
    assert client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": "C1"}, headers=headers).json() is None
    storage = post_import(
        client, headers, b"", {"AccountId": 1, "CustomerFieldsThatAreSet": [2], "StorageName": "f"}
    )
    assert storage.status_code == 200 and job(client, headers, storage)["StatusId"] == 3
    malformed = post_import(client, headers, b"{not json", BROKEN_HEADER)
    assert malformed.status_code == 400  # an unreadable body is no header rule


def test_lenient_enums_only_in_bodies() -> None:
    client = client_with("lenient-body-enums")
    headers = auth_headers(client)
    header = {"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 99]}
    refused = post_import(client, headers, [person("C1")], header)
    assert refused.status_code == 400 and refused.json()["Messages"][0]["Key"] == "HDR-ENUM-RANGE"
    named = post_import(client, headers, [person("C1", Type="NoSuchType")])
    assert named.json()["ValidationSummary"]["NrOfValidationFailures"] == 1  # unknown names still fail


def test_zero_ids_in_relations_match_by_code() -> None:
    client = client_with("docs-sample-zero-ids")
    headers = auth_headers(client)
    company_header = {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4]}
    post_import(
        client,
        headers,
        [{"Code": "CO1", "Name": "N", "OrganizationNo": "1"}],
        company_header,
        "ImportCompanies",
    )
    fields = {"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 19]}
    item = person("C1", Id=0, Companies=[{"Id": 0, "Code": "CO1"}])
    assert job(client, headers, post_import(client, headers, [item], fields))["Inserts"] == 1
    read = client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": "C1"}, headers=headers).json()
    assert [company["Code"] for company in read["Companies"]] == ["CO1"]
    missing = job(client, headers, post_import(client, headers, [person("C2", Id=5)]))
    assert missing["Fail"] == 1  # a real id that does not exist still fails the item


def test_no_body_limit_reads_past_ten_mib_up_to_the_front_end_limit() -> None:
    client = client_with("no-body-limit")
    headers = auth_headers(client)
    big = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    header = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2]})
    response = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        content=big,
        headers={**headers, "Content-Type": "application/json", "X-StormConnect-Header": header},
    )
    assert response.status_code == 200 and response.json()["ValidationSummary"]["NrOfItemsInTotal"] == 0


def test_extra_parameter_refusal_is_case_insensitive_about_declared_names() -> None:
    client = client_with("extra-query-parameter-400")
    headers = auth_headers(client)
    assert client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=headers).status_code == 200
    assert (
        client.get(f"{CUSTOMER}/GetCustomer", params={"ID": 1, "id": 1}, headers=headers).status_code == 200
    )
    refused = client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1, "x": "1"}, headers=headers)
    assert refused.status_code == 400 and refused.json()["Messages"][0]["Key"] == "UnknownParameter"


# --- the prepopulated tenant -----------------------------------------------------------------------------
def test_prepopulated_tenant_is_large_related_deterministic_and_fast() -> None:
    client = client_with("prepopulated-tenant")
    state = client.app.state.runtime.store.state
    assert (len(state.customers), len(state.companies)) == (3000, 1000)
    customers = list(state.customers.values())
    assert not any(
        (c.code or "").lower().startswith("nct-") or "nct-" in (c.email_address or "") for c in customers
    )
    assert sum(1 for c in customers if c.accounts) > 1000 and sum(1 for c in customers if c.flags) > 1000
    assert len(state.relations) > 2000 and sum(1 for c in state.companies.values() if c.parent_id) > 10
    assert all(c.invoice_address is not None for c in customers)
    headers = auth_headers(client)
    started = time.monotonic()
    for number in range(1, 101):
        code = f"K{number:07d}"
        assert (
            client.get(f"{CUSTOMER}/GetCustomerByCode", params={"code": code}, headers=headers).json()["Code"]
            == code
        )
    assert time.monotonic() - started < 5.0  # indexed lookups: milliseconds each
    account = next(c for c in customers if c.accounts)
    login = client.post(
        f"{CUSTOMER}/LoginPost",
        json={"LoginName": account.accounts[0].login_name, "Password": TENANT_PASSWORD},
        headers=headers,
    )
    assert login.status_code == 200
    again = client_with("prepopulated-tenant", prepopulate_customers=300)
    other_seed = client_with("prepopulated-tenant", prepopulate_customers=300, seed=5)
    same = client_with("prepopulated-tenant", prepopulate_customers=300)
    emails = [
        [c.email_address for c in x.app.state.runtime.store.state.customers.values()]
        for x in (again, same, other_seed)
    ]
    assert emails[0] == emails[1] != emails[2] and len(emails[0]) == 300


def test_prepopulated_tenant_survives_an_admin_reset() -> None:
    client = client_with("prepopulated-tenant", prepopulate_customers=30)
    headers = auth_headers(client)
    create_1_1(client, headers, "MINE")
    client.post("/_emulator/reset")
    state = client.app.state.runtime.store.state
    assert len(state.customers) == 30 and state.customer_by_code("MINE") is None


# --- obs-fold and serving ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_with_every_variant_starts_and_serves() -> None:
    """`norce-emulator serve --variant all` (3,000 customers loaded) answers a token and a read."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator.cli", "serve", "--port", str(port), "--variant", "all"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                token = httpx.post(f"{base}{TOKEN}", data=GOOD_FORM, timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "emulator did not start"
                time.sleep(0.2)
        assert token.status_code == 200
        headers = {"Authorization": f"Bearer {token.json()['access_token']}", "application-id": "1"}
        read = httpx.get(f"{base}{CUSTOMER}/GetCustomerByCode", params={"code": "K0000001"}, headers=headers)
        assert read.status_code == 200 and read.json()["Code"] == "K0000001"
        missing = httpx.get(f"{base}{CUSTOMER}/GetCustomer", params={"id": 1}, headers=headers)
        assert missing.status_code == 204
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
