"""One request and its answer as a failure report shows them: what was sent, what came back.

The client hands every exchange to its observer (the run's recorder), which keeps the running test's last
few; a failure file prints them as the chain that led to the failure, and the curl of the one that broke
the contract. Kept cheap: bytes are sliced, not decoded, until a failure needs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

REQUEST_BODY_LIMIT = 1_000_000  # a curl needs the whole body; beyond this the record says it was cut
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

    @classmethod
    def of(
        cls,
        request: httpx.Request,
        response: httpx.Response | None,
        operation: str | None,
        error: str | None = None,
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
        )

    @property
    def is_write(self) -> bool:
        return self.method.upper() not in ("GET", "HEAD", "OPTIONS")

    def request(self) -> httpx.Request:
        """The request as sent (for its curl)."""
        return httpx.Request(
            self.method, self.url, headers=list(self.request_headers), content=self.request_body
        )
