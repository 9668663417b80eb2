"""Scenarios of the customer-write fact faults (emulator/fact_faults/customer_writes.py): one request sequence
each, observing a small projection that the fault changes (joined into SCENARIOS in scenarios.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.unit.emulator_http.support import CONNECT, CUSTOMER, PASSWORD

Client = Any
Headers = dict[str, str]
Scenario = Callable[[Client, Headers], Any]
ADDRESS = {"Line1": "Street 1", "City": "Lund"}
MISSING = 999999


def call(client: Client, headers: Headers, operation: str, body: Any = None, **params: Any) -> Any:
    return client.post(f"{CUSTOMER}/{operation}", params=params, json=body, headers=headers)


def get(client: Client, headers: Headers, operation: str, **params: Any) -> Any:
    return client.get(f"{CUSTOMER}/{operation}", params=params, headers=headers).json()


def create(client: Client, headers: Headers, code: str = "C1", **body: Any) -> dict[str, Any]:
    payload = {"Code": code, "Email": f"{code.lower()}@example.com", "FirstName": "A", "LastName": "B"} | body
    response = call(client, headers, "CreateCustomer3", payload, password=PASSWORD)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def with_account(client: Client, headers: Headers) -> dict[str, Any]:
    return create(client, headers, Account={"LoginName": "c1@example.com"})


def logs_in(client: Client, headers: Headers, password: str) -> int:
    body = {"LoginName": "c1@example.com", "Password": password}
    status: int = call(client, headers, "LoginPost", body).status_code
    return status


def with_addresses(client: Client, headers: Headers) -> dict[str, Any]:
    second = {**ADDRESS, "Line1": "Street 2"}
    return create(client, headers, DeliveryAddresses=[ADDRESS, second], InvoiceAddress=ADDRESS)


def line1s(client: Client, headers: Headers, customer_id: int) -> list[str]:
    return [a["Line1"] for a in get(client, headers, "GetCustomer", id=customer_id)["DeliveryAddresses"]]


def existing_company_related(client: Client, headers: Headers) -> int:
    first = create(client, headers, Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}])
    second = create(client, headers, "C2", Companies=[first["Companies"][0]])
    return len(second["Companies"])


def update_stored(client: Client, headers: Headers) -> Any:
    customer = create(client, headers)
    call(client, headers, "UpdateCustomer", {**customer, "FirstName": "Z"}, updatedBy=1)
    return get(client, headers, "GetCustomer", id=customer["Id"])["FirstName"]


def company_renamed(client: Client, headers: Headers) -> Any:
    customer = create(client, headers, Companies=[{"Code": "CO1", "Name": "Old", "OrgNo": "1"}])
    company = customer["Companies"][0]
    body = {**customer, "Companies": [{**company, "Name": "New"}]}
    call(client, headers, "UpdateCustomer", body, updatedBy=1)
    return get(client, headers, "GetCompany", id=company["Id"])["Name"]


def pricelists_after_update(client: Client, headers: Headers) -> Any:
    item = {"Code": "C1", "EmailAddress": "c1@example.com", "FirstName": "A", "LastName": "B"}
    header = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8, 17]})
    client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        json=[{**item, "PriceLists": [{"Code": "STANDARD"}]}],
        headers={**headers, "X-StormConnect-Header": header},
    )
    customer = get(client, headers, "GetCustomerByCode", code="C1")
    call(client, headers, "UpdateCustomer3", {**customer, "PricelistIds": []}, updatedBy=1)
    return get(client, headers, "GetCustomer", id=customer["Id"])["PricelistIds"]


def registered_id(operation: str) -> Scenario:
    def run(client: Client, headers: Headers) -> bool:
        customer = create(client, headers)
        answer = call(client, headers, operation, {"Email": "c1@example.com", "FirstName": "Z"}, updatedBy=1)
        return bool(answer.json()["Id"] == customer["Id"])

    return run


def addresses_after_register(client: Client, headers: Headers) -> Any:
    customer = with_addresses(client, headers)
    call(client, headers, "RegisterCustomer3", {"Email": "c1@example.com", "FirstName": "Z"}, updatedBy=1)
    return line1s(client, headers, customer["Id"])


def password_after_register(client: Client, headers: Headers) -> int:
    with_account(client, headers)
    body = {"Email": "c1@example.com", "FirstName": "Z"}
    call(client, headers, "RegisterCustomer3", body, updatedBy=1, password="Other-pass-2")
    return logs_in(client, headers, "Other-pass-2")


def colleague_activated(client: Client, headers: Headers) -> Any:
    first = create(client, headers, Companies=[{"Code": "CO1", "Name": "N", "OrgNo": "1"}])
    second = create(client, headers, "C2", Companies=[first["Companies"][0]])
    for customer in (first, second):
        call(client, headers, "InactivateCustomer", customerId=customer["Id"], inactivatedBy=1)
    call(client, headers, "ActivateCustomer", customerId=first["Id"], activatedBy=1)
    return get(client, headers, "GetCustomer", id=second["Id"])["IsActive"]


def customer_status_after_account_status(client: Client, headers: Headers) -> Any:
    customer = with_account(client, headers)
    answer = call(
        client, headers, "UpdateAccountStatus", customerId=customer["Id"], isActive="false", updatedBy=1
    )
    return answer.json()["IsActive"]


def addresses_after_insert(client: Client, headers: Headers) -> Any:
    customer = with_addresses(client, headers)
    call(client, headers, "InsertCustomerDeliveryAddress", ADDRESS, customerId=customer["Id"], updatedBy=1)
    return line1s(client, headers, customer["Id"])


def addresses_after_update(client: Client, headers: Headers) -> Any:
    customer = with_addresses(client, headers)
    body = {**customer["DeliveryAddresses"][1], "Line1": "Moved"}
    call(client, headers, "UpdateCustomerDeliveryAddress", body, customerId=customer["Id"], updatedBy=1)
    return line1s(client, headers, customer["Id"])


def addresses_after_delete(client: Client, headers: Headers) -> Any:
    customer = with_addresses(client, headers)
    address_id = customer["DeliveryAddresses"][0]["Id"]
    call(client, headers, "DeleteCustomerDeliveryAddress", addressId=address_id, customerId=customer["Id"])
    return line1s(client, headers, customer["Id"])


def new_password_logs_in(client: Client, headers: Headers) -> int:
    with_account(client, headers)
    passwords = {"oldPassword": PASSWORD, "newPassword1": "New-pass-3", "newPassword2": "New-pass-3"}
    call(client, headers, "ChangePassword", loginName="c1@example.com", **passwords)
    return logs_in(client, headers, "New-pass-3")


def stored_by_lookup(client: Client, headers: Headers) -> Any:
    posted = {"Code": "EXT1", "Email": "ext1@example.com", "FirstName": "E", "LastName": "X"}
    call(client, headers, "GetExternalCustomerAddress2", posted)
    return get(client, headers, "GetCustomerByCode", code="EXT1")


def absent_customer_key(client: Client, headers: Headers) -> Any:
    response = call(client, headers, "ActivateCustomer", customerId=MISSING, activatedBy=1)
    return response.status_code, response.json()["Messages"][0]["Key"]


SCENARIOS: dict[str, Scenario] = {
    "cs-createcustomer3-ignores-existing-company": existing_company_related,
    "cs-createcustomer-drops-addresses": lambda c, h: len(
        call(c, h, "CreateCustomer", {"Code": "C1", "DeliveryAddresses": [ADDRESS]}).json()[
            "DeliveryAddresses"
        ]
    ),
    "cs-updatecustomer-not-stored": update_stored,
    "cs-update-customer-company-id-not-updated": company_renamed,
    "cs-update-customer-overwrites-pricelist-ids": pricelists_after_update,
    "cs-register-matches-by-code": registered_id("RegisterCustomer3"),
    "cs-register-clears-unsent-addresses": addresses_after_register,
    "cs-register-password-without-account": password_after_register,
    "cs-activate-customer-activates-company": colleague_activated,
    "cs-update-account-status-moves-customer": customer_status_after_account_status,
    "cs-registercustomer2-never-matches": registered_id("RegisterCustomer2"),
    "cs-insert-delivery-address-replaces": addresses_after_insert,
    "cs-update-delivery-address-wrong-one": addresses_after_update,
    "cs-delete-delivery-address-deletes-all": addresses_after_delete,
    "cs-change-password-keeps-old": new_password_logs_in,
    "cs-external-address2-stores-customer": stored_by_lookup,
    "cs-absent-customer-key-renamed": absent_customer_key,
}
