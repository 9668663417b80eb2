"""A one-test stand-in for the contract suite, used to prove the self-check machinery end to end.

Named `probe_*` so the project's own pytest run never collects it; the runner passes the file explicitly.
It talks to the target over HTTP through the suite's `target` fixture, like any contract test.
"""

from __future__ import annotations

import httpx

from contracts.transport.target import Target


def test_token_endpoint_answers_json_bearer_token(target: Target) -> None:
    credentials = target.credentials
    form = {
        "client_id": credentials.client_id or "",
        "client_secret": credentials.client_secret or "",
        "grant_type": "client_credentials",
        "scope": credentials.scope or "",
    }
    response = httpx.post(target.token_url, data=form, timeout=10)
    assert response.status_code == 200, f"PROBE-TOKEN-STATUS: token endpoint answered {response.status_code}"
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/json"), (
        f"PROBE-TOKEN-CONTENT-TYPE: token response is {content_type!r}, not application/json"
    )
    assert response.json()["token_type"] == "Bearer"
