"""Customer Service 1.1 semantics: empty collections, null on not-found, documented 400 keys,
includeCompanies, negotiation.

These tests pin the documented keys for the documented cases, in JSON and XML; the Schemathesis module accepts
any business 400 on schema-valid input (waiver W-BUSINESS-400), so a wrong key is caught here, not there.

Sources: docs/norce-facts.md §1C ("Get* return null if ... doesn't exist", known error keys),
docs/norce-facts.md §4.4, Q5, Q15; ARCHITECTURE.md "Not found on Customer Service 1.1 Get*"; rule
CS-EMPTY-COLLECTION (contracts/checks.py).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from contracts.oracle.response_checks import (
    EMPTY_COLLECTION_RULE,
    empty_collection_problems,
    error_envelope_problems,
)
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.suite.cs_entities import logged_in_as
from contracts.suite.flows import (
    JSON,
    XML,
    answers_no_entity,
    application_key,
    assert_conforms,
    company_by_code,
    company_header,
    customer_by_code,
    customer_header,
    explain,
    judge_body,
    read_conforming,
    run_import,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = pytest.mark.contract

ABSENT_ID = 2_000_000_000  # far above anything a test tenant holds
NULL_ON_NOT_FOUND = [
    op.operation_id
    for op in load_spec(CUSTOMER_SERVICE_SPEC).operations()
    if op.definition.get("x-norce-null-on-not-found")
]


# First in the module so that `-x` meets a collection-shape fault within seconds: one write and two reads.
@pytest.mark.writes
def test_customer_without_companies_has_empty_collections(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """CS-EMPTY-COLLECTION: a customer created with no companies, addresses, flags, info or price lists
    answers every collection as `[]` (XML: an empty element), never null: the CreateCustomer3 answer and
    GetCustomer as JSON and XML. Norce's 1.1 docs type these members as arrays, not "or null", and say of
    PricelistIds "It will be empty if no priceLists exist" (docs.norce.io/api-reference/services/
    customerservice/openapi/companies and .../address)."""
    rule = EMPTY_COLLECTION_RULE
    email = run_namespace.email("bare")
    body: dict[str, Any] = {"Code": run_namespace.code("bare"), "Email": email, "FirstName": "Bare"}
    body |= {"LastName": "Customer", "Account": {"LoginName": email}}
    params = {"password": "Bare-Pass-1", "doSendMail": "false"}
    created = norce.call("CreateCustomer3", params=params, json=body)
    context = explain(norce, created, operation="CreateCustomer3", seed=norce_seed, rule=rule)
    assert created.status_code == 200 and isinstance(created.json(), dict), f"expected a Customer{context}"
    customer_id = created.json().get("Id")
    assert isinstance(customer_id, int), f"no Customer.Id{context}"
    answers = [(created, "CreateCustomer3")]
    for accept in (JSON, XML):
        answers.append((norce.call("GetCustomer", params={"id": customer_id}, accept=accept), "GetCustomer"))
    for response, operation_id in answers:
        context = explain(norce, response, operation=operation_id, seed=norce_seed, rule=rule)
        assert response.status_code == 200, f"expected 200{context}"
        content_type = response.headers.get("content-type", "")
        read = decode_body(operation_id, 200, content_type, response.content)
        problems = empty_collection_problems(operation_id, 200, content_type, read)
        judge(
            rule,
            not problems,
            f"null collection in a 1.1 answer: {problems}{context}",
            operation=operation_id,
        )
        assert isinstance(read, dict) and not read.get("Companies"), f"a customer without companies{context}"
        judge(rule, read.get("Companies") == [], f"Companies is {read.get('Companies')!r}, not []{context}")


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
    """Not-found is no error (docs: 'returns null if ... does not exist'): 200 (or 204) with no entity, in
    any form (CS-NOT-FOUND). JSON `null` and an empty XML body are the recommended ones (Q5)."""
    response = norce.call(operation_id, params=absent_params(operation_id, run_namespace), accept=accept)
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    judge("CS-NOT-FOUND", answers_no_entity(response), f"not-found must be 200 with no entity{context}")
    content_type = response.headers.get("content-type", "")
    if accept == JSON:
        form = (
            response.status_code == 200
            and content_type.startswith(JSON)
            and response.content.strip() == b"null"
        )
    else:
        form = response.status_code == 200 and content_type.startswith(XML) and not response.content.strip()
    judge(
        "CS-NOT-FOUND-FORM",
        form,
        f"expected {'JSON null' if accept == JSON else 'an empty XML body'}{context}",
    )


def business_keys(operation_id: str, response: httpx.Response) -> list[str]:
    """Messages[].Key of a well-formed 400 ErrorMessage, JSON or XML (asserts the envelope first)."""
    content_type = response.headers.get("content-type", "")
    problems = error_envelope_problems(operation_id, response.status_code, content_type, response.content)
    assert not problems, problems
    body = decode_body(operation_id, response.status_code, content_type, response.content)
    return [str(m.get("Key")) for m in body.get("Messages") or [] if isinstance(m, dict)]


def assert_business_error(
    norce: NorceClient, response: httpx.Response, operation_id: str, key: str, accept: str, seed: int
) -> None:
    """The documented business error: 400 with an ErrorMessage whose Messages name `key` (CS-ERROR-KEYS), the
    envelope documented (ERROR-BODY-BUSINESS), in the media type asked for (NEGOTIATION)."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    judge(
        "CS-ERROR-KEYS", response.status_code == 400, f"expected 400 {key}{context}", operation=operation_id
    )
    content_type = response.headers.get("content-type", "")
    judge("NEGOTIATION", content_type.startswith(accept), f"not {accept}{context}", operation=operation_id)
    problems = error_envelope_problems(operation_id, response.status_code, content_type, response.content)
    judge("ERROR-BODY-BUSINESS", not problems, f"{problems}{context}", operation=operation_id)
    keys = business_keys(operation_id, response)
    judge(
        "CS-ERROR-KEYS", keys == [key], f"expected the key {key}, got {keys}{context}", operation=operation_id
    )


@pytest.mark.parametrize("accept", [JSON, XML])
def test_login_failed_on_unknown_login(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, accept: str
) -> None:
    response = norce.call(
        "LoginPost",
        json={"LoginName": run_namespace.email("nobody"), "Password": "whatever-1"},
        accept=accept,
    )
    assert_business_error(norce, response, "LoginPost", "LoginFailed", accept, norce_seed)
    if accept == JSON:
        context = explain(norce, response, operation="LoginPost", seed=norce_seed)
        judge_body("LoginPost", response.json(), context, status=400)


LOGIN_CULTURE = "sv-SE"  # at most 16 characters (docs/norce-facts.md §4.6); Norce writes sv-SE-style codes


@pytest.mark.writes
def test_login_post_wrong_then_right_password(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> None:
    """LoginPost takes a JSON Login body (docs/norce-facts.md §1C LoginPost: F-CS-LOGINPOST-BODY): a wrong
    password -> 400 LoginFailed; the right one -> the Customer, answered as JSON and as XML (schema-checked),
    and with a CultureCode in the body, which may be up to 16 characters (§4.6: F-46-LOGIN-CULTURE)."""
    login_name, password = run_namespace.email("login"), "Right-Pass-1"
    customer = {
        "Email": login_name,
        "FirstName": "Log",
        "LastName": "In",
        "Account": {"LoginName": login_name},
    }
    created = norce.call(
        "CreateCustomer3", params={"password": password, "doSendMail": "false"}, json=customer
    )
    assert created.status_code == 200, explain(norce, created, operation="CreateCustomer3", seed=norce_seed)
    customer_id = created.json().get("Id")
    wrong = norce.call("LoginPost", json={"LoginName": login_name, "Password": password + "x"})
    context = explain(norce, wrong, operation="LoginPost", seed=norce_seed)
    judge("CS-LOGIN", wrong.status_code != 200, f"a wrong password logged in{context}", operation="LoginPost")
    assert_business_error(norce, wrong, "LoginPost", "LoginFailed", JSON, norce_seed)
    rights: tuple[tuple[str, dict[str, str]], ...] = (
        (JSON, {}),
        (XML, {}),
        (JSON, {"CultureCode": LOGIN_CULTURE}),
    )
    for accept, extra in rights:
        body = {"LoginName": login_name, "Password": password, **extra}
        right = norce.call("LoginPost", json=body, accept=accept)
        context = explain(norce, right, operation="LoginPost", seed=norce_seed)
        label = f" with CultureCode {extra['CultureCode']}" if extra else ""
        judge(
            "CS-LOGIN",
            logged_in_as(right, customer_id),
            f"the right password{label} did not log in as {login_name} ({accept}){context}",
            operation="LoginPost",
            media_type=accept,
        )
        assert_conforms(norce, right, "LoginPost", accept, norce_seed)


@pytest.fixture
def company_with_customers(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int
) -> dict[str, Any]:
    """Two companies (the second flagged primary) and one customer related to both."""
    codes = [run_namespace.code("co"), run_namespace.code("co")]
    companies = [
        {
            "ApplicationKey": application_key(),
            "Code": c,
            "Name": c,
            "OrganizationNo": run_namespace.code("org"),
        }
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
    """includeCompanies=false: only the primary company (the first IsPrimary: true one) (docs/norce-facts.md
    Q15)."""
    code = company_with_customers["customer"]
    full = customer_by_code(norce, code, seed=norce_seed, include_companies=True)
    assert full is not None, f"customer {code} not found"
    codes = {c["Code"] for c in full["Companies"]}
    judge(
        "CS-INCLUDE-COMPANIES",
        codes == set(company_with_customers["companies"]),
        f"includeCompanies=true: companies {sorted(codes)}, expected {company_with_customers['companies']}",
        operation="GetCustomerByCode",
    )
    only_primary = customer_by_code(norce, code, seed=norce_seed, include_companies=False)
    assert only_primary is not None, f"customer {code} not found"
    shown = [c["Code"] for c in only_primary["Companies"]]
    judge(
        "CS-INCLUDE-COMPANIES",
        shown == [company_with_customers["primary"]],
        f"includeCompanies=false: companies {shown}, expected only {company_with_customers['primary']}",
        operation="GetCustomerByCode",
    )


@pytest.mark.writes
def test_cannot_delete_last_customer_and_customer_missing(
    norce: NorceClient, norce_seed: int, company_with_customers: dict[str, Any]
) -> None:
    """DeleteCompanyCustomer: the last customer of a company -> CannotDeleteLastCustomer; an unknown customer
    -> CustomerMissing (docs/norce-facts.md §1C, NCV: F-CS-DELETECOMPANYCUSTOMER-KEYS), each answered as JSON
    and as XML. Both are refusals: the first changes nothing, so it can be asked twice."""
    company = company_by_code(norce, company_with_customers["companies"][0], seed=norce_seed)
    customer = customer_by_code(norce, company_with_customers["customer"], seed=norce_seed)
    cases = [
        (customer_id, key, accept)
        for customer_id, key in ((customer["Id"], "CannotDeleteLastCustomer"), (ABSENT_ID, "CustomerMissing"))
        for accept in (JSON, XML)
    ]
    for customer_id, key, accept in cases:
        params = {"companyId": company["Id"], "customerId": customer_id}
        response = norce.call("DeleteCompanyCustomer", params=params, accept=accept)
        assert_business_error(norce, response, "DeleteCompanyCustomer", key, accept, norce_seed)


@pytest.mark.writes
def test_company_missing(norce: NorceClient, norce_seed: int) -> None:
    """InsertCompanyPaymentMethod2 on a company that does not exist -> 400 CompanyMissing (NCV)."""
    for accept in (JSON, XML):
        params = {"methodId": 1, "companyId": ABSENT_ID}
        response = norce.call("InsertCompanyPaymentMethod2", params=params, accept=accept)
        assert_business_error(
            norce, response, "InsertCompanyPaymentMethod2", "CompanyMissing", accept, norce_seed
        )


@pytest.mark.writes
def test_accept_xml_gets_xsd_valid_xml(
    norce: NorceClient, norce_seed: int, company_with_customers: dict[str, Any]
) -> None:
    """Content negotiation: the same Customer as JSON and as XML (valid against the vendored XSD)."""
    code = company_with_customers["customer"]
    as_json = read_conforming(norce, "GetCustomerByCode", seed=norce_seed, accept=JSON, code=code)
    as_xml = read_conforming(norce, "GetCustomerByCode", seed=norce_seed, accept=XML, code=code)
    assert as_json["Code"] == as_xml["Code"] == code, (as_json, as_xml)
    assert as_json["Id"] == as_xml["Id"], (as_json, as_xml)


@pytest.mark.parametrize("method", ["GET", pytest.param("POST", marks=pytest.mark.writes)])
def test_unknown_operation_is_not_found(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, method: str
) -> None:
    """Every 1.1 operation is a path segment named after it (docs/norce-facts.md §1C); a name that is no
    operation is not a resource, so an authenticated call answers 404 (RFC 9110 §15.5.5), never a 2xx."""
    url = f"{norce.target.customer_url}/NoSuchOperation{run_namespace.run_id}"
    response = norce.raw(method, url, headers={"Accept": JSON})
    context = explain(norce, response, operation="(unknown operation)", seed=norce_seed)
    judge("not_a_server_error", response.status_code < 500, f"an unknown operation{context}")
    judge("CS-UNKNOWN-OPERATION", response.status_code == 404, f"expected 404{context}")


@pytest.mark.parametrize("operation_id", ["GetCustomer", "GetCompany"])
def test_unknown_query_parameter_is_ignored(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str
) -> None:
    """All parameters are query parameters (docs/norce-facts.md §1C) and nothing documents rejecting an extra
    one: the answer is the same 200 `null` as without it, never a server error."""
    params = {**absent_params(operation_id, run_namespace), "unknownParameter": "x"}
    response = norce.call(operation_id, params=params)
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    judge("CS-EXTRA-PARAMETER", response.status_code < 500, f"an undeclared query parameter{context}")
    ignored = answers_no_entity(response)
    judge("CS-EXTRA-PARAMETER-IGNORED", ignored, f"expected the not-found answer, as without it{context}")
