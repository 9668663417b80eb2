"""A `requests` adapter that sends through the suite's NorceClient: Schemathesis' traffic takes the same road.

Schemathesis sends with `requests`; mounted on the session it is given, this adapter hands every request
(cases and ignored_auth's probes alike) to `NorceClient.send_as_is`: the write guard, pacing, 429 with
Retry-After, bounded retries, the one refresh after a 401 to our own token, the namespace check, the ledger
and the request record. The answer is rebuilt as the urllib3 response `requests` expects.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import httpx
import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict

from contracts.transport.client import NorceClient

# httpx has already decoded the body and knows its length: these would make urllib3 decode or count again.
_STALE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class ClientAdapter(BaseAdapter):
    def __init__(self, client: NorceClient) -> None:
        super().__init__()
        self.client = client
        self._builder = HTTPAdapter()  # for `build_response`: a urllib3 answer as a requests.Response

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        body = request.body
        content = body.encode("utf-8") if isinstance(body, str) else body
        answer = self.client.send_as_is(
            str(request.method),
            str(request.url),
            headers={name: str(value) for name, value in request.headers.items()},
            content=content if isinstance(content, bytes) else None,
        )
        return self._builder.build_response(request, _as_urllib3(answer))

    def close(self) -> None:
        self._builder.close()


def _as_urllib3(answer: httpx.Response) -> HTTPResponse:
    headers = HTTPHeaderDict()
    for name, value in answer.headers.multi_items():
        if name.lower() not in _STALE_HEADERS:
            headers.add(name, value)
    headers["Content-Length"] = str(len(answer.content))
    return HTTPResponse(
        body=io.BytesIO(answer.content),
        headers=headers,
        status=answer.status_code,
        reason=answer.reason_phrase,
        version=11,
        preload_content=False,
        decode_content=False,
    )


def client_session(client: NorceClient) -> requests.Session:
    """A `requests` session whose every request goes through `client`."""
    session = requests.Session()
    session.trust_env = False  # the client has its own proxy settings; requests' would not be used anyway
    adapter = ClientAdapter(client)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
