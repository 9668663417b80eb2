"""Write JSON-like values as XML the way a DataContractSerializer peer expects them.

Follows the OpenAPI `xml` annotations of the vendored spec:
- elements in the schema's declared property order (DataContract order), never dict order;
- a property element lives in the namespace of the type that declares it (or its own `xml.namespace`,
  used for base-class members); its children live in the namespace of the property's type;
- arrays are wrapped: the property element holds one element per item, named by the item type's `xml.name`;
- `None` on a nullable property becomes `xsi:nil="true"`; booleans are `true`/`false`;
- enum names (from `x-enum-names`) become their integers, as the XML forms require;
- characters that XML 1.0 cannot carry are dropped.
Schemathesis' built-in XML serializer does none of this (see docs/schemathesis-notes.md §5).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from contracts.oracle.spec import Spec

XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
_XML_INVALID_CHARS = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_CONSTRAINING_KEYWORDS = frozenset(
    {"type", "anyOf", "oneOf", "allOf", "enum", "const", "properties", "items"}
)

ElementTree.register_namespace("i", XSI_NAMESPACE)

Schema = dict[str, Any]


class XmlEncodingError(ValueError):
    """The value cannot be written under the given schema (no root name, unknown property...)."""


def to_xml(
    value: Any,
    schema: Schema,
    spec: Spec,
    *,
    root_name: str | None = None,
    enum_names_as_integers: bool = True,
) -> bytes:
    """Serialize `value` under `schema` (may be a `$ref`) to UTF-8 XML with a declaration."""
    writer = _Writer(spec, enum_names_as_integers)
    resolved = writer.unwrap(schema)[0]
    xml_info = resolved.get("xml", {})
    name = root_name or xml_info.get("name")
    if not name:
        raise XmlEncodingError("the root schema has no xml.name; pass root_name")
    namespace = xml_info.get("namespace", "")
    root = ElementTree.Element(_qualified(namespace, name))
    writer.fill(root, value, schema, namespace)
    body = ElementTree.tostring(root, encoding="unicode", short_empty_elements=True)
    return b'<?xml version="1.0" encoding="utf-8"?>' + body.encode("utf-8")


class _Writer:
    def __init__(self, spec: Spec, enum_names_as_integers: bool) -> None:
        self.spec = spec
        self.enum_names_as_integers = enum_names_as_integers

    def unwrap(self, schema: Schema) -> tuple[Schema, bool]:
        """The concrete (non-null) schema behind refs and nullable unions, and whether null is allowed."""
        schema = self.spec.resolve(schema)
        nullable = False
        for keyword in ("anyOf", "oneOf"):
            branches = [self.spec.resolve(branch) for branch in schema.get(keyword, [])]
            non_null = [branch for branch in branches if branch.get("type") != "null"]
            if len(non_null) < len(branches):
                nullable = True
            if len(non_null) == 1 and not _is_enum_union(schema):
                merged = {key: value for key, value in schema.items() if key != keyword}
                inner, inner_nullable = self.unwrap({**non_null[0], **merged})
                return inner, nullable or inner_nullable
        types = schema.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            concrete = [kind for kind in types if kind != "null"]
            schema = {**schema, "type": concrete[0] if len(concrete) == 1 else concrete}
        if not _CONSTRAINING_KEYWORDS.intersection(schema):
            nullable = True  # an unconstrained schema ({}) admits null
        return schema, nullable

    def fill(self, element: ElementTree.Element, value: Any, schema: Schema, namespace: str) -> None:
        """Write `value` into `element`: children for objects and arrays, text for scalars."""
        resolved, nullable = self.unwrap(schema)
        if value is None:
            if not nullable:
                raise XmlEncodingError(f"null is not allowed for <{element.tag}>")
            element.set(f"{{{XSI_NAMESPACE}}}nil", "true")
            return
        type_namespace = resolved.get("xml", {}).get("namespace", namespace)
        if isinstance(value, dict):
            self._fill_object(element, value, resolved, type_namespace)
        elif isinstance(value, list):
            self._fill_array(element, value, resolved, type_namespace)
        else:
            element.text = self._scalar_text(value, resolved)

    def _fill_object(
        self, element: ElementTree.Element, value: dict[str, Any], schema: Schema, ns: str
    ) -> None:
        properties: dict[str, Schema] = schema.get("properties", {})
        unknown = set(value) - set(properties)
        if unknown:
            raise XmlEncodingError(f"properties not in the schema: {sorted(unknown)}")
        for name, property_schema in properties.items():
            if name not in value:
                continue
            own_xml = property_schema.get("xml", {})
            child_namespace = own_xml.get("namespace", ns)
            child = ElementTree.SubElement(element, _qualified(child_namespace, own_xml.get("name", name)))
            self.fill(child, value[name], property_schema, ns)

    def _fill_array(self, element: ElementTree.Element, items: list[Any], schema: Schema, ns: str) -> None:
        item_schema = schema.get("items", {})
        item_resolved = self.unwrap(item_schema)[0]
        item_xml = {**item_resolved.get("xml", {}), **item_schema.get("xml", {})}
        item_name = item_xml.get("name")
        if not item_name:
            raise XmlEncodingError(f"the items of <{element.tag}> have no xml.name")
        item_namespace = item_xml.get("namespace", ns)
        for item in items:
            child = ElementTree.SubElement(element, _qualified(item_namespace, item_name))
            self.fill(child, item, item_schema, item_namespace)

    def _scalar_text(self, value: Any, schema: Schema) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and self.enum_names_as_integers:
            number = _enum_number(schema, value)
            if number is not None:
                return str(number)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise XmlEncodingError(f"{value!r} has no xs:decimal form")
            return format(Decimal(repr(value)), "f")
        return _XML_INVALID_CHARS.sub("", str(value))


def _is_enum_union(schema: Schema) -> bool:
    return any("x-enum-names" in branch for branch in schema.get("anyOf", []) + schema.get("oneOf", []))


def _enum_number(schema: Schema, name: str) -> int | None:
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        names = branch.get("x-enum-names")
        if names and name in names:
            return int(branch["enum"][names.index(name)])
    return None


def _qualified(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name
