"""Customer Service 1.1 semantics: null on not-found, documented 400 keys, includeCompanies, negotiation.

Sources: reference §1C ("Get* return null if ... doesn't exist", known error keys), §4.4, Q5, Q15;
ARCHITECTURE.md "Not found on Customer Service 1.1 Get*".
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from contracts.checks import xsd_problems
from contracts.client import NorceClient
from contracts.namespace import RunNamespace
from contracts.spec import CUSTOMER_SERVICE_SPEC, load_spec
from tests.contract.flows import (
    APPLICATION_KEY,
    JSON,
    XML,
    company_by_code,
    company_header,
    customer_by_code,
    customer_component_errors,
    customer_header,
    error_keys,
    explain,
    run_import,
)

pytestmark = pytest.mark.contract

ABSENT_ID = 2_000_000_000  # far above anything a test tenant holds
NULL_ON_NOT_FOUND = [
    op.operation_id
    for op in load_spec(CUSTOMER_SERVICE_SPEC).operations()
    if op.definition.get("x-norce-null-on-not-found")
]


def absent_params(operation_id: str, ns: RunNamespace) -> dict[str, Any]:
    """Required parameters naming nothing that exists: unused run-namespaced strings, huge ids, new GUIDs."""
    spec = load_spec(CUSTOMER_SERVICE_SPEC)
    params: dict[str, Any] = {}
    for raw in spec.operation(operation_id).definition.get("parameters", []):
        parameter = spec.resolve(raw)
        if parameter.get("in") != "query" or not parameter.get("required"):
            continue
        schema = spec.resolve(parameter.get("schema", {}))
        if schema.get("type") == "integer":
            params[parameter["name"]] = ABSENT_ID
        elif schema.get("format") == "uuid":
            params[parameter["name"]] = str(uuid.uuid4())
        else:
            params[parameter["name"]] = ns.code("absent")
    return params


@pytest.mark.parametrize("operation_id", NULL_ON_NOT_FOUND)
@pytest.mark.parametrize("accept", [JSON, XML])
def test_get_not_found_answers_null(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str, accept: str
) -> None:
    response = norce.call(operation_id, params=absent_params(operation_id, run_namespace), accept=accept)
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    assert response.status_code == 200, f"not-found is not an error (Q5){context}"
    content_type = response.headers.get("content-type", "")
    if accept == JSON:
        assert content_type.startswith(JSON) and response.json() is None, f"expected JSON null{context}"
    else:
        assert content_type.startswith(XML) and response.content.strip() == b"", (
            f"expected an empty XML body{context}"
        )


def test_login_failed_on_unknown_login(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    response = norce.call(
        "LoginPost", json={"LoginName": run_namespace.email("nobody"), "Password": "whatever-1"}
    )
    context = explain(norce, response, operation="LoginPost", seed=norce_seed)
    assert response.status_code == 400 and error_keys(response) == ["LoginFailed"], context
    assert not customer_component_errors("ErrorMessage", response.json()), context


@pytest.fixture
def company_with_customers(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> dict[str, Any]:
    """Two companies (the second flagged primary) and one customer related to both."""
    codes = [run_namespace.code("co"), run_namespace.code("co")]
    companies = [
        {"ApplicationKey": APPLICATION_KEY, "Code": c, "Name": c, "OrganizationNo": run_namespace.code("org")}
        for c in codes
    ]
    run_import(
        norce, "ImportCompanies", companies, company_header("Code", "Name", "OrganizationNo"), seed=norce_seed
    )
    customer = {
        "Code": run_namespace.code("cust"),
        "FirstName": "Rel",
        "LastName": "Ation",
        "EmailAddress": run_namespace.email("cust"),
        "Companies": [{"Code": codes[0]}, {"Code": codes[1], "IsPrimary": True}],
    }
    header = customer_header("Code", "FirstName", "LastName", "EmailAddress", "Companies")
    run_import(norce, "ImportCustomers", [customer], header, seed=norce_seed)
    return {"customer": customer["Code"], "companies": codes, "primary": codes[1]}


@pytest.mark.writes
def test_include_companies_false_returns_only_the_primary(
    norce: NorceClient, norce_seed: int, company_with_customers: dict[str, Any]
) -> None:
    """includeCompanies=false: only the primary company (the first IsPrimary: true one) (reference Q15)."""
    code = company_with_customers["customer"]
    full = customer_by_code(norce, code, seed=norce_seed, include_companies=True)
    assert {c["Code"] for c in full["Companies"]} == set(company_with_customers["companies"])
    only_primary = customer_by_code(norce, code, seed=norce_seed, include_companies=False)
    assert [c["Code"] for c in only_primary["Companies"]] == [company_with_customers["primary"]]


@pytest.mark.writes
def test_cannot_delete_last_customer_and_customer_missing(
    norce: NorceClient, norce_seed: int, company_with_customers: dict[str, Any]
) -> None:
    """DeleteCompanyCustomer: the last customer of a company -> CannotDeleteLastCustomer; an unknown customer
    -> CustomerMissing (reference §1C, NCV)."""
    company = company_by_code(norce, company_with_customers["companies"][0], seed=norce_seed)
    customer = customer_by_code(norce, company_with_customers["customer"], seed=norce_seed)
    for customer_id, key in ((customer["Id"], "CannotDeleteLastCustomer"), (ABSENT_ID, "CustomerMissing")):
        response = norce.call(
            "DeleteCompanyCustomer", params={"companyId": company["Id"], "customerId": customer_id}
        )
        context = explain(norce, response, operation="DeleteCompanyCustomer", seed=norce_seed)
        assert response.status_code == 400 and error_keys(response) == [key], context


@pytest.mark.writes
def test_company_missing(norce: NorceClient, norce_seed: int) -> None:
    """InsertCompanyPaymentMethod2 on a company that does not exist -> 400 CompanyMissing (NCV)."""
    response = norce.call("InsertCompanyPaymentMethod2", params={"methodId": 1, "companyId": ABSENT_ID})
    context = explain(norce, response, operation="InsertCompanyPaymentMethod2", seed=norce_seed)
    assert response.status_code == 400 and error_keys(response) == ["CompanyMissing"], context


@pytest.mark.writes
def test_accept_xml_gets_xsd_valid_xml(
    norce: NorceClient, norce_seed: int, company_with_customers: dict[str, Any]
) -> None:
    """Content negotiation: the same Customer as JSON and as XML valid against the vendored XSD."""
    params = {"code": company_with_customers["customer"]}
    as_json = norce.call("GetCustomerByCode", params=params, accept=JSON)
    assert as_json.headers.get("content-type", "").startswith(JSON)
    assert not customer_component_errors("Customer", as_json.json())
    as_xml = norce.call("GetCustomerByCode", params=params, accept=XML)
    context = explain(norce, as_xml, operation="GetCustomerByCode", seed=norce_seed)
    assert as_xml.status_code == 200 and as_xml.headers.get("content-type", "").startswith(XML), context
    problems = xsd_problems("GetCustomerByCode", 200, XML, as_xml.content)
    assert not problems, f"XML does not validate against the XSD: {problems}{context}"
    assert f"<Code>{company_with_customers['customer']}</Code>".encode() in as_xml.content
