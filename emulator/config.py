"""Emulator settings: one dataclass, filled from keyword arguments or from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from emulator import faults as fault_catalogue

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
        return cls(
            seed=seed,
            db_path=env.get("NORCE_EMULATOR_DB") or None,
            admin=env.get("NORCE_EMULATOR_ADMIN", "").strip().lower() in {"1", "true", "yes", "on"},
            job_timing=env.get("NORCE_EMULATOR_JOB_TIMING", "background") or "background",
            faults=faults,
        )

    @property
    def job_delay_seconds(self) -> float | None:
        """The processing delay when job timing is a number of seconds, else None."""
        return None if self.job_timing in JOB_TIMING_MODES else float(self.job_timing)

    @property
    def job_runner_timing(self) -> str | float:
        """The form the domain's JobRunner takes: "immediate", "background" or seconds as a float."""
        delay = self.job_delay_seconds
        return self.job_timing if delay is None else delay
