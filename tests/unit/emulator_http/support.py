"""Shared helpers: an in-process emulator client and credentials (no network)."""

from __future__ import annotations

import warnings
from typing import Any

from emulator.config import EmulatorConfig
from emulator.http.app import create_app

with warnings.catch_warnings():
    # Starlette 1.x warns that its TestClient still uses httpx; the client itself works as documented.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CONNECT = "/commerce/connect/4.0"
CUSTOMER = "/commerce/customer/1.1"
TOKEN = "/identity/1.0/connect/token"
GOOD_FORM = {
    "client_id": "norce-emulator",
    "client_secret": "emulator-secret",
    "grant_type": "client_credentials",
    "scope": "playground",
}
PASSWORD = "S3cret-pass"


def make_client(**config: Any) -> TestClient:
    config.setdefault("admin", True)
    return TestClient(create_app(EmulatorConfig(**config)))


def auth_headers(client: TestClient) -> dict[str, str]:
    response = client.post(TOKEN, data=GOOD_FORM)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "application-id": "1"}


def import_customers(
    client: TestClient,
    headers: dict[str, str],
    items: list[dict[str, Any]],
    fields: str = "[0,2,3,6,8,9,14]",
    account_fields: str | None = "[0,1]",
) -> Any:
    header = '{"AccountId":1,"CustomerFieldsThatAreSet":' + fields
    header += (',"AccountFieldsThatAreSet":' + account_fields if account_fields else "") + "}"
    response = client.post(
        f"{CONNECT}/Customer/ImportCustomers",
        json=items,
        headers={**headers, "X-StormConnect-Header": header},
    )
    assert response.status_code == 200, response.text
    return response.json()
