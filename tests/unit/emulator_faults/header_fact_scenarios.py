"""Scenarios of the header-form and request-member fact faults (emulator/fact_faults/header_facts.py): one
request sequence each, returning a small deterministic observation, as in scenarios.py."""

from __future__ import annotations

from typing import Any

from tests.unit.emulator_faults.scenarios import (
    CUSTOMER,
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
from tests.unit.emulator_http.support import PASSWORD

XML_BODY = "application/xml"
APPLICATION_KEY = "15d62d1f-3a4e-4111-845a-4db40bf08e87"
INSERT = [2, 3, 6, 8]  # Code, EmailAddress, FirstName, LastName
NS = 'xmlns="Enferno.Services.StormConnect.Contracts.Customer"'
NS_BASE = "Enferno.Services.StormConnect.Contracts"
NS_FIELDS = "Enferno.Services.StormConnect.Contracts.Customer.Fields"
XML_HEADER = (
    f'<CustomerHeader {NS} xmlns:b="{NS_BASE}" xmlns:f="{NS_FIELDS}"><b:AccountId>1</b:AccountId>'
    "<CustomerFieldsThatAreSet>"
    + "".join(f"<f:CustomerField>{value}</f:CustomerField>" for value in INSERT)
    + "</CustomerFieldsThatAreSet></CustomerHeader>"
)


def accepted(
    header: Any, body: Any = None, content_type: str = "application/json", **serialization: Any
) -> Scenario:
    """The status of an import of one new customer under `header` (a dict gets `serialization` added)."""

    def scenario(client: Client, headers: Headers) -> int:
        value = {**header, **serialization} if isinstance(header, dict) else header
        sent = body if body is not None else [person("C1")]
        response = post_import(client, headers, sent, value, content_type=content_type)
        return int(response.status_code)

    return scenario


def first_names_after(item: dict[str, Any]) -> Scenario:
    """C1 and C2 exist; `item` (naming C1 first, C2 next) changes FirstName only."""

    def scenario(client: Client, headers: Headers) -> list[Any]:
        post_import(client, headers, [person("C1"), person("C2")], customer_fields(*INSERT))
        post_import(client, headers, [item], customer_fields(6))
        return [by_code(client, headers, code)["FirstName"] for code in ("C1", "C2")]

    return scenario


def first_names_after_naming_c1_by_id(client: Client, headers: Headers) -> list[Any]:
    """C1 and C2 exist; an item naming C1 by its Id and C2 by its Code changes FirstName."""
    post_import(client, headers, [person("C1"), person("C2")], customer_fields(*INSERT))
    item = {"Id": by_code(client, headers, "C1")["Id"], "Code": "C2", "FirstName": "Z"}
    post_import(client, headers, [item], customer_fields(6))
    return [by_code(client, headers, code)["FirstName"] for code in ("C1", "C2")]


def first_name_of_a_1_1_customer_after_an_import(client: Client, headers: Headers) -> Any:
    """A customer 1.1 created, then an import with its Code that changes FirstName."""
    created = client.post(
        f"{CUSTOMER}/CreateCustomer",
        json={"Code": "C1", "Email": "c1@example.com", "FirstName": "A", "LastName": "B"},
        headers=headers,
    )
    assert created.status_code == 200, created.text
    post_import(client, headers, [{"Code": "C1", "FirstName": "Z"}], customer_fields(6))
    return by_code(client, headers, "C1")["FirstName"]


def company_names_after_naming_co1_by_id(client: Client, headers: Headers) -> list[Any]:
    """CO1 and CO2 exist; an item naming CO1 by its Id and CO2 by its Code changes Name."""
    companies(client, headers, "CO1", "CO2")
    read = client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": "CO1"}, headers=headers).json()
    item = {"Id": read["Id"], "Code": "CO2", "Name": "Z"}
    post_import(client, headers, [item], {"AccountId": 1, "CompanyFieldsThatAreSet": [4]}, "ImportCompanies")
    names = []
    for code in ("CO1", "CO2"):
        found = client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": code}, headers=headers)
        names.append(found.json()["Name"])
    return names


def company_names_after(item: dict[str, Any]) -> Scenario:
    """CO1 and CO2 exist; `item` (naming CO1 first, CO2 next if at all) changes Name only."""

    def scenario(client: Client, headers: Headers) -> list[Any]:
        companies(client, headers, "CO1", "CO2")
        header = {"AccountId": 1, "CompanyFieldsThatAreSet": [4]}
        post_import(client, headers, [item], header, "ImportCompanies")
        names = []
        for code in ("CO1", "CO2"):
            found = client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": code}, headers=headers)
            names.append(found.json()["Name"])
        return names

    return scenario


def validation_failures(items: list[dict[str, Any]], header: dict[str, Any], operation: str) -> Scenario:
    def scenario(client: Client, headers: Headers) -> Any:
        response = post_import(client, headers, items, header, operation)
        return response.json()["ValidationSummary"]["NrOfValidationFailures"]

    return scenario


def customer_is_active(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1")], customer_fields(*INSERT))
    return by_code(client, headers, "C1")["IsActive"]


def customer_written(client: Client, headers: Headers) -> bool:
    job(client, headers, post_import(client, headers, [person("C1")], customer_fields(*INSERT)))
    return by_code(client, headers, "C1") is not None


def xml_read_back(body: bytes, operation: str, header: dict[str, Any], read: tuple[str, ...]) -> Scenario:
    """A member read back after an XML body whose elements are in DataContract order."""

    def scenario(client: Client, headers: Headers) -> Any:
        post_import(client, headers, body, header, operation, content_type=XML_BODY)
        lookup = "GetCustomerByCode" if operation == "ImportCustomers" else "GetCompanyByCode"
        found: Any = client.get(f"{CUSTOMER}/{lookup}", params={"code": "X1"}, headers=headers).json()
        for key in read:
            found = (found or {}).get(key)
        return found

    return scenario


CUSTOMER_XML = (
    b"<ArrayOfCustomer><Customer><Code>X1</Code><EmailAddress>x1@example.com</EmailAddress>"
    b"<FirstName>A</FirstName><InvoiceAddress><AddressLine1>Road 1</AddressLine1><City>Town</City>"
    b"<ZipCode>12345</ZipCode></InvoiceAddress><LastName>B</LastName><PhoneNumber>0701</PhoneNumber>"
    b"</Customer></ArrayOfCustomer>"
)
COMPANY_XML = (
    b"<ArrayOfCompany><Company><Code>X1</Code><EmailAddress>x1@example.com</EmailAddress><Name>X</Name>"
    b"<OrganizationNo>ORG-X1</OrganizationNo><PhoneNumber>0701</PhoneNumber></Company></ArrayOfCompany>"
)


def customers_of_company_after_second_import(client: Client, headers: Headers) -> list[str]:
    post_import(client, headers, [person("C1"), person("C2")], customer_fields(*INSERT))
    companies(client, headers, "CO1")
    header = {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 14], "CustomerFieldsThatAreSet": [2]}
    for code in ("C1", "C2"):  # the second leaves IsCustomerListDelta out
        post_import(
            client, headers, [{"Code": "CO1", "Customers": [{"Code": code}]}], header, "ImportCompanies"
        )
    company_id = client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": "CO1"}, headers=headers).json()[
        "Id"
    ]
    members = client.get(f"{CUSTOMER}/ListCustomerByCompany", params={"id": company_id}, headers=headers)
    return sorted(customer["Code"] for customer in members.json())


def primary_company(client: Client, headers: Headers) -> list[str]:
    companies(client, headers, "CO1", "CO2")
    item = person("C1", Companies=[{"Code": "CO1"}, {"Code": "CO2", "IsPrimary": True}])
    post_import(client, headers, [item], customer_fields(*INSERT, 19))
    found = by_code(client, headers, "C1", includeCompanies="false")
    return [company["Code"] for company in found["Companies"]]


def account_roles(client: Client, headers: Headers) -> Any:
    account = {"ApplicationKey": APPLICATION_KEY, "LoginName": "c1@example.com", "Roles": [{"Code": "User"}]}
    post_import(
        client, headers, [person("C1", Accounts=[account])], customer_fields(*INSERT, 14, accounts=[3])
    )
    return (by_code(client, headers, "C1")["Account"] or {}).get("Roles")


def login_post(client: Client, headers: Headers) -> int:
    payload = {"Code": "C1", "Email": "c1@example.com", "FirstName": "A", "LastName": "B"}
    payload["Account"] = {"LoginName": "c1@example.com"}
    created = client.post(
        f"{CUSTOMER}/CreateCustomer3", params={"password": PASSWORD}, json=payload, headers=headers
    )
    assert created.status_code == 200, created.text
    login = {"LoginName": "c1@example.com", "Password": PASSWORD}
    return int(client.post(f"{CUSTOMER}/LoginPost", json=login, headers=headers).status_code)


CUSTOMER_HEADER = customer_fields(*INSERT)
SCENARIOS: dict[str, Scenario] = {
    "hdr-unparseable-read-as-every-field": accepted("not a header"),
    "hdr-account-fields-required": accepted(CUSTOMER_HEADER),
    "hdr-serialization-type-required": accepted(CUSTOMER_HEADER),
    "hdr-serialization-type-json-read-as-xml": accepted(CUSTOMER_HEADER, SerializationType=0),
    "hdr-serialization-type-xml-read-as-json": accepted(
        CUSTOMER_HEADER, CUSTOMER_XML, XML_BODY, SerializationType=1
    ),
    "hdr-older-list-forms-refused": accepted(CUSTOMER_HEADER, SerializationType=["JSON"]),
    "hdr-json-integer-enums-refused": accepted(CUSTOMER_HEADER),
    "hdr-field-values-must-ascend": accepted(customer_fields(8, 6, 3, 2)),
    "hdr-xml-header-refused": accepted(XML_HEADER),
    "hdr-xml-root-in-base-namespace": accepted(XML_HEADER),
    "hdr-xml-base-members-in-own-namespace": accepted(XML_HEADER),
    "hdr-xml-lists-before-base-members": accepted(XML_HEADER),
    "hdr-xml-field-items-named-int": accepted(XML_HEADER),
    "import-customer-code-before-id": first_names_after_naming_c1_by_id,
    "import-customers-see-only-imported": first_name_of_a_1_1_customer_after_an_import,
    "import-company-code-before-id": company_names_after_naming_co1_by_id,
    "import-customer-code-ignored": first_names_after(
        {"Code": "C1", "EmailAddress": "c2@example.com", "FirstName": "Z"}
    ),
    "import-company-code-ignored": company_names_after(
        {"Code": "CO1", "OrganizationNo": "ORG-CO2", "Name": "Z"}
    ),
    "import-company-org-no-ignored": company_names_after({"OrganizationNo": "ORG-CO1", "Name": "Z"}),
    "import-customer-inactive-by-default": customer_is_active,
    "import-json-member-names-camel-case": customer_written,
    "xml-body-address-zip-expected-after-lines": xml_read_back(
        CUSTOMER_XML, "ImportCustomers", customer_fields(*INSERT, 12), ("InvoiceAddress", "Zip")
    ),
    "xml-body-company-phone-expected-after-email": xml_read_back(
        COMPANY_XML,
        "ImportCompanies",
        {"AccountId": 1, "CompanyFieldsThatAreSet": [2, 3, 4, 5, 6]},
        ("Phone",),
    ),
    "xml-body-customer-phone-expected-after-email": xml_read_back(
        CUSTOMER_XML, "ImportCustomers", customer_fields(*INSERT, 9), ("Phone",)
    ),
    "import-company-application-key-refused": validation_failures(
        [{"Code": "CO1", "OrganizationNo": "ORG-CO1", "Name": "N", "ApplicationKey": APPLICATION_KEY}],
        {"AccountId": 1, "CompanyFieldsThatAreSet": [0, 2, 3, 4]},
        "ImportCompanies",
    ),
    "import-customer-application-key-required": validation_failures(
        [person("C1")], CUSTOMER_HEADER, "ImportCustomers"
    ),
    "import-customer-type-2-refused": validation_failures(
        [person("C1", Type=2)], CUSTOMER_HEADER, "ImportCustomers"
    ),
    "import-customer-list-delta-default-true": customers_of_company_after_second_import,
    "import-company-identifier-is-primary-ignored": primary_company,
    "import-account-role-default-inactive": account_roles,
    "cs-login-post-password-cut-to-8": login_post,
}
