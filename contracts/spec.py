"""Read-only access to the vendored OpenAPI descriptions under `openapi/`.

Small on purpose: load (cached), resolve local `$ref`s, find operations and their body schemas.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "openapi"
CONNECT_SPEC = OPENAPI_DIR / "connect-customer-4.0.yaml"
CUSTOMER_SERVICE_SPEC = OPENAPI_DIR / "customer-service-1.1.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Schema = dict[str, Any]


class SpecError(LookupError):
    """A reference, operation or media type that the spec does not contain."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    definition: dict[str, Any]


@dataclass(frozen=True)
class Spec:
    path: Path
    document: dict[str, Any]

    def resolve_ref(self, ref: str) -> Any:
        """The target of a local JSON pointer such as `#/components/schemas/Customer`."""
        if not ref.startswith("#/"):
            raise SpecError(f"only local references are supported: {ref}")
        node: Any = self.document
        for raw in ref[2:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or key not in node:
                raise SpecError(f"unresolvable reference: {ref}")
            node = node[key]
        return node

    def resolve(self, node: Any) -> Any:
        """Follow `$ref` chains at the top of `node` (siblings of `$ref` win over the target's keys)."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(f"reference cycle at {ref}")
            seen.add(ref)
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            node = {**self.resolve_ref(ref), **siblings}
        return node

    def inline(self, node: Any) -> Any:
        """A deep copy of `node` with every local `$ref` inlined (cycles stay as `$ref`)."""
        return _inline(self, node, ())

    def operations(self) -> list[Operation]:
        found = []
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                definition = item.get(method)
                if isinstance(definition, dict):
                    found.append(Operation(definition.get("operationId", ""), method, path, definition))
        return found

    def operation_ids(self) -> list[str]:
        return [operation.operation_id for operation in self.operations()]

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations():
            if operation.operation_id == operation_id:
                return operation
        raise SpecError(f"no operation {operation_id!r} in {self.path.name}")

    def request_schema(self, operation_id: str, media_type: str = "application/json") -> Schema:
        body = self.resolve(self.operation(operation_id).definition.get("requestBody", {}))
        return self._media_schema(body, media_type, f"{operation_id} request")

    def response_schema(
        self, operation_id: str, status: str | int = 200, media_type: str = "application/json"
    ) -> Schema:
        responses = self.operation(operation_id).definition.get("responses", {})
        response = self.resolve(responses.get(str(status), {}))
        return self._media_schema(response, media_type, f"{operation_id} {status} response")

    def component_schema(self, name: str) -> Schema:
        return dict(self.resolve_ref(f"#/components/schemas/{name}"))

    def _media_schema(self, holder: dict[str, Any], media_type: str, what: str) -> Schema:
        content = holder.get("content", {})
        if media_type not in content:
            raise SpecError(f"{what} has no {media_type} content")
        return dict(content[media_type].get("schema", {}))


def _inline(spec: Spec, node: Any, active: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(spec, item, active) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in active:
            return copy.deepcopy(node)
        target = spec.resolve_ref(ref)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _inline(spec, {**target, **siblings}, (*active, ref))
    return {key: _inline(spec, value, active) for key, value in node.items()}


@lru_cache(maxsize=8)
def _load(path: Path) -> Spec:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise SpecError(f"{path} is not an OpenAPI document")
    return Spec(path, document)


def load_spec(path: str | Path = CONNECT_SPEC) -> Spec:
    """The parsed spec at `path`, cached per absolute path. Treat the result as read-only."""
    return _load(Path(path).resolve())
