"""The HTTP wiring of the generated fault families (emulator/fact_faults/families.py): a 1.1 operation that is
gone, an answer member that breaks its documented type, length or nullability, and 1.1 XML names.

Each hook is driven by the families' tables and costs one set intersection when none of their faults is on.
`routing.Dispatcher` asks `withdrawn`; `fault_effects._walk` calls `mutate_members` for every object it
visits;
`routing` calls `json_member_names` and `error_body`; `serializers/xml.py` calls `xml_item_name`,
`xml_root_name` and `xml_document`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from emulator.fact_faults.families import (
    MEMBER_FAULTS,
    WITHDRAWN_PATHS,
    XML_COLLECTIONS,
    XML_LIST_ROOT_FAULT,
    XML_NAMESPACE_FAULTS,
    MemberFault,
    customer_service_operations,
    missing_operation_fault,
    wrong_item_name,
    xml_item_fault,
)
from emulator.faults import Faults
from emulator.http.spec import Schema, SpecDocument

Plain = dict[str, Any]
WRONG_NAMESPACE = "http://tempuri.org/"

# --- a 1.1 operation is gone --------------------------------------------------------------------------------
_MISSING: dict[str, tuple[str, ...]] = {
    **{missing_operation_fault(op): (op,) for op in customer_service_operations()},
    **WITHDRAWN_PATHS,
}
_MISSING_NAMES = frozenset(_MISSING)


def withdrawn(faults: Faults, operation_ids: Iterable[str]) -> bool:
    """Whether an operation-missing-* (or whole-service) fault has taken these operations (a path's) away."""
    on = faults.on & _MISSING_NAMES
    return bool(on) and any(op in _MISSING[name] for name in on for op in operation_ids)


# --- statuses, media types and bodies of whole answers (the remaining facts) --------------------------------
def success_status(faults: Faults, api: str, method: str, status: int) -> int:
    return 201 if api == "customer" and method == "POST" and "cs-success-returns-201" in faults.on else status


def error_status(faults: Faults, api: str | None, status: int) -> int:
    if api == "customer" and status == 400 and "cs-business-error-409" in faults.on:
        return 409
    if api == "customer" and status == 401 and "cs-auth-refusal-400" in faults.on:
        return 400
    return status


def content_type(faults: Faults, operation_id: str, value: str) -> str:
    imports = operation_id in ("ImportCompanies", "ImportCustomers")
    return "text/plain" if imports and "import-answer-text-plain" in faults.on else value


def answer_value(faults: Faults, operation_id: str, value: Any) -> Any:
    return [] if operation_id == "JobList" and "job-list-empty" in faults.on else value


def no_entity_body(faults: Faults, api: str) -> bytes:
    return b"true" if api == "customer" and "cs-no-entity-answers-true" in faults.on else b""


# --- answer members -----------------------------------------------------------------------------------------
def _max_length(schema: Schema) -> int:
    length = schema.get("maxLength")
    return int(length) if isinstance(length, int) else 0


def _too_long(value: Any, schema: Schema) -> Any:
    text = value if isinstance(value, str) else ""
    limit = _max_length(schema)
    return text if len(text) > limit else text.ljust(limit + 1, "x")


def _as_string(value: Any, _: Schema) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _epoch_number(value: Any, _: Schema) -> Any:
    if not isinstance(value, str):
        return 0
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def _guid_number(value: Any, _: Schema) -> Any:
    try:
        return uuid.UUID(str(value)).int
    except ValueError:
        return 0


def _as_map(value: Any, _: Schema) -> Any:
    return {str(entry.get("Id")): entry.get("Value") for entry in value or [] if isinstance(entry, dict)}


def _messages_as_map(value: Any, _: Schema) -> Any:
    return {str(entry.get("Key")): entry.get("Value") for entry in value or [] if isinstance(entry, dict)}


MUTATIONS: dict[str, Callable[[Any, Schema], Any]] = {
    "too-long": _too_long,
    "null": lambda value, schema: None,
    "as-string": _as_string,
    "as-list": lambda value, schema: [] if value is None else [value],
    "as-object": lambda value, schema: (value or [{}])[0] if isinstance(value, list) else {},
    "as-map": _as_map,
    "joined": lambda value, schema: ",".join(str(item) for item in value or []),
    "epoch-number": _epoch_number,
    "date-only": lambda value, schema: value[:10] if isinstance(value, str) else "1970-01-01",
    "number": _guid_number,
    "messages-as-map": _messages_as_map,
}
_ROWS: dict[tuple[str, str], list[MemberFault]] = {}
for _row in MEMBER_FAULTS:
    if _row.mutation != "camel-case":  # JSON names, not values: json_member_names
        _ROWS.setdefault((_row.api, _row.component), []).append(_row)
MEMBER_FAULT_NAMES = frozenset(row.name for row in MEMBER_FAULTS)
_CAMEL_CASE = next(row.name for row in MEMBER_FAULTS if row.mutation == "camel-case")


def _members(row: MemberFault, schema: Schema, spec: SpecDocument) -> Iterable[tuple[str, Schema]]:
    properties = schema.get("properties") or {}
    if row.members != ("*",):
        return ((member, spec.resolve(properties.get(member, {}))) for member in row.members)
    # every GUID member of the component (F-45-GUID)
    resolved = ((member, spec.resolve(raw)) for member, raw in properties.items())
    return ((member, sub) for member, sub in resolved if sub.get("format") == "uuid")


def mutate_members(faults: Faults, spec: SpecDocument, component: str, value: Plain) -> None:
    """Apply the member faults that are on to one answer object of `component` (in place)."""
    if not (faults.on & MEMBER_FAULT_NAMES):
        return
    schema = spec.component(component) or {}
    for row in (*_ROWS.get((spec.api, component), ()), *_ROWS.get((spec.api, "*"), ())):
        if row.name not in faults.on:
            continue
        for member, member_schema in _members(row, schema, spec):
            if member in value:
                value[member] = MUTATIONS[row.mutation](value[member], member_schema)


def _camel(value: Any) -> Any:
    if isinstance(value, list):
        return [_camel(item) for item in value]
    if isinstance(value, dict):
        return {(key[:1].lower() + key[1:]): _camel(item) for key, item in value.items()}
    return value


def json_member_names(faults: Faults, api: str, value: Any) -> Any:
    """A 1.1 JSON answer with camelCase member names under json-members-camel-case (F-45-PASCAL-CASE)."""
    return _camel(value) if api == "customer" and _CAMEL_CASE in faults.on else value


def error_body(faults: Faults, spec: SpecDocument, body: Plain) -> Plain:
    """An ErrorMessage with the ErrorMessage member faults applied (a copy when one is on)."""
    if not (faults.on & MEMBER_FAULT_NAMES):
        return body
    body = dict(body)
    mutate_members(faults, spec, "ErrorMessage", body)
    return body


# --- 1.1 XML names ------------------------------------------------------------------------------------------
_ITEM_FAULTS = {item: xml_item_fault(collection) for collection, item in XML_COLLECTIONS.items()}
_XML_FAULT_NAMES = frozenset({*_ITEM_FAULTS.values(), *XML_NAMESPACE_FAULTS.values(), XML_LIST_ROOT_FAULT})


def xml_item_name(faults: Faults, api: str, name: str) -> str:
    fault = _ITEM_FAULTS.get(name)
    return wrong_item_name(name) if api == "customer" and fault is not None and fault in faults.on else name


def xml_root_name(faults: Faults, spec: SpecDocument, schema: Any, name: str) -> str:
    """A 1.1 list answer's root named <XCollection> under xml-list-root-renamed (F-2C-XML-ARRAYOF)."""
    if spec.api != "customer" or XML_LIST_ROOT_FAULT not in faults.on:
        return name
    resolved = spec.resolve(schema) if schema is not None else {}
    if resolved.get("type") != "array":
        return name
    items = resolved.get("items") or {}
    ref = items.get("$ref") if isinstance(items, dict) else None
    item = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else "Item"
    return f"{item}Collection"


def xml_document(faults: Faults, api: str, document: str) -> str:
    """A 1.1 XML document with the namespaces whose fault is on replaced (every declaration of it)."""
    if api != "customer" or not (faults.on & _XML_FAULT_NAMES):
        return document
    for namespace, fault in XML_NAMESPACE_FAULTS.items():
        if fault in faults.on:
            document = document.replace(f'"{namespace}"', f'"{WRONG_NAMESPACE}"')
    return document
