"""Every operationId in openapi/operations.txt answers a meaningful request with 200 and a body that matches
the operation's 200 response: jsonschema (Draft 2020-12) for JSON, the vendored XSDs for XML."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from defusedxml import ElementTree as SafeElementTree
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from contracts.oracle.spec import Spec
from contracts.oracle.xsd_catalog import expected_root, xsd, xsd_declaring

from .support import CONNECT, CUSTOMER, auth_headers, make_client

ROOT = Path(__file__).resolve().parents[3]
OPENAPI = ROOT / "openapi"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SPEC_FILES = {CONNECT: "connect-customer-4.0.yaml", CUSTOMER: "customer-service-1.1.yaml"}
MEDIA = ("application/json", "application/xml")
INVENTORY = [
    line.strip()
    for line in (OPENAPI / "operations.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
IMPORT_HEADERS = {
    "ImportCustomers": '{"AccountId":1,"CustomerFieldsThatAreSet":[2,3,6,8]}',
    "ImportCompanies": '{"AccountId":1,"CompanyFieldsThatAreSet":[2,3,4]}',
}

# operationId -> (query parameters, JSON body). "$name" values are filled from the prepared state (CONTEXT).
Table = dict[str, tuple[dict[str, Any], Any]]
CUSTOMER_BODY = {"Code": "EVERY-1", "Email": "every@example.com", "FirstName": "Eve", "LastName": "Ry"}
ADDRESS = {"Line1": "Gatan 1", "Zip": "11122", "City": "Stockholm", "Country": "SE"}
REQUESTS: Table = {
    # Connect 4.0
    "ImportCompanies": ({}, [{"Code": "IMP-CO-1", "OrganizationNo": "556999-0001", "Name": "Import AB"}]),
    "ImportCustomers": (
        {},
        [{"Code": "IMP-C-1", "EmailAddress": "imp@example.com", "FirstName": "Im", "LastName": "Port"}],
    ),
    "JobGet": ({"id": "$job"}, None),
    "JobGetLog": ({"id": "$job"}, None),
    "JobList": ({}, None),
    # Accounts
    "ChangePassword": (
        {"loginName": "anna@example.com", "oldPassword": "$password", "newPassword1": "N3w-pass"}
        | {"newPassword2": "N3w-pass"},
        None,
    ),
    "GetAgreementAccount": ({"id": 51}, None),
    "ListAccountRoles": ({}, None),
    "Login": ({"loginName": "anna@example.com", "password": "$password"}, None),
    "LoginAgreementAccount": ({"password": "STANDARD"}, None),
    "LoginPost": ({}, {"LoginName": "anna@example.com", "Password": "$password"}),
    "SendPasswordReminder": ({"loginName": "anna@example.com"}, None),
    "UpdateAccountStatus": ({"customerId": "$anna", "isActive": "false", "updatedBy": 1}, None),
    # Address
    "DeleteCompanyDeliveryAddress": ({"addressId": "$company_address", "customerId": "$anna"}, None),
    "DeleteCustomerDeliveryAddress": ({"addressId": "$customer_address", "customerId": "$anna"}, None),
    "InsertCompanyDeliveryAddress": (
        {"companyId": "$company", "customerId": "$anna", "updatedBy": 1},
        ADDRESS,
    ),
    "InsertCustomerDeliveryAddress": ({"customerId": "$anna", "updatedBy": 1}, ADDRESS),
    "UpdateCompanyDeliveryAddress": (
        {"customerId": "$anna", "updatedBy": 1},
        {**ADDRESS, "Id": "$company_address", "City": "Solna"},
    ),
    "UpdateCustomerDeliveryAddress": (
        {"customerId": "$anna", "updatedBy": 1},
        {**ADDRESS, "Id": "$customer_address", "City": "Solna"},
    ),
    # Companies
    "DeleteCompanyCustomer": ({"companyId": "$company", "customerId": "$bo"}, None),
    "DeleteCompanyDeliveryMethod": ({"methodId": 61, "companyId": "$company"}, None),
    "DeleteCompanyDiscount": ({"companyId": "$company"}, {"TypeId": 1, "Value": "SHOES"}),
    "DeleteCompanyPaymentMethod": ({"methodId": 71, "companyId": "$company"}, None),
    "GetCompany": ({"id": "$company"}, None),
    "GetCompanyByCode": ({"code": "FX-CO-1"}, None),
    "GetCompanyByOrgNo": ({"orgNo": "556000-0001"}, None),
    "GetCompanyByOrgNoAndStoreId": ({"orgNo": "556000-0001", "storeId": 1}, None),
    "GetCompanyPaymentMethod": ({"paymentMethodId": 71, "companyId": "$company"}, None),
    "InactivateCompany": ({"companyId": "$company", "inactivatedBy": 1}, None),
    "InsertCompanyCustomer": ({"companyId": "$company", "updatedBy": 1}, CUSTOMER_BODY),
    "InsertCompanyCustomer2": ({"companyId": "$company", "password": "Pa55-word"}, CUSTOMER_BODY),
    "InsertCompanyDeliveryMethod": ({"methodId": 62, "companyId": "$company"}, None),
    "InsertCompanyPaymentMethod": ({"methodId": 72, "companyId": "$company"}, None),
    "InsertCompanyPaymentMethod2": (
        {"methodId": 72, "companyId": "$company", "invoiceCaptureSettingsCode": "DEFAULT"},
        None,
    ),
    "ListCompaniesByOrgNo": ({"orgNo": "556000-0001"}, None),
    "ListCompaniesByParent": ({"parentId": "$company"}, None),
    "ListCompanyByInfoType": ({"code": "INDUSTRY", "value": "Retail"}, None),
    "ListCompanyDiscounts": ({"companyId": "$company"}, None),
    "SetDefaultCompany": ({"companyId": "$company", "updatedBy": 1}, {"Id": "$anna"}),
    "UpdateCompany": ({"customerId": "$anna", "updatedBy": 1}, {"Id": "$company", "Name": "Renamed AB"}),
    "UpsertCompanyDiscounts": ({"companyId": "$company"}, [{"TypeId": 2, "Value": "BOOTS", "Discount": 5}]),
    # Customers
    "ActivateCustomer": ({"customerId": "$cleo", "activatedBy": 1}, None),
    "CreateCustomer": ({"createdBy": 1}, CUSTOMER_BODY),
    "CreateCustomer2": ({"password": "Pa55-word"}, CUSTOMER_BODY),
    "CreateCustomer3": ({"password": "Pa55-word", "doSendMail": "false"}, CUSTOMER_BODY),
    "GetCustomer": ({"id": "$anna"}, None),
    "GetCustomerByAccountId": ({"accountId": "$account"}, None),
    "GetCustomerByCode": ({"code": "FX-C-1"}, None),
    "GetCustomerByEmail": ({"email": "anna@example.com"}, None),
    "GetCustomerByKey": ({"key": "$key"}, None),
    "GetCustomerByLoginName": ({"loginName": "anna@example.com"}, None),
    "GetExternalCustomerAddress": ({}, {"SSN": "19800101-1234"}),
    "GetExternalCustomerAddress2": ({}, {"SSN": "19800101-1234"}),
    "InactivateCustomer": ({"customerId": "$cleo", "inactivatedBy": 1}, None),
    "ListCustomerByCompany": ({"id": "$company"}, None),
    "ListCustomerByCompany2": ({"id": "$company", "accountRoleId": 2}, None),
    "ListCustomerByCompany3": ({"id": "$company", "showInactive": "true"}, None),
    "ListCustomerByInfoType": ({"code": "SHOESIZE", "value": "42"}, None),
    "ListCustomerByInfoType2": ({"code": "SHOESIZE", "value": "42", "showInactive": "true"}, None),
    "ListCustomerBySSN": ({"ssn": "19800101-1234"}, None),
    "ListCustomerBySSN2": ({"ssn": "19800101-1234", "showInactive": "true"}, None),
    "RegisterCustomer": ({"updatedBy": 1}, CUSTOMER_BODY),
    "RegisterCustomer2": ({"updatedBy": 1, "password": "Pa55-word"}, CUSTOMER_BODY),
    "RegisterCustomer3": ({"updatedBy": 1, "password": "Pa55-word", "doSendMail": "false"}, CUSTOMER_BODY),
    "SearchCustomer": ({"searchString": "anna"}, None),
    "SearchCustomer2": ({"searchString": "anna", "showInactive": "true"}, None),
    "UpdateCustomer": ({"updatedBy": 1}, {"Id": "$anna", "FirstName": "Annie"}),
    "UpdateCustomer2": ({"updatedBy": 1, "password": "Pa55-word"}, {"Id": "$anna", "FirstName": "Annie"}),
    "UpdateCustomer3": (
        {"updatedBy": 1, "password": "Pa55-word", "doSendMail": "false"},
        {"Id": "$anna", "FirstName": "Annie"},
    ),
    # Flags, InfoTypes
    "ListCompanyFlags": ({}, None),
    "ListCustomerFlags": ({}, None),
    "ListCompanyInfoTypes": ({}, None),
    "ListCustomerInfoTypes": ({}, None),
    # PriceLists
    "DeleteCompanyPricelist": ({"companyId": "$company", "pricelistId": 51}, None),
    "GetCompanyPricelist": ({"companyId": "$company", "pricelistId": 51}, None),
    "GetPricelistItem": ({"partNo": "P-1", "pricelistId": 51}, None),
    "InsertCompanyPricelist": ({"companyId": "$company"}, {"Id": 52}),
    "InsertCompanyPricelist2": ({"companyId": "$company"}, {"Name": "Campaign", "Agreement": "CAMPAIGN"}),
    "InsertPricelistItem": ({}, {"PartNo": "P-1", "PricelistId": 51, "Price": 100}),
    "ListCompanyPricelists": ({"companyId": "$company"}, None),
    "ListPriceRules": ({}, None),
    "UpdateCompanyPricelist": ({"companyId": "$company"}, {"Id": 51, "IsActive": True}),
    "UpdateCompanyPricelist2": ({"companyId": "$company"}, {"Id": 53}),
    "UpdatePricelistItem": ({}, {"PartNo": "P-1", "PricelistId": 51, "Price": 90}),
}
# The emulator holds no product catalogue, so a price list item is never found (documented: null / empty).
MAY_BE_NULL = {"GetPricelistItem"}


# ----------------------------------------------------------------------------- the spec side


@cache
def _spec(base: str) -> Spec:
    path = OPENAPI / SPEC_FILES[base]
    return Spec(path, yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def _operation(operation_id: str) -> tuple[str, str, str, dict[str, Any]]:
    """(base, method, path, definition) of an operationId in either spec."""
    for base in SPEC_FILES:
        for path, item in _spec(base).document["paths"].items():
            for method, definition in item.items():
                if isinstance(definition, dict) and definition.get("operationId") == operation_id:
                    return base, method, path, definition
    raise LookupError(operation_id)


def _ok_content(operation_id: str) -> dict[str, Any]:
    base, _, _, definition = _operation(operation_id)
    return _spec(base).resolve(definition["responses"]["200"]).get("content", {})


def _json_validator(base: str, schema: dict[str, Any]) -> Draft202012Validator:
    uri = f"urn:{SPEC_FILES[base]}"
    registry = Registry().with_resource(uri, DRAFT202012.create_resource(_spec(base).document))
    # Refs inside the response schema are document-local: anchor them at the spec's URI.
    rebased = json.loads(json.dumps(schema).replace('"#/', f'"{uri}#/'))
    return Draft202012Validator(rebased, registry=registry, format_checker=FormatChecker())


def _xml_problems(base: str, entry: dict[str, Any], text: str) -> list[str]:
    """Root element as the spec names it, then the XSD (x-norce-xsd, else the one declaring the root)."""
    root = SafeElementTree.fromstring(text.encode("utf-8"))
    wanted = expected_root(_spec(base), entry["schema"])
    if wanted is not None and root.tag != wanted:
        return [f"root element is {root.tag}, the spec names {wanted}"]
    schema = xsd(entry["x-norce-xsd"]) if "x-norce-xsd" in entry else xsd_declaring(root.tag)
    assert schema is not None, f"no vendored XSD declares {root.tag}"
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(text)]


# ----------------------------------------------------------------------------- the emulator side


def _prepare() -> dict[str, Any]:
    """The admin seed plus the linked entities the happy paths need; a snapshot and the ids in it."""
    client = make_client(job_timing="immediate")
    headers = auth_headers(client)
    seeded = client.post("/_emulator/seed").json()
    anna, bo, cleo = seeded["customers"]

    def call(operation: str, params: dict[str, Any], body: Any = None) -> Any:
        response = client.post(f"{CUSTOMER}/{operation}", params=params, json=body, headers=headers)
        assert response.status_code == 200, (operation, response.text)
        return response.json() if response.content else None

    customer = client.get(f"{CUSTOMER}/GetCustomer", params={"id": anna}, headers=headers).json()
    company = customer["Companies"][0]["Id"]
    with_address = call("InsertCustomerDeliveryAddress", {"customerId": anna, "updatedBy": 1}, ADDRESS)
    call("InsertCompanyDeliveryAddress", {"companyId": company, "customerId": anna, "updatedBy": 1}, ADDRESS)
    call("InsertCompanyDeliveryMethod", {"methodId": 61, "companyId": company})
    call("InsertCompanyPaymentMethod", {"methodId": 71, "companyId": company})
    call("InsertCompanyPricelist", {"companyId": company}, {"Id": 51})
    call("UpsertCompanyDiscounts", {"companyId": company}, [{"TypeId": 1, "Value": "SHOES", "Discount": 10}])
    call(
        "UpdateCompany",
        {"customerId": anna, "updatedBy": 1},
        {"Id": company, "Info": [{"Id": 41, "Value": "Retail"}]},
    )
    call(
        "CreateCustomer",
        {"createdBy": 1},
        {"Code": "FX-C-4", "FirstName": "Dan", "LastName": "Berg", "SSN": "19800101-1234"}
        | {"Info": [{"Id": 32, "Value": "42"}]},
    )
    job = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        json=REQUESTS["ImportCustomers"][1],
        headers={**headers, "X-StormConnect-Header": IMPORT_HEADERS["ImportCustomers"]},
    ).json()["JobId"]
    company_view = client.get(f"{CUSTOMER}/GetCompany", params={"id": company}, headers=headers).json()
    return {
        "snapshot": client.get("/_emulator/state").json(),
        "anna": anna,
        "bo": bo,
        "cleo": cleo,
        "company": company,
        "account": customer["Account"]["Id"],
        "key": customer["Key"],
        "password": seeded["password"],
        "customer_address": with_address["DeliveryAddresses"][-1]["Id"],
        "company_address": company_view["DeliveryAddresses"][-1]["Id"],
        "job": job,
    }


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    return _prepare()


def _fill(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return context[value[1:]]
    if isinstance(value, dict):
        return {key: _fill(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, context) for item in value]
    return value


def _send(context: dict[str, Any], operation_id: str, media: str) -> Any:
    client = make_client(job_timing="immediate")
    headers = {**auth_headers(client), "Accept": media}
    assert client.post("/_emulator/seed", json=context["snapshot"]).status_code == 200
    base, method, path, _ = _operation(operation_id)
    params, body = (_fill(part, context) for part in REQUESTS[operation_id])
    if operation_id in IMPORT_HEADERS:
        headers["X-StormConnect-Header"] = IMPORT_HEADERS[operation_id]
    return client.request(method.upper(), base + path, params=params, json=body, headers=headers)


# ----------------------------------------------------------------------------- tests


def test_the_request_table_covers_exactly_the_inventory() -> None:
    assert sorted(REQUESTS) == sorted(INVENTORY)


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize("operation_id", INVENTORY)
def test_operation_answers_200_with_a_body_matching_its_schema(
    context: dict[str, Any], operation_id: str, media: str
) -> None:
    assert operation_id in REQUESTS, f"{operation_id} has no request in the table"
    response = _send(context, operation_id, media)
    assert response.status_code == 200, response.text
    entry = _ok_content(operation_id).get(media)
    if entry is None:
        assert response.content == b"", "the spec declares no body for this 200"
        return
    base = _operation(operation_id)[0]
    assert response.headers["content-type"].startswith(media)
    if media == "application/json":
        body = response.json()
        assert body is not None or operation_id in MAY_BE_NULL, "a seeded entity was not found"
        errors = [error.message for error in _json_validator(base, entry["schema"]).iter_errors(body)]
        assert errors == []
    elif response.text.strip() or operation_id not in MAY_BE_NULL:
        assert _xml_problems(base, entry, response.text) == []


# ----------------------------------------------------------------------------- the seed documents' examples


def _seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _json_after(text: str, marker: str) -> Any:
    value, _ = json.JSONDecoder().raw_decode(text, text.index(marker))
    return value


def _doc_bodies() -> dict[str, list[Any]]:
    found = re.findall(r"-d '(\[.*?\])'", _seed_text("002"), re.DOTALL)
    assert len(found) == 2, "002 shows one ImportCompanies and one ImportCustomers body"
    return {"ImportCompanies": json.loads(found[0]), "ImportCustomers": json.loads(found[1])}


# The generated doc samples fill typed fields with placeholders; only those are replaced, each with why.
ISO_DATE = "2024-01-01T00:00:00Z"
PLACEHOLDERS: dict[tuple[str, Any], Any] = {
    ("LastModified", "string"): ISO_DATE,  # a date-time shown as "string"
    ("StopDate", "string"): ISO_DATE,  # a date-time shown as "string"
    ("Type", 0): 1,  # the page itself: "Customer type: 1 = Customer, 2 = Company contact"
    ("Type", "string"): 1,  # DiscountType, documented string(int32)
    ("AccountStatus", 0): 1,  # AccountStatus is 1 Active / 2 Inactive
    ("CountryCode", "string"): "SE",  # a two-letter code shown as "string"
}


def _without_placeholders(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_placeholders(item) for item in node]
    if isinstance(node, dict):
        return {
            key: PLACEHOLDERS.get((key, value), value)
            if not isinstance(value, dict | list)
            else _without_placeholders(value)
            for key, value in node.items()
        }
    return node


@pytest.mark.parametrize("operation_id", ["ImportCompanies", "ImportCustomers"])
def test_documented_header_and_body_examples_are_accepted(operation_id: str) -> None:
    header = _json_after(_seed_text("001"), '{"AccountId":1')
    if operation_id == "ImportCustomers":
        # 001: CompanyFieldsThatAreSet is "not required for ImportCustomers, but if used there, companies must
        # be set in CustomerFieldsThatAreSet" - the example does not set Companies (19), so it is left out.
        header.pop("CompanyFieldsThatAreSet")
    client = make_client(job_timing="immediate")
    response = client.post(
        f"{CONNECT}/Customer/{operation_id}",
        json=_without_placeholders(_doc_bodies()[operation_id]),
        headers={**auth_headers(client), "X-StormConnect-Header": json.dumps(header, separators=(",", ":"))},
    )
    assert response.status_code == 200, response.text
    entry = _ok_content(operation_id)["application/json"]
    assert list(_json_validator(CONNECT, entry["schema"]).iter_errors(response.json())) == []
    assert response.json()["ValidationSummary"] == {
        "NrOfItemsInTotal": 1,
        "NrOfValidationFailures": 0,
        "Messages": [],
    }
