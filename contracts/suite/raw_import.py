"""Imports sent exactly as a test built them: an absent header, or a multi-line one (obs-fold), which the
client's own import methods cannot send."""

from __future__ import annotations

from typing import Any

import httpx

from contracts.oracle.header import IMPORT_CUSTOMERS
from contracts.oracle.strategies.requests import ImportRequest
from contracts.reports.coverage import record_header_enums
from contracts.suite.flows import JSON
from contracts.transport.client import LINE_BREAKS, NorceClient


def send(client: NorceClient, request: ImportRequest) -> Any:
    """POST the request as built, including an absent header (the client always sends one, so go raw)."""
    record_header_enums(request.header_value)
    if request.header_value is not None and LINE_BREAKS.search(request.header_value):
        return send_folded(client, request)
    if request.header_value is None:
        url = f"{client.target.connect_url}/Customer/{request.operation}"
        headers = {**request.headers, "Accept": JSON}
        return client.raw("POST", url, content=request.body, headers=headers)
    send_import = (
        client.import_customers if request.operation == IMPORT_CUSTOMERS else client.import_companies
    )
    return send_import(request.body, request.header_value, request.content_type)


def send_folded(client: NorceClient, request: ImportRequest) -> httpx.Response:
    """A multi-line header value crosses HTTP/1.1 only as obs-fold, which the client writes for this case."""
    url = f"{client.target.connect_url}/Customer/{request.operation}"
    return client.post_folded(url, headers={**request.headers, "Accept": JSON}, content=request.body)
