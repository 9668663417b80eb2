"""XML for Schemathesis: the request serializer and the response deserializer, for exactly
`application/xml` and `text/xml` (a `+xml` registration would be shadowed by the built-in one).

The deserializer gives Schemathesis' response_schema_conformance XML answers as data (it skips XML bodies
otherwise, silently). The serializer replaces the built-in one (dict order, `null` text, junk elements;
docs/schemathesis-notes.md §5.1) with `contracts.oracle.xml_write.to_xml`: declared (DataContract) order,
`xsi:nil` for null, enum integers. Negative-mode values the schema cannot describe (extra properties, scalars
where an object belongs) are still sent, as plain XML in value order, so the server gets to reject them.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from contracts.oracle.spec import SpecError, spec_for
from contracts.oracle.xml_data import xml_to_data
from contracts.oracle.xml_write import XmlEncodingError, to_xml
from contracts.schemathesis_ext.checks import case_operation_id, response_content_type

XML_MEDIA_TYPES = ("application/xml", "text/xml")
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(_XML_INVALID.sub("", str(value)))


def _element_name(name: str) -> str:
    safe = _NAME_UNSAFE.sub("_", name) or "_"
    return safe if safe[0].isalpha() or safe[0] == "_" else f"_{safe}"


def plain_xml(name: str, value: Any) -> str:
    """Schema-less XML in value order (only for values the schema cannot describe)."""
    tag = _element_name(name)
    if value is None:
        return f'<{tag} xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>'
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(plain_xml(str(k), v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):
        return f"<{tag}>" + "".join(plain_xml("item", v) for v in value) + f"</{tag}>"
    return f"<{tag}>{_text(value)}</{tag}>"


def xml_request_body(operation_id: str, media_type: str, value: Any) -> bytes:
    """The XML body for an operation's request value (bytes pass through untouched)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    spec = spec_for(operation_id)
    try:
        schema = spec.request_schema(operation_id, media_type)
    except SpecError:
        schema = spec.request_schema(operation_id, "application/xml")
    try:
        return to_xml(value, schema, spec)
    except XmlEncodingError:
        root = spec.resolve(schema).get("xml", {}).get("name", "root")
        return ('<?xml version="1.0" encoding="utf-8"?>' + plain_xml(root, value)).encode("utf-8")


def xml_serializer(ctx: Any, value: Any) -> bytes:
    case = ctx.case
    return xml_request_body(case_operation_id(case) or "", case.media_type or "application/xml", value)


def xml_deserializer(ctx: Any, response: Any) -> Any:
    """An XML answer as data shaped by the operation's response schema."""
    operation = str(ctx.operation.definition.raw.get("operationId"))
    spec = spec_for(operation)
    content_type = response_content_type(response) or "application/xml"
    entry = spec.media_entry(operation, response.status_code, content_type)
    # Sampled like the suite's own shape checks (contracts.oracle.sampling): a tenant's list answer is
    # judged on its first items.
    return xml_to_data(spec, (entry or {}).get("schema", {}), response.content, sampled=True)
