"""The HTTP-layer conforming variants (emulator/variants.py): answer forms Norce's docs leave open.

`routing.respond` / `routing.error_response` / `routing.Dispatcher` and the handlers call these hooks with
the emulator's `Variants`; each costs a set lookup when no variant is on. Domain variants (header rules,
validation, import processing, jobs, the prepopulated tenant) live in `emulator/domain`, the obs-fold ones in
`server.py`, the auth ones in `auth.py`, XML writing options in `serializers/xml.py`.
"""

from __future__ import annotations

import copy
import gzip
import itertools
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from emulator.domain.errors import PayloadTooLarge
from emulator.http.errors import (
    BadRequest,
    HttpProblem,
    MethodNotAllowed,
    RequestTooLarge,
    RouteNotFound,
    TooManyRequests,
    UnsupportedMediaType,
)
from emulator.http.negotiation import MediaChoice
from emulator.http.serializers.xml import XmlOptions
from emulator.http.spec import SpecDocument
from emulator.variants import Variants

Plain = dict[str, Any]

# Variants that change a decoded answer before it is written, in the order they apply.
_RESHAPING = frozenset(
    {"null-empty-collections", "dates-dotnet", "newer-release-members", "null-members-omitted"}
)
# (api, component) that a newer release extends (newer-release-members).
EXTENDED_COMPONENTS = {("customer", "Customer"), ("customer", "Company"), ("connect", "JobDto")}
EXTENDED_COMPONENTS |= {("connect", "JobResponse")}
_CREATED = ("Created", "Start")  # what Created2 repeats, where the component has it
_TIMESTAMP = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,7}))?(?P<offset>Z|[+-]\d{2}:\d{2})?$"
)


# --- decoded answers ---------------------------------------------------------------------------------------
def reshape(variants: Variants, value: Any, schema: Any, spec: SpecDocument) -> Any:
    """The answer with the active shape variants applied (the value itself when none is)."""
    if value is None or not (variants.on & _RESHAPING):
        return value
    value = copy.deepcopy(value)
    if variants.is_on("null-empty-collections"):
        _objects(value, schema, spec, _empty_collections_as_null, root=True)
    if variants.is_on("dates-dotnet"):
        _objects(value, schema, spec, _dates_dotnet, root=True)
    if variants.is_on("newer-release-members"):
        _objects(value, schema, spec, _newer_release_members, root=True)
    if variants.is_on("null-members-omitted"):
        value = _without_null_members(value)
    return value


Visit = Callable[[str, Plain, dict[str, Any], SpecDocument], None]


def _objects(
    value: Any, raw: Any, spec: SpecDocument, visit: Visit, root: bool = False, depth: int = 0
) -> None:
    """Call `visit(component name, object, resolved schema, spec)` for every object in `value`, walked
    alongside its schema (children first)."""
    if depth > 20 or value is None:
        return
    name = (
        raw["$ref"].rsplit("/", 1)[-1] if isinstance(raw, dict) and isinstance(raw.get("$ref"), str) else ""
    )
    schema = spec.resolve(raw)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword) or []:
            if spec.resolve(branch).get("type") != "null":
                _objects(value, branch, spec, visit, root, depth + 1)
                return
    if isinstance(value, list):
        for item in value:
            _objects(item, schema.get("items", {}), spec, visit, False, depth + 1)
        return
    if not isinstance(value, dict):
        return
    properties = schema.get("properties") or {}
    for key, sub_schema in properties.items():
        if key in value:
            _objects(value[key], sub_schema, spec, visit, False, depth + 1)
    visit(name, value, schema, spec)


def _member_schema(spec: SpecDocument, raw: Any) -> dict[str, Any]:
    """A member's schema with OpenAPI 3.1 nullability (`anyOf [X, null]`) looked through."""
    schema = spec.resolve(raw)
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            resolved = spec.resolve(branch)
            if resolved.get("type") != "null":
                return resolved
    return schema


def _is_array(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _empty_collections_as_null(_name: str, value: Plain, schema: dict[str, Any], spec: SpecDocument) -> None:
    for key, raw in (schema.get("properties") or {}).items():
        if value.get(key) == [] and _is_array(_member_schema(spec, raw)):
            value[key] = None


def dotnet_date_time(text: str) -> str:
    """`2026-11-29T10:00:00.123Z` -> `2026-11-29T10:00:00.1230000`: a .NET DateTime of unspecified kind (the
    UTC time, no offset, 7 fractional digits). Text that is no date-time is returned as it is."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return text
    base, fraction, offset = match.group("base"), match.group("fraction") or "", match.group("offset")
    if offset not in (None, "Z", "z", "+00:00", "-00:00"):
        moment = datetime.fromisoformat(f"{base}{offset}").astimezone(UTC)
        base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{fraction.ljust(7, '0')}"


def _dates_dotnet(_name: str, value: Plain, schema: dict[str, Any], spec: SpecDocument) -> None:
    for key, raw in (schema.get("properties") or {}).items():
        member = _member_schema(spec, raw)
        if member.get("format") == "date-time" and isinstance(value.get(key), str):
            value[key] = dotnet_date_time(value[key])


def _newer_release_members(name: str, value: Plain, _schema: dict[str, Any], spec: SpecDocument) -> None:
    if (spec.api, name) not in EXTENDED_COMPONENTS:
        return
    value["ExternalId"] = None
    value["Created2"] = next((value[key] for key in _CREATED if isinstance(value.get(key), str)), None)


def _without_null_members(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_null_members(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_null_members(item) for item in value]
    return value


def xml_options(variants: Variants) -> XmlOptions:
    return XmlOptions(
        prefixes=variants.is_on("xml-namespace-prefixes"),
        extra_members=variants.is_on("newer-release-members"),
        declaration=not variants.is_on("xml-no-declaration"),
    )


def sort_json_members(variants: Variants) -> bool:
    return variants.is_on("json-members-alphabetical")


def content_type(variants: Variants, content_type: str) -> str:
    if variants.is_on("charset-utf8") and content_type.startswith("application/"):
        return f"{content_type}; charset=utf-8"
    return content_type


# --- not found on Customer Service 1.1 Get* (Q5) -----------------------------------------------------------
def not_found_form(variants: Variants, media: MediaChoice) -> str | None:
    """How a null Get* answer is written: "204", "nil-root" (XML), "empty" (JSON), or None (ours)."""
    if variants.is_on("not-found-204"):
        return "204"
    if media.format == "xml" and variants.is_on("not-found-xml-nil-root"):
        return "nil-root"
    if media.format == "json" and variants.is_on("not-found-json-empty-body"):
        return "empty"
    return None


# --- a front end in front of Norce --------------------------------------------------------------------------
_GATEWAY_ERRORS = (RouteNotFound, MethodNotAllowed, RequestTooLarge, PayloadTooLarge, UnsupportedMediaType)
_REASONS = {
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
}
_IIS_DETAILS = {
    404: "The resource you are looking for has been removed, had its name changed, or is unavailable.",
    405: "The page you are looking for cannot be displayed because an invalid method is being used.",
    413: "The request is larger than the server is willing to accept.",
    415: "The request's media type is not supported.",
}
_XHTML = '<html xmlns="http://www.w3.org/1999/xhtml">'
_IIS_PAGE = "\n".join(
    (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
        _XHTML,
        '<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>'
        "<title>{status} - {reason}</title></head>",
        '<body><div id="header"><h1>Server Error</h1></div><div id="content"><fieldset>',
        "<h2>{status} - {reason}.</h2><h3>{detail}</h3></fieldset></div></body>",
        "</html>",
        "",
    )
)
_WCF_ENDPOINT_NOT_FOUND = "\n".join(
    (
        '<?xml version="1.0" encoding="utf-8"?>',
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        _XHTML + "<head><title>Service</title></head>",
        '<body><div id="content"><p class="heading1">Service</p>',
        "<p>Endpoint not found.</p></div></body></html>",
        "",
    )
)


def gateway_response(variants: Variants, error: BaseException, status: int) -> Response | None:
    """404 / 405 / 413 / 415 as a load balancer (text/plain) or IIS (text/html) answers them, or None."""
    if not isinstance(error, _GATEWAY_ERRORS) or status not in _REASONS:
        return None
    form = variants.first_on("gateway-errors-html", "gateway-errors-text")
    if form is None:
        return None
    headers = dict(error.headers) if isinstance(error, HttpProblem) else {}  # 405 keeps its Allow
    reason = _REASONS[status]
    if form == "gateway-errors-html":
        page = _IIS_PAGE.format(status=status, reason=reason, detail=_IIS_DETAILS[status])
        return Response(page.encode("latin-1"), status_code=status, media_type="text/html", headers=headers)
    return Response(
        f"{status} {reason}".encode(), status_code=status, media_type="text/plain", headers=headers
    )


def unknown_operation(variants: Variants, customer_base: str, path: str) -> Response | HttpProblem | None:
    """An unknown 1.1 operation (a path under the 1.1 base that is no route): the 400 to raise, WCF's HTML
    404 to answer, or None (ours: 404 + ErrorMessage)."""
    if not path.lower().startswith(customer_base.lower() + "/"):
        return None
    form = variants.first_on("unknown-operation-400", "unknown-operation-html-404")
    if form == "unknown-operation-400":
        name = path[len(customer_base) + 1 :]
        return BadRequest(f"{name} is not an operation of Customer Service 1.1.", key="UnknownOperation")
    if form == "unknown-operation-html-404":
        return Response(_WCF_ENDPOINT_NOT_FOUND.encode(), status_code=404, media_type="text/html")
    return None


def error_headers(variants: Variants, status: int, headers: dict[str, str]) -> dict[str, str]:
    if status == 401 and variants.is_on("auth-401-no-challenge"):
        return {name: value for name, value in headers.items() if name.lower() != "www-authenticate"}
    return headers


# --- throttling ---------------------------------------------------------------------------------------------
class ApiThrottle:
    """api-throttling: every Nth API request (both APIs, any caller) answers 429 with Retry-After."""

    def __init__(self) -> None:
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def check(self, variants: Variants, every: int, retry_after: int) -> None:
        if not variants.is_on("api-throttling"):
            return
        with self._lock:
            number = next(self._count)
        if every > 0 and number % every == 0:
            raise TooManyRequests(
                f"Too many requests: every {every}th request is throttled.",
                headers={"Retry-After": str(retry_after)},
            )


# --- a front end: its own 503s, the network's latency, a generic Allow -------------------------------------
GATEWAY_503_PAGE = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>"
    b"<h1>Service Unavailable</h1><p>The service is temporarily unavailable. Please try again shortly.</p>"
    b"</body></html>"
)
GENERIC_ALLOW = "GET, POST"


class GatewayOutage:
    """gateway-503: every Nth request (any path) is answered by the front end with 503, before the API."""

    def __init__(self) -> None:
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def answer(self, variants: Variants, every: int, retry_after: int) -> Response | None:
        if not variants.is_on("gateway-503"):
            return None
        with self._lock:
            number = next(self._count)
        if every <= 0 or number % every:
            return None
        headers = {"Retry-After": str(retry_after)}
        return Response(GATEWAY_503_PAGE, status_code=503, media_type="text/html", headers=headers)


def latency_seconds(variants: Variants, milliseconds: int) -> float:
    """network-latency: how long every answer waits (0 when the variant is off)."""
    return milliseconds / 1000 if variants.is_on("network-latency") else 0.0


def allow_header(variants: Variants, headers: dict[str, str]) -> dict[str, str]:
    """generic-allow: a 405's Allow lists the front end's generic methods, not the operation's own."""
    if not variants.is_on("generic-allow") or "Allow" not in headers:
        return headers
    return {**headers, "Allow": GENERIC_ALLOW}


# --- content coding ----------------------------------------------------------------------------------------
GZIP_MINIMUM_BYTES = 256


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether Accept-Encoding admits gzip (explicitly or by `*`) with a quality above 0."""
    admitted: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        token, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, text = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(text)
                except ValueError:
                    quality = 0.0
        if token:
            admitted[token.lower()] = quality
    quality = admitted.get("gzip", admitted.get("x-gzip", admitted.get("*", 0.0)))
    return quality > 0


def compressed(variants: Variants, accept_encoding: str | None, response: Response) -> Response:
    """gzip-responses: the response with a gzip content coding when the client admits it."""
    body = getattr(response, "body", b"")
    if (
        not variants.is_on("gzip-responses")
        or not isinstance(body, bytes)
        or len(body) < GZIP_MINIMUM_BYTES
        or "content-encoding" in response.headers
        or not accepts_gzip(accept_encoding)
    ):
        return response
    packed = gzip.compress(body, mtime=0)
    response.body = packed
    response.headers["content-encoding"] = "gzip"
    response.headers["content-length"] = str(len(packed))
    response.headers["vary"] = "Accept-Encoding"
    return response
