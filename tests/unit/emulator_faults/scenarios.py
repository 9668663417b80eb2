"""One targeted request sequence per catalogued fault, returning a small deterministic observation.

`test_every_fault_changes_behaviour` runs each scenario on a fresh emulator without and with its fault; the
observations must differ. Observations are projections (a status, a key, a field's type), never whole bodies,
so timestamps and ids cannot make two fault-free runs differ by accident.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from tests.unit.emulator_faults.company_write_scenarios import SCENARIOS as COMPANY_WRITE_SCENARIOS
from tests.unit.emulator_faults.cs_fact_scenarios import SCENARIOS as CS_FACT_SCENARIOS
from tests.unit.emulator_faults.customer_write_scenarios import SCENARIOS as CUSTOMER_WRITE_SCENARIOS
from tests.unit.emulator_faults.read_scenarios import SCENARIOS as READ_SCENARIOS
from tests.unit.emulator_faults.served import raw_exchange, served_over_http
from tests.unit.emulator_http.support import CONNECT, CUSTOMER, GOOD_FORM, PASSWORD, TOKEN

Client = Any
Headers = dict[str, str]
Scenario = Callable[[Client, Headers], Any]

CUSTOMER_HEADER = {
    "AccountId": 1,
    "CustomerFieldsThatAreSet": [2, 3, 6, 8, 14],
    "AccountFieldsThatAreSet": [0, 1],
}
XML = {"Accept": "application/xml"}


# --- request helpers ---------------------------------------------------------------------------------------
def post_import(
    client: Client,
    headers: Headers,
    body: Any,
    header: Any = None,
    operation: str = "ImportCustomers",
    content_type: str = "application/json",
    extra: Headers | None = None,
) -> Any:
    sent = {**headers, "Content-Type": content_type, **(extra or {})}
    if header is not False:
        sent["X-StormConnect-Header"] = (
            header if isinstance(header, str) else json.dumps(header or CUSTOMER_HEADER)
        )
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"{CONNECT}/Customer/{operation}", content=content, headers=sent)


def person(code: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "Code": code,
        "EmailAddress": email or f"{code.lower()}@example.com",
        "FirstName": "A",
        "LastName": "B",
    } | extra


def customer_fields(*fields: int, accounts: list[int] | None = None) -> dict[str, Any]:
    header: dict[str, Any] = {"AccountId": 1, "CustomerFieldsThatAreSet": list(fields)}
    if accounts is not None:
        header["AccountFieldsThatAreSet"] = accounts
    return header


def job(client: Client, headers: Headers, response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return client.get(f"{CONNECT}/Job/Get", params={"id": response.json()["JobId"]}, headers=headers).json()


def job_log(client: Client, headers: Headers, response: Any) -> list[dict[str, Any]]:
    job_id = response.json()["JobId"]
    return client.get(f"{CONNECT}/Job/GetLog", params={"id": job_id}, headers=headers).json()


def by_code(client: Client, headers: Headers, code: str, **params: Any) -> Any:
    return client.get(
        f"{CUSTOMER}/GetCustomerByCode", params={"code": code, **params}, headers=headers
    ).json()


def error_key(response: Any) -> tuple[int, str | None]:
    try:
        return response.status_code, response.json()["Messages"][0]["Key"]
    except (ValueError, KeyError, IndexError, TypeError):
        return response.status_code, None


def companies(client: Client, headers: Headers, *codes: str) -> None:
    header = {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4]}
    items = [{"Code": code, "OrganizationNo": f"ORG-{code}", "Name": code} for code in codes]
    assert post_import(client, headers, items, header, "ImportCompanies").status_code == 200


def create_1_1(client: Client, headers: Headers, code: str = "C1", **body: Any) -> dict[str, Any]:
    payload = {"Code": code, "Email": f"{code.lower()}@example.com", "FirstName": "A", "LastName": "B"} | body
    response = client.post(
        f"{CUSTOMER}/CreateCustomer3", params={"password": PASSWORD}, json=payload, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def with_account(client: Client, headers: Headers) -> dict[str, Any]:
    return create_1_1(
        client,
        headers,
        Account={"LoginName": "c1@example.com"},
        Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}],
    )


def login(client: Client, headers: Headers, password: str) -> Any:
    return client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "c1@example.com", "Password": password}, headers=headers
    )


def header_rule(
    header: Any, operation: str = "ImportCustomers", **kwargs: Any
) -> Callable[[Client, Headers], Any]:
    return lambda c, h: error_key(post_import(c, h, [person("C1")], header, operation, **kwargs))


def folded_header_over_socket(client: Client, headers: Headers) -> tuple[int, str | None]:
    """A line break in the header crosses HTTP/1.1 only as obs-fold, so send it raw to the real server."""
    header = '{"AccountId": 1,\r\n "CustomerFieldsThatAreSet": [2]}'
    body = json.dumps([person("C1")]).encode()
    lines = [f"POST {CONNECT}/Customer/ImportCustomers HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"X-StormConnect-Header: {header}",
    ]
    with served_over_http(client.app) as port:
        answer = raw_exchange(port, "\r\n".join(lines).encode() + b"\r\n\r\n" + body)
    head, _, content = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(content)["Messages"][0]["Key"]
    except (ValueError, KeyError, IndexError, TypeError):
        return status, None


# --- composite scenarios -----------------------------------------------------------------------------------
def flags_after_second_import(client: Client, headers: Headers) -> list[str]:
    post_import(client, headers, [person("C1", Flags=[{"Code": "A"}])], customer_fields(2, 3, 6, 8, 16))
    post_import(client, headers, [{"Code": "C1", "Flags": [{"Code": "B"}]}], customer_fields(2, 16, 21))
    return sorted(flag["Name"] for flag in by_code(client, headers, "C1")["Flags"])


def companies_after_delta(client: Client, headers: Headers) -> list[str]:
    companies(client, headers, "CO1", "CO2")
    fields = customer_fields(2, 3, 6, 8, 19)
    post_import(client, headers, [person("C1", Companies=[{"Code": "CO1"}])], fields)
    post_import(
        client, headers, [{"Code": "C1", "Companies": [{"Code": "CO2"}], "IsCompanyListDelta": True}], fields
    )
    return sorted(company["Code"] for company in by_code(client, headers, "C1")["Companies"])


def account_after_reimport(
    client: Client, headers: Headers, account_fields: list[int], first: dict, second: dict
) -> Any:
    fields = customer_fields(2, 3, 6, 8, 14, accounts=account_fields)
    post_import(client, headers, [person("C1", Accounts=[{"LoginName": "c1@example.com", **first}])], fields)
    post_import(
        client, headers, [{"Code": "C1", "Accounts": [{"LoginName": "c1@example.com", **second}]}], fields
    )
    return by_code(client, headers, "C1")["Account"]


def password_overwritten(client: Client, headers: Headers) -> int:
    account_after_reimport(
        client, headers, [0, 1], {"Password": "First-pass1", "Status": 1}, {"Password": "Second-pass2"}
    )
    return login(client, headers, "Second-pass2").status_code


def matched_by_email(client: Client, headers: Headers) -> str:
    post_import(client, headers, [person("C1"), person("C2")], customer_fields(2, 3, 6, 8))
    post_import(
        client,
        headers,
        [{"Code": "C1", "EmailAddress": "c2@example.com", "FirstName": "Z"}],
        customer_fields(6),
    )
    return by_code(client, headers, "C2")["FirstName"]


def search_only_by_code(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1")], customer_fields(2, 3, 6, 8))
    response = post_import(
        client, headers, [{"EmailAddress": "c1@example.com", "FirstName": "Z"}], customer_fields(6, 18)
    )
    return job(client, headers, response)["Updates"], by_code(client, headers, "C1")["FirstName"]


def primary_company(client: Client, headers: Headers) -> str:
    companies(client, headers, "CO1", "CO2")
    refs = [{"Code": "CO1", "IsPrimary": True}, {"Code": "CO2", "IsPrimary": True}]
    post_import(client, headers, [person("C1", Companies=refs)], customer_fields(2, 3, 6, 8, 19))
    return by_code(client, headers, "C1", includeCompanies="false")["Companies"][0]["Code"]


def null_clears(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1", PhoneNumber="+46 1")], customer_fields(2, 3, 6, 8, 9))
    post_import(client, headers, [{"Code": "C1", "PhoneNumber": None}], customer_fields(9))
    return by_code(client, headers, "C1")["Phone"]


def second_job_counters(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1")])
    found = job(client, headers, post_import(client, headers, [person("C1")]))
    return found["Inserts"], found["Updates"]


def pricelist_names(client: Client, headers: Headers) -> Any:
    header = {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4, 19]}
    item = {"Code": "CO1", "OrganizationNo": "1", "Name": "N", "PriceLists": [{"Code": "PL1"}]}
    post_import(client, headers, [item], header, "ImportCompanies")
    company_id = client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": "CO1"}, headers=headers).json()[
        "Id"
    ]
    found = client.get(f"{CUSTOMER}/ListCompanyPricelists", params={"companyId": company_id}, headers=headers)
    return ["Name" in entry for entry in found.json()]


def companies_shown(include: str) -> Scenario:
    def run(client: Client, headers: Headers) -> int:
        created = create_1_1(
            client,
            headers,
            Companies=[
                {"Code": "CO1", "Name": "N", "OrgNo": "1"},
                {"Code": "CO2", "Name": "M", "OrgNo": "2"},
            ],
        )
        params = {"id": created["Id"], "includeCompanies": include}
        return len(client.get(f"{CUSTOMER}/GetCustomer", params=params, headers=headers).json()["Companies"])

    return run


def deactivated(client: Client, headers: Headers) -> Any:
    created = create_1_1(client, headers)
    client.post(
        f"{CUSTOMER}/InactivateCustomer",
        params={"customerId": created["Id"], "inactivatedBy": 1},
        headers=headers,
    )
    return client.get(f"{CUSTOMER}/GetCustomer", params={"id": created["Id"]}, headers=headers).json()[
        "IsActive"
    ]


def account_status_updated(client: Client, headers: Headers) -> Any:
    created = with_account(client, headers)
    params = {"customerId": created["Id"], "isActive": "false", "updatedBy": 1}
    return client.post(f"{CUSTOMER}/UpdateAccountStatus", params=params, headers=headers).json()["Account"][
        "IsActive"
    ]


def delete_last_customer(client: Client, headers: Headers) -> int:
    created = with_account(client, headers)
    params = {"companyId": created["Companies"][0]["Id"], "customerId": created["Id"]}
    return client.post(f"{CUSTOMER}/DeleteCompanyCustomer", params=params, headers=headers).status_code


def roles(client: Client, headers: Headers) -> Any:
    return client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers)


def expired_token(client: Client, headers: Headers) -> int:
    client.post("/_emulator/clock", json={"advance_seconds": 4000})
    return roles(client, headers).status_code


def token_burst(client: Client, headers: Headers) -> int:
    return [client.post(TOKEN, data=GOOD_FORM).status_code for _ in range(4)][-1]


def basic_on_customer_service(client: Client, headers: Headers) -> int:
    secret = base64.b64encode(b"1:2b1f6a9e-0c6d-4b53-9a55-3c1f5e0d7a11").decode()
    return client.get(
        f"{CUSTOMER}/ListAccountRoles", headers={"Authorization": f"Basic {secret}"}
    ).status_code


def xml_customer(client: Client, headers: Headers) -> bytes:
    created = create_1_1(client, headers)
    return client.get(
        f"{CUSTOMER}/GetCustomer", params={"id": created["Id"]}, headers={**headers, **XML}
    ).content


def xml_import_body(bom: bool = False) -> bytes:
    body = b"<ArrayOfCustomer><Customer><Code>C1</Code><EmailAddress>c1@example.com</EmailAddress>"
    body += b"<FirstName>A</FirstName><LastName>B</LastName></Customer></ArrayOfCustomer>"
    return (b"\xef\xbb\xbf" if bom else b"") + body


def element_order(client: Client, headers: Headers) -> bool:
    content = post_import(client, headers, [person("C1")], extra=XML).content
    return content.index(b"<StatusCode") < content.index(b"<Description")


# --- the table: every catalogued fault → its scenario (and, where needed, emulator settings) ---------------
MISSING_ID = {"id": 999999}
SCENARIOS: dict[str, Scenario] = {
    # response-shape
    "job-response-drops-job-id": lambda c, h: "JobId" in post_import(c, h, [person("C1")]).json(),
    "job-response-job-id-as-string": lambda c, h: (
        type(post_import(c, h, [person("C1")]).json()["JobId"]).__name__
    ),
    "validation-summary-renamed-total": lambda c, h: sorted(
        post_import(c, h, [person("C1")]).json()["ValidationSummary"]
    ),
    "validation-summary-messages-null": lambda c, h: post_import(c, h, [person("C1")]).json()[
        "ValidationSummary"
    ]["Messages"],
    "job-dto-drops-is-finished": lambda c, h: "IsFinished" in job(c, h, post_import(c, h, [person("C1")])),
    "job-dto-status-id-as-name": lambda c, h: job(c, h, post_import(c, h, [person("C1")]))["StatusId"],
    "job-dto-created-not-iso": lambda c, h: job(c, h, post_import(c, h, [person("C1")]))["Start"].startswith(
        "/Date("
    ),
    "job-log-severity-out-of-range": lambda c, h: [
        r["SeverityId"] for r in job_log(c, h, post_import(c, h, [person("C1")]))
    ],
    "job-log-imported-row-as-int": lambda c, h: [
        type(r["ImportedRow"]).__name__ for r in job_log(c, h, post_import(c, h, [person("C1")]))
    ],
    "customer-drops-email": lambda c, h: "Email" in create_1_1(c, h),
    "customer-id-as-string": lambda c, h: type(create_1_1(c, h)["Id"]).__name__,
    "customer-companies-null": lambda c, h: create_1_1(c, h)["Companies"],
    "company-renamed-org-no": lambda c, h: sorted(with_account(c, h)["Companies"][0]).count("OrgNo"),
    "account-drops-is-active": lambda c, h: "IsActive" in with_account(c, h)["Account"],
    "address-renamed-zip": lambda c, h: (
        "Zip" in create_1_1(c, h, InvoiceAddress={"Line1": "Gatan 1", "Zip": "111 22"})["InvoiceAddress"]
    ),
    "flag-id-nulled": lambda c, h: (
        flags_after_second_import(c, h) and by_code(c, h, "C1")["Flags"][0]["Id"] is None
    ),
    "pricelist-drops-name": pricelist_names,
    "id-value-value-as-number": lambda c, h: [type(r["Value"]).__name__ for r in roles(c, h).json()],
    # status-codes
    "import-returns-201": lambda c, h: post_import(c, h, [person("C1")]).status_code,
    "header-violation-returns-500": header_rule({"CustomerFieldsThatAreSet": [2]}),
    "malformed-body-returns-200": lambda c, h: post_import(c, h, b"{not json").status_code,
    "error-body-missing": lambda c, h: (
        len(post_import(c, h, [person("C1")], {"CustomerFieldsThatAreSet": [2]}).content) > 0
    ),
    "json-content-type-text-plain": lambda c, h: roles(c, h).headers["content-type"],
    "unknown-operation-returns-200": lambda c, h: c.get(f"{CUSTOMER}/NoSuchOperation", headers=h).status_code,
    "payload-too-large-returns-400": lambda c, h: (
        post_import(c, h, [person(f"C{i}") for i in range(20)]).status_code
    ),
    # xml
    "xml-namespace-wrong": lambda c, h: (
        b"tempuri.org" in c.get(f"{CUSTOMER}/ListAccountRoles", headers={**h, **XML}).content
    ),
    "xml-element-order-wrong": element_order,
    "xml-nil-as-empty": lambda c, h: b'i:nil="true"' in xml_customer(c, h),
    "xml-nil-as-null-text": lambda c, h: b">null<" in xml_customer(c, h),
    "xml-accept-answered-json": lambda c, h: c.get(
        f"{CUSTOMER}/ListAccountRoles", headers={**h, **XML}
    ).content[:1],
    "xml-not-found-not-empty": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params=MISSING_ID, headers={**h, **XML}).content
    ),
    # header-rules
    "hdr-present-not-enforced": header_rule(False),
    "hdr-syntax-not-enforced": header_rule('{"AccountId": 1,'),
    "hdr-one-line-not-enforced": folded_header_over_socket,
    "hdr-accountid-not-enforced": header_rule({"CustomerFieldsThatAreSet": [2]}),
    "hdr-company-fields-not-enforced": header_rule({"AccountId": 1}, "ImportCompanies"),
    "hdr-customer-fields-not-enforced": header_rule({"AccountId": 1}),
    "hdr-enum-range-not-enforced": header_rule({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 99]}),
    "hdr-xml-int-enums-not-enforced": lambda c, h: error_key(
        post_import(
            c,
            h,
            xml_import_body(),
            {"AccountId": 1, "CustomerFieldsThatAreSet": ["Code"]},
            content_type="application/xml",
        )
    ),
    "hdr-dep-accounts-not-enforced": header_rule(customer_fields(2, accounts=[0])),
    "hdr-dep-customers-not-enforced": header_rule(
        {"AccountId": 1, "CompanyFieldsThatAreSet": [2], "CustomerFieldsThatAreSet": [2]}, "ImportCompanies"
    ),
    "hdr-dep-companies-not-enforced": header_rule(
        {"AccountId": 1, "CustomerFieldsThatAreSet": [2], "CompanyFieldsThatAreSet": [2]}
    ),
    "hdr-storage-no-payload-not-enforced": lambda c, h: error_key(
        post_import(c, h, b"", {**CUSTOMER_HEADER, "StorageName": "f.json"})
    ),
    "hdr-rejects-enum-names-in-json": header_rule(
        {"AccountId": 1, "CustomerFieldsThatAreSet": ["Code", "EmailAddress"]}
    ),
    "hdr-rejects-job-id": header_rule({**CUSTOMER_HEADER, "JobId": "5"}),
    "hdr-rejects-supplier-without-storage": header_rule({**CUSTOMER_HEADER, "SupplierId": 3}),
    "hdr-rejects-valid-multi-value": header_rule(CUSTOMER_HEADER),
    "hdr-wrong-rule-key": header_rule({"CustomerFieldsThatAreSet": [2]}),
    # import-semantics
    "import-unlisted-fields-applied": lambda c, h: (
        post_import(c, h, [person("C1", PhoneNumber="+46 1")], customer_fields(2, 3, 6, 8))
        and by_code(c, h, "C1")["Phone"]
    ),
    "import-preserve-flags-ignored": flags_after_second_import,
    "import-preserve-flags-inverted": flags_after_second_import,
    "import-list-delta-inverted": companies_after_delta,
    "import-list-delta-ignored": companies_after_delta,
    "import-search-only-by-code-ignored": search_only_by_code,
    "import-password-create-only-overwritten": password_overwritten,
    "import-status-create-only-overwritten": lambda c, h: account_after_reimport(
        c, h, [2], {"Status": 1}, {"Status": 2}
    )["IsActive"],
    "import-roles-create-only-overwritten": lambda c, h: account_after_reimport(
        c, h, [4], {"Roles": [{"Code": "Administrator"}]}, {"Roles": [{"Code": "Buyer"}]}
    )["Roles"],
    "import-items-silently-dropped": lambda c, h: job(c, h, post_import(c, h, [person("C1"), person("C2")]))[
        "Inserts"
    ],
    "import-validation-summary-counts-wrong": lambda c, h: post_import(c, h, [person("C1"), {}]).json()[
        "ValidationSummary"
    ]["NrOfValidationFailures"],
    "import-matching-email-before-code": matched_by_email,
    "import-insert-without-required-fields": lambda c, h: job(
        c, h, post_import(c, h, [{"Code": "C1", "EmailAddress": "c1@example.com"}])
    )["Inserts"],
    "import-duplicate-email-accepted": lambda c, h: job(
        c, h, post_import(c, h, [person("C1"), person("C2", "c1@example.com")])
    )["Inserts"],
    "import-primary-company-wrong": primary_company,
    "import-null-does-not-clear": null_clears,
    # job-lifecycle
    "job-never-finishes": lambda c, h: job(c, h, post_import(c, h, [person("C1")]))["IsFinished"],
    "job-wrong-status-id": lambda c, h: job(
        c, h, post_import(c, h, [{"Code": "C1", "EmailAddress": "c1@example.com"}])
    )["StatusId"],
    "job-wrong-counters": second_job_counters,
    "job-log-missing-errors": lambda c, h: [r["SeverityId"] for r in job_log(c, h, post_import(c, h, [{}]))],
    "job-get-unknown-returns-500": lambda c, h: (
        c.get(f"{CONNECT}/Job/Get", params=MISSING_ID, headers=h).status_code
    ),
    # customer-service
    "cs-wrong-error-key": lambda c, h: with_account(c, h) and error_key(login(c, h, "wrong-password")),
    "cs-not-found-400": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params=MISSING_ID, headers=h).status_code
    ),
    "cs-not-found-404": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params=MISSING_ID, headers=h).status_code
    ),
    "cs-not-found-500": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params=MISSING_ID, headers=h).status_code
    ),
    "cs-include-companies-ignored": companies_shown("false"),
    "cs-include-companies-inverted": companies_shown("true"),
    "cs-login-wrong-password-accepted": lambda c, h: (
        with_account(c, h) and login(c, h, "wrong-password").status_code
    ),
    "cs-deactivation-does-not-stick": deactivated,
    "cs-update-account-status-ignored": account_status_updated,
    "cs-email-mapping-broken": lambda c, h: (
        post_import(c, h, [person("C1")]) and by_code(c, h, "C1")["Email"]
    ),
    "cs-delete-last-company-customer-allowed": delete_last_customer,
    **COMPANY_WRITE_SCENARIOS,
    # auth
    "auth-missing-token-accepted": lambda c, h: c.get(f"{CUSTOMER}/ListAccountRoles").status_code,
    "auth-expired-token-accepted": expired_token,
    "auth-wrong-application-id-accepted": lambda c, h: roles(c, {**h, "application-id": "999"}).status_code,
    "auth-basic-accepted-on-customer-service": basic_on_customer_service,
    "auth-token-not-rate-limited": token_burst,
    "auth-401-without-www-authenticate": lambda c, h: (
        "www-authenticate" in c.get(f"{CUSTOMER}/ListAccountRoles").headers
    ),
    # robustness
    "robust-500-on-empty-array": lambda c, h: post_import(c, h, []).status_code,
    "robust-500-on-long-code": lambda c, h: post_import(c, h, [person("C" * 300)]).status_code,
    "robust-500-on-non-ascii-name": lambda c, h: (
        post_import(c, h, [person("C1", FirstName="Åsa")]).status_code
    ),
    "robust-500-on-xml-bom": lambda c, h: (
        post_import(c, h, xml_import_body(bom=True), content_type="application/xml").status_code
    ),
    "robust-500-on-unknown-query-param": lambda c, h: (
        c.get(f"{CUSTOMER}/GetCustomer", params={**MISSING_ID, "noSuchParameter": "1"}, headers=h).status_code
    ),
    # fact faults (emulator/fact_faults/), one module of scenarios per area
    **CUSTOMER_WRITE_SCENARIOS,
    **READ_SCENARIOS,
    **CS_FACT_SCENARIOS,
}

# Emulator settings a scenario needs (a small body limit, so "too large" needs no 10 MiB request).
SETTINGS: dict[str, dict[str, Any]] = {"payload-too-large-returns-400": {"max_body_bytes": 512}}
