"""Customer Service 1.1 handlers: one per operation, each a thin adapter from HTTP to `CustomerService`.

Query parameters are typed and checked against the spec (validation.query_arguments), the JSON body against
the request body schema; the camelCase parameter names become the snake_case keyword arguments of the domain
method named after the operationId.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.domain.customer_service import CustomerService
from emulator.http import cs_fact_fault_effects, fault_effects
from emulator.http.bodies import body_limit, read_body
from emulator.http.errors import BadRequest, UnsupportedMediaType
from emulator.http.routing import Call, Handler, Reply
from emulator.http.validation import body_schema, json_body, query_arguments

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
JSON_TYPES = {"application/json", "text/json"}


def snake_case(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _check_json_content_type(call: Call) -> None:
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in JSON_TYPES:
        raise UnsupportedMediaType(f"Request bodies must be application/json, not {content_type}.")


def _refuse_undeclared_parameters(call: Call, query_names: list[str]) -> None:
    """extra-query-parameter-400: a parameter the operation does not declare is refused (names compare
    case-insensitively, as .NET binds them)."""
    if not call.runtime.variants.is_on("extra-query-parameter-400") or call.operation is None:
        return
    declared = {str(p.get("name")).lower() for p in call.operation.parameters if p.get("in") == "query"}
    undeclared = sorted(name for name in query_names if name.lower() not in declared)
    if undeclared:
        raise BadRequest(f"Unknown query parameter(s): {', '.join(undeclared)}.", key="UnknownParameter")


def operation_handler(operation_id: str) -> Handler:
    """The handler of one 1.1 operation (the domain method with the same name does the work)."""

    async def handle(call: Call) -> Reply:
        assert call.operation is not None
        query = {key: value for key, value in call.request.query_params.items()}
        faults = call.runtime.faults
        cs_fact_fault_effects.refuse_withdrawn(faults, operation_id)
        fault_effects.unknown_query_parameter_crash(faults, call.operation, list(query))
        refused = fault_effects.culture_code_refusal(faults, operation_id, query)
        if refused is not None:
            raise refused
        _refuse_undeclared_parameters(call, list(query))
        cs_fact_fault_effects.require_actor(faults, operation_id, query)
        given = cs_fact_fault_effects.query(faults, operation_id, query)
        arguments: dict[str, Any] = {
            snake_case(name): value for name, value in query_arguments(call.operation, given).items()
        }
        _, schema = body_schema(call.operation)
        if schema is not None:
            limit = body_limit(call.runtime.config.max_body_bytes, call.runtime.variants)
            raw = await read_body(call.request, limit)
            content_type = call.request.headers.get("content-type")
            if raw.strip():
                _check_json_content_type(call)
                cs_fact_fault_effects.refuse_body_media(faults, operation_id, content_type or "")
            body = json_body(call.operation, raw, content_type)
            arguments["body"] = cs_fact_fault_effects.login_body(faults, operation_id, query, body)
        value = call.runtime.customers.operation(operation_id)(**arguments)
        seeded = fault_effects.not_found_error(faults, operation_id, value)
        if seeded is not None:
            raise seeded
        return Reply(value=value)

    handle.__name__ = f"handle_{operation_id}"
    return handle


def customer_handlers(operation_ids: list[str]) -> dict[str, Handler]:
    """Handlers for the spec's 1.1 operations that `CustomerService` implements."""
    return {op: operation_handler(op) for op in operation_ids if CustomerService.implements(op)}
