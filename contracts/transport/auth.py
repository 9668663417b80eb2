"""OAuth2 client credentials with one cached token per run, a client-side token-endpoint limiter, and legacy
Basic for Connect. Every request of the run, Schemathesis' included, takes its headers from one AuthSession.

Norce's token endpoint allows about 3 requests a minute per client (429 + Retry-After beyond that), and a
token lives 3600 s, so the suite asks once, refreshes at 80 % of the lifetime, and never exceeds 3 asks in
any 60 s window, even when a 401 forces a refresh.
"""

from __future__ import annotations

import base64
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from contracts.transport.target import ConfigError, Credentials

APPLICATION_ID_HEADER = "application-id"
REFRESH_RATIO = 0.8


class SecretSink(Protocol):
    """Told every token the endpoint hands out, so redaction and the report scan know it."""

    def register_secret(self, label: str, value: str | None) -> None: ...


class TokenError(Exception):
    """The token endpoint refused or answered nonsense. The message never contains the secret."""


class SlidingWindowLimiter:
    """At most `max_calls` in any `window` seconds: `acquire()` sleeps until a slot is free."""

    def __init__(
        self,
        max_calls: int = 3,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_calls, self.window = max_calls, window
        self.clock, self.sleep = clock, sleep
        self.calls: deque[float] = deque()

    def acquire(self) -> None:
        while True:
            now = self.clock()
            while self.calls and now - self.calls[0] >= self.window:
                self.calls.popleft()
            if len(self.calls) < self.max_calls:
                self.calls.append(now)
                return
            self.sleep(self.window - (now - self.calls[0]))

    def defer(self, seconds: float) -> None:
        """The server said Retry-After: treat the window as full until then."""
        until = self.clock() + seconds
        self.calls = deque([until - self.window] * self.max_calls)


# What stands for the access token in a recorded token answer: the token itself is a secret.
WITHHELD = "<withheld>"


@dataclass(frozen=True)
class TokenAnswer:
    """What the token endpoint answered the run's own token request, for AUTH-TOKEN-ANSWER: the token endpoint
    allows 3 requests a minute, so the suite judges the answer it already had instead of asking again.
    `members` is the JSON body with the access token withheld (a non-empty string becomes WITHHELD)."""

    status: int
    content_type: str
    members: dict[str, Any] | None  # None: the body was not a JSON object

    @classmethod
    def of(cls, response: httpx.Response) -> TokenAnswer:
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        members = dict(body) if isinstance(body, dict) else None
        if members is not None and isinstance(members.get("access_token"), str) and members["access_token"]:
            members["access_token"] = WITHHELD
        return cls(response.status_code, response.headers.get("content-type", ""), members)

    def as_data(self) -> dict[str, Any]:
        return {"status": self.status, "content_type": self.content_type, "members": self.members}

    @classmethod
    def from_data(cls, data: Any) -> TokenAnswer | None:
        if not isinstance(data, dict):
            return None
        members = data.get("members")
        return cls(
            int(data.get("status", 0)),
            str(data.get("content_type", "")),
            dict(members) if isinstance(members, dict) else None,
        )


@dataclass
class CachedToken:
    access_token: str
    token_type: str
    obtained_at: float
    expires_in: float

    def fresh(self, now: float) -> bool:
        return now < self.obtained_at + REFRESH_RATIO * self.expires_in


class TokenProvider:
    """Client-credentials token source: cached, refreshed before expiry, rate-limited, thread-safe."""

    def __init__(
        self,
        token_url: str,
        credentials: Credentials,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        limiter: SlidingWindowLimiter | None = None,
        timeout: float = 15.0,
        max_attempts: int = 4,
        secrets: SecretSink | None = None,
    ) -> None:
        credentials.require_oauth()
        self.token_url = token_url
        self.credentials = credentials
        self.http = http or httpx.Client(timeout=timeout)
        self.clock, self.sleep = clock, sleep
        self.limiter = limiter or SlidingWindowLimiter(clock=clock, sleep=sleep)
        self.max_attempts = max_attempts
        self.secrets = secrets
        self.requests_made = 0
        self.answer: TokenAnswer | None = None  # the last answer of the token endpoint to this run's client
        self._token: CachedToken | None = None
        self.retired: list[str] = []  # tokens replaced after a 401, still recognised as ours
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or not self._token.fresh(self.clock()):
                if self._token is not None:
                    self.retired.append(self._token.access_token)
                self._token = self._fetch()
            return self._token.access_token

    def adopt(
        self,
        access_token: str,
        token_type: str,
        expires_in: float,
        age: float,
        answer: TokenAnswer | None = None,
    ) -> None:
        """Take a token another process of the run fetched (`age` seconds ago), with the token endpoint's
        answer: xdist workers share the controller's, so a run with N workers asks the token endpoint once,
        not N times (3 a minute)."""
        if self.secrets is not None:
            self.secrets.register_secret("access_token", access_token)
        with self._lock:
            self._token = CachedToken(access_token, token_type, self.clock() - max(0.0, age), expires_in)
            self.answer = answer

    def shareable(self) -> dict[str, Any]:
        """The cached token (fetched now if need be) as plain data for `adopt` in another process."""
        self.token()
        with self._lock:
            assert self._token is not None
            cached = self._token
            return {
                "access_token": cached.access_token,
                "token_type": cached.token_type,
                "expires_in": cached.expires_in,
                "age": self.clock() - cached.obtained_at,
                "answer": self.answer.as_data() if self.answer is not None else None,
            }

    def current(self) -> str | None:
        """The cached token, if any (never fetches)."""
        with self._lock:
            return None if self._token is None else self._token.access_token

    def refresh_after_rejection(self, rejected_token: str) -> str:
        """A 401 with `rejected_token`: fetch a new one unless another caller already did."""
        with self._lock:
            if self._token is None or self._token.access_token == rejected_token:
                if self._token is not None:
                    self.retired.append(self._token.access_token)
                self._token = self._fetch()
            return self._token.access_token

    def _fetch(self) -> CachedToken:
        form = client_credentials_form(
            self.credentials.client_id, self.credentials.client_secret, self.credentials.scope
        )
        for _ in range(self.max_attempts):
            self.limiter.acquire()
            self.requests_made += 1
            try:
                response = self.http.post(self.token_url, data=form, headers={"Accept": "application/json"})
            except httpx.TransportError as exc:
                raise TokenError(
                    f"token endpoint {self.token_url} unreachable: {type(exc).__name__}"
                ) from None
            if response.status_code == 429:
                self.limiter.defer(retry_after_seconds(response, default=60.0))
                continue
            if response.status_code in (502, 503, 504) and not response.content.strip().startswith(b"{"):
                # A gateway's transient answer (contracts/transport/transient.py): a token request is
                # harmless to repeat; wait as told, or back off.
                self.limiter.defer(min(retry_after_seconds(response, default=2.0), 30.0))
                continue
            if response.status_code != 200:
                raise TokenError(f"token endpoint {self.token_url} answered {response.status_code}")
            token = self._parse(response)
            self.answer = TokenAnswer.of(response)
            return token
        raise TokenError(f"token endpoint {self.token_url} kept answering {response.status_code}")

    def _parse(self, response: httpx.Response) -> CachedToken:
        try:
            body: Any = response.json()
            access_token = str(body["access_token"])
            if self.secrets is not None:  # so the report scan can prove it never leaked
                self.secrets.register_secret("access_token", access_token)
            expires_in = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise TokenError(f"token endpoint {self.token_url} returned no access_token") from None
        return CachedToken(access_token, str(body.get("token_type") or "Bearer"), self.clock(), expires_in)


def client_credentials_form(
    client_id: str | None, client_secret: str | None, scope: str | None
) -> dict[str, str]:
    """The OAuth2 client-credentials token request body; `scope` only when the target declares one."""
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id or "",
        "client_secret": client_secret or "",
    }
    if scope:
        form["scope"] = scope
    return form


def retry_after_seconds(response: httpx.Response, *, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


def bearer_headers(token: str, application_id: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if application_id:
        headers[APPLICATION_ID_HEADER] = application_id
    return headers


def basic_headers(application_id: str, secret_key: str) -> dict[str, str]:
    """Connect's legacy scheme: Basic base64(<applicationId>:<secretKey GUID>)."""
    encoded = base64.b64encode(f"{application_id}:{secret_key}".encode()).decode("ascii")
    return {"Authorization": f"Basic {encoded}"}


class AuthSession:
    """Produces request headers for either scheme; shared by NorceClient and the Schemathesis provider."""

    def __init__(self, credentials: Credentials, tokens: TokenProvider | None) -> None:
        self.credentials = credentials
        self.tokens = tokens

    def headers(self, scheme: str = "oauth") -> dict[str, str]:
        if scheme == "basic":
            if not self.credentials.has_basic:
                raise ConfigError("legacy Basic needs NORCE_BASIC_APPLICATION_ID and NORCE_BASIC_SECRET_KEY")
            return basic_headers(
                self.credentials.basic_application_id or "", self.credentials.basic_secret_key or ""
            )
        if self.tokens is None:
            raise ConfigError("OAuth2 is not configured for this target")
        return bearer_headers(self.tokens.token(), self.credentials.application_id)

    def carries_own_credentials(self, sent_headers: httpx.Headers | dict[str, str]) -> bool:
        """Whether a request carried this session's complete credentials: a bearer token it handed out and,
        when one is configured, its application id.

        A 401 to those means the token expired or was revoked; a 401 to anything else (no credentials, a
        wrong token or application id, Basic) is the answer a probe was looking for and is not "repaired".
        """
        headers = httpx.Headers(sent_headers)
        authorization = headers.get("Authorization", "")
        if self.tokens is None or not authorization.startswith("Bearer "):
            return False
        if authorization.removeprefix("Bearer ") not in (self.tokens.current(), *self.tokens.retired):
            return False
        expected_application = self.credentials.application_id
        return not expected_application or headers.get(APPLICATION_ID_HEADER) == expected_application

    def refresh_after_rejection(self, sent_headers: httpx.Headers | dict[str, str]) -> bool:
        """After a 401: refresh the bearer token once. False when there is nothing to refresh (Basic)."""
        authorization = httpx.Headers(sent_headers).get("Authorization", "")
        if self.tokens is None or not authorization.startswith("Bearer "):
            return False
        self.tokens.refresh_after_rejection(authorization.removeprefix("Bearer "))
        return True
