"""XML bodies as Python data, shaped by the OpenAPI schema, so XML answers can be judged like JSON ones.

DataContract XML carries no types: whether `<Companies/>` is an empty list or an empty object, and whether
`7` is a number or a string, is read from the response schema (arrays unwrapped, `i:nil` as None).
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree.ElementTree import Element

from contracts.oracle.media import is_nil, is_xml_media_type, local_name, parse_xml
from contracts.oracle.sampling import sample_list, sample_xml_list
from contracts.oracle.spec import Spec, spec_for


def _schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        return others[0] if len(others) == 1 else None
    if kind is None and "properties" in schema:
        return "object"
    return kind


_INTEGER = re.compile(r"^[+-]?\d+$")


def _scalar(text: str, schema: dict[str, Any]) -> Any:
    kind = _schema_type(schema)
    if kind == "integer" or (kind is None and _INTEGER.match(text)):
        return int(text) if _INTEGER.match(text) else text
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _element_to_data(spec: Spec, element: Element, schema: Any) -> Any:
    if is_nil(element):
        return None
    concrete = spec.concrete(schema)[1]
    kind = _schema_type(concrete)
    children = list(element)
    if kind == "array":
        return [_element_to_data(spec, child, concrete.get("items", {})) for child in children]
    if kind == "object" or (kind is None and children):
        properties = concrete.get("properties", {})
        data: dict[str, Any] = {}
        for child in children:
            name = local_name(child.tag)
            data[name] = _element_to_data(spec, child, properties.get(name, {}))
        return data
    if not children and kind is None and not (element.text or "").strip() and "properties" in concrete:
        return {}
    return _scalar((element.text or "").strip(), concrete)


def xml_to_data(spec: Spec, schema: Any, content: bytes, *, sampled: bool = False) -> Any:
    """Python data for an XML body, shaped by the OpenAPI schema (arrays unwrapped, nil as None).

    An empty body is `None` (the XML form of a null-on-not-found read). `sampled`: a list answer is read
    only as far as the shape checks judge it (contracts.oracle.sampling).
    """
    if not content.strip():
        return None
    root = parse_xml(content)
    return _element_to_data(
        spec, sample_xml_list(root) if sampled else root, _schema_of_root(spec, schema, root)
    )


def _schema_of_root(spec: Spec, schema: Any, root: Element) -> Any:
    """The schema the root element is read with: a list's item schema when the root is one item, not the
    list's wrapper (Job/GetLog answering one JobLogDto, as Norce's docs show it: Q6), else `schema`."""
    concrete = spec.concrete(schema)[1]
    if _schema_type(concrete) != "array":
        return schema
    items = concrete.get("items", {})
    wrapper = (concrete.get("xml") or {}).get("name")
    item = (spec.concrete(items)[1].get("xml") or {}).get("name")
    name = local_name(root.tag)
    return items if item is not None and name == item and name != wrapper else schema


def decode_body(
    operation_id: str, status: int, content_type: str, content: bytes, *, sampled: bool = False
) -> Any:
    """JSON or XML response body as data (XML shaped by the spec's response schema). `sampled`: for the
    shape checks, a list answer cut to its first items (contracts.oracle.sampling)."""
    if is_xml_media_type(content_type):
        spec = spec_for(operation_id)
        entry = spec.media_entry(operation_id, status, content_type) or {}
        return xml_to_data(spec, entry.get("schema", {}), content, sampled=sampled)
    data = json.loads(content) if content.strip() else None
    return sample_list(data) if sampled else data
