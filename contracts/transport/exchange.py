"""One request and its answer as a failure report shows them: what was sent, what came back.

The client hands every exchange to its observer (the run's recorder), which keeps the running test's last
few; a failure file prints them as the chain that led to the failure, and the curl of the one that broke
the contract. Kept cheap: bytes are sliced, not decoded, until a failure needs them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

REQUEST_BODY_LIMIT = 1_000_000  # a curl needs the whole body; beyond this the record says it was cut
BODY_TAIL = 65_536  # of a longer body, its end is kept too, and the byte the middle repeats, if it does
ANSWER_LIMIT = 4_000  # the answer as the chain shows it


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    operation: str | None
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    request_body_length: int
    status: int | None  # None: no answer (a network error)
    answer_type: str = ""
    answer: bytes = b""
    answer_length: int = 0
    error: str | None = None
    # For a recorded run (`--record`): the answer's headers, when the request was sent (epoch seconds) and
    # how long it took, whether the client sent it again (a 429 or a gateway's 503 it waited out), and
    # whether its headers went out folded (obs-fold, `NorceClient.post_folded`).
    answer_headers: tuple[tuple[str, str], ...] = ()
    started: float = 0.0
    elapsed: float = 0.0
    retried: bool = False
    folded: bool = False
    request_body_tail: bytes = b""  # the last BODY_TAIL bytes of a body longer than REQUEST_BODY_LIMIT
    request_body_fill: int | None = None  # the byte every cut byte between head and tail is, if one is

    @classmethod
    def of(
        cls,
        request: httpx.Request,
        response: httpx.Response | None,
        operation: str | None,
        error: str | None = None,
        *,
        elapsed: float = 0.0,
        retried: bool = False,
        folded: bool = False,
    ) -> Exchange:
        body = request.content
        answer = response.content if response is not None else b""
        return cls(
            method=request.method,
            url=str(request.url),
            operation=operation,
            request_headers=tuple(request.headers.items()),
            request_body=body[:REQUEST_BODY_LIMIT],
            request_body_length=len(body),
            status=response.status_code if response is not None else None,
            answer_type=response.headers.get("content-type", "") if response is not None else "",
            answer=answer[:ANSWER_LIMIT],
            answer_length=len(answer),
            error=error,
            answer_headers=tuple(response.headers.multi_items()) if response is not None else (),
            started=time.time() - elapsed,
            elapsed=elapsed,
            retried=retried,
            folded=folded,
            **_cut_body(body),
        )

    @property
    def is_write(self) -> bool:
        return self.method.upper() not in ("GET", "HEAD", "OPTIONS")

    def request(self) -> httpx.Request:
        """The request as sent (for its curl)."""
        return httpx.Request(
            self.method, self.url, headers=list(self.request_headers), content=self.request_body
        )


def _cut_body(body: bytes) -> dict[str, Any]:
    """What a body longer than the limit keeps besides its head: its tail, and the byte its middle repeats
    (an oversized-body test sends `[` + 10 MiB of spaces + `]`: a recording can stand for it exactly)."""
    if len(body) <= REQUEST_BODY_LIMIT:
        return {}
    middle = memoryview(body)[REQUEST_BODY_LIMIT : len(body) - BODY_TAIL]
    fill = body[REQUEST_BODY_LIMIT] if len(middle) else None
    if fill is not None and bytes(middle).count(fill) != len(middle):
        fill = None
    return {"request_body_tail": body[-BODY_TAIL:], "request_body_fill": fill}
