"""Three views of a response schema, so an answer is judged by what its fault rests on.

- `strict`: the vendored description as it is (our own conventions included): SCHEMA-STRICT.
- `documented`: only what Norce documents: the documented members with their documented types. It allows
  members a release adds, a null where a collection is empty, .NET date-times (no offset, up to 7 fractional
  digits), Job/GetLog as one object or an array (Q6), and requires only the members whose absence the docs
  rule out: SCHEMA-DOCUMENTED.
- `drift`: the strict view with no room for unknown members; its `additionalProperties` errors are members a
  release added: SCHEMA-DRIFT, reported, never a failure on a tenant.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import jsonschema

from contracts.oracle import waivers
from contracts.oracle.sampling import sample_list
from contracts.oracle.spec import load_spec, spec_for

STRICT, DOCUMENTED, DRIFT = "strict", "documented", "drift"

# Members whose absence the docs rule out (the rest of each description's `required` is ours: a .NET
# serializer may omit null members, and Q1/Q6/Q7 leave the exact answers open).
DOCUMENTED_REQUIRED: dict[str, list[str]] = {
    "JobResponse": ["JobId", "ValidationSummary"],
    "ValidationSummary": ["NrOfItemsInTotal", "NrOfValidationFailures"],
    "JobDto": ["JobId", "StatusId", "Totals", "Inserts", "Updates", "Fail", "IsFinished"],
    "JobLogDto": ["SeverityId", "Message"],
    "ErrorMessage": [],
    "KeyValue": ["Key"],
}

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(?P<offset>Z|[+-]\d{2}:\d{2})?$", re.IGNORECASE
)
_NET_DATE_TIME = "net-date-time"


def _is_array_type(kind: Any) -> bool:
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _documented(node: Any, name: str | None = None) -> Any:
    if isinstance(node, list):
        return [_documented(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _documented(value) for key, value in node.items()}
    if out.get("additionalProperties") is False:
        del out["additionalProperties"]
    kind = out.get("type")
    if kind == "array":
        out["type"] = ["array", "null"]
    elif isinstance(kind, list) and "array" in kind and "null" not in kind:
        out["type"] = [*kind, "null"]
    if out.get("format") == "date-time":
        out["format"] = _NET_DATE_TIME
    if name in DOCUMENTED_REQUIRED and "required" in out:
        out["required"] = list(DOCUMENTED_REQUIRED[name])
    return out


def _drift(node: Any) -> Any:
    if isinstance(node, list):
        return [_drift(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _drift(value) for key, value in node.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@cache
def _components(spec_path: str, view: str) -> dict[str, Any]:
    components = copy.deepcopy(load_spec(spec_path).document.get("components", {}))
    if view == DOCUMENTED:
        schemas = components.get("schemas", {})
        components["schemas"] = {name: _documented(schema, name) for name, schema in schemas.items()}
    elif view == DRIFT:
        components["schemas"] = _drift(components.get("schemas", {}))
    return dict(components)


def _response_schema(operation_id: str, view: str, schema: Any) -> Any:
    if view == DOCUMENTED:
        documented = _documented(schema)
        if operation_id == "JobGetLog":  # Q6: the docs show one JobLogDto, the recommendation is an array
            return {"anyOf": [documented, {"$ref": "#/components/schemas/JobLogDto"}]}
        return documented
    return _drift(schema) if view == DRIFT else schema


def _format_checker(operation_id: str, view: str) -> jsonschema.FormatChecker:
    def strict_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        match = _DATE_TIME.match(value)
        if match is None:
            return False
        if match.group("offset") is None:
            return waivers.waive("W-NET-DATETIME", operation_id, f"date-time without offset: {value}")
        return True

    def net_date_time(value: object) -> bool:
        return not isinstance(value, str) or _DATE_TIME.match(value) is not None

    def int32(value: object) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    checker = jsonschema.FormatChecker(formats=())
    # `FormatChecker.checkers` maps a format to (function, exceptions it may raise); the `checks` decorator
    # fills the same table but is untyped.
    checker.checkers["date-time"] = (strict_date_time, ())
    checker.checkers[_NET_DATE_TIME] = (net_date_time, ())
    checker.checkers["int32"] = (int32, ())
    return checker


def schema_problems(
    operation_id: str, status: int, media_type: str, data: Any, view: str = STRICT
) -> list[str]:
    """Where `data` breaks the response schema of `operation_id` in the given view (Draft 2020-12)."""
    spec = spec_for(operation_id)
    entry = spec.media_entry(operation_id, status, media_type)
    if entry is None or "schema" not in entry:
        return []
    root = {
        "components": _components(str(spec.path), view),
        "allOf": [_response_schema(operation_id, view, entry["schema"])],
    }
    validator = jsonschema.Draft202012Validator(root, format_checker=_format_checker(operation_id, view))
    errors = validator.iter_errors(sample_list(data))  # contracts.oracle.sampling: why
    if view == DRIFT:
        errors = (e for e in errors if e.validator == "additionalProperties")
    return [f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}" for error in errors][
        :20
    ]
