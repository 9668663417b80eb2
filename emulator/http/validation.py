"""Request validation driven by the vendored descriptions: query parameters and JSON bodies.

Query values arrive as text; they are converted by the parameter schema's type and then checked against the
whole parameter schema (pattern, format, enum, ...) with jsonschema, so the spec is the single rule book.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from emulator.http.errors import BadRequest
from emulator.http.spec import Operation, SpecDocument

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_FORMAT_CHECKER = FormatChecker()


# A .NET deserializer refuses a number that does not fit the member's Int32/Int64 (jsonschema knows neither).
def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or _INT32[0] <= value <= _INT32[1]


def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or _INT64[0] <= value <= _INT64[1]


# Registered by call, not as decorators: jsonschema ships no type information, so a decorator would make the
# checks untyped for mypy.
_FORMAT_CHECKER.checks("int32")(_is_int32)
_FORMAT_CHECKER.checks("int64")(_is_int64)


def _primary_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _convert(name: str, raw: str, schema: dict[str, Any]) -> Any:
    kind = _primary_type(schema)
    if kind == "integer":
        if not _INTEGER.match(raw.strip()):
            raise BadRequest(f"Query parameter {name} must be an integer.", key="InvalidParameter")
        value = int(raw.strip())
        low, high = _INT64 if schema.get("format") == "int64" else _INT32
        if not low <= value <= high:
            raise BadRequest(f"Query parameter {name} is out of range.", key="InvalidParameter")
        return value
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise BadRequest(f"Query parameter {name} must be a number.", key="InvalidParameter") from None
    if kind == "boolean":
        lowered = raw.strip().lower()  # .NET bool.Parse is case-insensitive
        if lowered not in {"true", "false"}:
            raise BadRequest(f"Query parameter {name} must be true or false.", key="InvalidParameter")
        return lowered == "true"
    return raw


@lru_cache(maxsize=8)
def _registry(spec: SpecDocument) -> Registry:
    # with_resources, not with_resource: the latter has no return annotation, so mypy would see Any
    return Registry().with_resources([("urn:spec", Resource.from_contents(spec.document, DRAFT202012))])


def _check(spec: SpecDocument, schema: dict[str, Any], value: Any) -> str | None:
    """The first schema violation as text, or None. `$ref`s resolve inside the spec document."""
    validator = Draft202012Validator(
        _rebase(schema), registry=_registry(spec), format_checker=_FORMAT_CHECKER
    )
    try:
        error = next(iter(validator.iter_errors(value)), None)
    except (ValidationError, RecursionError, ValueError) as problem:
        return str(problem)[:200]
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where or 'body'}: {error.message[:200]}"


def _rebase(schema: Any) -> Any:
    """Point local `#/...` references at the spec document resource."""
    if isinstance(schema, dict):
        return {
            key: (
                "urn:spec" + value
                if key == "$ref" and isinstance(value, str) and value.startswith("#")
                else _rebase(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


def query_arguments(operation: Operation, query: dict[str, str]) -> dict[str, Any]:
    """Spec-typed values of the operation's query parameters, by name (absent optional ones left out)."""
    arguments: dict[str, Any] = {}
    for parameter in operation.parameters:
        if parameter.get("in") != "query":
            continue
        name = str(parameter.get("name"))
        schema = operation.spec.resolve(parameter.get("schema", {}))
        if name not in query:
            if parameter.get("required"):
                raise BadRequest(f"Query parameter {name} is required.", key="MissingParameter")
            continue
        value = _convert(name, query[name], schema)
        problem = _check(operation.spec, schema, value)
        if problem is not None:
            raise BadRequest(f"Query parameter {name} is invalid: {problem}", key="InvalidParameter")
        arguments[name] = value
    return arguments


def body_schema(operation: Operation) -> tuple[bool, dict[str, Any] | None]:
    """(required, JSON schema) of the operation's request body; (False, None) when it takes none."""
    body = operation.spec.resolve(operation.definition.get("requestBody"))
    if not body:
        return False, None
    content = body.get("content") or {}
    media: Any = content.get("application/json") or next(iter(content.values()), {})
    return bool(body.get("required")), media.get("schema") if isinstance(media, dict) else None


def json_body(operation: Operation, raw: bytes, content_type: str | None) -> Any:
    """The parsed and schema-checked JSON body, or None when the operation takes none and none was sent."""
    required, schema = body_schema(operation)
    if schema is None:
        return None
    if not raw.strip():
        if required:
            raise BadRequest("A request body is required.", key="BodyMissing")
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("The request body is not valid JSON.", key="BodyMalformed") from None
    problem = _check(operation.spec, schema, value)
    if problem is not None:
        raise BadRequest(f"The request body does not match the schema: {problem}", key="BodyInvalid")
    return value
