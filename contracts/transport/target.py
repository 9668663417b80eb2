"""Where the suite points: the embedded emulator, a tenant base URL, or per-API URLs (older lab layout).

Settings come from, in rising precedence: `[tool.norce-contracts]` in pyproject.toml (with named profiles in
`[tool.norce-contracts.environments.<name>]`), environment variables, then explicit options. Credentials come
only from the environment (never from options, which a process listing would show).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contracts.oracle.evidence import Level

EMULATOR = "emulator"
DEFAULT_EMULATOR_APP = "emulator.http.app:create_app"
# The emulator's uvicorn protocol (h11 that refuses obs-fold with 400, as Norce's .NET stack does).
DEFAULT_EMULATOR_HTTP_PROTOCOL = "emulator.http.server:NorceH11Protocol"

# Tenant layout (ARCHITECTURE.md), relative to a base URL; the emulator mirrors it on one host.
CONNECT_PATH = "/commerce/connect/4.0"
CUSTOMER_PATH = "/commerce/customer/1.1"
TOKEN_PATH = "/identity/1.0/connect/token"

# Documented emulator credentials (ARCHITECTURE.md "Auth"), used only for the embedded emulator.
EMULATOR_CREDENTIALS: Mapping[str, str] = {
    "NORCE_CLIENT_ID": "norce-emulator",
    "NORCE_CLIENT_SECRET": "emulator-secret",
    "NORCE_APPLICATION_ID": "1",
    "NORCE_SCOPE": "playground",
    "NORCE_BASIC_APPLICATION_ID": "1",
    "NORCE_BASIC_SECRET_KEY": "2b1f6a9e-0c6d-4b53-9a55-3c1f5e0d7a11",
    # The emulator's documented expiry-probe client (tokens of a few seconds; README "The emulator").
    "NORCE_EXPIRY_CLIENT_ID": "norce-emulator-expiry",
    "NORCE_EXPIRY_CLIENT_SECRET": "emulator-expiry-secret",
}

# The embedded emulator's application key: the sample GUID on Norce's ImportCompanies page (any GUID works).
EMULATOR_APPLICATION_KEY = "15d62d1f-3a4e-4111-845a-4db40bf08e87"
# "Pass 1 for the default account" (docs/norce-facts.md §1C): the account writes are attributed to by default.
DEFAULT_ACCOUNT_ID = 1
DEFAULT_JOB_TIMEOUT = 300.0  # Connect jobs queue on a shared tenant: minutes, not seconds
EMULATOR_JOB_TIMEOUT = 30.0  # the embedded emulator runs a job at once
# A run whose pending jobs all stand still this long has a stalled job service: fail within about a minute
# rather than wait out every job's timeout (raise it for a tenant whose queue is busy with other teams' work).
DEFAULT_JOB_STALL = 60.0
DEFAULT_RETRIES = 3  # a 429, a gateway's transient 502/503/504 or a network error: tries after the first

# Setting name -> environment variable. Names are the pyproject keys (kebab-case).
SETTING_ENV_VARS: Mapping[str, str] = {
    "target": "NORCE_TARGET",
    "connect-url": "NORCE_CONNECT_URL",
    "customer-url": "NORCE_CUSTOMER_URL",
    "token-url": "NORCE_TOKEN_URL",
    "write-hosts": "NORCE_WRITE_HOSTS",
    "rate": "NORCE_RATE",
    "job-timeout": "NORCE_JOB_TIMEOUT",
    "emulator-app": "NORCE_EMULATOR_APP",
    "emulator-http-protocol": "NORCE_EMULATOR_HTTP_PROTOCOL",
    "connect-auth": "NORCE_CONNECT_AUTH",
    "application-key": "NORCE_APPLICATION_KEY",
    "account-id": "NORCE_ACCOUNT_ID",
    "job-stall": "NORCE_JOB_STALL",
    "retries": "NORCE_RETRIES",
    "strictness": "NORCE_STRICTNESS",
    "waivers": "NORCE_WAIVERS",
    # Tenant reference data (ReferenceCodes): codes that exist on the tenant, comma-separated.
    "flag-codes": "NORCE_FLAG_CODES",
    "customer-flag-codes": "NORCE_CUSTOMER_FLAG_CODES",
    "company-flag-codes": "NORCE_COMPANY_FLAG_CODES",
    "pricelist-codes": "NORCE_PRICELIST_CODES",
    "delivery-method-codes": "NORCE_DELIVERY_METHOD_CODES",
    "payment-method-codes": "NORCE_PAYMENT_METHOD_CODES",
}
KNOWN_SETTINGS = frozenset({*SETTING_ENV_VARS, "base-url", "environments"})


class ConfigError(Exception):
    """A usage or configuration problem: reported as one line, exit code 2."""


# What each kind of reference data is, for the reasons a run gives when it has none.
REFERENCE_KINDS: Mapping[str, str] = {
    "customer-flags": "customer-flag-codes",
    "company-flags": "company-flag-codes",
    "pricelists": "pricelist-codes",
    "delivery-methods": "delivery-method-codes",
    "payment-methods": "payment-method-codes",
}


@dataclass(frozen=True)
class ReferenceCodes:
    """Codes of the tenant's own reference data (flags, price lists, delivery and payment methods).

    No documented 1.1 read lists these codes (a 1.1 Flag has no Code; 1.1 has no list of price lists or
    methods), so a run cannot discover them: a QA engineer names them in a profile. The embedded emulator
    needs none: it registers a code the first time an import names it (docs/import-semantics.md "Code
    collections", ours), so there the tests use run-owned codes (`run_owned`).
    """

    customer_flags: tuple[str, ...] = ()
    company_flags: tuple[str, ...] = ()
    pricelists: tuple[str, ...] = ()
    delivery_methods: tuple[str, ...] = ()
    payment_methods: tuple[str, ...] = ()
    run_owned: bool = False  # any code will do (the embedded emulator)

    def codes(self, kind: str) -> tuple[str, ...]:
        return tuple(getattr(self, kind.replace("-", "_")))

    def missing(self, kind: str) -> str | None:
        """Why a test cannot use `kind` on this target, or None when it can."""
        if self.run_owned or self.codes(kind):
            return None
        return f"tenant reference data not configured: {REFERENCE_KINDS[kind]} (profile or NORCE_* variable)"


@dataclass(frozen=True)
class Credentials:
    client_id: str | None = None
    client_secret: str | None = None
    application_id: str | None = None
    scope: str | None = None
    basic_application_id: str | None = None
    basic_secret_key: str | None = None
    # Optional second client of the same application whose tokens live seconds (AUTH-TOKEN-EXPIRY): normal
    # tokens live 3600 s and the token endpoint allows 3 requests a minute, so expiry is observable only so.
    expiry_client_id: str | None = None
    expiry_client_secret: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, emulator_defaults: bool) -> Credentials:
        source = {**EMULATOR_CREDENTIALS, **env} if emulator_defaults else dict(env)
        return cls(
            client_id=source.get("NORCE_CLIENT_ID") or None,
            client_secret=source.get("NORCE_CLIENT_SECRET") or None,
            application_id=source.get("NORCE_APPLICATION_ID") or None,
            scope=source.get("NORCE_SCOPE") or None,
            basic_application_id=source.get("NORCE_BASIC_APPLICATION_ID") or None,
            basic_secret_key=source.get("NORCE_BASIC_SECRET_KEY") or None,
            expiry_client_id=source.get("NORCE_EXPIRY_CLIENT_ID") or None,
            expiry_client_secret=source.get("NORCE_EXPIRY_CLIENT_SECRET") or None,
        )

    @property
    def has_oauth(self) -> bool:
        return bool(self.client_id and self.client_secret and self.application_id)

    @property
    def has_basic(self) -> bool:
        return bool(self.basic_application_id and self.basic_secret_key)

    @property
    def has_expiry_probe(self) -> bool:
        return bool(self.expiry_client_id and self.expiry_client_secret)

    def secrets(self) -> dict[str, str]:
        """Values that must never appear in output (for redaction and the secret scan)."""
        values = {
            "NORCE_CLIENT_SECRET": self.client_secret,
            "NORCE_BASIC_SECRET_KEY": self.basic_secret_key,
            "NORCE_EXPIRY_CLIENT_SECRET": self.expiry_client_secret,
        }
        return {label: value for label, value in values.items() if value}

    def require_oauth(self) -> None:
        missing = [
            name
            for name, value in (
                ("NORCE_CLIENT_ID", self.client_id),
                ("NORCE_CLIENT_SECRET", self.client_secret),
                ("NORCE_APPLICATION_ID", self.application_id),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"missing credentials in the environment: {', '.join(missing)}")


@dataclass(frozen=True)
class Target:
    """Resolved URLs (no trailing slash) plus what the guard and client need to know about the target."""

    name: str  # "emulator", the base URL, a profile name, or "per-api"
    connect_url: str
    customer_url: str
    token_url: str
    is_emulator: bool = False
    credentials: Credentials = field(default_factory=Credentials)
    write_hosts: tuple[str, ...] = ()
    rate: float | None = None  # requests per second; None = unlimited
    job_timeout: float = DEFAULT_JOB_TIMEOUT
    job_stall: float = DEFAULT_JOB_STALL
    # Company.ApplicationKey of the companies a write run imports (the docs require it); the tenant's own.
    application_key: str | None = None
    account_id: int = DEFAULT_ACCOUNT_ID  # the header's AccountId and the 1.1 updatedBy/createdBy of the run
    emulator_app: str = DEFAULT_EMULATOR_APP
    emulator_http_protocol: str = DEFAULT_EMULATOR_HTTP_PROTOCOL
    connect_auth: str = "oauth"  # or "basic" (legacy Connect credentials)
    # Judgements above this level are reported as deviations, not failures (contracts/oracle/evidence.py).
    strictness: Level = Level.DOCUMENTED
    waivers: tuple[str, ...] = ()  # "+W-ID" / "-W-ID" adjustments of the default waivers
    reference: ReferenceCodes = field(default_factory=ReferenceCodes)
    # How often a request is retried after a 429, a gateway's transient 502/503/504 or a network error.
    retries: int = DEFAULT_RETRIES

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every distinct host this target talks to (the guard checks all of them)."""
        seen: dict[str, None] = {}
        for url in (self.connect_url, self.customer_url, self.token_url):
            seen.setdefault(host_of(url), None)
        return tuple(seen)

    @property
    def label(self) -> str:
        return EMULATOR if self.is_emulator else self.name

    def with_base_url(self, base_url: str) -> Target:
        """The embedded emulator's address is only known once it has started."""
        base = base_url.rstrip("/")
        return replace(
            self,
            connect_url=base + CONNECT_PATH,
            customer_url=base + CUSTOMER_PATH,
            token_url=base + TOKEN_PATH,
        )


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def load_pyproject_settings(path: Path | None = None) -> dict[str, Any]:
    """`[tool.norce-contracts]` from the nearest pyproject.toml (searching upwards from cwd)."""
    candidates = [path] if path else [p / "pyproject.toml" for p in (Path.cwd(), *Path.cwd().parents)]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            with candidate.open("rb") as handle:
                data = tomllib.load(handle)
            settings = data.get("tool", {}).get("norce-contracts", {})
            unknown = set(settings) - KNOWN_SETTINGS
            if unknown:
                raise ConfigError(f"unknown keys in [tool.norce-contracts]: {', '.join(sorted(unknown))}")
            return dict(settings)
    return {}


def settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    return {name: env[var] for name, var in SETTING_ENV_VARS.items() if env.get(var)}


def resolve_target(
    options: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    pyproject: Mapping[str, Any] | None = None,
) -> Target:
    """Merge pyproject < profile < env < options and build the Target. Raises ConfigError on bad input.

    `options` uses the pyproject key names ("target", "connect-url", ...); None values mean "not given".
    """
    env = os.environ if env is None else env
    base_settings = dict(load_pyproject_settings() if pyproject is None else pyproject)
    profiles: Mapping[str, Any] = base_settings.pop("environments", {}) or {}
    env_settings = settings_from_env(env)
    option_settings = {k: v for k, v in (options or {}).items() if v is not None and v != ""}

    chosen = {**base_settings, **env_settings, **option_settings}.get("target", EMULATOR)
    layers: list[Mapping[str, Any]] = [base_settings]
    if chosen != EMULATOR and not is_url(str(chosen)):
        if chosen not in profiles:
            known = ", ".join(sorted(profiles)) or "none defined"
            raise ConfigError(
                f"--target {chosen!r} is neither 'emulator', an http(s) URL, nor a profile in "
                f"[tool.norce-contracts.environments] ({known})"
            )
        layers.append(profiles[chosen])
    layers += [env_settings, option_settings]
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    merged["target"] = chosen
    return _build(merged, env)


def _build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Target:
    target = str(settings.get("target", EMULATOR))
    base_url = settings.get("base-url") or (target if is_url(target) else None)
    connect_url = settings.get("connect-url")
    customer_url = settings.get("customer-url")
    token_url = settings.get("token-url")
    is_emulator = target == EMULATOR and not (connect_url or customer_url)

    for name, value in (
        ("connect-url", connect_url),
        ("customer-url", customer_url),
        ("token-url", token_url),
    ):
        if value and not is_url(str(value)):
            raise ConfigError(f"--{name} must be an http(s) URL, got {value!r}")
    if base_url and not is_url(str(base_url)):
        raise ConfigError(f"base URL must be an http(s) URL, got {base_url!r}")

    if is_emulator:
        # Placeholder URLs; the plugin swaps in the embedded server's address once it listens.
        urls = ("http://127.0.0.1:0" + CONNECT_PATH, "http://127.0.0.1:0" + CUSTOMER_PATH)
        token = "http://127.0.0.1:0" + TOKEN_PATH
    else:
        base = str(base_url).rstrip("/") if base_url else None
        if not base and not (connect_url and customer_url):
            raise ConfigError("per-API targets need both --connect-url and --customer-url (or a base URL)")
        urls = (
            str(connect_url or f"{base}{CONNECT_PATH}").rstrip("/"),
            str(customer_url or f"{base}{CUSTOMER_PATH}").rstrip("/"),
        )
        token_from_env = env.get("NORCE_TOKEN_URL")
        token = str(token_url or token_from_env or (f"{base}{TOKEN_PATH}" if base else ""))
        if not token:
            raise ConfigError("per-API targets need --token-url or NORCE_TOKEN_URL")
        token = token.rstrip("/")

    name = EMULATOR if is_emulator else (str(base_url).rstrip("/") if is_url(target) else target)
    if not is_emulator and target == EMULATOR:
        name = "per-api"
    return Target(
        name=name,
        connect_url=urls[0],
        customer_url=urls[1],
        token_url=token,
        is_emulator=is_emulator,
        credentials=Credentials.from_env(env, emulator_defaults=is_emulator),
        write_hosts=_patterns(settings.get("write-hosts")),
        rate=_positive_float(settings.get("rate"), "rate", allow_none=True),
        job_timeout=_positive_float(
            settings.get("job-timeout", EMULATOR_JOB_TIMEOUT if is_emulator else DEFAULT_JOB_TIMEOUT),
            "job-timeout",
        )
        or DEFAULT_JOB_TIMEOUT,
        job_stall=_positive_float(settings.get("job-stall", DEFAULT_JOB_STALL), "job-stall")
        or DEFAULT_JOB_STALL,
        application_key=_application_key(settings.get("application-key"), is_emulator),
        account_id=_account_id(settings.get("account-id", DEFAULT_ACCOUNT_ID)),
        emulator_app=str(settings.get("emulator-app") or DEFAULT_EMULATOR_APP),
        emulator_http_protocol=str(settings.get("emulator-http-protocol") or DEFAULT_EMULATOR_HTTP_PROTOCOL),
        connect_auth=_connect_auth(settings.get("connect-auth", "oauth")),
        strictness=_strictness(settings.get("strictness"), is_emulator),
        waivers=_patterns(settings.get("waivers"), lower=False),
        reference=_reference(settings, is_emulator),
        retries=_retries(settings.get("retries", DEFAULT_RETRIES)),
    )


def _retries(value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"retries must be a whole number, got {value!r}") from None
    if not 0 <= number <= 20:
        raise ConfigError(f"retries must be between 0 and 20, got {value!r}")
    return number


def _reference(settings: Mapping[str, Any], is_emulator: bool) -> ReferenceCodes:
    """`flag-codes` names flags of both kinds; `customer-flag-codes` / `company-flag-codes` override it."""
    flags = _patterns(settings.get("flag-codes"), lower=False)
    return ReferenceCodes(
        customer_flags=_patterns(settings.get("customer-flag-codes"), lower=False) or flags,
        company_flags=_patterns(settings.get("company-flag-codes"), lower=False) or flags,
        pricelists=_patterns(settings.get("pricelist-codes"), lower=False),
        delivery_methods=_patterns(settings.get("delivery-method-codes"), lower=False),
        payment_methods=_patterns(settings.get("payment-method-codes"), lower=False),
        run_owned=is_emulator,
    )


def _patterns(value: Any, *, lower: bool = True) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    cleaned = (str(item).strip() for item in items)
    return tuple(item.lower() if lower else item for item in cleaned if item)


def _strictness(value: Any, is_emulator: bool) -> Level:
    """The run's level unless set: `emulator` on the embedded emulator, `documented` on every other target."""
    if value in (None, ""):
        return Level.EMULATOR if is_emulator else Level.DOCUMENTED
    try:
        return Level.parse(str(value))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _positive_float(value: Any, name: str, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"--{name} must be a number, got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"--{name} must be positive, got {value!r}")
    return number


def _connect_auth(value: Any) -> str:
    text = str(value).lower()
    if text not in ("oauth", "basic"):
        raise ConfigError(f"connect-auth must be 'oauth' or 'basic', got {value!r}")
    return text


_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _application_key(value: Any, is_emulator: bool) -> str | None:
    if value in (None, ""):
        return EMULATOR_APPLICATION_KEY if is_emulator else None
    text = str(value).strip()
    if not _GUID.match(text):
        raise ConfigError(f"application-key must be a GUID, got {value!r}")
    return text


def _account_id(value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"account-id must be a whole number, got {value!r}") from None
    if not 1 <= number <= 2**31 - 1:
        raise ConfigError(f"account-id must be a positive int32, got {value!r}")
    return number
