"""OAuth2: one cached token, refreshed before expiry, at most 3 token requests in 60 s, 401 refresh."""

from __future__ import annotations

import base64

import httpx
import pytest

from contracts.transport.auth import (
    AuthSession,
    SlidingWindowLimiter,
    TokenError,
    TokenProvider,
)
from contracts.transport.client import NorceClient
from contracts.transport.guard import WriteGuard
from tests.unit.targets.fakes import CREDENTIALS, FakeClock, FakeNorce, tenant_target


def build(fake: FakeNorce, clock: FakeClock, **target_changes: object) -> NorceClient:
    target = tenant_target(**target_changes)
    http = httpx.Client(transport=fake.transport)
    tokens = TokenProvider(target.token_url, CREDENTIALS, http=http, clock=clock, sleep=clock.sleep)
    return NorceClient(
        target,
        AuthSession(CREDENTIALS, tokens),
        WriteGuard(target),
        transport=fake.transport,
        clock=clock,
        sleep=clock.sleep,
    )


def max_in_any_window(timestamps: list[float], window: float = 60.0) -> int:
    return max((sum(1 for t in timestamps if start <= t < start + window) for start in timestamps), default=0)


def test_one_token_per_lifetime_over_a_long_run() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock, expires_in=3600)
    client = build(fake, clock)
    for _ in range(2 * 3600 // 5):  # two simulated hours, a read every 5 s
        assert client.call("GetCustomerByCode", params={"code": "x"}).status_code == 200
        clock.now += 5
    # refreshed at 80 % of the lifetime: t=0, 2880, 5760
    assert [t - 1000.0 for t in fake.token_requests] == [0.0, 2880.0, 5760.0]
    assert client.stats.auth_refreshes == 0


def test_token_revoked_mid_run_is_refreshed_once_and_the_call_retried() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    client = build(fake, clock)
    assert client.call("GetCustomerByCode", params={"code": "x"}).status_code == 200
    fake.revoked.add("tok-1")
    clock.now += 100
    response = client.call("GetCustomerByCode", params={"code": "x"})
    assert response.status_code == 200
    assert client.stats.auth_refreshes == 1 and len(fake.token_requests) == 2
    assert response.request.headers["Authorization"] == "Bearer tok-2"


def test_token_expiring_early_server_side_is_handled() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock, expires_in=3600)
    client = build(fake, clock)
    client.call("GetCustomerByCode", params={"code": "x"})
    fake.tokens["tok-1"] = clock.now + 10  # the server shortens the lifetime it announced
    clock.now += 30
    assert client.call("GetCustomerByCode", params={"code": "x"}).status_code == 200
    assert len(fake.token_requests) == 2


def test_a_server_rejecting_every_token_never_gets_more_than_3_token_requests_a_minute() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock, token_limit=1000)  # the fake would allow more: the client must hold back itself
    fake.reject_all_tokens = True
    client = build(fake, clock)
    for _ in range(40):
        assert (
            client.call("GetCustomerByCode", params={"code": "x"}).status_code == 401
        )  # refreshed once only
        clock.now += 1
    assert len(fake.token_requests) >= 10
    assert max_in_any_window(fake.token_requests) <= 3


def test_token_endpoint_429_waits_for_retry_after() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    fake.token_requests = [clock.now - 10] * 3  # someone else used the quota
    tokens = TokenProvider(
        "https://t.lab/identity/1.0/connect/token",
        CREDENTIALS,
        http=httpx.Client(transport=fake.transport),
        clock=clock,
        sleep=clock.sleep,
    )
    assert tokens.token() == "tok-4"
    assert clock.now - 1000.0 >= 60.0
    assert tokens.requests_made == 2


def test_token_errors_do_not_leak_the_secret() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    wrong = CREDENTIALS.__class__(client_id="a", client_secret="wrong-secret-value", application_id="1")
    tokens = TokenProvider(
        "https://t.lab/identity/1.0/connect/token",
        wrong,
        http=httpx.Client(transport=fake.transport),
        clock=clock,
    )
    with pytest.raises(TokenError) as error:
        tokens.token()
    assert "wrong-secret-value" not in str(error.value) and "401" in str(error.value)


def test_limiter_allows_three_per_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(9):
        limiter.acquire()
        stamps.append(clock.now)
    assert max_in_any_window(stamps) == 3
    assert stamps[-1] - stamps[0] >= 120


def test_legacy_basic_for_connect() -> None:
    clock = FakeClock()
    fake = FakeNorce(clock)
    client = build(fake, clock, connect_auth="basic")
    response = client.job(7)
    expected = base64.b64encode(b"42:0b6f3f0e-1111-4c2d-9a55-3c1f5e0d7a11").decode()
    assert response.request.headers["Authorization"] == f"Basic {expected}"
    assert fake.token_requests == []


def test_every_token_is_told_to_the_secret_sink() -> None:
    """Tokens the endpoint hands out reach the run's recorder, so redaction and the report scan know them."""
    clock = FakeClock()
    fake = FakeNorce(clock)
    told: list[tuple[str, str | None]] = []

    class Sink:
        def register_secret(self, label: str, value: str | None) -> None:
            told.append((label, value))

    tokens = TokenProvider(
        "https://t.lab/identity/1.0/connect/token",
        CREDENTIALS,
        http=httpx.Client(transport=fake.transport),
        clock=clock,
        secrets=Sink(),
    )
    assert tokens.token() == "tok-1"
    tokens.refresh_after_rejection("tok-1")
    assert told == [("access_token", "tok-1"), ("access_token", "tok-2")]
