"""One targeted request sequence per catalogued variant, returning a small deterministic observation.

`test_every_variant_changes_behaviour` runs each scenario on a fresh emulator without and with its variant;
the observations must differ. Observations are projections (a status, a media type, a member's presence, the
shape of a date), never whole bodies, so ids and timestamps cannot make two runs differ by accident.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.unit.emulator_faults.scenarios import (
    MISSING_ID,
    XML,
    by_code,
    create_1_1,
    customer_fields,
    error_key,
    folded_header_over_socket,
    header_rule,
    job,
    job_log,
    person,
    post_import,
    xml_customer,
    xml_import_body,
)
from tests.unit.emulator_http.support import CONNECT, CUSTOMER

Client = Any
Headers = dict[str, str]
Scenario = Callable[[Client, Headers], Any]

SEED_002 = Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "002_6d562143ab73e234.txt"
BASIC = base64.b64encode(b"1:2b1f6a9e-0c6d-4b53-9a55-3c1f5e0d7a11").decode()
BROKEN_HEADER = {"CustomerFieldsThatAreSet": [2]}  # breaks HDR-ACCOUNTID


def missing_customer(client: Client, headers: Headers, accept: str = "application/json") -> Any:
    return client.get(f"{CUSTOMER}/GetCustomer", params=MISSING_ID, headers={**headers, "Accept": accept})


def answer_form(response: Any) -> tuple[int, str | None, bytes]:
    return response.status_code, response.headers.get("content-type"), response.content


def media_type(response: Any) -> tuple[int, str]:
    return response.status_code, response.headers.get("content-type", "").split(";")[0]


def digits_masked(text: str) -> str:
    """The shape of a timestamp: every digit as 9."""
    return re.sub(r"\d", "9", text)


def docs_sample_company() -> dict[str, Any]:
    """The docs' ImportCompanies sample item (seed 002) reduced to its identity members, as sent: Id 0."""
    text = SEED_002.read_text(encoding="utf-8")
    sample = json.loads(re.findall(r"-d '(\[.*?\])'", text, re.S)[0])[0]
    return {key: sample[key] for key in ("ApplicationKey", "Id", "Code", "Name", "OrganizationNo")}


def imported_rows(client: Client, headers: Headers) -> list[Any]:
    response = post_import(client, headers, [person("C1"), {"FirstName": "no identity"}])
    return [row.get("ImportedRow") for row in job_log(client, headers, response)]


def slow_job(client: Client, headers: Headers) -> tuple[Any, Any]:
    found = job(client, headers, post_import(client, headers, [person("C1")]))
    return found["StatusId"], found["IsFinished"]


def throttled(client: Client, headers: Headers) -> list[tuple[int, str | None]]:
    answers = [client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers) for _ in range(6)]
    return [(a.status_code, a.headers.get("retry-after")) for a in answers]


def timed_read(client: Client, headers: Headers) -> float:
    started = time.monotonic()
    client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers)
    return time.monotonic() - started


def folded_header_reset(client: Client, headers: Headers) -> object:
    """The folded-header request's answer, or "reset" when the connection was reset with no answer."""
    try:
        return folded_header_over_socket(client, headers)
    except (ConnectionError, IndexError, ValueError):
        return "reset"


def encoding_of_a_customer(client: Client, headers: Headers) -> str | None:
    created = create_1_1(client, headers)
    read = client.get(
        f"{CUSTOMER}/GetCustomer",
        params={"id": created["Id"]},
        headers={**headers, "Accept-Encoding": "gzip"},
    )
    assert read.json()["Id"] == created["Id"]  # the client decodes the content coding transparently
    return read.headers.get("content-encoding")


def lenient_enums(client: Client, headers: Headers) -> tuple[Any, Any]:
    response = post_import(client, headers, [person("C1", Type=7)], customer_fields(2, 3, 6, 8))
    return response.json()["ValidationSummary"]["NrOfValidationFailures"], job(client, headers, response)[
        "Inserts"
    ]


def docs_sample_zero_ids(client: Client, headers: Headers) -> tuple[Any, Any]:
    header = {"AccountId": 1, "CompanyFieldsThatAreSet": [0, 2, 3, 4]}
    found = job(
        client, headers, post_import(client, headers, [docs_sample_company()], header, "ImportCompanies")
    )
    return found["Inserts"], found["Fail"]


def late_validation(client: Client, headers: Headers) -> tuple[Any, Any, Any]:
    response = post_import(client, headers, [person("C1"), {"FirstName": "no identity"}])
    found = job(client, headers, response)
    return response.json()["ValidationSummary"]["NrOfValidationFailures"], found["Fail"], found["Inserts"]


def async_header(client: Client, headers: Headers) -> tuple[Any, ...]:
    response = post_import(client, headers, [person("C1")], BROKEN_HEADER)
    if response.status_code != 200:
        return error_key(response)
    found = job(client, headers, response)
    return response.status_code, found["Fail"], found["Inserts"], by_code(client, headers, "C1")


def prepopulated(client: Client, headers: Headers) -> bool:
    return by_code(client, headers, "K0000001") is not None


# --- the table: every catalogued variant -> its scenario -------------------------------------------------
SCENARIOS: dict[str, Scenario] = {
    "not-found-204": lambda c, h: answer_form(missing_customer(c, h)),
    "not-found-xml-nil-root": lambda c, h: answer_form(missing_customer(c, h, "application/xml")),
    "not-found-json-empty-body": lambda c, h: answer_form(missing_customer(c, h)),
    "auth-wrong-application-id-403": lambda c, h: (
        c.get(f"{CUSTOMER}/ListAccountRoles", headers={**h, "application-id": "999"}).status_code
    ),
    "auth-401-no-challenge": lambda c, h: "www-authenticate" in c.get(f"{CUSTOMER}/ListAccountRoles").headers,
    "application-id-optional": lambda c, h: (
        c.get(f"{CUSTOMER}/ListAccountRoles", headers={"Authorization": h["Authorization"]}).status_code
    ),
    "no-legacy-basic": lambda c, h: (
        c.get(f"{CONNECT}/Job/List", headers={"Authorization": f"Basic {BASIC}"}).status_code
    ),
    "api-throttling": throttled,
    "gateway-503": throttled,
    "network-latency": lambda c, h: timed_read(c, h) >= 0.05,
    "reset-malformed": folded_header_reset,
    "generic-allow": lambda c, h: c.options(f"{CUSTOMER}/GetCustomer", headers=h).headers.get("allow"),
    "gateway-errors-text": lambda c, h: media_type(c.get("/no/such/path", headers=h)),
    "gateway-errors-html": lambda c, h: media_type(c.get("/no/such/path", headers=h)),
    "unknown-operation-html-404": lambda c, h: media_type(c.get(f"{CUSTOMER}/NoSuchOperation", headers=h)),
    "unknown-operation-400": lambda c, h: error_key(c.get(f"{CUSTOMER}/NoSuchOperation", headers=h)),
    "gzip-responses": encoding_of_a_customer,
    "charset-utf8": lambda c, h: c.get(f"{CUSTOMER}/ListAccountRoles", headers=h).headers["content-type"],
    "obs-fold-unfolded": folded_header_over_socket,
    "obs-fold-plain-text-400": folded_header_over_socket,
    "dates-dotnet": lambda c, h: digits_masked(job(c, h, post_import(c, h, [person("C1")]))["Start"]),
    "null-empty-collections": lambda c, h: (
        create_1_1(c, h)["Companies"],
        post_import(c, h, [person("C2")]).json()["ValidationSummary"]["Messages"],
    ),
    "null-members-omitted": lambda c, h: "SSN" in create_1_1(c, h),
    "newer-release-members": lambda c, h: (
        "ExternalId" in create_1_1(c, h),
        b"<ExternalId" in xml_customer(c, h),
    ),
    "json-members-alphabetical": lambda c, h: list(create_1_1(c, h))[:3],
    "xml-namespace-prefixes": lambda c, h: xml_customer(c, h).split(b">", 2)[1][:12],
    "xml-no-declaration": lambda c, h: xml_customer(c, h).startswith(b"<?xml"),
    "job-log-single-object": lambda c, h: type(job_log(c, h, post_import(c, h, [person("C1")]))).__name__,
    "job-list-absent": lambda c, h: c.get(f"{CONNECT}/Job/List", headers=h).status_code,
    "job-get-unknown-404": lambda c, h: c.get(f"{CONNECT}/Job/Get", params=MISSING_ID, headers=h).status_code,
    "job-log-summary-row": lambda c, h: [
        (row["SeverityId"], row.get("ImportedRow"))
        for row in job_log(c, h, post_import(c, h, [person("C1"), person("C2")]))
    ],
    "job-log-rows-one-based": imported_rows,
    "job-log-imported-row-as-item": imported_rows,
    "all-failed-status-3": lambda c, h: job(
        c, h, post_import(c, h, [{"Code": "C1", "EmailAddress": "c@x.se"}])
    )["StatusId"],
    "slow-jobs": slow_job,
    "header-rules-async": async_header,
    "header-rules-plain-key": header_rule(BROKEN_HEADER),
    "header-rules-empty-400": lambda c, h: (
        len(post_import(c, h, [person("C1")], BROKEN_HEADER).content),
        post_import(c, h, [person("C1")], BROKEN_HEADER).status_code,
    ),
    "xml-header-enum-names": lambda c, h: error_key(
        post_import(
            c,
            h,
            xml_import_body(),
            {"AccountId": 1, "CustomerFieldsThatAreSet": ["Code", "EmailAddress", "FirstName", "LastName"]},
            content_type="application/xml",
            extra=XML,
        )
    )[0],
    "lenient-body-enums": lenient_enums,
    "docs-sample-zero-ids": docs_sample_zero_ids,
    "late-initial-validation": late_validation,
    "empty-import-refused": lambda c, h: error_key(post_import(c, h, [])),
    "no-body-limit": lambda c, h: post_import(c, h, [person(f"C{i}") for i in range(20)]).status_code,
    "extra-query-parameter-400": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params={**MISSING_ID, "noSuchParameter": "1"}, headers=h).status_code
    ),
    "prepopulated-tenant": prepopulated,
}

# Emulator settings a scenario needs: small limits so nothing waits or sends megabytes.
SETTINGS: dict[str, dict[str, Any]] = {
    "api-throttling": {"throttle_every": 3},
    "gateway-503": {"gateway_503_every": 3},
    "network-latency": {"latency_ms": 100},
    "no-body-limit": {"max_body_bytes": 512},
    "slow-jobs": {"slow_job_seconds": (0.5, 1.0)},
    "prepopulated-tenant": {"prepopulate_customers": 30},
}


def wait_until_finished(
    client: Client, headers: Headers, job_id: Any, timeout: float = 10.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found: dict[str, Any] = client.get(
            f"{CONNECT}/Job/Get", params={"id": job_id}, headers=headers
        ).json()
        if found["IsFinished"] or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
