import base64

import pytest

from emulator.config import ConfigError, EmulatorConfig
from emulator.http.spec import load_specs

from .support import CONNECT, CUSTOMER, GOOD_FORM, TOKEN, auth_headers, make_client


def test_token_endpoint_issues_a_bearer_token_valid_for_an_hour():
    client = make_client()
    body = client.post(TOKEN, data=GOOD_FORM).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "playground"
    assert len(body["access_token"]) >= 32


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "other"}, "invalid_client"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"scope": "prod"}, "invalid_scope"),
    ],
)
def test_token_endpoint_refuses_bad_forms(change, error):
    response = make_client().post(TOKEN, data={**GOOD_FORM, **change})
    assert response.status_code == 400 and response.json()["error"] == error


def test_fourth_token_request_in_a_minute_is_rate_limited_until_the_window_passes():
    client = make_client()
    for _ in range(3):
        assert client.post(TOKEN, data=GOOD_FORM).status_code == 200
    limited = client.post(TOKEN, data=GOOD_FORM)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    client.app.state.runtime.clock.advance(61)
    assert client.post(TOKEN, data=GOOD_FORM).status_code == 200


def test_expired_token_is_refused_after_3600_seconds():
    client = make_client()
    headers = auth_headers(client)
    assert client.get(f"{CONNECT}/Job/List", headers=headers).status_code == 200
    client.app.state.runtime.clock.advance(3601)
    response = client.get(f"{CONNECT}/Job/List", headers=headers)
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]


PROBE_FORM = {
    **GOOD_FORM,
    "client_id": "norce-emulator-expiry",
    "client_secret": "emulator-expiry-secret",
}


def test_expiry_probe_client_gets_short_tokens_reported_with_their_true_lifetime():
    client = make_client()
    body = client.post(TOKEN, data=PROBE_FORM).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 2 and body["scope"] == "playground"
    probe = {"Authorization": f"Bearer {body['access_token']}", "application-id": "1"}
    main = auth_headers(client)
    assert client.get(f"{CONNECT}/Job/List", headers=probe).status_code == 200
    client.app.state.runtime.clock.advance(2)
    response = client.get(f"{CONNECT}/Job/List", headers=probe)
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]
    assert client.get(f"{CONNECT}/Job/List", headers=main).status_code == 200  # the main token lives on


def test_expiry_probe_lifetime_is_configurable_and_the_main_lifetime_unchanged():
    client = make_client(probe_token_lifetime_seconds=5)
    assert client.post(TOKEN, data=PROBE_FORM).json()["expires_in"] == 5
    assert client.post(TOKEN, data=GOOD_FORM).json()["expires_in"] == 3600


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "emulator-secret"},  # the main secret does not open the probe client
        {"client_secret": "wrong"},
    ],
)
def test_expiry_probe_client_needs_its_own_secret(change):
    response = make_client().post(TOKEN, data={**PROBE_FORM, **change})
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_expiry_probe_client_can_be_switched_off():
    response = make_client(probe_client_id=None).post(TOKEN, data=PROBE_FORM)
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_token_rate_limit_is_per_client_id_for_the_probe_too():
    client = make_client()
    for _ in range(3):
        assert client.post(TOKEN, data=GOOD_FORM).status_code == 200
    assert client.post(TOKEN, data=GOOD_FORM).status_code == 429
    for _ in range(3):
        assert client.post(TOKEN, data=PROBE_FORM).status_code == 200
    limited = client.post(TOKEN, data=PROBE_FORM)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "settings",
    [
        {"probe_client_id": "norce-emulator"},
        {"probe_token_lifetime_seconds": 0},
        {"probe_token_lifetime_seconds": 1.5},
        {"token_lifetime_seconds": -1},
    ],
)
def test_unusable_probe_settings_are_config_errors(settings):
    with pytest.raises(ConfigError):
        EmulatorConfig(**settings)


def _every_operation():
    return [(op.method, op.path) for op in load_specs().operations]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token", "application-id": "1"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
    ],
)
def test_every_route_refuses_missing_or_wrong_credentials(headers):
    client = make_client()
    for method, path in _every_operation():
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("app_header", [None, "ApplicationId", "Application-Id", "application-id"])
def test_application_id_header_is_required_under_any_accepted_name(app_header):
    client = make_client()
    token = auth_headers(client)["Authorization"]
    headers = {"Authorization": token} | ({app_header: "1"} if app_header else {})
    status = client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers).status_code
    assert status == (401 if app_header is None else 200)


def test_wrong_application_id_is_refused():
    client = make_client()
    headers = {**auth_headers(client), "application-id": "2"}
    assert client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers).status_code == 401


def test_basic_credentials_work_on_connect_only():
    client = make_client()
    basic = base64.b64encode(b"1:2b1f6a9e-0c6d-4b53-9a55-3c1f5e0d7a11").decode()
    headers = {"Authorization": f"Basic {basic}"}
    assert client.get(f"{CONNECT}/Job/List", headers=headers).status_code == 200
    customer = client.get(f"{CUSTOMER}/ListAccountRoles", headers=headers)
    assert customer.status_code == 401 and "Basic" not in customer.headers["WWW-Authenticate"]
    wrong = base64.b64encode(b"1:00000000-0000-0000-0000-000000000000").decode()
    assert client.get(f"{CONNECT}/Job/List", headers={"Authorization": f"Basic {wrong}"}).status_code == 401
