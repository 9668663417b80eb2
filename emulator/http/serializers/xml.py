"""application/xml: writes a plain value in the shape the OpenAPI `xml` annotations of its schema describe.

Element names and namespaces come from `xml.name` / `xml.namespace` (a `$ref`'d component's name when no
`xml.name` is given), elements follow the order of the schema's `properties`, arrays are wrapped when
`xml.wrapped` is true with items named after the item schema, nulls are `i:nil="true"`, enums are integers
(the domain already stores them as integers) and a null result is an empty body.

`XmlOptions` carries the conforming variants that change how the same infoset is written
(emulator/variants.py): namespace prefixes instead of default namespaces, members the schema does not know
written after the known ones, no XML declaration.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from emulator.faults import Faults
from emulator.http import fact_fault_effects
from emulator.http.spec import Schema, SpecDocument

MEDIA_TYPE = "application/xml"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
WRONG_NAMESPACE = "http://tempuri.org/"  # the WCF default a misconfigured DataContract falls back to
_INVALID_XML_CHARS = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            repr(value)
            if math.isfinite(value)
            else ("NaN" if value != value else "INF" if value > 0 else "-INF")
        )
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Characters XML 1.0 cannot carry at all are replaced rather than producing an unparseable document.
    return escape(_INVALID_XML_CHARS.sub("\ufffd", str(value)))


@dataclass(frozen=True)
class XmlOptions:
    prefixes: bool = False  # xml-namespace-prefixes: a:Customer with xmlns:a on the root
    extra_members: bool = False  # newer-release-members: members the schema lacks, after the known ones
    declaration: bool = True  # xml-no-declaration turns it off


DEFAULT_OPTIONS = XmlOptions()


def _ref_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


class _Writer:
    def __init__(self, spec: SpecDocument, faults: Faults, options: XmlOptions = DEFAULT_OPTIONS) -> None:
        self.spec = spec
        self.faults = faults
        self.options = options
        self.parts: list[str] = []
        self.prefixes: dict[str, str] = {}  # namespace -> prefix, in order of first use (prefix mode)

    def _tag(self, name: str, namespace: str | None, parent_ns: str | None) -> tuple[str, str]:
        """(the tag as written, its namespace declaration): a default-namespace xmlns where the namespace
        changes, or (prefix mode) a prefixed name whose declarations go on the root."""
        if not self.options.prefixes:
            return name, (f" xmlns={quoteattr(namespace)}" if namespace and namespace != parent_ns else "")
        if not namespace:
            return name, ""
        prefix = self.prefixes.setdefault(namespace, _prefix_name(len(self.prefixes)))
        return f"{prefix}:{name}", ""

    def _xml_info(self, raw: Any) -> dict[str, Any]:
        """`xml` annotations: those next to a `$ref` win over the referenced schema's own."""
        resolved = self.spec.resolve(raw)
        info = dict(resolved.get("xml") or {})
        if isinstance(raw, dict) and isinstance(raw.get("xml"), dict):
            info.update(raw["xml"])
        return info

    def _non_null_variant(self, schema: Schema) -> Schema:
        """For `anyOf`/`oneOf` [X, null] (OpenAPI 3.1 nullability) the non-null branch carries the shape."""
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list):
                for branch in branches:
                    resolved = self.spec.resolve(branch)
                    if resolved.get("type") != "null":
                        merged = {**resolved, **{k: v for k, v in schema.items() if k not in (keyword,)}}
                        if "xml" in resolved and "xml" not in schema:
                            merged["xml"] = resolved["xml"]
                        return merged
        return schema

    def element(self, name: str, namespace: str | None, parent_ns: str | None, raw: Any, value: Any) -> None:
        schema = self._non_null_variant(self.spec.resolve(raw))
        child_ns = self._xml_info(raw).get("namespace") or schema.get("xml", {}).get("namespace") or namespace
        tag, ns_attr = self._tag(name, namespace, parent_ns)
        if value is None:
            self.parts.append(_nil_element(self.faults, tag, ns_attr))
            return
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if isinstance(value, dict) and (kind in (None, "object")):
            self.parts.append(f"<{tag}{ns_attr}>")
            self._properties(schema, value, child_ns or namespace, namespace)
            self.parts.append(f"</{tag}>")
        elif isinstance(value, list):
            self.parts.append(f"<{tag}{ns_attr}>")
            self._items(schema, value, namespace)
            self.parts.append(f"</{tag}>")
        else:
            self.parts.append(f"<{tag}{ns_attr}>{_text(value)}</{tag}>")

    def _properties(
        self, schema: Schema, value: dict[str, Any], namespace: str | None, parent_ns: str | None
    ) -> None:
        """Members in `namespace` (the type's contract namespace), written inside an element whose default
        namespace is `parent_ns`: a member of a type from another namespace (CustomerFlag.Group is an
        Expose IdNameDescription) declares its own xmlns, as a DataContractSerializer writes it."""
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            properties = {key: {} for key in value}
        ordered = list(properties.items())
        if self.faults.is_on("xml-element-order-wrong"):
            ordered.sort()
        for prop_name, prop_raw in ordered:
            if prop_name not in value:
                continue
            info = self._xml_info(prop_raw)
            prop_schema = self._non_null_variant(self.spec.resolve(prop_raw))
            element_name = info.get("name") if isinstance(prop_raw, dict) and "xml" in prop_raw else None
            element_name = element_name or prop_name
            element_ns = (prop_raw.get("xml") or {}).get("namespace") if isinstance(prop_raw, dict) else None
            item = value[prop_name]
            if isinstance(item, list) and prop_schema.get("type") in ("array", ["array", "null"], None):
                wrapped = info.get("wrapped", True) or not item
                if wrapped:
                    self.element(element_name, element_ns or namespace, parent_ns, prop_raw, item)
                else:
                    self._items(prop_schema, item, namespace, parent_ns)
            else:
                self.element(element_name, element_ns or namespace, parent_ns, prop_raw, item)
        if self.options.extra_members:  # a newer release's members, after the ones the schema knows
            for extra in (key for key in value if key not in properties):
                self.element(extra, namespace, parent_ns, {}, value[extra])

    def _items(
        self, array_schema: Schema, values: list[Any], namespace: str | None, parent_ns: str | None = None
    ) -> None:
        items_raw = array_schema.get("items", {})
        info = self._xml_info(items_raw)
        item_name = (
            info.get("name") or _ref_name(items_raw) or _scalar_item_name(self.spec.resolve(items_raw))
        )
        item_name = fact_fault_effects.xml_item_name(self.faults, self.spec.api, item_name)
        item_ns = info.get("namespace") or namespace
        in_scope = namespace if parent_ns is None else parent_ns
        for entry in values:
            self.element(item_name, item_ns, in_scope, items_raw, entry)


def _nil_element(faults: Faults, name: str, ns_attr: str) -> str:
    if faults.is_on("xml-nil-as-empty"):
        return f"<{name}{ns_attr}/>"
    if faults.is_on("xml-nil-as-null-text"):
        return f"<{name}{ns_attr}>null</{name}>"
    return f'<{name}{ns_attr} i:nil="true"/>'


def _scalar_item_name(schema: Schema) -> str:
    kind = schema.get("type")
    return {"integer": "int", "string": "string", "boolean": "boolean", "number": "decimal"}.get(
        kind if isinstance(kind, str) else "", "Item"
    )


def _prefix_name(position: int) -> str:
    """a, b, ..., z, then a1, b1, ... (never `i`, which names the XMLSchema-instance namespace)."""
    letters = "abcdefghjklmnopqrstuvwxyz"
    letter, round_ = letters[position % len(letters)], position // len(letters)
    return letter + (str(round_) if round_ else "")


def _root(schema: Any, spec: SpecDocument, writer: _Writer, fallback_name: str) -> tuple[str, str | None]:
    info = writer._xml_info(schema) if schema is not None else {}
    resolved = spec.resolve(schema) if schema is not None else {}
    name = info.get("name") or _ref_name(schema) or _default_root_name(resolved, schema, fallback_name)
    return name, info.get("namespace")


def render(
    value: Any,
    schema: Any,
    spec: SpecDocument,
    faults: Faults,
    fallback_name: str = "Result",
    options: XmlOptions = DEFAULT_OPTIONS,
) -> bytes:
    """The XML document for `value`; empty bytes for a null result (ARCHITECTURE: Get* not found)."""
    if value is None:
        return b""
    writer = _Writer(spec, faults, options)
    name, namespace = _root(schema, spec, writer, fallback_name)
    name = fact_fault_effects.xml_root_name(faults, spec, schema, name)
    writer.element(name, namespace, None, schema if schema is not None else {}, value)
    return _document(writer, faults)


def render_nil(
    schema: Any, spec: SpecDocument, faults: Faults, options: XmlOptions = DEFAULT_OPTIONS
) -> bytes:
    """A null result as its root element marked `i:nil="true"` (the not-found-xml-nil-root variant)."""
    writer = _Writer(spec, faults, options)
    name, namespace = _root(schema, spec, writer, "Result")
    writer.element(name, namespace, None, {}, None)
    return _document(writer, faults)


def _document(writer: _Writer, faults: Faults) -> bytes:
    document = "".join(writer.parts)
    if faults.is_on("xml-namespace-wrong"):
        document = re.sub(r' xmlns="[^"]*"', f" xmlns={quoteattr(WRONG_NAMESPACE)}", document)
    declarations = "".join(f" xmlns:{p}={quoteattr(ns)}" for ns, p in writer.prefixes.items())
    # Declare the xsi prefix on the root element only when a nil was written.
    if 'i:nil="true"' in document:
        declarations += f" xmlns:i={quoteattr(XSI_NAMESPACE)}"
    if declarations:
        head_end = document.index(">")
        if document[head_end - 1] == "/":
            head_end -= 1
        document = document[:head_end] + declarations + document[head_end:]
    document = fact_fault_effects.xml_document(faults, writer.spec.api, document)
    declaration = '<?xml version="1.0" encoding="utf-8"?>' if writer.options.declaration else ""
    return (declaration + document).encode("utf-8")


def _default_root_name(resolved: Schema, raw: Any, fallback: str) -> str:
    """DataContractSerializer names a list root `ArrayOf<Item>`."""
    if resolved.get("type") == "array":
        item = _ref_name(resolved.get("items")) or _scalar_item_name(resolved.get("items") or {})
        return f"ArrayOf{item}"
    return fallback
