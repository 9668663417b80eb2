"""What a Customer Service 1.1 write test needs besides the write: which judgements judge the operation (by
its evidence in the spec), its answer judged, run-owned customers made and read back, and what changed
between two reads.

A write is judged three ways (contracts/oracle/evidence.py):
- its answer: `CS-OPERATION` (200 in the negotiated type, schema-checked) or `CS-NO-ENTITY-ANSWER` for the
  operations documented with an empty answer;
- its effect, read back: `CS-WRITES`;
- what it must leave alone, read back: `CS-WRITES-UNTOUCHED`.
An operation known only from the Storm WSDL (`x-norce-evidence: W` in openapi/customer-service-1.1.yaml) is
judged by the `-WSDL` twins of these, a level lower (recommended): its effect is inferred from its name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.oracle.response_checks import error_envelope_problems
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.xml_data import decode_body
from contracts.reports.verdicts import judge
from contracts.suite.flows import JSON, answers_no_entity, assert_conforms, explain
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

ABSENT_ID = 2_000_000_000  # far above anything a test tenant holds: naming it is harmless
WSDL_ONLY = "W"


@dataclass(frozen=True)
class WriteJudgements:
    """The judgements of one write operation, at the level its evidence supports."""

    operation: str
    writes: str
    untouched: str

    @property
    def documented(self) -> bool:
        return self.operation == "CS-OPERATION"


DOCUMENTED_WRITE = WriteJudgements("CS-OPERATION", "CS-WRITES", "CS-WRITES-UNTOUCHED")
WSDL_WRITE = WriteJudgements("CS-OPERATION-WSDL", "CS-WRITES-WSDL", "CS-WRITES-UNTOUCHED-WSDL")


def write_judgements(operation_id: str) -> WriteJudgements:
    """By the operation's `x-norce-evidence` in the vendored spec: W (the WSDL alone) is a level lower."""
    definition = load_spec(CUSTOMER_SERVICE_SPEC).operation(operation_id).definition
    return WSDL_WRITE if definition.get("x-norce-evidence") == WSDL_ONLY else DOCUMENTED_WRITE


# -- answers -----------------------------------------------------------------------------------------------


def entity_answer(
    norce: NorceClient, response: httpx.Response, operation_id: str, accept: str, seed: int
) -> Any | None:
    """The operation answers 200 in the negotiated type (CS-OPERATION[-WSDL]) with its documented answer
    (NEGOTIATION, XSD, schema views, CS-EMPTY-COLLECTION: `flows.assert_conforms`); the answer as data.

    None when it did not, in a run that does not enforce the operation's judgement: the deviation is recorded
    and nothing that depends on the write can be judged."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    content_type = response.headers.get("content-type", "")
    answered = response.status_code == 200 and content_type.startswith(accept)
    judgement = write_judgements(operation_id).operation
    detail = f"{operation_id}: expected 200 {accept}{context}"
    if not judge(judgement, answered, detail, operation=operation_id, media_type=accept):
        return None
    return assert_conforms(norce, response, operation_id, accept, seed)


def no_entity_answer(
    norce: NorceClient, response: httpx.Response, operation_id: str, accept: str, seed: int
) -> bool:
    """An operation documented with an empty answer succeeds (CS-OPERATION[-WSDL]) with no entity in any of
    the forms a tenant may use: an empty body, JSON null, 204 (CS-NO-ENTITY-ANSWER)."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    judgement = write_judgements(operation_id).operation
    succeeded = response.status_code in (200, 204)
    if not judge(judgement, succeeded, f"{operation_id}: expected 200{context}", operation=operation_id):
        return False
    return judge(
        "CS-NO-ENTITY-ANSWER",
        answers_no_entity(response),
        f"{operation_id}: documented with an empty answer, answered an entity{context}",
        operation=operation_id,
        media_type=accept,
    )


def error_keys(operation_id: str, response: httpx.Response) -> list[str]:
    """Messages[].Key of an ErrorMessage answer, JSON or XML ([] when there is none)."""
    content_type = response.headers.get("content-type", "")
    try:
        body = decode_body(operation_id, response.status_code, content_type, response.content)
    except (ValueError, LookupError):
        return []
    messages = body.get("Messages") if isinstance(body, dict) else None
    return [str(m.get("Key")) for m in messages or [] if isinstance(m, dict)]


# -- reads -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One entity as a 1.1 read answered it, with the failure context of that answer."""

    data: dict[str, Any]
    context: str


def read_entity(norce: NorceClient, operation_id: str, *, accept: str, seed: int, **params: Any) -> Read:
    """A 1.1 Get* that must find its entity, judged as any answer (`flows.assert_conforms`)."""
    response = norce.call(operation_id, params=params, accept=accept)
    data = assert_conforms(norce, response, operation_id, accept, seed)
    context = explain(norce, response, operation=operation_id, seed=seed)
    assert isinstance(data, dict), f"{operation_id} {params}: the run's entity is not found{context}"
    return Read(data, context)


def read_customer(norce: NorceClient, customer_id: int, *, accept: str, seed: int) -> Read:
    return read_entity(norce, "GetCustomer", accept=accept, seed=seed, id=customer_id)


def read_company(norce: NorceClient, company_id: int, *, accept: str, seed: int) -> Read:
    return read_entity(norce, "GetCompany", accept=accept, seed=seed, id=company_id)


def found_nothing(norce: NorceClient, operation_id: str, *, seed: int, **params: Any) -> bool:
    """A lookup answers no entity (any form, or an empty list)."""
    response = norce.call(operation_id, params=params)
    if answers_no_entity(response):
        return True
    assert response.status_code == 200, (
        f"{operation_id} failed{explain(norce, response, operation=operation_id, seed=seed)}"
    )
    return response.json() in ([], None)


def differences(before: dict[str, Any], after: dict[str, Any], *, ignore: tuple[str, ...] = ()) -> list[str]:
    """The members whose value differs between two reads of one entity, but those in `ignore`."""
    members = sorted((set(before) | set(after)) - set(ignore))
    return [
        f"{member}: {brief(before.get(member))} -> {brief(after.get(member))}"
        for member in members
        if before.get(member) != after.get(member)
    ]


def brief(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)[:300]


def without_ids(items: Any) -> Any:
    """Addresses (or any entities) compared by content: a write that was sent them may renumber them."""
    if isinstance(items, list):
        return [without_ids(item) for item in items]
    if isinstance(items, dict):
        return {key: value for key, value in items.items() if key != "Id"}
    return items


# -- what a run creates -------------------------------------------------------------------------------------


def address(ns: RunNamespace, label: str) -> dict[str, Any]:
    """A 1.1 Address the run can recognise by its Zip."""
    return {"Line1": f"{label} street 1", "Zip": ns.code("zip")[-12:], "City": "Borås", "Country": "SE"}


def login(norce: NorceClient, login_name: str, password: str, accept: str = JSON) -> httpx.Response:
    return norce.call("LoginPost", json={"LoginName": login_name, "Password": password}, accept=accept)


def logged_in_as(response: httpx.Response, customer_id: int, operation_id: str = "LoginPost") -> bool:
    """LoginPost answered the customer (JSON or XML)."""
    if response.status_code != 200:
        return False
    content_type = response.headers.get("content-type", "")
    try:
        body = decode_body(operation_id, 200, content_type, response.content)
    except (ValueError, LookupError):
        return False
    return isinstance(body, dict) and body.get("Id") == customer_id


def judge_business_error(
    norce: NorceClient,
    response: httpx.Response,
    *,
    operation_id: str,
    key: str,
    judgement: str,
    accept: str,
    seed: int,
) -> None:
    """A refusal with the key (`judgement`: CS-ERROR-KEYS for a documented key, CS-ERROR-KEYS-INFERRED for an
    inferred one), in an ErrorMessage of the negotiated type (ERROR-BODY-BUSINESS)."""
    context = explain(norce, response, operation=operation_id, seed=seed)
    keys = error_keys(operation_id, response)
    refused = response.status_code == 400 and keys == [key]
    detail = f"{operation_id}: expected 400 with the key {key}, got {response.status_code} {keys}{context}"
    if not judge(judgement, refused, detail, operation=operation_id, media_type=accept):
        return
    content_type = response.headers.get("content-type", "")
    problems = error_envelope_problems(operation_id, response.status_code, content_type, response.content)
    if not content_type.startswith(accept):
        problems.append(f"an ErrorMessage in {content_type or 'no type'}, not {accept}")
    judge(
        "ERROR-BODY-BUSINESS",
        not problems,
        f"{operation_id}: {problems}{context}",
        operation=operation_id,
        media_type=accept,
    )
