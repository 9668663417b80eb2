"""Scenarios for the company-write fact faults (emulator/fact_faults/company_writes.py): each a few 1.1
calls on a fresh emulator, observing the one thing its fault bends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.unit.emulator_http.support import CUSTOMER, PASSWORD

Client = Any
Headers = dict[str, str]
DELIVERY = (61, 62)  # seeded delivery methods (emulator/domain/catalogues.py)
PAYMENT = (71, 72)  # seeded payment methods
ABSENT = 2_000_000_000


def call(client: Client, headers: Headers, operation: str, body: Any = None, **params: Any) -> Any:
    """A 1.1 POST; the answer as JSON (None for an empty one), 200 asserted."""
    response = client.post(f"{CUSTOMER}/{operation}", params=params, json=body, headers=headers)
    assert response.status_code == 200, (operation, response.status_code, response.text)
    return response.json() if response.content.strip() else None


def get(client: Client, headers: Headers, operation: str, **params: Any) -> Any:
    response = client.get(f"{CUSTOMER}/{operation}", params=params, headers=headers)
    assert response.status_code == 200, (operation, response.text)
    return response.json()


def customer(client: Client, headers: Headers, code: str, *companies: dict[str, Any]) -> dict[str, Any]:
    """A customer made with CreateCustomer3: companies without an Id are created, the first is primary."""
    body = {"Code": code, "Email": f"{code.lower()}@example.com", "FirstName": "A", "LastName": "B"}
    created: dict[str, Any] = call(
        client, headers, "CreateCustomer3", body | {"Companies": list(companies)}, password=PASSWORD
    )
    return created


def company(code: str, addresses: int = 0) -> dict[str, Any]:
    return {
        "Code": code,
        "Name": code,
        "OrgNo": code,
        "DeliveryAddresses": [{"Line1": f"L{n}"} for n in range(addresses)],
    }


def one_company(
    client: Client, headers: Headers, addresses: int = 0
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the customer, its one company)."""
    made = customer(client, headers, "C1", company("CO1", addresses))
    return made, made["Companies"][0]


def company_of(client: Client, headers: Headers, company_id: int) -> dict[str, Any]:
    found: dict[str, Any] = get(client, headers, "GetCompany", id=company_id)
    return found


# --- the company and its customers ---
def deleted_customer_active(c: Client, h: Headers) -> Any:
    made, co = one_company(c, h)
    call(c, h, "InsertCompanyCustomer2", {"Code": "C2", "Email": "c2@example.com"}, companyId=co["Id"])
    call(c, h, "DeleteCompanyCustomer", companyId=co["Id"], customerId=made["Id"])
    return get(c, h, "GetCustomer", id=made["Id"])["IsActive"]


def default_company(c: Client, h: Headers) -> Any:
    made = customer(c, h, "C1", company("CO1"), company("CO2"))
    second = made["Companies"][1]["Id"]
    answered = call(c, h, "SetDefaultCompany", {"Id": made["Id"]}, companyId=second, updatedBy=1)
    return answered["Companies"][0]["Id"] == second


def addresses_after_update_company(c: Client, h: Headers) -> Any:
    made, co = one_company(c, h, addresses=2)
    call(c, h, "UpdateCompany", {"Id": co["Id"], "Name": "Renamed"}, customerId=made["Id"], updatedBy=1)
    return len(company_of(c, h, co["Id"])["DeliveryAddresses"])


def pricelists_after_update_company(c: Client, h: Headers) -> Any:
    made, co = one_company(c, h)
    call(c, h, "InsertCompanyPricelist2", {"Name": "L", "Agreement": "L"}, companyId=co["Id"])
    call(c, h, "UpdateCompany", {"Id": co["Id"], "PricelistIds": []}, customerId=made["Id"], updatedBy=1)
    return len(company_of(c, h, co["Id"])["PricelistIds"])


def customer_active_after_inactivate_company(c: Client, h: Headers) -> Any:
    made, co = one_company(c, h)
    call(c, h, "InactivateCompany", companyId=co["Id"], inactivatedBy=1)
    return get(c, h, "GetCustomer", id=made["Id"])["IsActive"]


def customers_after_insert_company_customer2(c: Client, h: Headers) -> Any:
    _, co = one_company(c, h)
    call(c, h, "InsertCompanyCustomer2", {"Code": "C2", "Email": "c2@example.com"}, companyId=co["Id"])
    return len(get(c, h, "ListCustomerByCompany3", id=co["Id"], showInactive="true"))


def inactivate_absent_company_key(c: Client, h: Headers) -> Any:
    response = c.post(
        f"{CUSTOMER}/InactivateCompany", params={"companyId": ABSENT, "inactivatedBy": 1}, headers=h
    )
    return response.status_code, response.json()["Messages"][0]["Key"]


# --- delivery addresses ---
def address_lines_after(operation: str) -> Callable[[Client, Headers], Any]:
    def observe(c: Client, h: Headers) -> Any:
        made, co = one_company(c, h, addresses=2)
        first = co["DeliveryAddresses"][0]["Id"]
        if operation == "UpdateCompanyDeliveryAddress":
            call(c, h, operation, {"Id": first, "Line1": "New"}, customerId=made["Id"], updatedBy=1)
        else:
            call(c, h, operation, addressId=first, customerId=made["Id"])
        return [a["Line1"] for a in company_of(c, h, co["Id"])["DeliveryAddresses"]]

    return observe


def address_added_to(c: Client, h: Headers) -> Any:
    made = customer(c, h, "C1", company("CO1"), company("CO2"))
    second = made["Companies"][1]["Id"]
    params = {"companyId": second, "customerId": made["Id"], "updatedBy": 1}
    call(c, h, "InsertCompanyDeliveryAddress", {"Line1": "New"}, **params)
    return len(company_of(c, h, second)["DeliveryAddresses"])


# --- methods ---
def method_ids_after(
    insert: str, delete: str | None, member: str, methods: tuple[int, int]
) -> Callable[..., Any]:
    def observe(c: Client, h: Headers) -> Any:
        _, co = one_company(c, h)
        for method in methods:
            call(c, h, insert, methodId=method, companyId=co["Id"])
        if delete:
            call(c, h, delete, methodId=methods[0], companyId=co["Id"])
        return company_of(c, h, co["Id"])[member]

    return observe


def capture_code(c: Client, h: Headers) -> Any:
    _, co = one_company(c, h)
    params = {"methodId": PAYMENT[0], "companyId": co["Id"], "invoiceCaptureSettingsCode": "ICS"}
    call(c, h, "InsertCompanyPaymentMethod2", **params)
    read = get(c, h, "GetCompanyPaymentMethod", paymentMethodId=PAYMENT[0], companyId=co["Id"])
    return read["InvoiceCaptureSettingsCode"]


# --- discounts ---
def discounts_after_upserts(c: Client, h: Headers) -> Any:
    _, co = one_company(c, h)
    for value in ("A", "B"):
        call(
            c,
            h,
            "UpsertCompanyDiscounts",
            [{"TypeId": 1, "Value": value, "Discount": 10}],
            companyId=co["Id"],
        )
    return sorted(d["Value"] for d in get(c, h, "ListCompanyDiscounts", companyId=co["Id"]))


# --- price lists ---
def pricelist_connected(c: Client, h: Headers) -> Any:
    made = customer(c, h, "C1", company("CO1"), company("CO2"))
    first, second = (co["Id"] for co in made["Companies"])
    existing = call(c, h, "InsertCompanyPricelist2", {"Name": "L", "Agreement": "L"}, companyId=first)[0]
    answered = call(c, h, "InsertCompanyPricelist2", existing, companyId=second)
    return [p["Id"] == existing["Id"] for p in answered]


def pricelists_after_inactive(operation: str) -> Callable[[Client, Headers], Any]:
    def observe(c: Client, h: Headers) -> Any:
        _, co = one_company(c, h)
        made = call(c, h, "InsertCompanyPricelist2", {"Name": "L", "Agreement": "L"}, companyId=co["Id"])[0]
        return len(call(c, h, operation, made | {"IsActive": False}, companyId=co["Id"]))

    return observe


def new_pricelist_rule(c: Client, h: Headers) -> Any:
    _, co = one_company(c, h)
    return call(c, h, "InsertCompanyPricelist2", {"Name": "L", "Agreement": "L"}, companyId=co["Id"])[0][
        "PriceRule"
    ]


def stored_price(c: Client, h: Headers) -> Any:
    _, co = one_company(c, h)
    pricelist = call(c, h, "InsertCompanyPricelist2", {"Name": "L", "Agreement": "L"}, companyId=co["Id"])[0][
        "Id"
    ]
    call(c, h, "InsertPricelistItem", {"PartNo": "P1", "PricelistId": pricelist, "Price": 12})
    return get(c, h, "GetPricelistItem", partNo="P1", pricelistId=pricelist)


SCENARIOS: dict[str, Callable[[Client, Headers], Any]] = {
    "cs-delete-company-customer-inactivates-customer": deleted_customer_active,
    "cs-delete-company-delivery-address-deletes-all": address_lines_after("DeleteCompanyDeliveryAddress"),
    "cs-update-company-delivery-address-updates-all": address_lines_after("UpdateCompanyDeliveryAddress"),
    "cs-insert-company-delivery-method-replaces-others": method_ids_after(
        "InsertCompanyDeliveryMethod", None, "DeliveryMethodIds", DELIVERY
    ),
    "cs-delete-company-delivery-method-removes-all": method_ids_after(
        "InsertCompanyDeliveryMethod", "DeleteCompanyDeliveryMethod", "DeliveryMethodIds", DELIVERY
    ),
    "cs-insert-company-payment-method2-drops-capture-code": capture_code,
    "cs-insert-company-payment-method-replaces-others": method_ids_after(
        "InsertCompanyPaymentMethod", None, "PaymentMethodIds", PAYMENT
    ),
    "cs-update-company-writes-pricelist-ids": pricelists_after_update_company,
    "cs-insert-company-pricelist2-duplicates-existing": pricelist_connected,
    "cs-update-company-pricelist2-inactive-kept": pricelists_after_inactive("UpdateCompanyPricelist2"),
    "cs-update-company-pricelist-inactive-kept": pricelists_after_inactive("UpdateCompanyPricelist"),
    "cs-new-pricelist-default-rule-wrong": new_pricelist_rule,
    "cs-set-default-company-order-unchanged": default_company,
    "cs-update-company-clears-delivery-addresses": addresses_after_update_company,
    "cs-inactivate-company-inactivates-customers": customer_active_after_inactivate_company,
    "cs-insert-company-customer2-drops-other-customers": customers_after_insert_company_customer2,
    "cs-insert-company-delivery-address-to-default-company": address_added_to,
    "cs-delete-company-payment-method-removes-all": method_ids_after(
        "InsertCompanyPaymentMethod2", "DeleteCompanyPaymentMethod", "PaymentMethodIds", PAYMENT
    ),
    "cs-upsert-company-discounts-replaces-all": discounts_after_upserts,
    "cs-insert-pricelist-item-not-stored": stored_price,
    "cs-inactivate-company-missing-key-wrong": inactivate_absent_company_key,
}
