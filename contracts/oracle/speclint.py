"""A small linter for the vendored OpenAPI descriptions: `python -m contracts.oracle.speclint FILE...`.

Exit 0 when clean, 1 with one line per violation. The rules are the project's own conventions
(documented provenance on every operation, both media types on success bodies), not general OpenAPI style.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from contracts.oracle.spec import HTTP_METHODS

EVIDENCE_MARKERS = ("C-N(list)", "C-N", "C-S", "C-K", "W", "I")
REQUIRED_OPERATION_FIELDS = ("operationId", "summary", "tags", "x-norce-evidence", "x-norce-source")
SUCCESS_MEDIA_TYPES = ("application/json", "application/xml")
_EVIDENCE_SEPARATORS = re.compile(r"\s*[,+;/]\s*")


def lint_document(document: dict[str, Any]) -> list[str]:
    """Every violation in `document`, as `<where>: <what>` lines."""
    problems: list[str] = []
    problems += _operation_problems(document)
    problems += _component_description_problems(document)
    problems += _unused_component_problems(document)
    return problems


def lint_file(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        return [f"{path}: not a YAML mapping"]
    return [f"{path}: {problem}" for problem in lint_document(document)]


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield f"{method.upper()} {path}", operation


def _operation_problems(document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    seen_ids: set[str] = set()
    has_global_security = bool(document.get("security"))
    for where, operation in _operations(document):
        for field in REQUIRED_OPERATION_FIELDS:
            if not operation.get(field):
                problems.append(f"{where}: missing {field}")
        operation_id = operation.get("operationId")
        if operation_id in seen_ids:
            problems.append(f"{where}: duplicate operationId {operation_id}")
        seen_ids.add(str(operation_id))
        evidence = operation.get("x-norce-evidence")
        if evidence and not _valid_evidence(str(evidence)):
            problems.append(
                f"{where}: x-norce-evidence {evidence!r} is not one of {', '.join(EVIDENCE_MARKERS)}"
            )
        if not operation.get("security") and not has_global_security:
            problems.append(f"{where}: no security requirement")
        responses = operation.get("responses") or {}
        for status in ("200", "400"):
            if status not in {str(code) for code in responses}:
                problems.append(f"{where}: no {status} response")
        success = _resolve(document, responses.get("200", responses.get(200)))
        content = success.get("content") if isinstance(success, dict) else None
        if content:  # a 200 without a body is fine; a body must come in both media types
            for media_type in SUCCESS_MEDIA_TYPES:
                if media_type not in content:
                    problems.append(f"{where}: 200 response does not offer {media_type}")
    return problems


def _valid_evidence(evidence: str) -> bool:
    tokens = [token for token in _EVIDENCE_SEPARATORS.split(evidence.strip()) if token]
    return bool(tokens) and all(token in EVIDENCE_MARKERS for token in tokens)


def _component_description_problems(document: dict[str, Any]) -> list[str]:
    schemas = (document.get("components") or {}).get("schemas") or {}
    return [
        f"components.schemas.{name}: no description"
        for name, schema in schemas.items()
        if not (isinstance(schema, dict) and str(schema.get("description", "")).strip())
    ]


def _unused_component_problems(document: dict[str, Any]) -> list[str]:
    components = document.get("components") or {}
    referenced = set(_references(document))
    used_schemes = {name for requirement in _security_requirements(document) for name in requirement}
    problems = []
    for section, entries in components.items():
        if not isinstance(entries, dict):
            continue
        for name in entries:
            if section == "securitySchemes":
                used = name in used_schemes
            else:
                used = f"#/components/{section}/{name}" in referenced
            if not used:
                problems.append(f"components.{section}.{name}: never used")
    return problems


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _security_requirements(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document.get("security") or []
    for _, operation in _operations(document):
        yield from operation.get("security") or []


def _resolve(document: dict[str, Any], node: Any) -> Any:
    for _ in range(16):  # follow short $ref chains; the specs never nest deeper
        if not (
            isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")
        ):
            return node
        target: Any = document
        for key in node["$ref"][2:].split("/"):
            target = target.get(key, {}) if isinstance(target, dict) else {}
        node = target
    return node


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m contracts.oracle.speclint FILE...", file=sys.stderr)
        return 2
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            problems.append(f"{path}: no such file")
            continue
        problems += lint_file(path)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
