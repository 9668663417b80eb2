"""The vendored XSDs under `openapi/xsd`, loaded once, and the choice of XSD and root per response."""

from __future__ import annotations

from functools import cache
from typing import Any

import xmlschema

from contracts.oracle.spec import OPENAPI_DIR, Spec

XSD_DIR = OPENAPI_DIR / "xsd"


@cache
def xsd(relative: str) -> xmlschema.XMLSchema:
    """An XSD by its path relative to `openapi/` (as in `x-norce-xsd`) or to `openapi/xsd/`."""
    path = OPENAPI_DIR / relative
    if not path.exists():
        path = XSD_DIR / relative
    return xmlschema.XMLSchema(str(path))


@cache
def _declaring_index() -> dict[str, xmlschema.XMLSchema]:
    """`{namespace}name` of every global element -> the XSD file that declares it.

    `XMLSchema.elements` is keyed by *local* name and holds element objects; the qualified name is the
    element's `.name`. An element imported from another file belongs to that file's own namespace view, so
    each qualified name maps to the file that declares it, never to an importer.
    """
    index: dict[str, xmlschema.XMLSchema] = {}
    for path in sorted(XSD_DIR.glob("*.xsd")):
        schema = xsd(path.name)
        for element in schema.elements.values():
            index.setdefault(str(element.name), schema)
    return index


def xsd_declaring(qname: str) -> xmlschema.XMLSchema | None:
    """The XSD declaring the global element `{namespace}name`; None for an unknown or unqualified name."""
    return _declaring_index().get(qname)


def expected_root(spec: Spec, schema: dict[str, Any]) -> str | None:
    """`{namespace}name` of the root element the OpenAPI schema's `xml` annotation (or component) names."""
    xml_info = schema.get("xml") or {}
    if "$ref" in schema and "name" not in xml_info:
        target = spec.resolve(schema)
        info = target.get("xml") or {}
        name = info.get("name") or schema["$ref"].rsplit("/", 1)[-1]
        return f"{{{info.get('namespace', '')}}}{name}"
    info = spec.concrete(spec.resolve(schema))[1].get("xml") or {}
    if not info.get("name"):
        return None
    return f"{{{info.get('namespace', '')}}}{info['name']}"
