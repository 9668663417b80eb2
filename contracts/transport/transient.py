"""Transient answers of a front end: a gateway 502, 503 or 504 that did not come from the API.

During a deployment slot swap or a restart a gateway answers 503 (often with Retry-After) before the request
reaches Norce; a 502 or 504 says the gateway could not get an answer upstream. Such an answer says nothing
about the contract, so the client retries it a bounded number of times. An answer that carries a Norce
ErrorMessage came from the API itself and is judged as it is, and so is a 5xx that persists.

Writes: a 503 means the service did not take the request (RFC 9110 §15.6.4), so any request is retried on
it. A 502 or 504 may come after the API acted; only requests whose repetition is harmless are retried on
them: reads, the token request, and Connect imports (every import the suite sends is namespaced, an upsert by
Code: sent twice it writes the same entities again).
"""

from __future__ import annotations

import json

import httpx

from contracts.transport.auth import retry_after_seconds

GATEWAY_STATUSES = frozenset({502, 503, 504})
SERVICE_UNAVAILABLE = 503
MAX_WAIT = 30.0


def backoff_seconds(attempt: int) -> float:
    """0.5 s, 1 s, 2 s, ... for attempts 1, 2, 3, ... (capped)."""
    return float(min(0.5 * 2 ** max(attempt - 1, 0), 8.0))


def carries_norce_error(response: httpx.Response) -> bool:
    """Whether the body is a Norce ErrorMessage (JSON or XML): then the API itself answered."""
    content = response.content.strip()
    if not content:
        return False
    if b"<ErrorMessage" in content[:400]:
        return True
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and "Message" in body and ("MessageId" in body or "Messages" in body)


def is_transient(response: httpx.Response, *, repeat_is_harmless: bool) -> bool:
    """A gateway's transient answer that may be retried for this request."""
    if response.status_code not in GATEWAY_STATUSES or carries_norce_error(response):
        return False
    return response.status_code == SERVICE_UNAVAILABLE or repeat_is_harmless


def wait_seconds(response: httpx.Response, attempt: int) -> float:
    """Retry-After when the answer gives one, else an exponential backoff."""
    return min(retry_after_seconds(response, default=backoff_seconds(attempt)), MAX_WAIT)
