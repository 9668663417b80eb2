"""Customer Service 1.1 reads: every read operation in JSON and XML, the verb rule, cultureCode, the lookups
and their normalisation, the WSDL filters, includeCompanies' default, and the entity invariants every read
keeps.

The first three parts are read-only (a read-only tenant run keeps them; PUT and DELETE probes excepted, which
the guard counts as writes): required parameters name nothing (run-namespaced strings, id 2,000,000,000), so a
server that wrongly serves a write changes nothing real. The rest reads run-owned customers and companies made
by imports (`contracts/suite/read_world.py`).

Sources: docs/norce-facts.md §1C (URL and verb rule, the operation table, the GetCustomer family,
ListCompaniesByOrgNo, includeCompanies), §2C (Customer.Key, Company Key/Name/OrgNo, Info), §4.6 (culture
codes), Q5 (not found), Q12 (WSDL-only operations), Q15 (includeCompanies).
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec

import httpx
import pytest

from contracts.oracle.enums import error_keys
from contracts.oracle.response_checks import (
    INVARIANTS_RULE,
    business_400_key,
    info_id_problems,
    invariant_problems,
    negotiation_problems,
)
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.schemathesis_ext.checks import customer_key_memo
from contracts.suite import read_world
from contracts.suite.flows import (
    JSON,
    XML,
    Import,
    answers_no_entity,
    application_key,
    assert_conforms,
    company_header,
    explain,
    run_imports,
)
from contracts.suite.read_world import World, digits
from contracts.transport.client import NorceClient
from contracts.transport.guard import READ_ONLY_POSTS
from contracts.transport.namespace import RunNamespace

pytestmark = pytest.mark.contract
P = ParamSpec("P")

SPEC = load_spec(CUSTOMER_SERVICE_SPEC)
ABSENT_ID = 2_000_000_000  # far above anything a tenant holds
ACCEPTS = [JSON, XML]
READS = [op.operation_id for op in SPEC.operations() if op.method.upper() == "GET"]
ACTOR_PARAMETERS = frozenset({"updatedBy", "createdBy", "activatedBy", "inactivatedBy"})
CUSTOMER_LOOKUPS = [
    "GetCustomer",
    "GetCustomerByAccountId",
    "GetCustomerByCode",
    "GetCustomerByEmail",
    "GetCustomerByKey",
    "GetCustomerByLoginName",
]
REFERENCE_LISTS = [
    "ListAccountRoles",
    "ListCustomerInfoTypes",
    "ListCompanyInfoTypes",
    "ListCustomerFlags",
    "ListCompanyFlags",
    "ListPriceRules",
]
CULTURE = (
    "sv-SE"  # the format is not stated; Norce writes sv-SE-style codes elsewhere (docs/norce-facts.md §4.6)
)


# -- the spec, read ---------------------------------------------------------------------------------------


def required_query(operation_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, schema) of the operation's required query parameters."""
    found = []
    for raw in SPEC.operation(operation_id).definition.get("parameters", []):
        parameter = SPEC.resolve(raw)
        if parameter.get("in") == "query" and parameter.get("required"):
            found.append((str(parameter["name"]), SPEC.resolve(parameter.get("schema", {}))))
    return found


def wsdl_only(operation_id: str) -> bool:
    """Known only from the Storm WSDL (`x-norce-evidence: W`): judged at the recommendation's level (Q12)."""
    return SPEC.operation(operation_id).definition.get("x-norce-evidence") == "W"


def operation_judgement(operation_id: str) -> str:
    return "CS-OPERATION-WSDL" if wsdl_only(operation_id) else "CS-OPERATION"


# The lookups Norce's pages document (docs/norce-facts.md §1C: the GetCustomer family, ListCompaniesByOrgNo;
# ListCompaniesByParent is listed with its parent id). What the other lists and every string filter (search,
# showInactive, accountRoleId, companyId, size) find is inferred from the WSDL (§1C: W, I), even on a
# documented operation such as SearchCustomer2.
DOCUMENTED_LOOKUPS = frozenset({*CUSTOMER_LOOKUPS, "ListCompaniesByOrgNo", "ListCompaniesByParent"})


def lookup_judgement(operation_id: str) -> str:
    return "CS-LOOKUPS" if operation_id in DOCUMENTED_LOOKUPS else "CS-LOOKUPS-WSDL"


def null_on_not_found(operation_id: str) -> bool:
    return bool(SPEC.operation(operation_id).definition.get("x-norce-null-on-not-found"))


def absent_params(operation_id: str, ns: RunNamespace, seed: int) -> dict[str, Any]:
    """Required parameters naming nothing that exists: unused run-namespaced strings, huge ids, a fresh GUID.
    An OrgNo ends in zeros, so that its digits alone (ListCompaniesByOrgNo strips the rest) name nothing."""
    params: dict[str, Any] = {}
    for name, schema in required_query(operation_id):
        if schema.get("type") == "integer":
            params[name] = ABSENT_ID
        elif schema.get("type") == "boolean":
            params[name] = "false"
        elif schema.get("format") == "uuid":
            params[name] = str(
                uuid.UUID(int=random.Random(f"{seed}:{operation_id}").getrandbits(128), version=4)
            )
        elif name == "orgNo":
            params[name] = f"{ns.code('absent')}-{'0' * 12}"
        else:
            params[name] = ns.code("absent")
    return params


# -- answers, judged --------------------------------------------------------------------------------------


class NotAnswered(Exception):
    """A read whose answer the run does not enforce failed (a recorded deviation): what depends on it is not
    judged."""


def ends_at_deviation(test: Callable[P, None]) -> Callable[P, None]:
    """The test stops where a read it needs answered only as a deviation (already recorded in the reports):
    on a tenant judged at `documented`, a WSDL-only read that fails is listed, not failed, and what the test
    would judge next depends on its answer."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            test(*args, **kwargs)
        except NotAnswered:
            return

    return run


def judge_invariants(
    norce: NorceClient, response: httpx.Response, operation_id: str, data: Any, seed: int
) -> None:
    """CS-INVARIANTS over one read's answer; a read's customers also go to the run's Key memo."""
    memo = customer_key_memo(str(response.request.url))
    content_type = response.headers.get("content-type", "")
    problems = invariant_problems(operation_id, 200, content_type, data, memo)
    context = explain(norce, response, operation=operation_id, seed=seed, rule=INVARIANTS_RULE)
    judge(INVARIANTS_RULE, not problems, f"{operation_id}: {problems}{context}", operation=operation_id)


def conforming(
    norce: NorceClient, response: httpx.Response, operation_id: str, accept: str, seed: int, judgement: str
) -> Any:
    """The answer of a read that must answer 200 (judged by `judgement`), in the negotiated type, valid
    against the spec and CS-EMPTY-COLLECTION (`assert_conforms`) and CS-INVARIANTS; the body as data, None
    for no entity (any form a tenant may use: Q5)."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    judge(
        "not_a_server_error", response.status_code < 500, f"{operation_id}{context}", operation=operation_id
    )
    if answers_no_entity(response):
        problems = negotiation_problems(
            accept, response.status_code, response.headers.get("content-type"), response.content
        )
        judge("NEGOTIATION", not problems, f"{problems}{context}", operation=operation_id, media_type=accept)
        return None
    answered = response.status_code == 200
    if not judge(judgement, answered, f"{operation_id} must answer 200{context}", operation=operation_id):
        raise NotAnswered(operation_id)
    data = assert_conforms(norce, response, operation_id, accept, seed)
    judge_invariants(norce, response, operation_id, data, seed)
    return data


def read(
    norce: NorceClient, operation_id: str, params: dict[str, Any], accept: str, seed: int, judgement: str
) -> Any:
    response = norce.call(operation_id, params=params, accept=accept)
    return conforming(norce, response, operation_id, accept, seed, judgement)


def codes(data: Any) -> list[str]:
    return [str(item.get("Code")) for item in data or [] if isinstance(item, dict)]


# -- cultureCode ------------------------------------------------------------------------------------------

IDENTITY_MEMBERS = ("Id", "Key", "Code", "Email", "OrgNo", "LoginName", "ParentId", "PricelistId")
NESTED_MEMBERS = ("Companies", "Account", "Group")


def identity(value: Any) -> Any:
    """What a culture code must not change: ids, keys and codes, at every level (names and texts may be
    culture-specific: docs/norce-facts.md §4.6)."""
    if isinstance(value, list):
        return [identity(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {key: value[key] for key in IDENTITY_MEMBERS if key in value}
    return kept | {key: identity(value[key]) for key in NESTED_MEMBERS if key in value}


def answered_entity(operation_id: str, response: httpx.Response) -> Any:
    """The entities an answer names (None: none); an answer that cannot be read is kept as it came, so two
    such answers compare as equal only when they are the same."""
    if answers_no_entity(response):
        return None
    try:
        return identity(
            decode_body(operation_id, 200, response.headers.get("content-type", ""), response.content)
        )
    except Exception:  # unreadable: the shape checks of the other tests judge it
        return (response.status_code, response.content)


def judge_culture_code(
    norce: NorceClient, operation_id: str, params: dict[str, Any], accept: str, seed: int
) -> None:
    """The read without cultureCode and with cultureCode=sv-SE: both answer, and the same entities
    (CS-CULTURE-CODE). Both failing alike is no culture matter: the other tests judge that failure."""
    plain = norce.call(operation_id, params=params, accept=accept)
    cultured = norce.call(operation_id, params={**params, "cultureCode": CULTURE}, accept=accept)
    context = explain(norce, cultured, operation=operation_id, seed=seed, rule="CS-CULTURE-CODE")
    for response in (plain, cultured):
        status = response.status_code
        judge("not_a_server_error", status < 500, f"{operation_id}{context}", operation=operation_id)
    answered = [response.status_code == 200 or answers_no_entity(response) for response in (plain, cultured)]
    if not any(answered) and plain.status_code == cultured.status_code:
        return
    if answered != [True, True]:
        label = "without cultureCode" if not answered[0] else f"with cultureCode={CULTURE}"
        failed = plain if not answered[0] else cultured
        detail = f"{operation_id} {label} answered {failed.status_code} (cultureCode is optional)"
        failing = explain(norce, failed, operation=operation_id, seed=seed, rule="CS-CULTURE-CODE")
        judge("CS-CULTURE-CODE", False, f"{detail}{failing}", operation=operation_id, media_type=accept)
        return
    without, with_culture = answered_entity(operation_id, plain), answered_entity(operation_id, cultured)
    detail = f"{operation_id}: {without} without cultureCode, {with_culture} with {CULTURE}{context}"
    judge("CS-CULTURE-CODE", without == with_culture, detail, operation=operation_id, media_type=accept)


CULTURE_READS = [
    *REFERENCE_LISTS,
    *CUSTOMER_LOOKUPS,
    "GetCompany",
    "GetCompanyByCode",
    "ListCompaniesByOrgNo",
]


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", CULTURE_READS)
def test_culture_code_changes_no_entity(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str, accept: str
) -> None:
    """cultureCode is optional and changes culture-specific texts only (docs/norce-facts.md §1C, §4.6): the
    reference lists answer the same ids and codes with cultureCode=sv-SE as without, and a lookup of nothing
    answers nothing both ways. The run's own entities: test_culture_code_answers_the_same_entities. First in
    the module: a server that makes cultureCode required fails here on its own judgement, before the reads
    without one fail theirs."""
    judge_culture_code(
        norce, operation_id, absent_params(operation_id, run_namespace, norce_seed), accept, norce_seed
    )


# -- every read operation -------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("operation_id", READS)
@ends_at_deviation
def test_every_read_answers_a_valid_request(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str, accept: str
) -> None:
    """Each GET operation of the table (docs/norce-facts.md §1C) answers a valid request with 200 in the
    negotiated type, its body valid against the spec (CS-OPERATION; CS-OPERATION-WSDL for an operation known
    only from the WSDL). Required parameters name nothing: a Get* answers no entity (CS-NOT-FOUND), a lookup
    list answers [] (CS-LOOKUPS / CS-LOOKUPS-WSDL). Login of an unknown login name answers its documented 400
    LoginFailed; its 200 is judged with a run-owned account (test_login_answers_the_customer)."""
    judgement = operation_judgement(operation_id)
    response = norce.call(
        operation_id, params=absent_params(operation_id, run_namespace, norce_seed), accept=accept
    )
    context = explain(norce, response, operation=operation_id, seed=norce_seed)
    judge(
        "not_a_server_error", response.status_code < 500, f"{operation_id}{context}", operation=operation_id
    )
    if operation_id == "Login":
        content_type = response.headers.get("content-type", "")
        key = business_400_key(operation_id, response.status_code, content_type, response.content)
        problems = negotiation_problems(accept, response.status_code, content_type, response.content)
        judge("NEGOTIATION", not problems, f"{problems}{context}", operation=operation_id, media_type=accept)
        served = response.status_code == 200 or key == "LoginFailed"
        judge(
            judgement,
            served,
            f"Login of an unknown login: 200 or 400 LoginFailed{context}",
            operation=operation_id,
        )
        return
    # Whether the operation answers at all comes first (a read that is not served, or not any more, is
    # CS-OPERATION's finding); what a Get* of nothing answers is then CS-NOT-FOUND's.
    data = conforming(norce, response, operation_id, accept, norce_seed, judgement)
    if null_on_not_found(operation_id):
        detail = f"{operation_id} of what does not exist must answer no entity{context}"
        judge("CS-NOT-FOUND", data is None, detail, operation=operation_id)
        return
    judge(
        judgement,
        isinstance(data, list),
        f"{operation_id} must answer a list{context}",
        operation=operation_id,
    )
    if required_query(operation_id):
        detail = f"{operation_id} of what does not exist must answer []{context}"
        judge(lookup_judgement(operation_id), data == [], detail, operation=operation_id)


# -- the verb rule ----------------------------------------------------------------------------------------


def names_an_entity(operation_id: str) -> bool:
    """Whether every effect the operation could have is bound to an entity a required parameter names (an
    id, a login name, a code): with absent values, a server that wrongly serves it changes nothing. Creates
    and body-identified updates (CreateCustomer*, RegisterCustomer*, UpdateCustomer*, *PricelistItem) are left
    out: a server that served them without a body could create a customer no one owns."""
    if operation_id in READ_ONLY_POSTS:
        return True
    return any(
        name not in ACTOR_PARAMETERS and schema.get("type") != "boolean"
        for name, schema in required_query(operation_id)
    )


WRITES = [op.operation_id for op in SPEC.operations() if op.method.upper() == "POST"]
GET_PROBES = [op for op in WRITES if names_an_entity(op)]
PUT_DELETE_PROBES = [op for op in [*READS, *WRITES] if names_an_entity(op)]
DOCUMENTED_KEYS = frozenset(error_keys())


def judge_not_served(
    norce: NorceClient, response: httpx.Response, operation_id: str, method: str, seed: int
) -> None:
    """Not served: no 2xx, and no documented business key, which only the operation's own processing gives
    (a refused method cannot know that a customer or company is missing); never a 5xx."""
    context = explain(norce, response, operation=operation_id, seed=seed, rule="CS-VERB")
    status = response.status_code
    judge("not_a_server_error", status < 500, f"{method} {operation_id}{context}", operation=operation_id)
    judge(
        "CS-VERB",
        not 200 <= status < 300,
        f"{operation_id} is served on {method}{context}",
        operation=operation_id,
    )
    key = business_400_key(operation_id, status, response.headers.get("content-type"), response.content)
    processed = key in DOCUMENTED_KEYS
    detail = f"{operation_id} on {method} was processed (key {key}){context}"
    judge("CS-VERB", not processed, detail, operation=operation_id)


@pytest.mark.parametrize("operation_id", GET_PROBES)
def test_a_write_is_not_served_on_get(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str
) -> None:
    """Everything that is not a read uses POST (docs/norce-facts.md §1C), so GET does not serve it (CS-VERB).
    GET is no write for the guard: this runs on a read-only tenant too; its absent ids keep it harmless."""
    url = f"{norce.target.customer_url}/{operation_id}"
    params = absent_params(operation_id, run_namespace, norce_seed)
    response = norce.raw("GET", url, params=params, headers={"Accept": JSON})
    judge_not_served(norce, response, operation_id, "GET", norce_seed)


@pytest.mark.writes  # PUT and DELETE are writes to the guard: a read-only tenant run does not send them
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("operation_id", PUT_DELETE_PROBES)
def test_no_operation_is_served_on_put_or_delete(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation_id: str, method: str
) -> None:
    """No operation uses PUT or DELETE (docs/norce-facts.md §1C; the PHP client's split is the same):
    neither serves one (CS-VERB)."""
    url = f"{norce.target.customer_url}/{operation_id}"
    params = absent_params(operation_id, run_namespace, norce_seed)
    response = norce.raw(method, url, params=params, headers={"Accept": JSON})
    judge_not_served(norce, response, operation_id, method, norce_seed)


# -- run-owned entities ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> World:
    return read_world.build(norce, run_namespace, norce_seed)


def note_left_out(request: pytest.FixtureRequest, world: World) -> None:
    """What this target could not offer the tests, as the junit property `left_out`."""
    request.node.user_properties.append(("left_out", "; ".join(world.left_out) or "nothing"))


def judge_finds(
    norce: NorceClient,
    world: World,
    operation_id: str,
    params: dict[str, Any],
    accept: str,
    seed: int,
    *,
    finds: Iterable[str],
    leaves_out: Iterable[str] = (),
) -> set[str]:
    """A lookup list must hold the world's `finds` and none of its `leaves_out`; returns the world's names
    it holds."""
    judgement = lookup_judgement(operation_id)
    response = norce.call(operation_id, params=params, accept=accept)
    data = conforming(norce, response, operation_id, accept, seed, operation_judgement(operation_id))
    found = world.named(codes(data))
    context = explain(norce, response, operation=operation_id, seed=seed, rule=judgement)
    wanted, unwanted = set(finds), set(leaves_out)
    detail = (
        f"{operation_id}{params}: must list {sorted(wanted)}, not {sorted(unwanted)}; lists {sorted(found)}"
    )
    judge(judgement, wanted <= found and not found & unwanted, f"{detail}{context}", operation=operation_id)
    return found


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_get_customer_family_finds_the_customer(
    norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """GetCustomer, ByAccountId, ByCode, ByEmail, ByKey and ByLoginName (Account.LoginName, not the e-mail:
    A's differ) each find the customer by that key (docs/norce-facts.md §1C GetCustomer family;
    CS-LOOKUPS)."""
    a = world.customers["A"]
    by = {
        "GetCustomer": {"id": a["Id"]},
        "GetCustomerByAccountId": {"accountId": (a.get("Account") or {}).get("Id")},
        "GetCustomerByCode": {"code": a["Code"]},
        "GetCustomerByEmail": {"email": world.emails["A"]},
        "GetCustomerByKey": {"key": a["Key"]},
        "GetCustomerByLoginName": {"loginName": world.login_names["A"]},
    }
    assert isinstance(by["GetCustomerByAccountId"]["accountId"], int), f"A has no Account.Id: {a}"
    for operation_id, params in by.items():
        response = norce.call(operation_id, params=params, accept=accept)
        found = conforming(norce, response, operation_id, accept, norce_seed, "CS-LOOKUPS")
        context = explain(norce, response, operation=operation_id, seed=norce_seed, rule="CS-LOOKUPS")
        same = isinstance(found, dict) and found.get("Id") == a["Id"] and found.get("Code") == a["Code"]
        judge(
            "CS-LOOKUPS",
            same,
            f"{operation_id}{params} must find customer {a['Code']}{context}",
            operation=operation_id,
        )


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_login_answers_the_customer(norce: NorceClient, norce_seed: int, world: World, accept: str) -> None:
    """Login (GET, obsolete: docs/norce-facts.md §1C) with the right login name and password answers 200 and
    the Customer (CS-OPERATION, CS-LOGIN)."""
    params = {"loginName": world.login_names["A"], "password": read_world.PASSWORD}
    response = norce.call("Login", params=params, accept=accept)
    found = conforming(norce, response, "Login", accept, norce_seed, "CS-OPERATION")
    context = explain(norce, response, operation="Login", seed=norce_seed, rule="CS-LOGIN")
    same = isinstance(found, dict) and found.get("Id") == world.id("A")
    judge("CS-LOGIN", same, f"Login must answer customer {world.code('A')}{context}", operation="Login")


def logged_in_id(operation_id: str, response: httpx.Response) -> int | None:
    """The Id of the Customer a login answered (None: it logged no one in)."""
    if response.status_code != 200 or answers_no_entity(response):
        return None
    try:
        body = decode_body(operation_id, 200, response.headers.get("content-type", ""), response.content)
    except (ValueError, LookupError):
        return None
    found = body.get("Id") if isinstance(body, dict) else None
    return found if isinstance(found, int) else None


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
def test_login_logs_in_as_login_post_does(
    norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """Login is obsolete, replaced by LoginPost, and logs in the same way (docs/norce-facts.md §1C:
    F-CS-LOGIN-OBSOLETE): with A's login name (Account.LoginName, not A's e-mail) and password both answer
    customer A (CS-LOGIN); with a wrong password neither logs anyone in, and Login answers LoginPost's
    documented 400 LoginFailed (F-CS-LOGIN-GET: CS-ERROR-KEYS)."""
    login_name, password = world.login_names["A"], read_world.PASSWORD
    for sent, expected in ((password, world.id("A")), (f"{password}-wrong", None)):
        posted = norce.call("LoginPost", json={"LoginName": login_name, "Password": sent}, accept=accept)
        context = explain(norce, posted, operation="LoginPost", seed=norce_seed, rule="CS-LOGIN")
        label = "the right password" if expected else "a wrong password"
        judge(
            "CS-LOGIN",
            logged_in_id("LoginPost", posted) == expected,
            f"LoginPost with {label} must log in {expected or 'no one'}{context}",
            operation="LoginPost",
            media_type=accept,
        )
        got = norce.call("Login", params={"loginName": login_name, "password": sent}, accept=accept)
        context = explain(norce, got, operation="Login", seed=norce_seed, rule="CS-LOGIN")
        judge(
            "CS-LOGIN",
            logged_in_id("Login", got) == expected,
            f"Login with {label} must log in {expected or 'no one'}, as LoginPost does{context}",
            operation="Login",
            media_type=accept,
        )
        if expected is None:
            content_type = got.headers.get("content-type", "")
            key = business_400_key("Login", got.status_code, content_type, got.content)
            judge(
                "CS-ERROR-KEYS",
                key == "LoginFailed",
                f"Login with a wrong password: expected LoginPost's 400 LoginFailed, got {got.status_code} "
                f"key {key}{context}",
                operation="Login",
                media_type=accept,
            )


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_include_companies_by_default_returns_every_company(
    norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """includeCompanies true is the default: without it (and with "true") a customer of two companies reads
    both (docs/norce-facts.md §1C; the "false" case is test_customer_service_semantics.py's)."""
    for params in ({"id": world.id("A")}, {"id": world.id("A"), "includeCompanies": "true"}):
        response = norce.call("GetCustomer", params=params, accept=accept)
        found = conforming(norce, response, "GetCustomer", accept, norce_seed, "CS-LOOKUPS")
        companies = world.named(codes((found or {}).get("Companies")))
        context = explain(
            norce, response, operation="GetCustomer", seed=norce_seed, rule="CS-INCLUDE-COMPANIES"
        )
        detail = f"GetCustomer{params}: Companies {sorted(companies)}, expected X and Y{context}"
        judge("CS-INCLUDE-COMPANIES", {"X", "Y"} <= companies, detail, operation="GetCustomer")


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_company_lookups(
    request: pytest.FixtureRequest, norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """GetCompany, GetCompanyByCode, GetCompanyByOrgNo (X and Y share an OrgNo: either is it),
    GetCompanyByOrgNoAndStoreId (a store id the run cannot know: an entity it answers has that OrgNo),
    ListCompaniesByParent, ListCompanyByInfoType and GetCompanyPaymentMethod find the run's companies
    (docs/norce-facts.md §1C; CS-LOOKUPS, CS-LOOKUPS-WSDL for the WSDL-only ones)."""
    x = world.companies["X"]
    singles: list[tuple[str, dict[str, Any], set[str | None]]] = [
        ("GetCompany", {"id": x["Id"]}, {"X"}),
        ("GetCompanyByCode", {"code": x["Code"]}, {"X"}),
        ("GetCompanyByOrgNo", {"orgNo": world.org_no}, {"X", "Y"}),
        ("GetCompanyByOrgNoAndStoreId", {"orgNo": world.org_no, "storeId": 1}, {"X", "Y", None}),
    ]
    for operation_id, params, either in singles:
        judgement = lookup_judgement(operation_id)
        response = norce.call(operation_id, params=params, accept=accept)
        found = conforming(norce, response, operation_id, accept, norce_seed, judgement)
        name = (
            next(iter(world.named([str(found.get("Code"))])), "another") if isinstance(found, dict) else None
        )
        context = explain(norce, response, operation=operation_id, seed=norce_seed, rule=judgement)
        detail = f"{operation_id}{params} must find one of {sorted(map(str, either))}, found {name}{context}"
        judge(judgement, name in either, detail, operation=operation_id)
    judge_finds(
        norce, world, "ListCompaniesByParent", {"parentId": world.id("P")}, accept, norce_seed, finds="XY"
    )
    if world.reference.company_info:
        params = {"code": world.reference.company_info, "value": world.company_info_value}
        judge_finds(
            norce, world, "ListCompanyByInfoType", params, accept, norce_seed, finds="X", leaves_out="Y"
        )
    if world.reference.payment_method:
        method_ids = x.get("PaymentMethodIds") or []
        assert method_ids, f"X was imported with payment method {world.reference.payment_method}: {x}"
        params = {"paymentMethodId": method_ids[0], "companyId": x["Id"]}
        response = norce.call("GetCompanyPaymentMethod", params=params, accept=accept)
        found = conforming(norce, response, "GetCompanyPaymentMethod", accept, norce_seed, "CS-LOOKUPS-WSDL")
        context = explain(norce, response, operation="GetCompanyPaymentMethod", seed=norce_seed)
        same = isinstance(found, dict) and found.get("PaymentMethodCode") == world.reference.payment_method
        detail = f"GetCompanyPaymentMethod{params} must answer {world.reference.payment_method}{context}"
        judge("CS-LOOKUPS-WSDL", same, detail, operation="GetCompanyPaymentMethod")
    note_left_out(request, world)


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_org_no_alone_is_not_unique(norce: NorceClient, norce_seed: int, world: World, accept: str) -> None:
    """OrgNo alone is not unique; OrgNo + Name is (docs/norce-facts.md §1C ListCompaniesByOrgNo): the two
    companies with one OrgNo and two Names are both listed (CS-LOOKUPS)."""
    params = {"orgNo": world.org_no}
    judge_finds(norce, world, "ListCompaniesByOrgNo", params, accept, norce_seed, finds="XY", leaves_out="P")


def spellings(org_no: str) -> list[str]:
    """The OrgNo written otherwise: its digits alone, and its digits among spaces, dashes and letters."""
    only = digits(org_no)
    return [only, f"SE {only[:4]} {only[4:8]}-{only[8:]} AB"]


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_list_companies_by_org_no_strips_non_digits(
    norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """ListCompaniesByOrgNo strips non-digits before the search (docs/norce-facts.md §1C): the OrgNo written
    with other non-digits finds the same companies, and every company listed has those digits (CS-LOOKUPS)."""
    for spelled in spellings(world.org_no):
        params = {"orgNo": spelled}
        response = norce.call("ListCompaniesByOrgNo", params=params, accept=accept)
        found = conforming(norce, response, "ListCompaniesByOrgNo", accept, norce_seed, "CS-LOOKUPS")
        context = explain(
            norce, response, operation="ListCompaniesByOrgNo", seed=norce_seed, rule="CS-LOOKUPS"
        )
        names = world.named(codes(found))
        detail = (
            f"ListCompaniesByOrgNo{params} must list X and Y (non-digits stripped), lists {sorted(names)}"
        )
        judge("CS-LOOKUPS", {"X", "Y"} <= names, f"{detail}{context}", operation="ListCompaniesByOrgNo")
        # A company without an OrgNo member is the schema checks' finding, not this lookup's.
        others = [
            c["OrgNo"] for c in found or [] if "OrgNo" in c and digits(str(c["OrgNo"])) != digits(spelled)
        ]
        detail = f"ListCompaniesByOrgNo{params} lists companies of other OrgNos: {others}"
        judge("CS-LOOKUPS", not others, f"{detail}{context}", operation="ListCompaniesByOrgNo")


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_customers_of_a_company(
    request: pytest.FixtureRequest, norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """ListCustomerByCompany/2/3 list a company's customers; accountRoleId (2, 3) keeps those with the role,
    showInactive (3) "true" adds inactive ones and "false" leaves them out (WSDL string filters:
    CS-LOOKUPS-WSDL; numbered siblings filter alike)."""
    company = {"id": world.id("X")}
    for operation_id in ("ListCustomerByCompany", "ListCustomerByCompany2", "ListCustomerByCompany3"):
        judge_finds(norce, world, operation_id, company, accept, norce_seed, finds="AB")
    show = "ListCustomerByCompany3"
    judge_finds(norce, world, show, {**company, "showInactive": "true"}, accept, norce_seed, finds="ABC")
    judge_finds(
        norce,
        world,
        show,
        {**company, "showInactive": "false"},
        accept,
        norce_seed,
        finds="AB",
        leaves_out="C",
    )
    if world.role is not None:
        role = {**company, "accountRoleId": str(world.role[1])}
        for operation_id in ("ListCustomerByCompany2", "ListCustomerByCompany3"):
            judge_finds(norce, world, operation_id, role, accept, norce_seed, finds="A", leaves_out="B")
    note_left_out(request, world)


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_customers_by_ssn_and_info_type(
    request: pytest.FixtureRequest, norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """ListCustomerBySSN/2 and ListCustomerByInfoType/2 find the customers with that SSN or info value;
    showInactive (2) "true" adds the inactive one, "false" leaves it out (CS-LOOKUPS-WSDL)."""
    lookups = [("ListCustomerBySSN", {"ssn": world.ssn})]
    if world.reference.customer_info:
        lookups.append(
            ("ListCustomerByInfoType", {"code": world.reference.customer_info, "value": world.info_value})
        )
    for operation_id, params in lookups:
        judge_finds(norce, world, operation_id, params, accept, norce_seed, finds="A", leaves_out="B")
        second = f"{operation_id}2"
        judge_finds(norce, world, second, {**params, "showInactive": "true"}, accept, norce_seed, finds="AC")
        inactive_out = {**params, "showInactive": "false"}
        judge_finds(norce, world, second, inactive_out, accept, norce_seed, finds="A", leaves_out="BC")
    note_left_out(request, world)


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_search_customer(norce: NorceClient, norce_seed: int, world: World, accept: str) -> None:
    """SearchCustomer/2 find the customers the search string names (the run's token is their LastName);
    companyId keeps the customers of that company, size caps the list, showInactive (2) "true" adds the
    inactive one and "false" leaves it out (CS-LOOKUPS-WSDL)."""
    search = {"searchString": world.token}
    for operation_id in ("SearchCustomer", "SearchCustomer2"):
        judge_finds(norce, world, operation_id, search, accept, norce_seed, finds="AB")
        in_y = {**search, "companyId": str(world.id("Y"))}
        judge_finds(norce, world, operation_id, in_y, accept, norce_seed, finds="A", leaves_out="BC")
        response = norce.call(operation_id, params={**search, "size": "1"}, accept=accept)
        found = conforming(
            norce, response, operation_id, accept, norce_seed, operation_judgement(operation_id)
        )
        context = explain(norce, response, operation=operation_id, seed=norce_seed, rule="CS-LOOKUPS-WSDL")
        detail = f"{operation_id} size=1 answered {len(found or [])} customers{context}"
        judge("CS-LOOKUPS-WSDL", len(found or []) == 1, detail, operation=operation_id)
    judge_finds(
        norce, world, "SearchCustomer2", {**search, "showInactive": "true"}, accept, norce_seed, finds="ABC"
    )
    inactive_out = {**search, "showInactive": "false"}
    judge_finds(norce, world, "SearchCustomer2", inactive_out, accept, norce_seed, finds="AB", leaves_out="C")


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
def test_culture_code_answers_the_same_entities(
    norce: NorceClient, norce_seed: int, world: World, accept: str
) -> None:
    """With cultureCode=sv-SE each lookup answers the same entities (ids, keys, codes) as without it
    (docs/norce-facts.md §1C, §4.6; CS-CULTURE-CODE)."""
    a = world.customers["A"]
    reads = [
        ("GetCustomer", {"id": a["Id"]}),
        ("GetCustomerByAccountId", {"accountId": (a.get("Account") or {}).get("Id")}),
        ("GetCustomerByCode", {"code": a["Code"]}),
        ("GetCustomerByEmail", {"email": world.emails["A"]}),
        ("GetCustomerByKey", {"key": a["Key"]}),
        ("GetCustomerByLoginName", {"loginName": world.login_names["A"]}),
        ("GetCompany", {"id": world.id("X")}),
        ("GetCompanyByCode", {"code": world.code("X")}),
        ("ListCompaniesByOrgNo", {"orgNo": world.org_no}),
        ("ListCustomerByCompany3", {"id": world.id("X")}),
        ("SearchCustomer2", {"searchString": world.token}),
    ]
    for operation_id, params in reads:
        judge_culture_code(norce, operation_id, params, accept, norce_seed)


# -- invariants -------------------------------------------------------------------------------------------


def info_type_ids(norce: NorceClient, operation_id: str, seed: int) -> list[int]:
    items = read(norce, operation_id, {}, JSON, seed, operation_judgement(operation_id)) or []
    return [int(item["Id"]) for item in items if isinstance(item, dict) and isinstance(item.get("Id"), int)]


@pytest.fixture(scope="module")
def twins(norce: NorceClient, run_namespace: RunNamespace, norce_seed: int) -> tuple[str, set[str]]:
    """Two companies imported with one OrgNo and one Name (SearchOnlyByCode allows the shared OrgNo): (the
    OrgNo, their codes). OrgNo + Name is unique, so at most one is created; the form of the refusal is not
    documented, so the job is not judged, only what the reads show."""
    org_no = read_world.org_number(run_namespace, norce_seed + 1)
    items = [
        {
            "ApplicationKey": application_key(),
            "Code": run_namespace.code("reads-twin"),
            "Name": "Reads Twin AB",
        }
        | {"OrganizationNo": org_no}
        for _ in range(2)
    ]
    header = company_header("Code", "Name", "OrganizationNo", "SearchOnlyByCode")
    run_imports(norce, [Import("ImportCompanies", items, header)], seed=norce_seed)
    return org_no, {item["Code"] for item in items}


@pytest.mark.writes
@pytest.mark.parametrize("accept", ACCEPTS)
@ends_at_deviation
def test_reads_keep_the_entity_invariants(
    norce: NorceClient, norce_seed: int, world: World, twins: tuple[str, set[str]], accept: str
) -> None:
    """The documented invariants, on the run's own entities (docs/norce-facts.md §2C; CS-INVARIANTS):
    Customer.Key unique across the system (three customers, three Keys, within one list and across reads),
    Keys are GUIDs, Info ids come from ListCustomerInfoTypes / ListCompanyInfoTypes, and OrgNo + Name is
    unique: of two companies imported with one OrgNo and one Name, no read shows both."""
    keys = {}
    for name in "ABC":
        customer = read(norce, "GetCustomer", {"id": world.id(name)}, accept, norce_seed, "CS-LOOKUPS")
        keys[name] = (customer or {}).get("Key")
    detail = f"customers A, B and C read the Keys {keys}"
    judge(INVARIANTS_RULE, len(set(keys.values())) == 3, detail, operation="GetCustomer")
    params = {"id": world.id("X"), "showInactive": "true"}  # the list itself is judged by `read`
    read(norce, "ListCustomerByCompany3", params, accept, norce_seed, "CS-LOOKUPS-WSDL")
    known = {
        "Customer": info_type_ids(norce, "ListCustomerInfoTypes", norce_seed),
        "Company": info_type_ids(norce, "ListCompanyInfoTypes", norce_seed),
    }
    for name, kind, operation_id in (("A", "Customer", "GetCustomer"), ("X", "Company", "GetCompany")):
        response = norce.call(operation_id, params={"id": world.id(name)}, accept=accept)
        entity = conforming(norce, response, operation_id, accept, norce_seed, lookup_judgement(operation_id))
        problems = info_id_problems(kind, entity, known[kind])
        context = explain(norce, response, operation=operation_id, seed=norce_seed, rule=INVARIANTS_RULE)
        judge(INVARIANTS_RULE, not problems, f"{operation_id}: {problems}{context}", operation=operation_id)
    org_no, twin_codes = twins
    response = norce.call("ListCompaniesByOrgNo", params={"orgNo": org_no}, accept=accept)
    found = conforming(norce, response, "ListCompaniesByOrgNo", accept, norce_seed, "CS-LOOKUPS")
    read_back = [code for code in codes(found) if code in twin_codes]
    context = explain(
        norce, response, operation="ListCompaniesByOrgNo", seed=norce_seed, rule=INVARIANTS_RULE
    )
    detail = f"both companies with OrgNo {org_no!r} and Name 'Reads Twin AB' read back: {read_back}"
    judge(INVARIANTS_RULE, len(read_back) <= 1, f"{detail}{context}", operation="ListCompaniesByOrgNo")
