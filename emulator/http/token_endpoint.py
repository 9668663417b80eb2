"""`POST /identity/1.0/connect/token`: the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, unquote_plus

from starlette.responses import JSONResponse

from emulator.http.auth import OAuthError
from emulator.http.bodies import read_body
from emulator.http.errors import RouteNotFound
from emulator.http.routing import Call, Reply

TOKEN_PATH = "/identity/1.0/connect/token"
MOVED_TOKEN_PATH = "/identity/connect/token"  # where the seeded fault auth-token-endpoint-moved serves it
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _without_credentials(form: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in form.items() if key not in ("client_id", "client_secret")}


def _basic_credentials(authorization: str | None) -> dict[str, str]:
    """client_secret_basic (RFC 6749 §2.3.1), all the seeded fault auth-token-credentials-only-basic reads."""
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return {}
    return {"client_id": unquote_plus(client_id), "client_secret": unquote_plus(secret)}


def _oauth_error(code: str, description: str) -> Reply:
    return Reply(raw=JSONResponse({"error": code, "error_description": description}, 400, headers=_NO_STORE))


async def issue_token(call: Call) -> Reply:
    moved = call.runtime.faults.is_on("auth-token-endpoint-moved")
    if (call.request.url.path == MOVED_TOKEN_PATH) != moved:
        raise RouteNotFound(f"No operation at {call.request.url.path}.")
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(call.request, 64 * 1024)
    if content_type != "application/x-www-form-urlencoded":
        return _oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return _oauth_error("invalid_request", "the form body cannot be read")
    if call.runtime.faults.is_on("auth-token-credentials-only-basic"):
        form = {**_without_credentials(form), **_basic_credentials(call.request.headers.get("authorization"))}
    try:
        token = call.runtime.tokens.issue(form)
    except OAuthError as error:
        return _oauth_error(error.code, error.description)
    return Reply(raw=JSONResponse(token, headers=_NO_STORE))
