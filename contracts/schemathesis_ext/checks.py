"""The suite's own Schemathesis checks: thin adapters from a Schemathesis response to the pure oracle.

Each adapter reads what it needs off the case and response, calls a `*_problems` function of
`contracts.oracle`, and raises a `NorceFailure` (a structured Schemathesis `Failure` with a rule id and a
severity) when there are problems. Returning True tells Schemathesis the check did not apply.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from schemathesis.core.failures import Failure, Severity
from schemathesis.core.parameters import ParameterLocation

from contracts.oracle import waivers
from contracts.oracle.header import HEADER_NAME, IMPORT_OPERATIONS, import_kind
from contracts.oracle.import_checks import header_rule_problems
from contracts.oracle.media import is_json_media_type, is_xml_media_type
from contracts.oracle.response_checks import (
    EMPTY_COLLECTION_RULE,
    INVARIANTS_RULE,
    CustomerKeyMemo,
    empty_collection_problems,
    error_envelope_problems,
    invariant_problems,
    invariants_apply,
    negotiation_problems,
    xsd_problems,
)
from contracts.oracle.schema_views import DOCUMENTED, DRIFT, STRICT, schema_problems
from contracts.oracle.spec import is_customer_service, spec_for
from contracts.oracle.xml_data import decode_body
from contracts.reports.recorder import record_judged


class NorceFailure(Failure):
    """A contract violation found by one of the suite's checks: which check, which rule, how bad.

    The title keeps Schemathesis' wording for custom checks ("Custom check failed: `name`"), so reports and
    the self-check read every custom failure the same way; the rule id travels as data, not in an exception.
    """

    __slots__ = ("check", "rule_id")

    def __init__(
        self, *, operation: str, check: str, rule_id: str, problems: list[str], severity: Severity
    ) -> None:
        super().__init__(
            operation=operation,
            title=f"Custom check failed: `{check}`",
            message=f"[{operation}] {rule_id}: " + "; ".join(problems),
            severity=severity,
        )
        self.check = check
        self.rule_id = rule_id

    @property
    def _unique_key(self) -> str:
        # One finding per check and rule per operation (Schemathesis deduplicates failures on this key).
        return f"{self.check}|{self.rule_id}"


# Most severe first: the first view with a problem names the failure.
SCHEMA_VIEWS = ((DOCUMENTED, "SCHEMA-DOCUMENTED"), (STRICT, "SCHEMA-STRICT"), (DRIFT, "SCHEMA-DRIFT"))


def case_operation_id(case: Any) -> str | None:
    """The operationId of the case's operation (None for an operation the spec does not name)."""
    raw = getattr(getattr(case.operation, "definition", None), "raw", None)
    value = raw.get("operationId") if isinstance(raw, dict) else None
    return str(value) if value else None


def header_value(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A header by case-insensitive name; values may be strings, bytes or lists (Schemathesis responses)."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            if isinstance(value, list):
                value = value[0] if value else None
            if value is None:
                return None
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


def response_content_type(response: Any) -> str | None:
    return header_value(response.headers, "content-type")


def request_body(request: Any) -> bytes:
    body = getattr(request, "body", None)
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else bytes(body)


def _fail(
    case: Any, check: str, rule_id: str, problems: list[str], severity: Severity = Severity.HIGH
) -> None:
    if problems:
        operation = case_operation_id(case) or str(case.operation.label)
        raise NorceFailure(
            operation=operation, check=check, rule_id=rule_id, problems=problems, severity=severity
        )


def xml_xsd_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = case_operation_id(case)
    content_type = response_content_type(response)
    if operation is None or not is_xml_media_type(content_type):
        return True
    problems = xsd_problems(operation, response.status_code, content_type or "", response.content)
    rule = "XSD-CUSTOMER-SERVICE" if is_customer_service(operation) else "XSD-CONNECT"
    record_judged(rule, operation, held=not problems)
    _fail(case, "xml_xsd_conformance", rule, problems)
    return None


def json_schema_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """The body (JSON, or XML read by the schema) in three views: what Norce documents (SCHEMA-DOCUMENTED),
    the vendored description (SCHEMA-STRICT) and members it does not know (SCHEMA-DRIFT)."""
    operation = case_operation_id(case)
    content_type = response_content_type(response) or ""
    json_body = is_json_media_type(content_type)
    if (
        operation is None
        or not (json_body or is_xml_media_type(content_type))
        or not response.content.strip()
    ):
        return True
    try:
        data = decode_body(operation, response.status_code, content_type, response.content, sampled=True)
    except ValueError as exc:
        kind = "JSON" if json_body else "XML"
        _fail(case, "json_schema_conformance", "SCHEMA-DOCUMENTED", [f"body is not {kind}: {exc}"])
        return None
    status = response.status_code
    for view, rule in ((DOCUMENTED, "SCHEMA-DOCUMENTED"), (STRICT, "SCHEMA-STRICT"), (DRIFT, "SCHEMA-DRIFT")):
        problems = schema_problems(operation, status, content_type, data, view)
        record_judged(rule, operation, held=not problems)
        _fail(case, "json_schema_conformance", rule, problems)
    return None


def norce_error_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = case_operation_id(case)
    if operation is None:
        return True
    problems = error_envelope_problems(
        operation, response.status_code, response_content_type(response), response.content
    )
    if (
        problems
        and operation in IMPORT_OPERATIONS
        and waivers.waive("W-Q7-CONNECT-ERROR-BODY", operation, "; ".join(problems))
    ):
        return None
    business = is_customer_service(operation) and response.status_code == 400
    rule = "ERROR-BODY-BUSINESS" if business else "ERROR-BODY-OTHER"
    if response.status_code >= 400:
        record_judged(rule, operation, held=not problems)
    _fail(case, "norce_error_envelope", rule, problems, Severity.MEDIUM)
    return None


def content_negotiation(ctx: Any, response: Any, case: Any) -> bool | None:
    accept = header_value(response.request.headers, "accept")
    problems = negotiation_problems(
        accept, response.status_code, response_content_type(response), response.content
    )
    documented = 200 <= response.status_code < 300 or response.status_code == 400
    rule = "NEGOTIATION" if documented else "NEGOTIATION-OTHER"
    record_judged(rule, case_operation_id(case), held=not problems)
    _fail(case, "content_negotiation", rule, problems, Severity.MEDIUM)
    return None


def is_positive_body(case: Any) -> bool:
    """Whether Schemathesis generated the body (or, bodiless, the whole case) in positive mode."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return True
    component = meta.components.get(ParameterLocation.BODY)
    if component is not None:
        return not component.mode.is_negative
    return not meta.generation.mode.is_negative


def header_rule_oracle(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = case_operation_id(case)
    request = response.request
    # Only real import calls are judged: Schemathesis also probes the import paths with unexpected methods
    # (TRACE, QUERY, ...), which never reach the import engine and are not header verdicts.
    if operation not in IMPORT_OPERATIONS or str(request.method).upper() != "POST":
        return True
    rule, problems = header_rule_problems(
        operation,
        header_value=header_value(request.headers, HEADER_NAME),
        request_content_type=header_value(request.headers, "content-type"),
        request_body=request_body(request),
        status=response.status_code,
        response_content_type=response_content_type(response),
        response_body=response.content,
        positive_body=is_positive_body(case),
    )
    if rule:
        record_judged(rule, operation, held=not problems)
    if problems:
        raise NorceFailure(
            operation=import_kind(operation),
            check="header_rule_oracle",
            rule_id=rule,
            problems=problems,
            severity=Severity.HIGH,
        )
    return None


def empty_collections(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = case_operation_id(case)
    content_type = response_content_type(response) or ""
    if operation is None or not 200 <= response.status_code < 300 or not response.content.strip():
        return True
    if not is_customer_service(operation):
        return True
    try:
        data = decode_body(operation, response.status_code, content_type, response.content, sampled=True)
    except Exception:
        return True  # an unparseable body is the schema checks' business
    problems = empty_collection_problems(operation, response.status_code, content_type, data)
    record_judged(EMPTY_COLLECTION_RULE, operation, held=not problems)
    _fail(case, "empty_collections", EMPTY_COLLECTION_RULE, problems)
    return None


# One Customer.Key memo per target origin and process: the Keys a run has seen, across Schemathesis' answers
# and the contract tests' (`customer_key_memo`). Per origin, so two targets served in one process (the unit
# tests, an embedded emulator per session) never mix their customers.
_KEY_MEMOS: dict[str, CustomerKeyMemo] = {}
_KEY_MEMOS_LOCK = threading.Lock()


def customer_key_memo(url: str) -> CustomerKeyMemo:
    """The memo of the target that `url` (any request URL) belongs to."""
    parts = urlsplit(str(url))
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    with _KEY_MEMOS_LOCK:
        return _KEY_MEMOS.setdefault(origin, CustomerKeyMemo())


def shows_stored_entities(operation_id: str) -> bool:
    """A read (GET) answers what the target stores; a POST may echo what was sent (GetExternalCustomerAddress
    answers the posted Customer, Key and Id included), so only reads feed the memo."""
    return spec_for(operation_id).operation(operation_id).method.upper() == "GET"


def entity_invariants(ctx: Any, response: Any, case: Any) -> bool | None:
    """CS-INVARIANTS: Keys are GUIDs, no two customers share a Key (in the answer or, for reads, with an
    earlier answer of the run), no two companies share OrgNo + Name."""
    operation = case_operation_id(case)
    content_type = response_content_type(response) or ""
    if operation is None or not 200 <= response.status_code < 300 or not response.content.strip():
        return True
    if not is_customer_service(operation):
        return True
    try:
        data = decode_body(operation, response.status_code, content_type, response.content, sampled=True)
    except Exception:
        return True  # an unparseable body is the schema checks' business
    memo = customer_key_memo(response.request.url) if shows_stored_entities(operation) else None
    problems = invariant_problems(operation, response.status_code, content_type, data, memo)
    if invariants_apply(operation, response.status_code, content_type):
        record_judged(INVARIANTS_RULE, operation, held=not problems)
    _fail(case, "entity_invariants", INVARIANTS_RULE, problems)
    return None


CHECKS = (
    xml_xsd_conformance,
    json_schema_conformance,
    norce_error_envelope,
    content_negotiation,
    header_rule_oracle,
    empty_collections,
    entity_invariants,
)
