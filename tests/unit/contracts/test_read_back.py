"""The read-back oracle finds what a 1.1 read lost, renamed or changed, and nothing in a faithful read."""

from __future__ import annotations

import copy
from typing import Any

from contracts.oracle.header import CustomerHeader
from contracts.oracle.read_back import (
    Lookups,
    company_read_back_problems,
    customer_read_back_problems,
    payment_method_problems,
    related_customer_problems,
)

# CustomerField: Code 2, EmailAddress 3, FirstName 6, LastName 8, DeliveryAddresses 13, Accounts 14,
# AdditionalInfo 15, Flags 16, PriceLists 17, Companies 19. AccountField: Status 1, Roles 3.
CUSTOMER_HEADER = CustomerHeader(
    1, customer_fields=(2, 3, 6, 8, 13, 14, 15, 16, 17, 19), account_fields=(1, 3)
)
# CompanyField: Code 2, OrganizationNo 3, Name 4, ParentCompanyCode 8, InvoiceAddress 10, Customers 14,
# PaymentMethods 18.
COMPANY_HEADER = CustomerHeader(1, company_fields=(2, 3, 4, 8, 10, 14, 18), customer_fields=(2,))
LOOKUPS = Lookups(role_ids={"User": 2}, info_type_ids={"NOTE": 33}, company_ids={"parent": 7})

CUSTOMER_ITEM: dict[str, Any] = {
    "Code": "c1",
    "EmailAddress": "c1@example.com",
    "FirstName": "Åsa",
    "LastName": "山田",
    "CrmId": "not listed",
    "DeliveryAddresses": [
        {"AddressLine1": "Storgatan 1", "ZipCode": "211 45", "City": "Malmö", "Code": "a"},
        {"AddressLine1": "Storgatan 2", "ZipCode": "211 46", "City": "Lund", "Code": "b"},
    ],
    "Accounts": [{"LoginName": "c1@example.com", "Status": 1, "Roles": [{"Code": "User"}]}],
    "AdditionalInfo": [{"Code": "NOTE", "Value": "Ærø"}],
    "Flags": [{"Code": "F1"}, {"Code": "F2"}, {"Code": "F3", "IsActive": False}],
    "PriceLists": [{"Code": "P1"}, {"Code": "P1"}],
    "Companies": [{"Code": "co1"}, {"Code": "co2"}],
}
CUSTOMER_READ: dict[str, Any] = {
    "Code": "c1",
    "Email": "c1@example.com",
    "FirstName": "Åsa",
    "LastName": "山田",
    "CrmId": "something else",  # not listed, so not written: not judged
    "DeliveryAddresses": [  # in the other order: no order is documented
        {"Line1": "Storgatan 2", "Zip": "211 46", "City": "Lund", "Id": 2},
        {"Line1": "Storgatan 1", "Zip": "211 45", "City": "Malmö", "Id": 1},
    ],
    "Account": {"LoginName": "c1@example.com", "IsActive": True, "Roles": [2]},
    "Info": [{"Id": 33, "Code": "NOTE", "Value": "Ærø"}],
    "Flags": [
        {"Id": 11, "IsSelected": True},
        {"Id": 12, "IsSelected": True},
        {"Id": 13, "IsSelected": False},
    ],
    "PricelistIds": [51],
    "Companies": [{"Code": "co2"}, {"Code": "co1"}],
}


def customer_problems(changes: dict[str, Any]) -> list[str]:
    read = copy.deepcopy(CUSTOMER_READ)
    read.update(changes)
    return customer_read_back_problems(CUSTOMER_ITEM, CUSTOMER_HEADER, read, LOOKUPS)


def test_a_faithful_customer_read_has_no_problems() -> None:
    assert customer_problems({}) == []


def test_each_lost_customer_member_is_named() -> None:
    renamed = copy.deepcopy(CUSTOMER_READ["DeliveryAddresses"])
    renamed[0]["ZipCode"] = renamed[0].pop("Zip")
    cases = {
        "Email": {"Email": None},
        "LastName": {"LastName": "??"},
        "DeliveryAddresses[1].Zip": {"DeliveryAddresses": renamed},
        "Account.Roles": {"Account": {**CUSTOMER_READ["Account"], "Roles": [1]}},
        "Account.IsActive": {"Account": {**CUSTOMER_READ["Account"], "IsActive": False}},
        "Info": {"Info": [{"Id": 34, "Code": "NOTE", "Value": "Ærø"}]},
        "Flags": {"Flags": CUSTOMER_READ["Flags"][:1]},
        "PricelistIds": {"PricelistIds": []},
        "Companies": {"Companies": [{"Code": "co1"}]},
    }
    for path, change in cases.items():
        problems = customer_problems(change)
        assert len(problems) == 1 and problems[0].startswith(path), (path, problems)


def test_an_unlisted_member_is_not_judged() -> None:
    header = CustomerHeader(1, customer_fields=(2,))  # only Code
    assert customer_read_back_problems(CUSTOMER_ITEM, header, {"Code": "c1"}, LOOKUPS) == []


COMPANY_ITEM: dict[str, Any] = {
    "Code": "co",
    "OrganizationNo": "556677-8899",
    "Name": "Ångström AB",
    "ParentCompanyCode": "parent",
    "InvoiceAddress": {"AddressLine1": "Box 1", "Gln": "7350053850019", "CountryCode": "SE"},
    "Customers": [{"Code": "c1"}, {"Code": "c2"}],
    "PaymentMethods": [{"Code": "INVOICE", "InvoiceCaptureSettingsCode": "ics"}],
}
COMPANY_READ: dict[str, Any] = {
    "Code": "co",
    "OrgNo": "556677-8899",
    "Name": "Ångström AB",
    "ParentId": 7,
    "PaymentMethodIds": [71],
    "InvoiceAddress": {"Line1": "Box 1", "GlobalLocationNo": "7350053850019", "Country": "SE"},
}


def test_a_company_read_is_judged_member_by_member() -> None:
    assert company_read_back_problems(COMPANY_ITEM, COMPANY_HEADER, COMPANY_READ, LOOKUPS) == []
    renamed = {**COMPANY_READ, "OrganizationNo": COMPANY_READ["OrgNo"], "OrgNo": None, "ParentId": None}
    problems = company_read_back_problems(COMPANY_ITEM, COMPANY_HEADER, renamed, LOOKUPS)
    assert [p.split(":")[0] for p in problems] == ["OrgNo", "ParentId"]
    no_invoice = {**COMPANY_READ, "InvoiceAddress": None}
    assert company_read_back_problems(COMPANY_ITEM, COMPANY_HEADER, no_invoice, LOOKUPS) == [
        "InvoiceAddress: sent 'an address', read None"
    ]


def test_company_relations_and_payment_methods() -> None:
    assert related_customer_problems(COMPANY_ITEM, COMPANY_HEADER, [{"Code": "c2"}, {"Code": "c1"}]) == []
    assert related_customer_problems(COMPANY_ITEM, COMPANY_HEADER, [{"Code": "c1"}]) != []
    method = {
        "CompanyCode": "co",
        "PaymentMethodCode": "INVOICE",
        "InvoiceCaptureSettingsCode": "ics",
        "IsActive": True,
    }
    assert payment_method_problems(COMPANY_ITEM, COMPANY_HEADER, [method]) == []
    assert payment_method_problems(
        COMPANY_ITEM, COMPANY_HEADER, [{**method, "InvoiceCaptureSettingsCode": None}]
    )
    assert payment_method_problems(COMPANY_ITEM, COMPANY_HEADER, [None]) != []
