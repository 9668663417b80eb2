"""The strategies agree with the oracle, and generated bodies satisfy the spec's JSON schema and the XSD."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.oracle.enums import rejecting_rule_ids
from contracts.oracle.header import IMPORT_OPERATIONS, expected_violation
from contracts.oracle.media import JSON, XML
from contracts.oracle.spec import CONNECT_SPEC, OPENAPI_DIR, load_spec
from contracts.oracle.strategies.bodies import DEFAULT_RUN_PREFIX
from contracts.oracle.strategies.headers import (
    invalid_header_strategies,
    invalid_headers,
    universal_header_objects,
    valid_headers,
)
from contracts.oracle.strategies.requests import header_and_body_cases, import_requests

FAST = settings(
    max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
COMBINATIONS = [(op, ct) for op in IMPORT_OPERATIONS for ct in (JSON, XML)]


@pytest.mark.parametrize(("operation", "content_type"), COMBINATIONS)
def test_valid_headers_are_accepted_by_the_oracle(operation: str, content_type: str) -> None:
    @FAST
    @given(valid_headers(operation, content_type))
    def run(pair: tuple[Any, str]) -> None:
        header, value = pair
        assert "\n" not in value and "\r" not in value
        assert expected_violation(operation, value, content_type) is None
        assert expected_violation(operation, header, content_type) is None

    run()


RULE_CASES = [
    (operation, content_type, has_payload, rule)
    for operation, content_type in COMBINATIONS
    for has_payload in (True, False)
    for rule in invalid_header_strategies(operation, content_type, has_payload=has_payload)
]


@pytest.mark.parametrize(("operation", "content_type", "has_payload", "rule"), RULE_CASES)
def test_each_invalid_header_breaks_exactly_its_rule(
    operation: str, content_type: str, has_payload: bool, rule: str
) -> None:
    strategy = invalid_header_strategies(operation, content_type, has_payload=has_payload)[rule]

    @settings(FAST, max_examples=15)
    @given(strategy)
    def run(value: str | None) -> None:
        assert expected_violation(operation, value, content_type, has_payload=has_payload) == rule

    run()


@pytest.mark.parametrize(("operation", "content_type"), COMBINATIONS)
def test_unparseable_headers_are_sendable_http_field_values(operation: str, content_type: str) -> None:
    """HTTP cannot carry a field value with edge white space (h11 refuses to send one): such a draw failed
    fault-free runs at seeds 59, 68 and 72 before it ever reached the server."""
    strategy = invalid_header_strategies(operation, content_type)["HDR-SYNTAX"]

    @settings(FAST, max_examples=200)
    @given(strategy)
    def run(value: str | None) -> None:
        assert value is not None and value == value.strip() and value
        assert expected_violation(operation, value, content_type) == "HDR-SYNTAX"

    run()


def test_every_rejecting_rule_has_a_strategy_somewhere() -> None:
    covered: set[str] = set()
    for operation in IMPORT_OPERATIONS:
        for content_type in (JSON, XML):
            covered |= set(invalid_header_strategies(operation, content_type, has_payload=False))
    assert covered == set(rejecting_rule_ids())


@FAST
@given(invalid_headers("ImportCustomers", XML))
def test_invalid_headers_pairs_carry_their_rule(pair: tuple[str | None, str]) -> None:
    value, rule = pair
    assert expected_violation("ImportCustomers", value, XML) == rule


@FAST
@given(universal_header_objects())
def test_universal_headers_suit_both_imports(header: Any) -> None:
    for operation in IMPORT_OPERATIONS:
        assert expected_violation(operation, header, XML) is None


def _json_validator(operation: str) -> jsonschema.Draft202012Validator:
    spec = load_spec(CONNECT_SPEC)
    root = {"components": spec.document["components"], "allOf": [spec.request_schema(operation, JSON)]}
    return jsonschema.Draft202012Validator(root)


IMPORT_XSD = xmlschema.XMLSchema(str(OPENAPI_DIR / "xsd" / "connect-customer-import.xsd"))


@pytest.mark.parametrize("operation", IMPORT_OPERATIONS)
def test_generated_bodies_validate_against_the_spec_and_the_xsd(operation: str) -> None:
    validator = _json_validator(operation)

    @settings(FAST, max_examples=20)
    @given(import_requests(operation, run_prefix="nct-abcd-", insertable=True))
    def run(request: Any) -> None:
        errors = [e.message for e in validator.iter_errors(request.items)]
        assert errors == []
        for item in request.items:
            assert item["Code"].startswith("nct-abcd-")
        assert expected_violation(operation, request.header_value, request.content_type) is None
        if request.content_type == XML:
            assert [str(e) for e in IMPORT_XSD.iter_errors(request.body)] == []
        else:
            assert json.loads(request.body) == request.items

    run()


@pytest.mark.parametrize("operation", IMPORT_OPERATIONS)
def test_header_and_body_cases_state_their_outcome(operation: str) -> None:
    @settings(FAST, max_examples=30)
    @given(header_and_body_cases(operation))
    def run(pair: Any) -> None:
        request, expected = pair
        verdict = expected_violation(
            operation, request.header_value, request.content_type, has_payload=bool(request.body)
        )
        if expected.status == 200:
            assert verdict is None and expected.items == len(request.items)
        else:
            assert expected.status == 400 and verdict == expected.rule_id

    run()


@given(st.data())
@settings(max_examples=5, derandomize=True, deadline=None)
def test_run_prefix_defaults_are_identifiable(data: st.DataObject) -> None:
    request = data.draw(import_requests("ImportCompanies", media_types=[JSON]))
    assert all(item["Code"].startswith(DEFAULT_RUN_PREFIX) for item in request.items)
