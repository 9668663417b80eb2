"""Module-level Schemathesis schemas over the vendored descriptions, configured from the run's settings.

`from_path` (not `from_fixture`, broken on newer pytest), the run seed, a small example budget, and the
adaptive features off so the same --seed replays the same cases (docs/schemathesis-notes.md §0.9, §9).
Base URL and credentials are given per call (the target is only known once it is up).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import requests
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import ignored_auth

from contracts.schemathesis_ext.auth_probes import probes_through
from contracts.schemathesis_ext.case_gate import CaseGate
from contracts.schemathesis_ext.checks import CHECKS
from contracts.transport.auth import AuthSession

TestFunction = TypeVar("TestFunction", bound=Callable[..., None])
DEFAULT_MAX_EXAMPLES = 5
NORCE_CHECKS = list(CHECKS)
ACCEPTS = ("application/json", "application/xml")


def load_schema(
    path: Path,
    *,
    seed: int,
    max_examples: int | None,
    rate: float | None = None,
    coverage: dict[str, Any] | None = None,
    smoke: bool = False,
) -> Any:
    """A Schemathesis schema over a vendored description, seeded for replay.

    `rate`: the run's requests per second, also given to Schemathesis' own limiter (every request already
    passes the client's pacer; this keeps Schemathesis from queuing ahead of it).
    `coverage`: the `phases.coverage` table for this module (default: on, every mode).
    `smoke`: the quick profile: no coverage phase (its cases are not bounded by max-examples).
    """
    limit = {"rate-limit": f"{max(1, round(rate * 60))}/m"} if rate else {}
    config = schemathesis.Config.from_dict(
        {
            **limit,
            "seed": seed,
            "generation": {
                "max-examples": max_examples or DEFAULT_MAX_EXAMPLES,
                "database": "none",
                "mode": "all",
                # Norce documents nothing about undeclared query parameters (a WCF host ignores them), so
                # a negative case made negative only by an extra parameter proves nothing.
                "allow-extra-parameters": False,
            },
            "phases": {
                "fuzzing": {"error-feedback": {"enabled": False}, "extra-data-sources": {"responses": False}},
                "stateful": {"enabled": False},
                "coverage": {"enabled": False} if smoke else coverage or {},
            },
            "cache": {"enabled": False},
        }
    )
    # No Schemathesis auth provider: Schemathesis calls one while collecting (coverage cases are built with
    # the test), before the target and its token exist. Credentials go per call instead (`call_headers`),
    # which ignored_auth treats as explicit auth and probes without.
    return schemathesis.openapi.from_path(path, config=config)


def cases(schema: Any) -> Callable[[TestFunction], TestFunction]:
    """`schema.parametrize()`, typed (Schemathesis' decorator is not): one test per operation of `schema`."""
    return cast(Callable[[TestFunction], TestFunction], schema.parametrize())


def call_headers(auth: AuthSession, scheme: str, accept: str) -> dict[str, str]:
    return {**auth.headers(scheme), "Accept": accept}


def keep_dropped_headers_dropped(case: Any, headers: dict[str, str]) -> dict[str, str]:
    """The per-call headers minus those a negative case left out on purpose.

    Schemathesis models the `application-id` apiKey as a generated header; a negative case drops it to probe
    the 401, and merging the per-call credentials would silently put it back (a false ST201).
    """
    component = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if component is None or not component.mode.is_negative:
        return headers
    sent = {name.lower() for name in (case.headers or {})}
    generated = {
        str(scheme.get("name", "")).lower()
        for scheme in case.operation.schema.raw_schema.get("components", {})
        .get("securitySchemes", {})
        .values()
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header"
    }
    return {name: value for name, value in headers.items() if name.lower() not in generated - sent}


# Schemathesis's ignored_auth re-sends every 2xx case without and with invalid credentials. Its own runner
# does that once per operation and run ("enforcement is a property of the operation"); under pytest that
# memo is off, and the probes were half of the suite's requests. We keep its rule: each operation's first
# 2xx case is probed, later ones are not (contracts/suite/test_auth.py also probes every operation itself).
_AUTH_ENFORCEMENT_CONFIRMED: set[str] = set()


def call_and_validate(
    case: Any, *, base_url: str, headers: dict[str, str], session: requests.Session, gate: CaseGate
) -> Any:
    """`case.call_and_validate` with the suite's checks, the run's session and ignored_auth once per op.

    The gate decides first: a case it holds back is not sent (None is returned, the reason is counted)."""
    if gate.admit(case) is not None:
        return None
    label = case.operation.label
    excluded = [ignored_auth] if label in _AUTH_ENFORCEMENT_CONFIRMED else []
    with probes_through(session):
        response = case.call_and_validate(
            base_url=base_url,
            session=session,
            headers=headers,
            additional_checks=NORCE_CHECKS,
            excluded_checks=excluded,
        )
    if 200 <= response.status_code < 300:
        _AUTH_ENFORCEMENT_CONFIRMED.add(label)
    return response
