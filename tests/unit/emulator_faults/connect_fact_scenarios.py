"""Scenarios of the Connect fact faults (emulator/fact_faults/connect_facts.py): one request sequence each,
returning a small deterministic observation, as in scenarios.py."""

from __future__ import annotations

import base64
from typing import Any

from tests.unit.emulator_faults.import_scenarios import company, company_by_code, company_fields
from tests.unit.emulator_faults.scenarios import (
    CONNECT,
    CUSTOMER,
    TOKEN,
    Client,
    Headers,
    Scenario,
    by_code,
    companies,
    customer_fields,
    job,
    person,
    post_import,
)
from tests.unit.emulator_http.support import GOOD_FORM

XML_BODY = "application/xml"
MODELS = b'xmlns="Enferno.Services.StormConnect.Contracts.Customer.Models"'
NIL = b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'
# Under these faults the documented token request gets no token: their scenarios need no credentials.
NO_TOKEN = frozenset({"auth-token-endpoint-moved", "auth-token-credentials-only-basic"})


def company_without_header(client: Client, headers: Headers) -> Any:
    body = [company("CO1")]
    response = post_import(client, headers, body, False, "ImportCompanies")
    return response.status_code, company_by_code(client, headers, "CO1") is not None


def company_update_counters(client: Client, headers: Headers) -> Any:
    companies(client, headers, "CO1")
    answered = job(
        client,
        headers,
        post_import(client, headers, [company("CO1")], company_fields(2, 4), "ImportCompanies"),
    )
    return answered["Inserts"], answered["Updates"]


def xml_import_status(client: Client, headers: Headers) -> int:
    body = b"<ArrayOfCustomer " + MODELS + b"><Customer><Code>C1</Code></Customer></ArrayOfCustomer>"
    return int(post_import(client, headers, body, customer_fields(2), content_type=XML_BODY).status_code)


def company_matched(client: Client, headers: Headers) -> Any:
    companies(client, headers, "CO1", "CO2")
    item = {"Code": "CO1", "OrganizationNo": "ORG-CO2", "Name": "Renamed"}
    post_import(client, headers, [item], company_fields(2, 4), "ImportCompanies")
    return [(company_by_code(client, headers, code) or {}).get("Name") for code in ("CO1", "CO2")]


def company_without_org_no(client: Client, headers: Headers) -> bool:
    item = {"Code": "CO1", "Name": "N"}
    post_import(client, headers, [item], company_fields(2, 3, 4), "ImportCompanies")
    return company_by_code(client, headers, "CO1") is not None


def back_to_back_without_separator(client: Client, headers: Headers) -> int:
    body = b'{"Code":"C1","EmailAddress":"c1@example.com","FirstName":"A","LastName":"B"}'
    body += b'{"Code":"C2","EmailAddress":"c2@example.com","FirstName":"A","LastName":"B"}'
    return int(post_import(client, headers, body, customer_fields(2, 3, 6, 8)).status_code)


def chunked_import(client: Client, headers: Headers) -> int:
    sent = {**headers, "Content-Type": "application/json", "X-StormConnect-Header": '{"AccountId":1,'}
    sent["X-StormConnect-Header"] += '"CustomerFieldsThatAreSet":[2,3,6,8]}'
    body = b'[{"Code":"C1","EmailAddress":"c1@example.com","FirstName":"A","LastName":"B"}]'
    response = client.post(f"{CONNECT}/Customer/ImportCustomers", content=iter([body]), headers=sent)
    return int(response.status_code)


def xml_customer(code: bytes, members: bytes, root: bytes = MODELS) -> bytes:
    return b"<ArrayOfCustomer " + root + b"><Customer>" + code + members + b"</Customer></ArrayOfCustomer>"


def xml_with_address(client: Client, headers: Headers) -> Any:
    address = b"<InvoiceAddress><AddressLine1>Street 1</AddressLine1></InvoiceAddress>"
    body = xml_customer(
        b"<Code>C1</Code>", b"<EmailAddress>c1@example.com</EmailAddress><FirstName>A</FirstName>"
    )
    body = body.replace(
        b"<FirstName>A</FirstName>", b"<FirstName>A</FirstName>" + address + b"<LastName>B</LastName>"
    )
    post_import(client, headers, body, customer_fields(2, 3, 6, 8, 12), content_type=XML_BODY)
    return (by_code(client, headers, "C1") or {}).get("InvoiceAddress")


def xml_after_phone_number(client: Client, headers: Headers) -> Any:
    members = b"<EmailAddress>c1@example.com</EmailAddress><FirstName>A</FirstName><LastName>B</LastName>"
    members += b"<PhoneNumber>+46 8</PhoneNumber><SocialSecurityNumber>19121212-1212</SocialSecurityNumber>"
    body = xml_customer(b"<Code>C1</Code>", members)
    post_import(client, headers, body, customer_fields(2, 3, 6, 8, 9, 4), content_type=XML_BODY)
    return (by_code(client, headers, "C1") or {}).get("SSN")


def xml_integer_enum(client: Client, headers: Headers) -> int:
    members = b"<EmailAddress>c1@example.com</EmailAddress><FirstName>A</FirstName><LastName>B</LastName>"
    body = xml_customer(b"<Code>C1</Code>", members + b"<Type>1</Type>")
    return int(
        post_import(client, headers, body, customer_fields(2, 3, 6, 8), content_type=XML_BODY).status_code
    )


def xml_nil_clears(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1", PhoneNumber="+46 8")], customer_fields(2, 3, 6, 8, 9))
    body = xml_customer(b"<Code>C1</Code>", b'<PhoneNumber i:nil="true"/>', MODELS + b" " + NIL)
    post_import(client, headers, body, customer_fields(2, 9), content_type=XML_BODY)
    return (by_code(client, headers, "C1") or {}).get("Phone")


def token_status(client: Client, headers: Headers) -> int:
    return int(client.post(TOKEN, data=GOOD_FORM).status_code)


def token_in_basic_and_form(client: Client, headers: Headers) -> Any:
    """Both forms: only the documented one (the credentials in the form body) is judged by the suite."""
    basic = base64.b64encode(f"{GOOD_FORM['client_id']}:{GOOD_FORM['client_secret']}".encode()).decode()
    form_only = client.post(TOKEN, data=GOOD_FORM).status_code
    without = {key: value for key, value in GOOD_FORM.items() if key not in ("client_id", "client_secret")}
    in_basic = client.post(TOKEN, data=without, headers={"Authorization": f"Basic {basic}"}).status_code
    return form_only, in_basic


def token_scope(client: Client, headers: Headers) -> Any:
    return client.post(TOKEN, data=GOOD_FORM).json().get("scope")


def wrong_application_id(client: Client, headers: Headers) -> int:
    sent = {**headers, "application-id": "999999"}
    return int(client.get(f"{CUSTOMER}/GetCustomer", params={"id": 1}, headers=sent).status_code)


SCENARIOS: dict[str, Scenario] = {
    "import-companies-header-optional": company_without_header,
    "import-company-update-counted-as-insert": company_update_counters,
    "import-xml-body-unsupported": xml_import_status,
    "import-company-matching-org-no-before-code": company_matched,
    "import-company-insert-without-org-no": company_without_org_no,
    "import-back-to-back-json-needs-newlines": back_to_back_without_separator,
    "import-chunked-body-refused": chunked_import,
    "xml-body-array-root-in-contracts-namespace": xml_import_status,
    "xml-body-address-in-common-namespace": xml_with_address,
    "xml-body-phone-number-ordered-last": xml_after_phone_number,
    "xml-body-integer-enums-refused": xml_integer_enum,
    "xml-body-nil-ignored": xml_nil_clears,
    "auth-token-endpoint-moved": token_status,
    "auth-token-credentials-only-basic": token_in_basic_and_form,
    "auth-token-scope-as-list": token_scope,
    "auth-application-id-header-name-ignored": wrong_application_id,
}
