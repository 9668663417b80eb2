"""Read-only access to the vendored OpenAPI descriptions under `openapi/`.

Small on purpose: load (cached), resolve local `$ref`s, see through nullable unions, find operations, their
body schemas and response entries, and which of the two descriptions declares an operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from contracts.oracle.media import is_xml_media_type

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
CONNECT_SPEC = OPENAPI_DIR / "connect-customer-4.0.yaml"
CUSTOMER_SERVICE_SPEC = OPENAPI_DIR / "customer-service-1.1.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Schema = dict[str, Any]
MAX_REF_DEPTH = 20  # `$ref` chains and null unions are shallow; a bound instead of cycle bookkeeping


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

    def concrete(self, schema: Any) -> tuple[str | None, Schema]:
        """(the component the last `$ref` named or None, the non-null schema behind refs and nullable unions).

        A `oneOf`/`anyOf` with exactly one non-null branch stands for that branch; its sibling keys (such as
        `xml`) are kept. The one place the suite sees through nullability.

        Memoized per schema object (XML decoding asks once per element: a tenant's list of thousands of
        customers made it the hot spot). The cache holds the schema itself, so its id is never reused.
        """
        cached = self._concrete_cache.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        result = self._concrete(schema)
        self._concrete_cache[id(schema)] = (schema, result)
        return result

    @cached_property
    def _concrete_cache(self) -> dict[int, tuple[Any, tuple[str | None, Schema]]]:
        return {}

    def _concrete(self, schema: Any) -> tuple[str | None, Schema]:
        name = None
        for _ in range(MAX_REF_DEPTH):
            if not isinstance(schema, dict):
                return name, {}
            if isinstance(schema.get("$ref"), str):
                name = schema["$ref"].rsplit("/", 1)[-1]
                schema = self.resolve(schema)
                continue
            union = next((key for key in ("oneOf", "anyOf") if key in schema), None)
            if union is None:
                return name, schema
            branches = [b for b in schema[union] if self.resolve(b).get("type") != "null"]
            if len(branches) != 1:
                return name, schema
            schema = {**branches[0], **{key: value for key, value in schema.items() if key != union}}
        return name, schema if isinstance(schema, dict) else {}

    @cached_property
    def _operations(self) -> tuple[Operation, ...]:
        return tuple(self._walk_operations())

    @cached_property
    def _by_id(self) -> dict[str, Operation]:
        return {operation.operation_id: operation for operation in self._operations}

    def operations(self) -> list[Operation]:
        return list(self._operations)

    def _walk_operations(self) -> list[Operation]:
        found = []
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                definition = item.get(method)
                if isinstance(definition, dict):
                    found.append(Operation(definition.get("operationId", ""), method, path, definition))
        return found

    def operation_ids(self) -> list[str]:
        return list(self._by_id)

    def declares(self, operation_id: str) -> bool:
        return operation_id in self._by_id

    def operation(self, operation_id: str) -> Operation:
        try:
            return self._by_id[operation_id]
        except KeyError:
            raise SpecError(f"no operation {operation_id!r} in {self.path.name}") from None

    def request_schema(self, operation_id: str, media_type: str = "application/json") -> Schema:
        body = self.resolve(self.operation(operation_id).definition.get("requestBody", {}))
        return self._media_schema(body, media_type, f"{operation_id} request")

    def response_schema(
        self, operation_id: str, status: str | int = 200, media_type: str = "application/json"
    ) -> Schema:
        responses = self.operation(operation_id).definition.get("responses", {})
        response = self.resolve(responses.get(str(status), {}))
        return self._media_schema(response, media_type, f"{operation_id} {status} response")

    def response_entry(self, operation_id: str, status: int) -> Schema | None:
        """The response object for `status`: exact, then `4XX`-style, then `default`; None if undeclared."""
        responses = self.operation(operation_id).definition.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return dict(self.resolve(responses[key]))
        return None

    def media_entry(self, operation_id: str, status: int, media_type: str) -> Schema | None:
        """The response content entry for the media type (another type of the same family, JSON or XML,
        when the exact one is not declared)."""
        response = self.response_entry(operation_id, status)
        if response is None:
            return None
        content = response.get("content") or {}
        main = media_type.split(";", 1)[0].strip().lower()
        if main in content:
            return dict(content[main])
        family = [key for key in content if is_xml_media_type(key) == is_xml_media_type(main)]
        return dict(content[family[0]]) if family else None

    def empty_body_allowed(self, operation_id: str, status: int) -> bool:
        """No content declared for the status, or a 2xx of a null-on-not-found read."""
        response = self.response_entry(operation_id, status)
        if response is None or not response.get("content"):
            return True
        definition = self.operation(operation_id).definition
        return 200 <= status < 300 and bool(definition.get("x-norce-null-on-not-found"))

    def component_schema(self, name: str) -> Schema:
        return dict(self.resolve_ref(f"#/components/schemas/{name}"))

    def _media_schema(self, holder: dict[str, Any], media_type: str, what: str) -> Schema:
        content = holder.get("content", {})
        if media_type not in content:
            raise SpecError(f"{what} has no {media_type} content")
        return dict(content[media_type].get("schema", {}))


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


def spec_for(operation_id: str) -> Spec:
    """The vendored spec that declares `operation_id` (operationIds are unique across both APIs)."""
    for path in (CONNECT_SPEC, CUSTOMER_SERVICE_SPEC):
        spec = load_spec(path)
        if spec.declares(operation_id):
            return spec
    raise SpecError(f"no vendored spec declares {operation_id!r}")


def is_customer_service(operation_id: str) -> bool:
    """Whether `operation_id` is a Customer Service 1.1 operation (False for Connect and unknown ones)."""
    try:
        return spec_for(operation_id).path == CUSTOMER_SERVICE_SPEC.resolve()
    except SpecError:
        return False
