"""Imports sent exactly as a test built them: an absent header, or a multi-line one (obs-fold), which the
client's own import methods cannot send.

A deliberately broken request may be refused below HTTP: a front end may reset the connection or close it
instead of answering 400. That is a refusal too (`send(..., broken=True)`): it comes back as a `REFUSED`
answer with no HTTP status, so the caller judges what the docs fix, the effect (nothing was written, read
back), and records the form (no 400 with the rule's key) as the deviation it is.
"""

from __future__ import annotations

from typing import Any

import httpx

from contracts.oracle.header import IMPORT_CUSTOMERS
from contracts.oracle.strategies.requests import ImportRequest
from contracts.reports.coverage import record_header_enums
from contracts.suite.flows import JSON
from contracts.transport.client import LINE_BREAKS, NetworkError, NorceClient

REFUSED = 0  # the status of a transport-level refusal: no HTTP answer at all
REFUSAL_HEADER = "X-Norce-Transport-Refusal"


def send(client: NorceClient, request: ImportRequest, *, broken: bool = False) -> Any:
    """POST the request as built, including an absent header (the client always sends one, so go raw). A
    `broken` request the transport refuses comes back as a `REFUSED` answer (`transport_refusal`)."""
    try:
        return _send(client, request, repeat_unknown=not broken)
    except NetworkError as error:
        if not broken:
            raise
        return transport_refusal(client, request, str(error))


def transport_refusal(client: NorceClient, request: ImportRequest, reason: str) -> httpx.Response:
    """The answer a refused request stands for: no HTTP status, the reason as its text, and the request it
    refused (so a failure still prints its curl)."""
    url = f"{client.target.connect_url}/Customer/{request.operation}"
    sent = httpx.Request("POST", url, headers=request.headers, content=request.body)
    text = f"no HTTP answer: the connection was refused below HTTP ({reason})"
    headers = {"Content-Type": "text/plain", REFUSAL_HEADER: "1"}
    return httpx.Response(REFUSED, headers=headers, content=text.encode(), request=sent)


def is_refusal(response: Any) -> bool:
    return getattr(response, "status_code", None) == REFUSED


def _send(client: NorceClient, request: ImportRequest, *, repeat_unknown: bool) -> Any:
    record_header_enums(request.header_value)
    if request.header_value is not None and LINE_BREAKS.search(request.header_value):
        return send_folded(client, request)
    if request.header_value is None:
        url = f"{client.target.connect_url}/Customer/{request.operation}"
        headers = {**request.headers, "Accept": JSON}
        return client.raw("POST", url, content=request.body, headers=headers, repeat_unknown=repeat_unknown)
    send_import = (
        client.import_customers if request.operation == IMPORT_CUSTOMERS else client.import_companies
    )
    return send_import(
        request.body, request.header_value, request.content_type, repeat_unknown=repeat_unknown
    )


def send_folded(client: NorceClient, request: ImportRequest) -> httpx.Response:
    """A multi-line header value crosses HTTP/1.1 only as obs-fold, which the client writes for this case."""
    url = f"{client.target.connect_url}/Customer/{request.operation}"
    return client.post_folded(url, headers={**request.headers, "Accept": JSON}, content=request.body)
