"""The vendored OpenAPI descriptions, loaded once: operations by operationId and `$ref` resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
CONNECT_SPEC = "connect-customer-4.0.yaml"
CUSTOMER_SPEC = "customer-service-1.1.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Schema = dict[str, Any]


@dataclass(frozen=True, eq=False)
class SpecDocument:
    """One OpenAPI document and the tenant base path its operations are mounted under."""

    api: str  # "connect" or "customer"
    base_path: str
    document: dict[str, Any]

    def resolve(self, schema: Any) -> Schema:
        """Follow local `$ref`s until a concrete schema (or {} for anything unusable)."""
        seen: set[str] = set()
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                return {}
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = (
                    target.get(part.replace("~1", "/").replace("~0", "~"), {})
                    if isinstance(target, dict)
                    else {}
                )
            schema = target
        return schema if isinstance(schema, dict) else {}

    def component(self, name: str) -> Schema | None:
        schemas = self.document.get("components", {}).get("schemas", {})
        found = schemas.get(name)
        return found if isinstance(found, dict) else None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # full path on the emulator host
    spec: SpecDocument
    definition: dict[str, Any] = field(repr=False)

    @property
    def parameters(self) -> list[dict[str, Any]]:
        params = [self.spec.resolve(p) for p in self.definition.get("parameters", [])]
        path_item = self.spec.document.get("paths", {}).get(self._spec_path, {})
        shared = [self.spec.resolve(p) for p in path_item.get("parameters", [])]
        names = {(p.get("name"), p.get("in")) for p in params}
        return params + [p for p in shared if (p.get("name"), p.get("in")) not in names]

    @property
    def _spec_path(self) -> str:
        path = self.definition.get("x-emulator-spec-path", "")
        return path if isinstance(path, str) else ""

    def success_response(self, media_type: str = "application/json") -> tuple[int, Schema | None]:
        """The first documented 2xx status and its schema for `media_type` (None when there is no body)."""
        responses = self.definition.get("responses", {})
        codes = sorted(str(code) for code in responses if str(code).startswith("2"))
        if not codes:
            return 200, None
        code = codes[0]
        response = self.spec.resolve(responses.get(code) if code in responses else responses.get(int(code)))
        content = response.get("content") or {}
        wanted = "application/xml" if media_type == "text/xml" and "text/xml" not in content else media_type
        for candidate in (wanted, "application/json", *content):
            media = content.get(candidate)
            if isinstance(media, dict) and "schema" in media:
                return int(code), media["schema"]
        return int(code), None

    def request_body_required(self) -> bool:
        body = self.spec.resolve(self.definition.get("requestBody", {}))
        return bool(body.get("required"))


def _join(base: str, path: str) -> str:
    if path.lower().startswith(base.lower() + "/"):
        return path  # the description already carries the tenant base
    return base.rstrip("/") + "/" + path.lstrip("/")


def load_document(api: str, filename: str, default_base: str, directory: Path = OPENAPI_DIR) -> SpecDocument:
    with (directory / filename).open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    # The tenant layout is fixed by ARCHITECTURE.md; server URLs in the description are informational only.
    return SpecDocument(api=api, base_path=default_base, document=document)


def operations_of(spec: SpecDocument) -> list[Operation]:
    found: list[Operation] = []
    for spec_path, path_item in (spec.document.get("paths") or {}).items():
        if not isinstance(path_item, dict):
            continue
        for method in HTTP_METHODS:
            definition = path_item.get(method)
            if not isinstance(definition, dict) or "operationId" not in definition:
                continue
            found.append(
                Operation(
                    operation_id=str(definition["operationId"]),
                    method=method.upper(),
                    path=_join(spec.base_path, str(spec_path)),
                    spec=spec,
                    definition={**definition, "x-emulator-spec-path": spec_path},
                )
            )
    return found


@dataclass(frozen=True, eq=False)
class Specs:
    connect: SpecDocument
    customer: SpecDocument

    @property
    def operations(self) -> list[Operation]:
        return operations_of(self.connect) + operations_of(self.customer)

    def error_schema(self, api: str) -> tuple[SpecDocument, Schema | None]:
        spec = self.connect if api == "connect" else self.customer
        return spec, spec.component("ErrorMessage") or (self.customer.component("ErrorMessage"))


@lru_cache(maxsize=4)
def load_specs(directory: Path = OPENAPI_DIR) -> Specs:
    return Specs(
        connect=load_document("connect", CONNECT_SPEC, "/commerce/connect/4.0", directory),
        customer=load_document("customer", CUSTOMER_SPEC, "/commerce/customer/1.1", directory),
    )
