"""The chain of exchanges that led to a failure, as a person reads it at 7 a.m.: each request with method,
URL, the X-StormConnect-Header, the body and the answer (shortened past a stated limit), the request that
broke the contract marked, its curl, and a script that replays the whole chain.

Secrets are redacted here, once, for every text that leaves (the recorder redacts again before writing).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from contracts.transport.curl import as_curl
from contracts.transport.exchange import Exchange
from contracts.transport.redact import REDACTED, redact_body, redact_text, redact_url

STORM_HEADER = "x-stormconnect-header"
SHOWN_BODY = 1500  # characters of a request body or an answer the chain prints; the limit is stated
TOKEN_VARIABLE = "NORCE_TOKEN"
_REDACTED_AUTHORIZATION = re.compile(re.escape(shlex.quote(f"authorization: {REDACTED}")), re.IGNORECASE)


def breaking_index(exchanges: Sequence[Exchange], operation: str | None) -> int | None:
    """Which exchange broke the contract: the last one to the operation the judgement named; else the last
    write of the chain (an import whose read-back failed broke it, not the read); else the last request."""
    if not exchanges:
        return None
    if operation:
        for index in range(len(exchanges) - 1, -1, -1):
            if exchanges[index].operation == operation:
                return index
    for index in range(len(exchanges) - 1, -1, -1):
        if exchanges[index].is_write:
            return index
    return len(exchanges) - 1


def _shown(content: bytes, total: int, content_type: str | None, secrets: Sequence[str]) -> str:
    text = redact_text(redact_body(content, content_type), secrets)
    cut = len(text) > SHOWN_BODY or total > len(content)
    if not cut:
        return text
    return f"{text[:SHOWN_BODY]} … [{total} bytes; the first {SHOWN_BODY} characters shown]"


def _header(exchange: Exchange, name: str) -> str | None:
    return next((v for k, v in exchange.request_headers if k.lower() == name), None)


def chain_text(exchanges: Sequence[Exchange], breaking: int | None, secrets: Sequence[str] = ()) -> str:
    lines = []
    for index, exchange in enumerate(exchanges):
        mark = "   <== the request that broke the contract" if index == breaking else ""
        where = f" [{exchange.operation}]" if exchange.operation else ""
        lines.append(f"{index + 1}. {exchange.method} {redact_text(redact_url(exchange.url), secrets)}{where}{mark}")
        storm = _header(exchange, STORM_HEADER)
        if storm is not None:
            lines.append(f"   X-StormConnect-Header: {redact_text(storm, secrets)}")
        if exchange.request_body_length:
            body_type = _header(exchange, "content-type")
            body = _shown(exchange.request_body, exchange.request_body_length, body_type, secrets)
            lines.append(f"   body: {body}")
        if exchange.status is None:
            lines.append(f"   -> no answer ({exchange.error or 'network error'})")
        else:
            answer = _shown(exchange.answer, exchange.answer_length, exchange.answer_type, secrets)
            lines.append(f"   -> {exchange.status} {exchange.answer_type or '(no Content-Type)'}: {answer or '(empty)'}")
    return "\n".join(lines)


def curl_of(exchange: Exchange, secrets: Sequence[str] = ()) -> str:
    return as_curl(exchange.request(), secrets)


def replay_script(exchanges: Sequence[Exchange], secrets: Sequence[str] = ()) -> str:
    """A shell script that sends the chain again, in order. Credentials are not in it: it reads the token
    from $NORCE_TOKEN (and the application id stays as sent). Ids in later requests are the ones this run
    saw; against another state they may name other entities, so replay on the tenant the run used."""
    lines = [
        "#!/bin/sh",
        "# Replays the requests that led to the failure, in order (the failure file says which one broke it).",
        f"# Set {TOKEN_VARIABLE} to a bearer token of the same client first; no credential is stored here.",
        "# Ids were this run's: replay against the same tenant, soon after the run.",
        f': "${{{TOKEN_VARIABLE}:?set {TOKEN_VARIABLE} to a bearer token}}"',
        "",
    ]
    for index, exchange in enumerate(exchanges):
        curl = curl_of(exchange, secrets)
        curl = _REDACTED_AUTHORIZATION.sub(f'"Authorization: Bearer ${TOKEN_VARIABLE}"', curl)
        lines += [f"# {index + 1}. {exchange.operation or exchange.method}", curl, ""]
    return "\n".join(lines)
