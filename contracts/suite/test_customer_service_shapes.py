"""Customer Service 1.1 response shapes on populated entities, in JSON and XML.

Schemathesis mostly asks for ids that do not exist (200 `null`), so the nested components of a Customer
(Company, Account, Address, Flag, IdValue) and Pricelist are rarely serialized there. These tests create a
fully populated customer through the documented 1.1 writes, read it back, and check both the vendored schema
(JSON Schema / XSD) and the round trip of every documented field they set: a field that is dropped, renamed
or retyped on the way out changes what a client reads.

Sources: docs/norce-facts.md §1C (CreateCustomer3, InsertCompanyPricelist2, List* reads),
docs/norce-facts.md §2C (component fields, XML namespaces and order), docs/norce-facts.md §4.5 (negotiation by
Accept). What the customer and account writes change, and leave alone, is judged in
test_customer_service_customer_writes.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.suite.flows import JSON, XML, account_id, assert_conforms, explain
from contracts.transport.client import NorceClient
from contracts.transport.ledger import Ledger
from contracts.transport.namespace import RunNamespace

pytestmark = pytest.mark.contract

# Reads without required parameters whose items are the components under test (IdValue, CustomerFlag,
# IdNameDescription): every tenant answers them, populated or not.
REFERENCE_LISTS = [
    "ListAccountRoles",
    "ListCustomerInfoTypes",
    "ListCompanyInfoTypes",
    "ListCustomerFlags",
    "ListCompanyFlags",
    "ListPriceRules",
]


@pytest.mark.parametrize("operation_id", REFERENCE_LISTS)
@pytest.mark.parametrize("accept", [JSON, XML])
def test_reference_lists_conform(norce: NorceClient, norce_seed: int, operation_id: str, accept: str) -> None:
    body = assert_conforms(norce, norce.call(operation_id, accept=accept), operation_id, accept, norce_seed)
    assert isinstance(body, list), f"{operation_id} must answer an array, got {body!r:.200}"


def first_id(norce: NorceClient, operation_id: str, seed: int) -> int | None:
    """The first id a reference list offers (None on a tenant that has none configured)."""
    items = assert_conforms(norce, norce.call(operation_id), operation_id, JSON, seed)
    return next(
        (item["Id"] for item in items if isinstance(item, dict) and isinstance(item.get("Id"), int)), None
    )


def address(ns: RunNamespace, label: str) -> dict[str, Any]:
    return {"Line1": f"{label} street 1", "Zip": ns.code("zip")[-12:], "City": "Borås", "Country": "SE"}


@pytest.fixture
def populated_customer(
    norce: NorceClient, run_namespace: RunNamespace, ledger: Ledger, norce_seed: int
) -> dict[str, Any]:
    """A customer created by CreateCustomer3 with every nested component the 1.1 Customer carries."""
    email = run_namespace.email("shape")
    company_code = run_namespace.code("shapeco")
    body: dict[str, Any] = {
        "Code": run_namespace.code("shape"),
        "Email": email,
        "FirstName": "Shape",
        "LastName": "Check",
        "Account": {"LoginName": email},
        "Companies": [{"Code": company_code, "Name": company_code, "OrgNo": run_namespace.code("org")[-20:]}],
        "DeliveryAddresses": [address(run_namespace, "delivery")],
        "InvoiceAddress": address(run_namespace, "invoice"),
    }
    flag_id = first_id(norce, "ListCustomerFlags", norce_seed)
    if flag_id is not None:
        body["Flags"] = [{"Id": flag_id, "IsSelected": True}]
    info_id = first_id(norce, "ListCustomerInfoTypes", norce_seed)
    if info_id is not None:
        body["Info"] = [{"Id": info_id, "Value": "shape-info"}]
    ledger.record_company(code=company_code)
    ledger.record_relation(company_code=company_code, customer_code=body["Code"])
    params = {"password": "Shape-Pass-1", "doSendMail": "false"}
    created = norce.call("CreateCustomer3", params=params, json=body)
    data = assert_conforms(norce, created, "CreateCustomer3", JSON, norce_seed)
    assert isinstance(data, dict) and isinstance(data.get("Id"), int), f"no Customer.Id in {data!r:.300}"
    return {"sent": body, "id": data["Id"], "flag_id": flag_id, "info_id": info_id}


def round_trip_problems(sent: dict[str, Any], read: dict[str, Any]) -> list[str]:
    """Each documented field the test set, compared with what a client reads back (docs/norce-facts.md §2C
    names)."""
    problems = []

    def same(path: str, expected: Any, actual: Any) -> None:
        if expected != actual:
            problems.append(f"{path}: sent {expected!r}, read {actual!r}")

    same("Email", sent["Email"], read.get("Email"))
    same("Code", sent["Code"], read.get("Code"))
    account = read.get("Account") or {}
    same("Account.LoginName", sent["Account"]["LoginName"], account.get("LoginName"))
    companies = read.get("Companies") or [{}]
    for key in ("Code", "Name", "OrgNo"):
        same(f"Companies[0].{key}", sent["Companies"][0][key], companies[0].get(key))
    delivery = (read.get("DeliveryAddresses") or [{}])[0]
    invoice = read.get("InvoiceAddress") or {}
    for key in ("Line1", "Zip", "City"):
        same(f"DeliveryAddresses[0].{key}", sent["DeliveryAddresses"][0][key], delivery.get(key))
        same(f"InvoiceAddress.{key}", sent["InvoiceAddress"][key], invoice.get(key))
    for sent_flag in sent.get("Flags", []):
        same("Flags[].Id", [sent_flag["Id"]], [f.get("Id") for f in read.get("Flags") or []])
    for sent_info in sent.get("Info", []):
        read_info = [(i.get("Id"), i.get("Value")) for i in read.get("Info") or []]
        same("Info[].(Id, Value)", [(sent_info["Id"], sent_info["Value"])], read_info)
    return problems


@pytest.mark.writes
@pytest.mark.parametrize("accept", [JSON, XML])
def test_populated_customer_round_trips(
    norce: NorceClient, norce_seed: int, populated_customer: dict[str, Any], accept: str
) -> None:
    """GetCustomer returns what CreateCustomer3 stored, every nested component conforming to the spec."""
    response = norce.call("GetCustomer", params={"id": populated_customer["id"]}, accept=accept)
    read = assert_conforms(norce, response, "GetCustomer", accept, norce_seed)
    context = explain(norce, response, operation="GetCustomer", seed=norce_seed)
    assert isinstance(read, dict), f"expected a Customer{context}"
    assert read.get("Id") == populated_customer["id"], f"Customer.Id is not the created id{context}"
    problems = round_trip_problems(populated_customer["sent"], read)
    assert not problems, f"round trip CreateCustomer3 -> GetCustomer lost data: {problems}{context}"


@pytest.mark.writes
def test_company_pricelist_round_trips(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, populated_customer: dict[str, Any]
) -> None:
    """InsertCompanyPricelist2 creates (or connects) a price list for the company; the Pricelist[] it answers
    and ListCompanyPricelists carry its Name and Agreement (docs/norce-facts.md §1C, §2C Pricelist)."""
    company_code = populated_customer["sent"]["Companies"][0]["Code"]
    company = assert_conforms(
        norce,
        norce.call("GetCompanyByCode", params={"code": company_code}),
        "GetCompanyByCode",
        JSON,
        norce_seed,
    )
    agreement = run_namespace.code("pl")[-40:]
    pricelist = {"Name": agreement, "Agreement": agreement, "IsActive": True}
    params = {"companyId": company["Id"], "createdBy": str(account_id())}
    inserted = norce.call("InsertCompanyPricelist2", params=params, json=pricelist)
    listed = norce.call("ListCompanyPricelists", params={"companyId": company["Id"]}, accept=XML)
    answers = [
        (inserted, "InsertCompanyPricelist2", JSON),
        (
            norce.call("ListCompanyPricelists", params={"companyId": company["Id"]}),
            "ListCompanyPricelists",
            JSON,
        ),
        (listed, "ListCompanyPricelists", XML),
    ]
    pricelist_id = None
    for response, operation_id, accept in answers:
        items = assert_conforms(norce, response, operation_id, accept, norce_seed)
        ours = [p for p in items or [] if p.get("Agreement") == agreement]
        context = explain(norce, response, operation=operation_id, seed=norce_seed)
        assert [p.get("Name") for p in ours] == [agreement], f"Pricelist {agreement} not read back{context}"
        pricelist_id = ours[0].get("Id")
    if isinstance(pricelist_id, int):  # leave the company as found
        norce.call("DeleteCompanyPricelist", params={"companyId": company["Id"], "pricelistId": pricelist_id})
