"""Routes built from the vendored OpenAPI descriptions: operationId → handler, mounted on the tenant layout.

Every request goes through `Dispatcher`: media negotiation, unknown path → 404, known path with another method
→ 405 (+ Allow), authentication, 406 for an unsatisfiable Accept, then the handler; a spec operation without a
handler → 501. Responses and errors all leave through `respond` / `error_response`, so one place decides
status, media type and body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from emulator.domain.errors import DomainError, HeaderRuleViolation
from emulator.http import auth, fact_fault_effects, fault_effects, variant_effects
from emulator.http.errors import (
    HttpProblem,
    MethodNotAllowed,
    NotAcceptable,
    OperationNotImplemented,
    RouteNotFound,
    error_message_body,
    key_and_message,
    status_for,
)
from emulator.http.negotiation import JSON_CHOICE, MediaChoice, NotAcceptableMedia, choose_media
from emulator.http.runtime import Runtime
from emulator.http.serializers import json as json_serializer
from emulator.http.serializers import xml as xml_serializer
from emulator.http.spec import Operation, Specs

logger = logging.getLogger("emulator.http")


@dataclass
class Reply:
    """What a handler returns: a plain value (None = null / empty body) and optionally a status override."""

    value: Any = None
    status: int | None = None
    headers: dict[str, str] | None = None
    raw: Response | None = None  # a ready response (token endpoint, admin), bypassing the spec serializers


@dataclass
class Call:
    request: Request
    runtime: Runtime
    operation: Operation | None
    media: MediaChoice


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True)
class RouteEntry:
    method: str
    path: str
    handler: Handler | None
    operation: Operation | None = None
    api: str | None = None  # "connect" / "customer" → authenticated; None → open (token, admin)


class RouteTable:
    def __init__(self) -> None:
        self._by_path: dict[str, dict[str, RouteEntry]] = {}

    def add(self, entry: RouteEntry) -> None:
        # Paths match case-insensitively, as on Norce's .NET hosts.
        self._by_path.setdefault(entry.path.lower().rstrip("/"), {})[entry.method] = entry

    def find(self, method: str, path: str) -> RouteEntry:
        methods = self._by_path.get(path.lower().rstrip("/"))
        if methods is None:
            raise RouteNotFound(f"No operation at {path}.")
        entry = methods.get(method)
        if entry is None:
            allow = ", ".join(sorted(methods))
            raise MethodNotAllowed(f"{method} is not allowed here; use {allow}.", headers={"Allow": allow})
        return entry

    def has_path(self, path: str) -> bool:
        return path.lower().rstrip("/") in self._by_path

    def operations_at(self, path: str) -> list[str]:
        methods = self._by_path.get(path.lower().rstrip("/"), {})
        return [entry.operation.operation_id for entry in methods.values() if entry.operation is not None]

    def entries(self) -> list[RouteEntry]:
        return [entry for methods in self._by_path.values() for entry in methods.values()]


def build_routes(specs: Specs, handlers: dict[str, Handler], extra: list[RouteEntry]) -> RouteTable:
    table = RouteTable()
    for operation in specs.operations:
        table.add(
            RouteEntry(
                method=operation.method,
                path=operation.path,
                handler=handlers.get(operation.operation_id),
                operation=operation,
                api=operation.spec.api,
            )
        )
    for entry in extra:
        table.add(entry)
    return table


def coverage(specs: Specs, handlers: dict[str, Handler]) -> dict[str, list[str]]:
    """Implementation coverage: spec operationIds with and without a handler."""
    ids = [operation.operation_id for operation in specs.operations]
    return {
        "handled": sorted(i for i in ids if i in handlers),
        "unhandled": sorted(i for i in ids if i not in handlers),
    }


# --- responses ---
def _render(call_media: MediaChoice, value: Any, schema: Any, runtime: Runtime, api: str) -> bytes:
    variants = runtime.variants
    if call_media.format == "xml":
        spec = runtime.specs.connect if api == "connect" else runtime.specs.customer
        options = variant_effects.xml_options(variants)
        return xml_serializer.render(value, schema, spec, runtime.faults, options=options)
    value = fact_fault_effects.json_member_names(runtime.faults, api, value)
    return json_serializer.render(value, sort_keys=variant_effects.sort_json_members(variants))


JOB_LOG_DTO = {"$ref": "#/components/schemas/JobLogDto"}


def respond(call: Call, reply: Reply) -> Response:
    if reply.raw is not None:
        return reply.raw
    operation = call.operation
    assert operation is not None
    faults, variants = call.runtime.faults, call.runtime.variants
    media = fault_effects.response_media(faults, call.media)
    status, schema = operation.success_response(media.content_type)
    status = fault_effects.success_status(faults, operation.operation_id, reply.status or status)
    status = fact_fault_effects.success_status(faults, operation.spec.api, operation.method, status)
    if schema is None and reply.value is None:
        body = fact_fault_effects.no_entity_body(faults, operation.spec.api)
        return Response(body, status_code=status, headers=reply.headers)
    value = fact_fault_effects.answer_value(faults, operation.operation_id, reply.value)
    value = fault_effects.reshape(faults, value, schema, operation.spec)
    if (
        operation.operation_id == "JobGetLog"
        and isinstance(value, list)
        and len(value) == 1
        and variants.is_on("job-log-single-object")
    ):  # Q6: the docs show one JobLogDto
        value, schema = value[0], JOB_LOG_DTO
    value = variant_effects.reshape(variants, value, schema, operation.spec)
    content_type = variant_effects.content_type(variants, fault_effects.content_type(faults, media))
    content_type = fact_fault_effects.content_type(faults, operation.operation_id, content_type)
    if (
        value is None
        and operation.spec.api == "customer"
        and operation.definition.get("x-norce-null-on-not-found")
    ):
        form = variant_effects.not_found_form(variants, media)
        if form == "204":
            return Response(b"", status_code=204, headers=reply.headers)
        if form == "empty":
            return Response(b"", status_code=status, media_type=content_type, headers=reply.headers)
        if form == "nil-root":
            options = variant_effects.xml_options(variants)
            body = xml_serializer.render_nil(schema, operation.spec, faults, options)
            return Response(body, status_code=status, media_type=content_type, headers=reply.headers)
    if value is None and media.format == "xml":
        body = fault_effects.xml_not_found_body(faults, operation.spec.api)
    else:
        body = _render(media, value, schema, call.runtime, operation.spec.api)
    return Response(body, status_code=status, media_type=content_type, headers=reply.headers)


def error_response(error: BaseException, runtime: Runtime, media: MediaChoice, api: str | None) -> Response:
    faults, variants = runtime.faults, runtime.variants
    status = fault_effects.error_status(faults, error, status_for(error))
    status = fact_fault_effects.error_status(faults, api, status)
    gateway = variant_effects.gateway_response(variants, error, status)
    if gateway is not None:
        return gateway
    key, message = key_and_message(error)
    key = fault_effects.error_key(faults, error, key)
    headers = fault_effects.error_headers(
        faults, status, dict(error.headers) if isinstance(error, HttpProblem) else {}
    )
    headers = variant_effects.error_headers(variants, status, headers)
    headers = variant_effects.allow_header(variants, headers)
    header_rule = isinstance(error, HeaderRuleViolation)
    if fault_effects.drops_error_body(faults, status) or (
        header_rule and variants.is_on("header-rules-empty-400")
    ):
        return Response(b"", status_code=status, headers=headers)
    if header_rule and variants.is_on("header-rules-plain-key"):
        key = "HeaderInvalid"
    media = fault_effects.response_media(faults, media)
    body: Any = error_message_body(status, key, message, runtime.timestamp())
    spec, schema = runtime.specs.error_schema(api or "customer")
    body = fact_fault_effects.error_body(faults, spec, body)
    body = variant_effects.reshape(variants, body, schema, spec)
    if media.format == "xml":
        options = variant_effects.xml_options(variants)
        content = xml_serializer.render(
            body, schema, spec, faults, fallback_name="ErrorMessage", options=options
        )
    else:
        body = fact_fault_effects.json_member_names(faults, api or "customer", body)
        content = json_serializer.render(body, sort_keys=variant_effects.sort_json_members(variants))
    content_type = variant_effects.content_type(variants, fault_effects.content_type(faults, media))
    return Response(content, status_code=status, media_type=content_type, headers=headers)


# --- the one entry point ---
class Dispatcher:
    """The app's one ASGI endpoint. Starlette hands it *every* method (QUERY, TRACE, ...), so an unexpected
    method gets our 405 with an ErrorMessage instead of Starlette's plain-text one."""

    def __init__(self, runtime: Runtime, routes: RouteTable) -> None:
        self.runtime = runtime
        self.routes = routes
        job_list = next((op for op in runtime.specs.operations if op.operation_id == "JobList"), None)
        self._job_list_path = job_list.path.lower().rstrip("/") if job_list else None

    def _withdrawn(self, path: str) -> bool:
        """job-list-absent (Q6): the tenant offers no Job/List, so its path is no route for any method."""
        return self._job_list_path == path.lower().rstrip("/") and self.runtime.variants.is_on(
            "job-list-absent"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        runtime, config = self.runtime, self.runtime.config
        delay = variant_effects.latency_seconds(runtime.variants, config.latency_ms)
        if delay:
            await asyncio.sleep(delay)  # the network's round trip; other requests go on meanwhile
        gateway = runtime.gateway.answer(
            runtime.variants, config.gateway_503_every, config.gateway_503_retry_after
        )
        response = gateway if gateway is not None else await self.dispatch(request)
        accept_encoding = request.headers.get("accept-encoding")
        response = variant_effects.compressed(self.runtime.variants, accept_encoding, response)
        await response(scope, receive, send)

    async def dispatch(self, request: Request) -> Response:
        runtime, routes = self.runtime, self.routes
        # Negotiate first, so every answer (404, 405, 401, 400 ...) is rendered in the type the client
        # asked for; an unsatisfiable Accept is reported (406, in JSON) only once route and caller are known.
        try:
            media, acceptable = choose_media(request.headers.get("accept")), True
        except NotAcceptableMedia:
            media, acceptable = JSON_CHOICE, False
        api: str | None = None
        variants = runtime.variants
        try:
            base = runtime.specs.customer.base_path
            path = request.url.path
            if fault_effects.answers_unknown_operation(runtime.faults, base, path) and not routes.has_path(
                path
            ):
                return Response(b"null", media_type="application/json")
            if (
                not routes.has_path(path)
                or self._withdrawn(path)
                or fact_fault_effects.withdrawn(runtime.faults, routes.operations_at(path))
            ):
                unknown = variant_effects.unknown_operation(variants, base, path)
                if isinstance(unknown, Response):
                    return unknown
                if unknown is not None:
                    raise unknown
                raise RouteNotFound(f"No operation at {path}.")
            entry = routes.find(fault_effects.routed_method(runtime.faults, base, path, request.method), path)
            api = entry.api
            if entry.api is not None:
                config = runtime.config
                runtime.throttle.check(variants, config.throttle_every, config.throttle_retry_after)
                auth.authenticate(request.headers, entry.api, runtime.tokens, runtime.faults, variants)
            if not acceptable:
                raise NotAcceptable("None of the media types in Accept can be produced.")
            if entry.handler is None:
                name = entry.operation.operation_id if entry.operation else request.url.path
                raise OperationNotImplemented(f"{name} is described but not implemented by the emulator.")
            call = Call(request=request, runtime=runtime, operation=entry.operation, media=media)
            reply = await entry.handler(call)
            return respond(call, reply)
        except (HttpProblem, DomainError) as error:
            return error_response(error, runtime, media, api)
        except Exception as error:  # a bug: logged (without request data that may hold secrets), answered 500
            logger.exception("unexpected error in %s %s", request.method, request.url.path)
            return error_response(error, runtime, media, api)
