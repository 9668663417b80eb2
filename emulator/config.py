"""Emulator settings: one dataclass, filled from keyword arguments or from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from emulator import faults as fault_catalogue
from emulator import variants as variant_catalogue

JOB_TIMING_MODES = ("immediate", "background")

# Default credentials: the same values ARCHITECTURE.md documents and the suite uses for the embedded emulator.
DEFAULT_CLIENT_ID = "norce-emulator"
DEFAULT_CLIENT_SECRET = "emulator-secret"  # documented local default
DEFAULT_APPLICATION_ID = "1"
DEFAULT_SCOPE = "playground"
DEFAULT_BASIC_APPLICATION_ID = "1"
DEFAULT_BASIC_SECRET_KEY = "2b1f6a9e-0c6d-4b53-9a55-3c1f5e0d7a11"
# The expiry-probe client: a second documented client whose tokens live only seconds, so a black-box suite can
# watch a token expire (Norce tokens live 3600 s and the token endpoint allows 3 requests a minute).
DEFAULT_PROBE_CLIENT_ID = "norce-emulator-expiry"
DEFAULT_PROBE_CLIENT_SECRET = "emulator-expiry-secret"  # documented local default
DEFAULT_PROBE_TOKEN_LIFETIME_SECONDS = 2


class ConfigError(ValueError):
    """A setting has a value the emulator cannot use."""


def parse_job_timing(value: str) -> str:
    """`immediate`, `background` or a non-negative number of seconds (kept as text)."""
    text = value.strip().lower()
    if text in JOB_TIMING_MODES:
        return text
    try:
        seconds = float(text)
    except ValueError:
        raise ConfigError(f"job timing must be immediate, background or seconds, not {value!r}") from None
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise ConfigError(f"job timing seconds must be a finite number >= 0, not {value!r}")
    return text


@dataclass
class EmulatorConfig:
    seed: int = 0
    db_path: str | None = None
    admin: bool = False
    job_timing: str = "background"  # Norce answers at once and processes later
    faults: set[str] = field(default_factory=set)
    # Conforming variants (emulator/variants.py): names, `all`, or `name=value` items, which set the typed
    # parameters below; after construction only the names remain.
    variants: set[str] = field(default_factory=set)
    throttle_every: int = variant_catalogue.DEFAULT_THROTTLE_EVERY  # api-throttling: every Nth API request
    throttle_retry_after: int = variant_catalogue.DEFAULT_THROTTLE_RETRY_AFTER  # ... gets 429, Retry-After
    prepopulate_customers: int = variant_catalogue.DEFAULT_PREPOPULATE_CUSTOMERS  # prepopulated-tenant
    slow_job_seconds: tuple[float, float] = variant_catalogue.DEFAULT_SLOW_JOB_SECONDS  # slow-jobs
    gateway_503_every: int = variant_catalogue.DEFAULT_GATEWAY_503_EVERY  # gateway-503: every Nth request
    gateway_503_retry_after: int = variant_catalogue.DEFAULT_GATEWAY_503_RETRY_AFTER  # ... with Retry-After
    latency_ms: int = variant_catalogue.DEFAULT_LATENCY_MS  # network-latency: added to every answer
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    application_id: str = DEFAULT_APPLICATION_ID
    scope: str = DEFAULT_SCOPE
    basic_application_id: str = DEFAULT_BASIC_APPLICATION_ID
    basic_secret_key: str = DEFAULT_BASIC_SECRET_KEY
    token_lifetime_seconds: int = 3600
    probe_client_id: str | None = DEFAULT_PROBE_CLIENT_ID  # None or "" switches the probe client off
    probe_client_secret: str = DEFAULT_PROBE_CLIENT_SECRET
    probe_token_lifetime_seconds: int = DEFAULT_PROBE_TOKEN_LIFETIME_SECONDS
    token_requests_per_window: int = 3
    token_window_seconds: int = 60
    max_body_bytes: int = 10 * 1024 * 1024

    def __post_init__(self) -> None:
        self.job_timing = parse_job_timing(self.job_timing)
        try:
            self.faults = set(fault_catalogue.validate(self.faults))
        except fault_catalogue.UnknownFaultError as error:
            raise ConfigError(str(error)) from None
        try:
            spec = variant_catalogue.split(self.variants)
        except variant_catalogue.UnknownVariantError as error:
            raise ConfigError(str(error)) from None
        self.variants = set(spec.names)
        self.apply_variant_parameters(spec.parameters)
        for name in ("throttle_every", "prepopulate_customers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if "every" in name else 0):
                raise ConfigError(
                    f"{name} must be a whole number >= {1 if 'every' in name else 0}, not {value!r}"
                )
        if not isinstance(self.throttle_retry_after, int) or self.throttle_retry_after < 0:
            raise ConfigError(
                f"throttle_retry_after must be a whole number >= 0, not {self.throttle_retry_after!r}"
            )
        low, high = self.slow_job_seconds
        if not 0 <= low <= high:
            raise ConfigError(
                f"slow_job_seconds must be (min, max) with 0 <= min <= max, not {self.slow_job_seconds!r}"
            )
        for name in ("token_lifetime_seconds", "probe_token_lifetime_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a whole number of seconds >= 1, not {value!r}")
        if self.probe_client_id and self.probe_client_id == self.client_id:
            raise ConfigError("probe_client_id must differ from client_id (each has its own token lifetime)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EmulatorConfig:
        env = os.environ if environ is None else environ
        seed_text = env.get("NORCE_EMULATOR_SEED", "0").strip() or "0"
        try:
            seed = int(seed_text)
        except ValueError:
            raise ConfigError(f"NORCE_EMULATOR_SEED must be an integer, not {seed_text!r}") from None
        try:
            faults = set(fault_catalogue.parse(env.get(fault_catalogue.FAULTS_ENV_VAR, "")))
        except fault_catalogue.UnknownFaultError as error:
            raise ConfigError(f"{fault_catalogue.FAULTS_ENV_VAR}: {error}") from None
        try:
            variants = variant_catalogue.parse(env.get(variant_catalogue.VARIANTS_ENV_VAR, ""))
        except variant_catalogue.UnknownVariantError as error:
            raise ConfigError(f"{variant_catalogue.VARIANTS_ENV_VAR}: {error}") from None
        config = cls(
            seed=seed,
            db_path=env.get("NORCE_EMULATOR_DB") or None,
            admin=env.get("NORCE_EMULATOR_ADMIN", "").strip().lower() in {"1", "true", "yes", "on"},
            job_timing=env.get("NORCE_EMULATOR_JOB_TIMING", "background") or "background",
            faults=faults,
            variants=set(variants.names),
        )
        config.apply_variant_parameters(variants.parameters)
        return config

    def apply_variant_parameters(self, parameters: Mapping[str, str], *, reset: bool = False) -> None:
        """Set the typed fields from `name=value` parameters (already checked by variants.split); `reset`
        first puts every parameter back to its default (the admin endpoint replaces the whole set)."""
        if reset:
            self.throttle_every = variant_catalogue.DEFAULT_THROTTLE_EVERY
            self.throttle_retry_after = variant_catalogue.DEFAULT_THROTTLE_RETRY_AFTER
            self.prepopulate_customers = variant_catalogue.DEFAULT_PREPOPULATE_CUSTOMERS
            self.slow_job_seconds = variant_catalogue.DEFAULT_SLOW_JOB_SECONDS
            self.gateway_503_every = variant_catalogue.DEFAULT_GATEWAY_503_EVERY
            self.gateway_503_retry_after = variant_catalogue.DEFAULT_GATEWAY_503_RETRY_AFTER
            self.latency_ms = variant_catalogue.DEFAULT_LATENCY_MS
        for name, value in parameters.items():
            numbers = variant_catalogue.parse_parameter(name, value)
            if name == "api-throttling":
                self.throttle_every = int(numbers[0])
                if numbers[1] >= 0:
                    self.throttle_retry_after = int(numbers[1])
            elif name == "slow-jobs":
                self.slow_job_seconds = (numbers[0], numbers[1])
            elif name == "prepopulated-tenant":
                self.prepopulate_customers = int(numbers[0])
            elif name == "gateway-503":
                self.gateway_503_every = int(numbers[0])
                if numbers[1] >= 0:
                    self.gateway_503_retry_after = int(numbers[1])
            elif name == "network-latency":
                self.latency_ms = int(numbers[0])

    @property
    def job_delay_seconds(self) -> float | None:
        """The processing delay when job timing is a number of seconds, else None."""
        return None if self.job_timing in JOB_TIMING_MODES else float(self.job_timing)

    @property
    def job_runner_timing(self) -> str | float:
        """The form the domain's JobRunner takes: "immediate", "background" or seconds as a float."""
        delay = self.job_delay_seconds
        return self.job_timing if delay is None else delay
