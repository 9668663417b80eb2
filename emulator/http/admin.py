"""Admin endpoints under `/_emulator/` (only mounted when enabled): reset, seed, state, job timing, coverage,
faults, variants, clock. They bypass API auth: they exist for local test set-up; never enable them on a shared
host.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

from emulator import faults as fault_catalogue
from emulator import variants as variant_catalogue
from emulator.config import ConfigError, parse_job_timing
from emulator.domain.tenant_data import populate
from emulator.http.bodies import read_body
from emulator.http.errors import BadRequest
from emulator.http.fixtures import load_fixture
from emulator.http.routing import Call, Handler, Reply, RouteEntry

PREFIX = "/_emulator"


async def _json_object(call: Call) -> dict[str, Any]:
    raw = await read_body(call.request, call.runtime.config.max_body_bytes)
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The admin request body is not valid JSON.", key="BodyMalformed") from None
    if not isinstance(value, dict):
        raise BadRequest("The admin request body must be a JSON object.", key="BodyMalformed")
    return value


def _ok(payload: dict[str, Any]) -> Reply:
    return Reply(raw=JSONResponse(payload))


async def reset(call: Call) -> Reply:
    """Back to the start: empty, or with prepopulated-tenant on, the tenant's own data again."""
    runtime = call.runtime
    runtime.store.reset()
    if runtime.variants.is_on("prepopulated-tenant"):
        populate(runtime.store, runtime.config.prepopulate_customers)
    return _ok({"reset": True})


async def seed(call: Call) -> Reply:
    """No body: the built-in fixture. `{"state": ...}` (a `GET state` dump): that snapshot."""
    body = await _json_object(call)
    if "state" in body:
        if not isinstance(body["state"], dict):
            raise BadRequest("state must be an object.", key="BodyMalformed")
        try:
            call.runtime.store.load(body)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise BadRequest(f"The snapshot cannot be loaded: {error}", key="BodyMalformed") from None
        return _ok({"seeded": "snapshot"})
    return _ok({"seeded": "fixture", **load_fixture(call.runtime.customers)})


async def state(call: Call) -> Reply:
    return _ok(call.runtime.store.snapshot())


async def job_timing(call: Call) -> Reply:
    body = await _json_object(call)
    try:
        timing = parse_job_timing(str(body.get("timing", "")))
    except ConfigError as error:
        raise BadRequest(str(error), key="InvalidTiming") from None
    call.runtime.config.job_timing = timing
    call.runtime.jobs.timing = call.runtime.config.job_runner_timing
    return _ok({"timing": timing})


async def coverage(call: Call) -> Reply:
    return _ok(call.runtime.coverage)


async def faults(call: Call) -> Reply:
    """GET: the active faults. POST `{"enabled": [names]}`: replace them (unknown name → 400, no change)."""
    if call.request.method == "POST":
        body = await _json_object(call)
        names = body.get("enabled", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise BadRequest("enabled must be a list of fault names.", key="InvalidFaults")
        try:
            call.runtime.config.faults = set(call.runtime.faults.replace(names))
        except fault_catalogue.UnknownFaultError as error:
            raise BadRequest(str(error), key="UnknownFault") from None
    return _ok({"enabled": sorted(call.runtime.faults.on)})


async def variants(call: Call) -> Reply:
    """GET: the active variants. POST `{"enabled": [names, "name=value", or "all"]}`: replace them (an unknown
    name or an unusable value → 400, no change). Switching prepopulated-tenant on loads its data if the store
    does not hold it yet; switching it off keeps the data."""
    runtime = call.runtime
    if call.request.method == "POST":
        body = await _json_object(call)
        items = body.get("enabled", [])
        if not isinstance(items, list) or not all(isinstance(n, str) for n in items):
            raise BadRequest("enabled must be a list of variant names.", key="InvalidVariants")
        try:
            spec = variant_catalogue.split(items)
        except variant_catalogue.UnknownVariantError as error:
            raise BadRequest(str(error), key="UnknownVariant") from None
        runtime.config.apply_variant_parameters(spec.parameters, reset=True)
        runtime.jobs.slow_job_seconds = runtime.config.slow_job_seconds
        runtime.config.variants = set(runtime.variants.replace(spec.names))
        if runtime.variants.is_on("prepopulated-tenant"):
            populate(runtime.store, runtime.config.prepopulate_customers)
    return _ok({"enabled": sorted(runtime.variants.on)})


async def clock(call: Call) -> Reply:
    body = await _json_object(call)
    seconds = body.get("advance_seconds", 0)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 <= seconds <= 10**9:
        raise BadRequest("advance_seconds must be a number >= 0.", key="InvalidClock")
    call.runtime.clock.advance(float(seconds))
    return _ok({"now": call.runtime.timestamp()})


def admin_routes() -> list[RouteEntry]:
    table: list[tuple[str, str, Handler]] = [
        ("POST", "reset", reset),
        ("POST", "seed", seed),
        ("GET", "state", state),
        ("POST", "jobs/timing", job_timing),
        ("GET", "coverage", coverage),
        ("GET", "faults", faults),
        ("POST", "faults", faults),
        ("GET", "variants", variants),
        ("POST", "variants", variants),
        ("POST", "clock", clock),
    ]
    return [RouteEntry(method=m, path=f"{PREFIX}/{p}", handler=h) for m, p, h in table]
