"""Scenarios of the import fact faults (emulator/fact_faults/imports.py): one request sequence each,
returning a small deterministic observation, as in scenarios.py."""

from __future__ import annotations

from typing import Any

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
from tests.unit.emulator_faults.served import raw_exchange, served_over_http
from tests.unit.emulator_http.support import GOOD_FORM

XML_BODY = "application/xml"
APPLICATION_KEY = "15d62d1f-3a4e-4111-845a-4db40bf08e87"


def company_fields(*fields: int, customers: list[int] | None = None) -> dict[str, Any]:
    header: dict[str, Any] = {"AccountId": 1, "CompanyFieldsThatAreSet": list(fields)}
    if customers is not None:
        header["CustomerFieldsThatAreSet"] = customers
    return header


def company(code: str, **extra: Any) -> dict[str, Any]:
    return {"Code": code, "OrganizationNo": f"ORG-{code}", "Name": code} | extra


def company_by_code(client: Client, headers: Headers, code: str) -> Any:
    return client.get(f"{CUSTOMER}/GetCompanyByCode", params={"code": code}, headers=headers).json()


def customer_view(client: Client, headers: Headers, code: str) -> dict[str, Any]:
    return by_code(client, headers, code) or {}


def flag_names(client: Client, headers: Headers, code: str = "C1") -> list[str]:
    return sorted(flag["Name"] for flag in customer_view(client, headers, code).get("Flags") or [])


def flags_after_update(*entries: dict[str, Any]) -> Scenario:
    """C1 has flags A and B; the update sends `entries` with PreserveFlags."""

    def scenario(client: Client, headers: Headers) -> list[str]:
        flags = [{"Code": "A"}, {"Code": "B"}]
        post_import(client, headers, [person("C1", Flags=flags)], customer_fields(2, 3, 6, 8, 16))
        post_import(client, headers, [{"Code": "C1", "Flags": list(entries)}], customer_fields(2, 16, 21))
        return flag_names(client, headers)

    return scenario


def flag_off_in_xml(client: Client, headers: Headers) -> list[str]:
    post_import(client, headers, [person("C1", Flags=[{"Code": "A"}])], customer_fields(2, 3, 6, 8, 16))
    body = b"<ArrayOfCustomer><Customer><Code>C1</Code><Flags><Flag><Code>A</Code><IsActive>false</IsActive>"
    body += b"</Flag></Flags></Customer></ArrayOfCustomer>"
    post_import(client, headers, body, customer_fields(2, 16, 21), content_type=XML_BODY)
    return flag_names(client, headers)


def payment_method_ids(client: Client, headers: Headers) -> Any:
    item = company("CO1", PaymentMethods=[{"Code": "INVOICE"}])
    post_import(client, headers, [item], company_fields(2, 3, 4, 18), "ImportCompanies")
    return company_by_code(client, headers, "CO1")["PaymentMethodIds"]


def info_sent_twice(client: Client, headers: Headers) -> Any:
    fields = customer_fields(2, 3, 6, 8, 15)
    post_import(client, headers, [person("C1", AdditionalInfo=[{"Code": "NOTE", "Value": "1"}])], fields)
    post_import(client, headers, [person("C1", AdditionalInfo=[{"Code": "NOTE", "Value": "2"}])], fields)
    return [info["Value"] for info in customer_view(client, headers, "C1")["Info"]]


def info_without_value(client: Client, headers: Headers) -> Any:
    item = person("C1", AdditionalInfo=[{"Code": "NOTE"}])
    post_import(client, headers, [item], customer_fields(2, 3, 6, 8, 15))
    return customer_view(client, headers, "C1").get("Info")


def account_without_login_name(client: Client, headers: Headers) -> Any:
    item = person("C1", Accounts=[{"ApplicationKey": APPLICATION_KEY, "Status": 1}])
    post_import(client, headers, [item], customer_fields(2, 3, 6, 8, 14))
    return customer_view(client, headers, "C1").get("Account") is not None


def delivery_lines(client: Client, headers: Headers) -> Any:
    item = company(
        "CO1",
        InvoiceAddress={"AddressLine1": "Invoice 1"},
        DeliveryAddresses=[{"AddressLine1": "Delivery 2"}],
        UseInvoiceAddressAsDeliveryAddress=True,
    )
    post_import(client, headers, [item], company_fields(2, 3, 4, 10, 11), "ImportCompanies")
    return [address["Line1"] for address in company_by_code(client, headers, "CO1")["DeliveryAddresses"]]


def parent_id_of_child(client: Client, headers: Headers) -> Any:
    companies(client, headers, "P1")
    item = company("CO1", ParentCompanyCode="P1")
    post_import(client, headers, [item], company_fields(2, 3, 4, 8), "ImportCompanies")
    return company_by_code(client, headers, "CO1")["ParentId"] is not None


def companies_in_order(client: Client, headers: Headers) -> list[str]:
    companies(client, headers, "CO1", "CO2")
    refs = [{"Code": "CO1"}, {"Code": "CO2", "IsPrimary": True}]
    post_import(client, headers, [person("C1", Companies=refs)], customer_fields(2, 3, 6, 8, 19))
    return [c["Code"] for c in customer_view(client, headers, "C1")["Companies"]]


def customer_of_unknown_relation(client: Client, headers: Headers) -> bool:
    item = company("CO1", Customers=[{"Code": "NOBODY", "EmailAddress": "nobody@example.com"}])
    post_import(client, headers, [item], company_fields(2, 3, 4, 14, customers=[2]), "ImportCompanies")
    return by_code(client, headers, "NOBODY") is not None


def company_of_unknown_relation(client: Client, headers: Headers) -> bool:
    item = person("C1", Companies=[{"Code": "NOCO", "OrganizationNo": "ORG-NOCO"}])
    post_import(client, headers, [item], customer_fields(2, 3, 6, 8, 19))
    return company_by_code(client, headers, "NOCO") is not None


def customers_related_by_code(client: Client, headers: Headers) -> list[str]:
    post_import(client, headers, [person("C1"), person("C2")])
    item = company("CO1", Customers=[{"Code": "C1", "EmailAddress": "c2@example.com"}])
    post_import(client, headers, [item], company_fields(2, 3, 4, 14), "ImportCompanies")
    company_id = company_by_code(client, headers, "CO1")["Id"]
    members = client.get(f"{CUSTOMER}/ListCustomerByCompany", params={"id": company_id}, headers=headers)
    return sorted(member["Code"] for member in members.json())


def companies_related_by_code(client: Client, headers: Headers) -> list[str]:
    companies(client, headers, "CO1", "CO2")
    refs = [{"Code": "CO1", "OrganizationNo": "ORG-CO2"}]
    post_import(client, headers, [person("C1", Companies=refs)], customer_fields(2, 3, 6, 8, 19))
    return sorted(c["Code"] for c in customer_view(client, headers, "C1")["Companies"])


def cell_phone_in_xml(client: Client, headers: Headers) -> Any:
    body = b"<ArrayOfCustomer><Customer><CellPhoneNumber>+46 70</CellPhoneNumber><Code>C1</Code>"
    body += b"<EmailAddress>c1@example.com</EmailAddress><FirstName>A</FirstName><LastName>B</LastName>"
    body += b"</Customer></ArrayOfCustomer>"
    post_import(client, headers, body, customer_fields(2, 3, 6, 8, 10), content_type=XML_BODY)
    return customer_view(client, headers, "C1").get("CellPhone")


def list_delta_in_xml(client: Client, headers: Headers) -> list[str]:
    companies(client, headers, "CO1", "CO2")
    fields = customer_fields(2, 3, 6, 8, 19)
    post_import(client, headers, [person("C1", Companies=[{"Code": "CO1"}])], fields)
    body = b"<ArrayOfCustomer><Customer><Code>C1</Code><Companies><CompanyIdentifier><Code>CO2</Code>"
    body += b"</CompanyIdentifier></Companies><IsCompanyListDelta>true</IsCompanyListDelta></Customer>"
    body += b"</ArrayOfCustomer>"
    post_import(client, headers, body, customer_fields(2, 19), content_type=XML_BODY)
    return sorted(c["Code"] for c in customer_view(client, headers, "C1")["Companies"])


def back_to_back_json(client: Client, headers: Headers) -> Any:
    body = b'{"Code":"C1","EmailAddress":"c1@example.com","FirstName":"A","LastName":"B"}'
    body += b'{"Code":"C2","EmailAddress":"c2@example.com","FirstName":"A","LastName":"B"}'
    return job(client, headers, post_import(client, headers, body, customer_fields(2, 3, 6, 8)))["Inserts"]


def repeated_xml_roots(client: Client, headers: Headers) -> int:
    one = b"<Customer><Code>C%d</Code><EmailAddress>c%d@example.com</EmailAddress></Customer>"
    body = (one % (1, 1)) + (one % (2, 2))
    return int(post_import(client, headers, body, customer_fields(2, 3), content_type=XML_BODY).status_code)


def lower_case_header_name(client: Client, headers: Headers) -> int:
    """The header named in lower case on ImportCompanies, sent over a socket so its spelling survives."""
    body = b'[{"Code":"CO1","OrganizationNo":"1","Name":"N"}]'
    lines = [f"POST {CONNECT}/Customer/ImportCompanies HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        'x-stormconnect-header: {"AccountId":1,"CompanyFieldsThatAreSet":[2,3,4]}',
    ]
    with served_over_http(client.app) as port:
        answer = raw_exchange(port, "\r\n".join(lines).encode() + b"\r\n\r\n" + body)
    return int(answer.split(b" ", 2)[1])


def totals_of_second_job(client: Client, headers: Headers) -> Any:
    post_import(client, headers, [person("C1"), person("C2")])
    return job(client, headers, post_import(client, headers, [person("C3")]))["Totals"]


def token_answer(client: Client, headers: Headers) -> Any:
    answer = client.post(TOKEN, data=GOOD_FORM).json()
    return sorted(answer), answer.get("expires_in")


IMPORT_SCENARIOS: dict[str, Scenario] = {
    "import-flag-inactive-ignored": flags_after_update({"Code": "A", "IsActive": False}),
    "import-flag-create-only-overwrites": flags_after_update(
        {"Code": "A", "IsCreateOnly": True, "IsActive": False}
    ),
    "import-flag-limited-update-refused": flags_after_update(
        {"Code": "A", "IsLimitedUpdate": True, "IsActive": False}
    ),
    "import-flag-default-inactive": flags_after_update({"Code": "C"}),
    "import-payment-method-default-inactive": payment_method_ids,
    "import-info-added-twice": info_sent_twice,
    "import-info-without-value-written": info_without_value,
    "import-account-without-login-name-written": account_without_login_name,
    "import-use-invoice-as-delivery-ignored": delivery_lines,
    "import-parent-company-code-ignored": parent_id_of_child,
    "cs-company-parent-id-null": parent_id_of_child,
    "cs-default-company-not-first": companies_in_order,
    "import-relation-creates-unknown-customer": customer_of_unknown_relation,
    "import-relation-creates-unknown-company": company_of_unknown_relation,
    "import-relation-customer-email-before-code": customers_related_by_code,
    "import-relation-company-org-no-before-code": companies_related_by_code,
    "xml-body-drops-cell-phone": cell_phone_in_xml,
    "xml-body-ignores-company-list-delta": list_delta_in_xml,
    "xml-body-drops-flag-is-active": flag_off_in_xml,
    "import-back-to-back-json-first-only": back_to_back_json,
    "import-xml-repeated-roots-refused": repeated_xml_roots,
    "header-name-case-sensitive": lower_case_header_name,
    "job-get-answers-another-job": totals_of_second_job,
    "auth-token-answer-lacks-token-type": token_answer,
    "auth-token-lives-a-day": token_answer,
}
