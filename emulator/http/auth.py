"""OAuth2 client-credentials tokens and request authentication (ARCHITECTURE.md "Auth").

Tokens are opaque random strings drawn from a seeded generator, kept only in memory, and never logged.
Time comes from the emulator clock so tests can move past the 3600 s lifetime without waiting. A second,
documented "expiry probe" client gets tokens of a few seconds, so a black-box client can watch one expire.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from emulator.config import EmulatorConfig
from emulator.faults import Faults
from emulator.http.errors import Forbidden, TooManyRequests, Unauthorized
from emulator.variants import Variants

Clock = Callable[[], datetime]
APPLICATION_ID_HEADERS = ("application-id", "applicationid")  # Starlette header lookup is case-insensitive
_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


class OAuthError(Exception):
    """RFC 6749 §5.2 error: 400 with {"error": code}."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    expires_at: float  # clock seconds


def _same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


class TokenService:
    """Issues and validates bearer tokens; rate-limits the token endpoint per client id."""

    def __init__(self, config: EmulatorConfig, clock: Clock, faults: Faults) -> None:
        self.config = config
        self.clock = clock
        self.faults = faults
        self._random = random.Random(f"tokens:{config.seed}")
        self._tokens: dict[str, IssuedToken] = {}
        self._requests: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _seconds(self) -> float:
        return self.clock().timestamp()

    def _check_rate(self, client_key: str, now: float) -> None:
        if self.faults.is_on("auth-token-not-rate-limited"):
            return
        window = self.config.token_window_seconds
        with self._lock:
            recent = self._requests.setdefault(client_key, deque())
            while recent and recent[0] <= now - window:
                recent.popleft()
            if len(recent) >= self.config.token_requests_per_window:
                retry_after = max(1, math.ceil(recent[0] + window - now))
                raise TooManyRequests(
                    f"More than {self.config.token_requests_per_window} token requests in {window} s.",
                    headers={"Retry-After": str(retry_after)},
                )
            recent.append(now)

    def _lifetime_of(self, client_id: str, client_secret: str) -> int | None:
        """The token lifetime of a known client (main or expiry probe), None for unknown ones."""
        config = self.config
        if _same(client_id, config.client_id) and _same(client_secret, config.client_secret):
            if self.faults.is_on("auth-token-lives-a-day"):
                return 24 * 3600
            return config.token_lifetime_seconds
        probe_id = config.probe_client_id
        if probe_id and _same(client_id, probe_id) and _same(client_secret, config.probe_client_secret):
            return config.probe_token_lifetime_seconds
        return None

    def issue(self, form: Mapping[str, str]) -> dict[str, object]:
        """The token response for a client-credentials form, or OAuthError / TooManyRequests."""
        now = self._seconds()
        client_id = form.get("client_id", "")
        self._check_rate(client_id, now)
        if form.get("grant_type") != "client_credentials":
            raise OAuthError("unsupported_grant_type", "grant_type must be client_credentials")
        lifetime = self._lifetime_of(client_id, form.get("client_secret", ""))
        if lifetime is None:
            raise OAuthError("invalid_client", "unknown client or wrong secret")
        requested = form.get("scope", "").split()
        if any(scope != self.config.scope for scope in requested):
            raise OAuthError("invalid_scope", f"the only scope offered is {self.config.scope}")
        token = "".join(self._random.choice(_TOKEN_ALPHABET) for _ in range(43))
        with self._lock:
            self._tokens = {t: i for t, i in self._tokens.items() if i.expires_at > now}
            self._tokens[token] = IssuedToken(client_id=client_id, expires_at=now + lifetime)
        answer: dict[str, object] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": self.config.scope,
        }
        if self.faults.is_on("auth-token-answer-lacks-token-type"):
            del answer["token_type"]
        if self.faults.is_on("auth-token-scope-as-list"):
            answer["scope"] = self.config.scope.split()
        return answer

    def is_valid(self, token: str) -> bool:
        with self._lock:
            issued = self._tokens.get(token)
        if issued is not None and self.faults.is_on("auth-expired-token-accepted"):
            return True
        return issued is not None and issued.expires_at > self._seconds()

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._requests.clear()


def _challenge(api: str, error: str | None) -> str:
    bearer = 'Bearer realm="norce-emulator"' + (f', error="{error}"' if error else "")
    return bearer + (', Basic realm="norce-connect"' if api == "connect" else "")


def _basic_matches(credentials: str, config: EmulatorConfig) -> bool:
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    application_id, separator, secret_key = decoded.partition(":")
    return (
        bool(separator)
        and _same(application_id, config.basic_application_id)
        and _same(secret_key.lower(), config.basic_secret_key.lower())
    )


def authenticate(
    headers: Mapping[str, str],
    api: str,
    tokens: TokenService,
    faults: Faults,
    variants: Variants | None = None,
) -> None:
    """Accept a valid bearer token plus the application id header, or (Connect only) legacy Basic.

    Raises Unauthorized with a `WWW-Authenticate` challenge otherwise. Variants (Q9, Q10, legacy Basic):
    no-legacy-basic refuses Basic, application-id-optional serves a bearer call without the application id,
    auth-wrong-application-id-403 refuses a wrong one with 403.
    """
    variants = variants if variants is not None else Variants()
    authorization = headers.get("authorization", "")
    if not authorization.strip() and faults.is_on("auth-missing-token-accepted"):
        return
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic" and api == "connect" and variants.is_on("no-legacy-basic"):
        raise Unauthorized(
            "Basic authentication is not enabled for this application; use an OAuth2 bearer token.",
            headers={"WWW-Authenticate": 'Bearer realm="norce-emulator"'},
        )
    if scheme == "basic" and (api == "connect" or faults.is_on("auth-basic-accepted-on-customer-service")):
        if _basic_matches(credentials, tokens.config):
            return
        raise Unauthorized("Invalid Basic credentials.", headers={"WWW-Authenticate": _challenge(api, None)})
    if scheme != "bearer" or not credentials.strip():
        raise Unauthorized("A bearer token is required.", headers={"WWW-Authenticate": _challenge(api, None)})
    if not tokens.is_valid(credentials.strip()):
        raise Unauthorized(
            "The access token is invalid or expired.",
            headers={"WWW-Authenticate": _challenge(api, "invalid_token")},
        )
    names: tuple[str, ...] = APPLICATION_ID_HEADERS
    if faults.is_on("auth-application-id-header-name-ignored"):
        names = tuple(name for name in names if name != "application-id")
    application_id = next((headers[name] for name in names if name in headers), None)
    if application_id is None and (
        variants.is_on("application-id-optional") or faults.is_on("auth-application-id-header-name-ignored")
    ):
        return
    wrong_id_accepted = application_id is not None and faults.is_on("auth-wrong-application-id-accepted")
    wrong_id = application_id is not None and application_id.strip() != tokens.config.application_id
    if wrong_id and not wrong_id_accepted and variants.is_on("auth-wrong-application-id-403"):
        raise Forbidden("The token's client may not act for this application id.")
    if application_id is None or (
        application_id.strip() != tokens.config.application_id and not wrong_id_accepted
    ):
        raise Unauthorized(
            "The application id header (application-id) is missing or unknown.",
            headers={"WWW-Authenticate": _challenge(api, "invalid_request")},
        )
