"""The suite's Schemathesis hooks (registered by `contracts.schemathesis_ext.register`):
- `flatmap_case` (fuzzing/stateful, import operations): a valid X-StormConnect-Header matching the body's
  media type, drawn from `contracts.oracle.strategies`, unless Schemathesis is mutating the header on purpose;
- `map_case` (examples/coverage, where `flatmap_case` does not run): a positive case whose header breaks a
  rule (e.g. the docs' example on ImportCustomers lacks Companies (19)) gets a canonical valid header;
  `before_add_examples` applies it to the examples phase, whose cases bypass the strategy hooks;
- `filter_failure`: drops a failure only through an active waiver (`contracts.oracle.waivers`), which
  records it (e.g. ST202 answered by a 1.1 business 400: W-BUSINESS-400, scoped by `business_400_key`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from contracts.oracle import waivers
from contracts.oracle.evidence import JUDGEMENTS
from contracts.oracle.header import (
    HEADER_NAME,
    IMPORT_OPERATIONS,
    CustomerHeader,
    expected_violation,
    import_kind,
    to_json,
)
from contracts.oracle.import_checks import (
    is_max_length_error,
    rejected_items,
    xml_request_conforms,
    xml_request_errors,
)
from contracts.oracle.media import JSON
from contracts.oracle.response_checks import business_400_key
from contracts.oracle.strategies.headers import valid_headers
from contracts.reports.recorder import current_recorder
from contracts.reports.verdicts import enforced
from contracts.schemathesis_ext.checks import NorceFailure, case_operation_id, response_content_type

# Smallest headers a conformant server accepts for each import (used when nothing is drawn).
CANONICAL_HEADERS = {
    "ImportCompanies": CustomerHeader(1, company_fields=(2, 3, 4)),
    "ImportCustomers": CustomerHeader(1, customer_fields=(2, 3, 6, 8)),
}


def _header_is_mutated(case: Any) -> bool:
    """Whether Schemathesis generated the headers in negative mode (then its value is left alone)."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    component = meta.components.get(ParameterLocation.HEADER)
    return component is not None and component.mode.is_negative


def _current_header(case: Any) -> str | None:
    for key, value in (case.headers or {}).items():
        if key.lower() == HEADER_NAME.lower():
            return None if value is None else str(value)
    return None


def _set_header(case: Any, value: str) -> Any:
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != HEADER_NAME.lower()}
    headers[HEADER_NAME] = value
    case.headers = headers
    return case


def flatmap_case(ctx: Any, case: Any) -> Any:
    if _header_is_mutated(case):
        return st.just(case)
    operation = case_operation_id(case) or ""
    media_type = case.media_type or JSON
    # has_payload=False keeps StorageName out: on a real tenant it would point at Norce's file area.
    headers = valid_headers(operation, media_type, has_payload=False)
    return headers.map(lambda pair: _set_header(case, pair[1]))


def map_case(ctx: Any, case: Any) -> Any:
    operation = case_operation_id(case) or ""
    if operation not in CANONICAL_HEADERS or _header_is_mutated(case):
        return case
    media_type = case.media_type or JSON
    if expected_violation(operation, _current_header(case), media_type) is not None:
        return _set_header(case, to_json(CANONICAL_HEADERS[import_kind(operation)], "int"))
    return case


def before_add_examples(ctx: Any, examples: list[Any]) -> None:
    """The examples phase builds cases outside the strategies, so `map_case` never sees them: apply it here.

    The docs' header example is shared by both imports but breaks HDR-DEP-COMPANIES on ImportCustomers
    (CompanyFieldsThatAreSet without Companies (19)); a positive example must carry a valid header."""
    for case in examples:
        map_case(ctx, case)


def connect_negative_not_violating(operation_id: str, response: Any) -> bool:
    """An ST201 on a Connect import that is no violation: the XML wire body conforms to the XSD (XML cannot
    carry the value's negativity, e.g. `{}` for an array), or the 200 rejects the item in its
    ValidationSummary, the documented per-item rejection (import-semantics.md "Initial validation")."""
    request = response.request
    body = request.body.encode() if isinstance(request.body, str) else bytes(request.body or b"")
    if xml_request_conforms(operation_id, request.headers.get("content-type"), body):
        return True
    content_type = response_content_type(response)
    return rejected_items(operation_id, response.status_code, content_type, response.content) > 0


def only_max_length_violated(operation_id: str, message: str, request: Any) -> bool:
    """Whether the request's one violation is a string over maxLength: for XML, every XSD error of the wire
    body is a maxLength one; otherwise Schemathesis' ST201 names maxLength as the one invalid component."""
    body = request.body.encode() if isinstance(request.body, str) else bytes(request.body or b"")
    xml_errors = xml_request_errors(operation_id, request.headers.get("content-type"), body)
    if xml_errors is not None:
        return bool(xml_errors) and all(is_max_length_error(reason) for reason in xml_errors)
    return _one_invalid_component(message).endswith("String larger than maxLength")


def _one_invalid_component(message: str) -> str:
    """The 'Invalid component: ...' line of an ST201 message when there is exactly one, else ''."""
    components = [
        line.strip() for line in message.splitlines() if line.strip().startswith("Invalid component:")
    ]
    return components[0] if len(components) == 1 else ""


def judgement_of(failure: Any, response: Any) -> str | None:
    """The judgement (contracts/oracle/evidence.py) a Schemathesis failure rests on; None if unknown."""
    if isinstance(failure, NorceFailure):
        return failure.rule_id
    checks = getattr(failure, "checks", ()) or ()
    if not checks:
        return None
    check = str(checks[0])
    status = int(getattr(response, "status_code", 0) or 0)
    answered_for_the_operation = 200 <= status < 300 or status == 400
    body_less = not (getattr(response, "content", b"") or b"").strip()
    if check == "status_code_conformance" and not 200 <= status < 300:
        return "status_code_undeclared"  # a refusal status the docs do not fix (404, 405, 406, 413, 415, ...)
    if check == "status_code_conformance" and status == 204 and body_less:
        return "CS-NOT-FOUND-FORM"  # no entity as 204 No Content: one of the not-found forms (Q5)
    if check == "content_type_conformance" and not answered_for_the_operation:
        return "content_type_gateway"
    if check == "content_type_conformance" and body_less:
        return "content_type_empty_body"
    return check if check in JUDGEMENTS else None


def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure except those an active waiver covers and those the run does not enforce: a finding
    above the run's strictness becomes a recorded deviation (each drop is recorded)."""
    if not _kept_by_waivers(failure, case, response):
        return False
    judgement = judgement_of(failure, response)
    if judgement is None or enforced(judgement):
        return True
    operation = case_operation_id(case) or str(case.operation.label)
    title = getattr(failure, "title", "")
    detail = f"{title}: {getattr(failure, 'message', '')}".strip(": ")
    current_recorder().deviation(judgement, operation, getattr(case, "media_type", None) or "", detail)
    return False


def _kept_by_waivers(failure: Any, case: Any, response: Any) -> bool:
    """Every failure but those an active waiver covers (each use is recorded)."""
    operation = case_operation_id(case) or ""
    if "negative_data_rejection" in getattr(failure, "checks", ()) and operation in IMPORT_OPERATIONS:
        if connect_negative_not_violating(operation, response):
            return False
        message = str(getattr(failure, "message", ""))
        if only_max_length_violated(operation, message, response.request):
            return not waivers.waive("W-Q16-MAXLENGTH", operation, "string over maxLength accepted")
        if _one_invalid_component(message).endswith("Value not matching the 'uri' format"):
            return not waivers.waive("W-CONNECT-URI-FORMAT", operation, "non-URI string accepted")
    # Schemathesis 4.32.5: ST202 is `RejectedPositiveData`, whose class attribute `checks` names the check.
    if "positive_data_acceptance" in getattr(failure, "checks", ()):
        content_type = response_content_type(response)
        key = business_400_key(operation, response.status_code, content_type, response.content)
        if key is not None:
            return not waivers.waive("W-BUSINESS-400", operation, f"400 {key} on a schema-valid request")
    return True
