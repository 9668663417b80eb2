"""The vendored Customer Service 1.1 spec: valid OpenAPI 3.1, honest examples, loadable XSD, house rules."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "customer-service-1.1.yaml"
XSD_PATH = ROOT / "openapi" / "xsd" / "customer-service-1.1.xsd"
SEED_ACCOUNTS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds" / "003_87f6fad79acb5ac6.txt"
SPEC_URI = "urn:customer-service-1.1"
READ_PREFIXES = ("Get", "List", "Search")
READ_NAMES = {"LoginAgreementAccount", "Login"}
EVIDENCE_MARKERS = {"C-N", "C-N(list)", "C-S", "W", "I"}
GROUPS = {"Accounts", "Address", "Companies", "Customers", "Flags", "InfoTypes", "PriceLists"}

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(SPEC))
ERROR_KEYS = set(yaml.safe_load((ROOT / "openapi" / "enums.yaml").read_text(encoding="utf-8"))["ErrorKeys"])


def validator_at(pointer: str, *, formats: bool = True) -> Draft202012Validator:
    """A validator for the schema at `pointer` in the spec, with its `#/components/...` refs resolvable."""
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=REGISTRY,
        format_checker=FormatChecker() if formats else None,
    )


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def examples_with_schemas(node: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(schema pointer, example pointer, example) for every `example` and schema `examples` entry."""
    if isinstance(node, dict):
        if "example" in node and "schema" in node:
            yield f"{pointer}/schema", f"{pointer}/example", node["example"]
        if isinstance(node.get("examples"), list) and ("type" in node or "properties" in node):
            for index, example in enumerate(node["examples"]):
                yield pointer, f"{pointer}/examples/{index}", example
        for key, value in node.items():
            yield from examples_with_schemas(
                value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            )
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_with_schemas(value, f"{pointer}/{index}")


def test_spec_is_valid_openapi_3_1() -> None:
    assert SPEC["openapi"] == "3.1.0"
    validate(SPEC)


def test_servers_cover_norce_and_storm() -> None:
    urls = [server["url"] for server in SPEC["servers"]]
    assert urls == [
        "https://{slug}.api-{region}.norce.tech/commerce/customer/1.1",
        "https://demo.storm.io/api/1.1/CustomerService.svc/rest",
    ]
    assert set(SPEC["servers"][0]["variables"]) == {"slug", "region"}


EXAMPLES = list(examples_with_schemas(SPEC))


def test_the_spec_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(
    ("schema_pointer", "example_pointer", "example"), EXAMPLES, ids=[e[1] for e in EXAMPLES]
)
def test_every_example_validates_against_its_schema(
    schema_pointer: str, example_pointer: str, example: Any
) -> None:
    errors = [error.message for error in validator_at(schema_pointer).iter_errors(example)]
    assert errors == [], example_pointer


def test_an_invalid_example_would_be_caught() -> None:
    """Guards the example test itself: a wrong type, too long a string and a bad uuid all fail."""
    customer = validator_at("/components/schemas/Customer")
    assert not customer.is_valid({"Id": "one"})
    assert not customer.is_valid({"Code": "x" * 51})
    assert not customer.is_valid({"Key": "not-a-guid"})
    assert customer.is_valid({"Code": None, "Account": None, "Companies": [{}]})


def test_xsd_loads_with_every_response_root() -> None:
    schema = xmlschema.XMLSchema(str(XSD_PATH))
    customers = "{Enferno.Services.Contracts.Expose.Customers}"
    expose = "{Enferno.Services.Contracts.Expose}"
    expected = {
        customers + name
        for name in (
            "Customer",
            "Company",
            "AgreementAccount",
            "Pricelist",
            "PricelistItem",
            "CompanyPaymentMethod",
            "CustomerList",
            "CompanyList",
            "CustomerFlags",
            "CustomerPricelistList",
            "CompanyDiscountList",
            "ArrayOfCustomer",
            "ArrayOfCompany",
            "ArrayOfCustomerFlag",
            "ArrayOfPricelist",
            "ArrayOfCompanyDiscount",
        )
    } | {
        expose + name
        for name in ("IdValues", "IdNameDescriptions", "ArrayOfIdValue", "ArrayOfIdNameDescription")
    }
    expected.add("{Enferno.Services.Contracts.Message}ErrorMessage")
    assert expected <= set(schema.maps.elements)


def test_every_xml_response_root_is_declared_in_the_xsd() -> None:
    schema = xmlschema.XMLSchema(str(XSD_PATH))
    for _path, _method, operation in operations():
        content = resolve(operation["responses"]["200"]).get("content", {})
        if "application/xml" not in content:
            continue
        body = content["application/xml"]["schema"]
        xml = {**resolve(body).get("xml", {}), **body.get("xml", {})}
        qualified = "{" + xml["namespace"] + "}" + xml["name"]
        assert qualified in schema.maps.elements, operation["operationId"]


def test_groups_are_the_norce_ones_and_contacts_is_left_out() -> None:
    ids = {operation["operationId"] for _p, _m, operation in operations()}
    assert {tag for _p, _m, operation in operations() for tag in operation["tags"]} == GROUPS
    assert not ids & {"ListContactByCompany", "ListContactResponsibilities"}
    assert len(ids) == 79


@pytest.mark.parametrize(("path", "method", "operation"), list(operations()), ids=lambda v: str(v)[:40])
def test_operation_house_rules(path: str, method: str, operation: dict[str, Any]) -> None:
    name = operation["operationId"]
    assert path == f"/{name}"
    is_read = (name.startswith(READ_PREFIXES) or name in READ_NAMES) and "requestBody" not in operation
    assert method == ("get" if is_read else "post")
    assert operation["x-norce-evidence"] in EVIDENCE_MARKERS
    assert operation["x-norce-source"].startswith("https://")
    assert operation["security"] == [{"oauth2": [], "applicationId": []}]
    assert set(operation.get("x-norce-error-keys", [])) <= ERROR_KEYS
    assert set(operation.get("x-norce-error-keys-inferred", [])) <= set(
        operation.get("x-norce-error-keys", [])
    )
    responses = operation["responses"]
    assert "401" in responses
    bad_request = resolve(responses["400"])["content"]
    assert set(bad_request) == {"application/json", "application/xml"}
    assert all(
        media["schema"] == {"$ref": "#/components/schemas/ErrorMessage"} for media in bad_request.values()
    )
    content = responses["200"].get("content")
    if content is not None:
        assert set(content) == {"application/json", "application/xml"}
    for parameter in operation.get("parameters", []):
        assert parameter["in"] == "query"


def test_verb_rule_exceptions_are_only_the_body_taking_reads() -> None:
    posted_reads = {
        operation["operationId"]
        for _p, method, operation in operations()
        if method == "post" and operation["operationId"].startswith(READ_PREFIXES)
    }
    assert posted_reads == {"GetExternalCustomerAddress", "GetExternalCustomerAddress2"}


def test_documented_error_keys() -> None:
    by_id = {operation["operationId"]: operation for _p, _m, operation in operations()}
    for name in ("LoginPost", "Login", "SendPasswordReminder"):
        assert {"AccountCustomerMissing", "LoginFailed"} <= set(by_id[name]["x-norce-error-keys"])
    assert {"CannotDeleteLastCustomer", "CustomerMissing"} <= set(
        by_id["DeleteCompanyCustomer"]["x-norce-error-keys"]
    )
    assert "CompanyMissing" in by_id["InsertCompanyPaymentMethod2"]["x-norce-error-keys"]
    assert "CompanyMissing" not in by_id["InsertCompanyPaymentMethod2"].get("x-norce-error-keys-inferred", [])


def test_obsolete_operations_are_deprecated() -> None:
    deprecated = {o["operationId"] for _p, _m, o in operations() if o.get("deprecated")}
    assert {"Login", "CreateCustomer", "UpdateCustomer"} <= deprecated
    assert "LoginPost" not in deprecated and "CreateCustomer3" not in deprecated


def test_parameter_types_follow_the_reference_table() -> None:
    by_id = {operation["operationId"]: operation for _p, _m, operation in operations()}

    def param(operation_id: str, name: str) -> dict[str, Any]:
        return next(p for p in by_id[operation_id]["parameters"] if p["name"] == name)

    assert param("GetCustomer", "id") == {**param("GetCustomer", "id"), "required": True}
    assert param("GetCustomer", "id")["schema"] == {"type": "integer", "format": "int32"}
    assert param("GetCustomerByKey", "key")["schema"] == {"type": "string", "format": "uuid"}
    assert param("UpdateAccountStatus", "isActive")["schema"] == {"type": "boolean"}
    assert param("UpdateAccountStatus", "updatedBy")["required"] is True
    assert param("SendPasswordReminder", "updatedBy")["required"] is False
    bool_like = re.compile(param("GetCustomer", "includeCompanies")["schema"]["pattern"])
    assert bool_like.match("true") and bool_like.match("FALSE") and not bool_like.match("yes")
    assert "LoginPost" in by_id and "parameters" not in by_id["LoginPost"]


def test_null_on_not_found_operations_allow_null_and_others_do_not() -> None:
    flagged = set()
    for _p, _m, operation in operations():
        response = operation["responses"]["200"]
        if "content" not in response:
            continue
        pointer = f"/paths/~1{operation['operationId']}/{_m}/responses/200/content/application~1json/schema"
        allows_null = validator_at(pointer).is_valid(None)
        if operation.get("x-norce-null-on-not-found"):
            flagged.add(operation["operationId"])
            assert allows_null, operation["operationId"]
        else:
            assert not allows_null, operation["operationId"]
    assert {
        "GetCustomer",
        "GetCustomerByKey",
        "GetCompany",
        "GetAgreementAccount",
        "LoginAgreementAccount",
    } <= flagged


def test_list_operations_return_arrays() -> None:
    for _p, method, operation in operations():
        if method == "get" and operation["operationId"].startswith(("List", "Search")):
            schema = resolve(operation["responses"]["200"]["content"]["application/json"]["schema"])
            assert schema["type"] == "array", operation["operationId"]


def seed_bodies() -> list[Any]:
    """The `Response` JSON samples and the LoginPost curl body from the Accounts documentation page."""
    text = SEED_ACCOUNTS.read_text(encoding="utf-8")
    bodies = [json.loads(line) for line in re.findall(r"^Response\n(.+)$", text, flags=re.MULTILINE)]
    login = re.search(r"-d '(\{.*?\})'", text, flags=re.DOTALL)
    assert login is not None
    return [*bodies, json.loads(login.group(1))]


def test_seed_bodies_validate_structurally() -> None:
    """Seed placeholders ("Key": "string") are not uuids: format is annotation-only here."""
    agreement, roles, agreement_again, customer, customer_again, login = seed_bodies()
    component = "/components/schemas/"
    for body, name in (
        (agreement, "AgreementAccount"),
        (agreement_again, "AgreementAccount"),
        (roles, "IdValues"),
        (customer, "Customer"),
        (customer_again, "Customer"),
        (login, "Login"),
    ):
        errors = [e.message for e in validator_at(component + name, formats=False).iter_errors(body)]
        assert errors == [], name
