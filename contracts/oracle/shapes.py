"""The shape of an answer, without its values: which members it has and their JSON types, and the values of
the few members that hold an enumeration. What a release can change without breaking a documented rule, so
what `observations.json` records and `norce-contracts compare` reports (issue: what changed since the last
release).

Pure functions: bytes in, sets of plain tuples out. List items are merged (`Companies[].Id`), so a list of
three customers has the shape of one. No value of an id, a date, a code or a name is kept: only members and
types, and the values of `ENUM_MEMBERS`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from contracts.oracle.media import XmlUnreadable, local_name, parse_xml

# Members whose values are an enumeration: a new value is worth a line in the comparison.
ENUM_MEMBERS = frozenset({"StatusId", "SeverityId", "StatusCode", "Key", "token_type", "TypeId", "Type"})
# Members that are an enumeration only inside a list of this name: an ErrorMessage's `Messages[].Key` is an
# error key (CustomerNotFound), while Customer.Key, Company.Key and Account.Key are GUIDs, different in
# every run (two runs of one release would differ in thousands of values).
ENUM_ONLY_IN = {"Key": "Messages"}
MAX_DEPTH = 8
MAX_ITEMS = 50  # items of one list looked at (the shape of a 3,000-item list is the shape of its first 50)

Shape = set[tuple[str, str]]  # (path, type)
Enums = set[tuple[str, str]]  # (member, value)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, Any]]:
    yield path, value
    if depth >= MAX_DEPTH:
        return
    if isinstance(value, dict):
        for name, member in value.items():
            yield from _walk(member, f"{path}.{name}" if path else str(name), depth + 1)
    elif isinstance(value, list):
        for item in value[:MAX_ITEMS]:
            yield from _walk(item, f"{path}[]", depth + 1)


def _is_enum(name: str, list_name: str | None) -> bool:
    """`name` holds an enumeration where it sits: `list_name` is the list whose item holds it, if any."""
    if name not in ENUM_MEMBERS:
        return False
    within = ENUM_ONLY_IN.get(name)
    return within is None or within == list_name


def json_shape(data: Any) -> tuple[Shape, Enums]:
    shape: Shape = set()
    enums: Enums = set()
    for path, value in _walk(data, "", 0):
        shape.add((path or "$", json_type(value)))
        parts = path.split(".")
        name = parts[-1].removesuffix("[]")
        holder = parts[-2] if len(parts) > 1 and parts[-2].endswith("[]") else None
        list_name = holder.removesuffix("[]") if holder is not None else None
        if _is_enum(name, list_name) and isinstance(value, (str, int)) and not isinstance(value, bool):
            enums.add((name, str(value)))
    return shape, enums


def xml_shape(content: bytes) -> tuple[Shape, Enums]:
    """Element paths (local names; repeated siblings merged) and the text of enumeration elements."""
    try:
        root = parse_xml(content)
    except XmlUnreadable:
        return {("$", "unreadable-xml")}, set()
    shape: Shape = set()
    enums: Enums = set()

    def visit(element: Any, path: str, depth: int) -> None:
        name = local_name(element.tag)
        here = f"{path}/{name}" if path else name
        children = list(element)
        shape.add((here, "element" if children else "text"))
        # An XML list item is an element of its own (Messages/KeyValue/Key): the list is two names up.
        above = here.split("/")
        list_name = above[-3] if len(above) > 2 else None
        if _is_enum(name, list_name) and not children and (element.text or "").strip():
            enums.add((name, element.text.strip()))
        if depth < MAX_DEPTH:
            for child in children[:MAX_ITEMS]:
                visit(child, here, depth + 1)

    visit(root, "", 0)
    return shape, enums


def answer_shape(content: bytes, content_type: str) -> tuple[Shape, Enums]:
    """The shape of an answer body in its media type; an empty body has the shape `$: empty`."""
    if not content.strip():
        return {("$", "empty")}, set()
    kind = content_type.split(";")[0].strip().lower()
    if "json" in kind:
        try:
            return json_shape(json.loads(content))
        except ValueError:
            return {("$", "unreadable-json")}, set()
    if "xml" in kind:
        return xml_shape(content)
    return {("$", kind or "untyped")}, set()
