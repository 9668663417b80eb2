"""A request as a shell command that reproduces it, with credentials and secret body fields redacted."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

import httpx

from contracts.transport.redact import redact_body, redact_header_value, redact_text, redact_url

# Headers curl sets itself (or that only describe this one connection): left out of the reproduction.
_IMPLIED_HEADERS = ("host", "content-length", "accept-encoding", "connection", "user-agent")


def as_curl(request: httpx.Request, secrets: Sequence[str] = ()) -> str:
    """A shell command reproducing `request`, with credentials and secret body fields redacted."""
    parts = ["curl", "-X", request.method, shlex.quote(redact_text(redact_url(str(request.url)), secrets))]
    for name, value in request.headers.items():
        if name.lower() in _IMPLIED_HEADERS:
            continue
        shown = redact_text(redact_header_value(name, value), secrets)
        parts += ["-H", shlex.quote(f"{name}: {shown}")]
    body = request.content
    if body:
        shown_body = redact_text(redact_body(body, request.headers.get("content-type")), secrets)
        parts += ["--data-binary", shlex.quote(shown_body)]
    return " ".join(parts)
