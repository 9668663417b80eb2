"""`POST /identity/1.0/connect/token`: the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.responses import JSONResponse

from emulator.http.auth import OAuthError
from emulator.http.bodies import read_body
from emulator.http.routing import Call, Reply

TOKEN_PATH = "/identity/1.0/connect/token"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(code: str, description: str) -> Reply:
    return Reply(raw=JSONResponse({"error": code, "error_description": description}, 400, headers=_NO_STORE))


async def issue_token(call: Call) -> Reply:
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await read_body(call.request, 64 * 1024)
    if content_type != "application/x-www-form-urlencoded":
        return _oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return _oauth_error("invalid_request", "the form body cannot be read")
    try:
        token = call.runtime.tokens.issue(form)
    except OAuthError as error:
        return _oauth_error(error.code, error.description)
    return Reply(raw=JSONResponse(token, headers=_NO_STORE))
