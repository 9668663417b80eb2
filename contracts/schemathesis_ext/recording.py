"""Schemathesis `after_validate`: every check result of every case becomes a recorded check event.

So `case.call_and_validate()` needs no wrapper: the hook sees each result, names the rule it rests on (a
`NorceFailure` carries its rule id; the header-rule oracle's verdict is the rule the request exercised), adds
header-rule and enum coverage for imports, and attaches a redacted curl to failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from contracts.oracle.evidence import JUDGEMENTS, NOT_RUN
from contracts.oracle.header import HEADER_NAME, IMPORT_OPERATIONS, expected_violation
from contracts.reports.coverage import accepted_rule_hint, record_header_enums
from contracts.reports.recorder import (
    current_recorder,
    record_check,
    record_header_rule,
    record_judged,
    register_secret,
)
from contracts.schemathesis_ext.checks import NorceFailure, case_operation_id, header_value
from contracts.schemathesis_ext.hooks import judgement_of
from contracts.transport.curl import as_curl


def _request_media_type(case: Any, request: Any) -> str:
    """Body media type for requests with a body, otherwise what the request asked for (Accept)."""
    headers = getattr(request, "headers", None)
    return (
        getattr(case, "media_type", None)
        or header_value(headers, "content-type")
        or header_value(headers, "accept")
        or "-"
    )


def learn_credentials(headers: Mapping[str, Any] | None) -> None:
    """Tokens seen in an Authorization header become secrets for redaction and the final scan."""
    authorization = header_value(headers, "authorization") or ""
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() in ("bearer", "basic") and credential.strip():
        register_secret(f"{scheme.lower()} credential", credential.strip())


def curl_of(request: Any) -> str:
    """A redacted curl command for a request Schemathesis sent (a `requests` PreparedRequest)."""
    body = getattr(request, "body", None)
    content = body.encode() if isinstance(body, str) else body
    try:
        built = httpx.Request(
            str(request.method), str(request.url), headers=dict(request.headers), content=content
        )
    except Exception as exc:  # an unusual request object: say so rather than losing the failure
        return f"# could not rebuild the request as curl: {type(exc).__name__}"
    return as_curl(built, list(current_recorder().secrets.values()))


def _expected_header_rule(operation: str, request: Any) -> str | None:
    value = header_value(request.headers, HEADER_NAME)
    body = getattr(request, "body", None)
    return expected_violation(
        operation, value, header_value(request.headers, "content-type"), has_payload=bool(body)
    ) or accepted_rule_hint(value)


def record_validation(context: Any, case: Any, response: Any, results: list[Any]) -> None:
    """One check event per result, plus header-rule and enum coverage for the imports."""
    operation = case_operation_id(case) or str(getattr(case.operation, "label", "?"))
    request = response.request
    learn_credentials(request.headers)
    media_type = _request_media_type(case, request)
    header_rule = None
    if operation in IMPORT_OPERATIONS:
        record_header_enums(header_value(request.headers, HEADER_NAME))
        header_rule = _expected_header_rule(operation, request)
    curl: str | None = None
    for result in results:
        failure = getattr(result, "failure", None)
        passed = failure is None
        # A NorceFailure names its rule; a generic check (schema, XSD) is its own rule, recorded as the check.
        rule_id = (
            failure.rule_id
            if isinstance(failure, NorceFailure) and failure.rule_id != failure.check
            else None
        )
        if result.name == "header_rule_oracle" and header_rule is not None:
            rule_id = rule_id or header_rule
            record_header_rule(header_rule, "pass" if passed else "fail", operation=operation)
        detail = ""
        if not passed:
            detail = f"{getattr(failure, 'title', '')}\n{getattr(failure, 'message', '')}".strip()
            curl = curl if curl is not None else curl_of(request)
            # filter_failure kept it, so the test fails on this judgement (or on the check, if none is known)
            judgement = judgement_of(failure, response) or result.name
            current_recorder().failure(judgement, operation, media_type)
        record_check(operation, media_type, result.name, passed, rule_id, detail, curl=curl or "")
        # A Schemathesis built-in check: its name is its judgement. Those of NOT_RUN are called but cannot
        # judge anything in this suite (Schemathesis' stateful phase is off): they exercise no fact.
        if result.name in JUDGEMENTS and result.name not in NOT_RUN:
            record_judged(result.name, operation)
