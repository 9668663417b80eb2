"""The vendored XSDs under `openapi/xsd`, loaded once, and the choice of XSD and root per response."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import xmlschema

from contracts.spec import OPENAPI_DIR, Spec

XSD_DIR = OPENAPI_DIR / "xsd"


@cache
def xsd(relative: str) -> xmlschema.XMLSchema:
    """An XSD by its path relative to `openapi/` (as in `x-norce-xsd`) or to `openapi/xsd/`."""
    path = OPENAPI_DIR / relative
    if not path.exists():
        path = XSD_DIR / relative
    return xmlschema.XMLSchema(str(path))


@cache
def _all() -> tuple[tuple[Path, xmlschema.XMLSchema], ...]:
    return tuple((path, xsd(path.name)) for path in sorted(XSD_DIR.glob("*.xsd")))


def xsd_declaring(qname: str) -> xmlschema.XMLSchema | None:
    """The XSD whose own global elements include `{namespace}name` (the declaring file, not an importer)."""
    for _path, schema in _all():
        if qname in schema.elements.values() or any(e.name == qname for e in schema.elements.values()):
            return schema
    return None


def _non_null_branch(spec: Spec, schema: dict[str, Any]) -> dict[str, Any]:
    for key in ("oneOf", "anyOf"):
        branches = [spec.resolve(b) for b in schema.get(key, [])]
        concrete = [b for b in branches if b.get("type") != "null"]
        if len(concrete) == 1:
            return {**concrete[0], **{k: v for k, v in schema.items() if k not in (key,)}}
    return schema


def expected_root(spec: Spec, schema: dict[str, Any]) -> str | None:
    """`{namespace}name` of the root element the OpenAPI schema's `xml` annotation (or component) names."""
    xml_info = schema.get("xml") or {}
    if "$ref" in schema and "name" not in xml_info:
        ref = schema["$ref"]
        target = spec.resolve(schema)
        info = target.get("xml") or {}
        name = info.get("name") or ref.rsplit("/", 1)[-1]
        return f"{{{info.get('namespace', '')}}}{name}"
    resolved = _non_null_branch(spec, spec.resolve(schema))
    info = resolved.get("xml") or {}
    if not info.get("name"):
        return None
    return f"{{{info.get('namespace', '')}}}{info['name']}"
