"""`create_app`: the emulator as one Starlette app (uvicorn: `emulator.http.app:create_app --factory`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from emulator.config import EmulatorConfig
from emulator.domain.connect import ConnectService
from emulator.domain.customer_service import CustomerService
from emulator.domain.jobs import JobRunner
from emulator.domain.store import Store
from emulator.domain.tenant_data import populate
from emulator.faults import Faults
from emulator.http.admin import admin_routes
from emulator.http.auth import TokenService
from emulator.http.connect_handlers import CONNECT_HANDLERS
from emulator.http.customer_handlers import customer_handlers
from emulator.http.routing import Dispatcher, Handler, RouteEntry, RouteTable, build_routes, coverage
from emulator.http.runtime import EmulatorClock, Runtime
from emulator.http.spec import Specs, load_specs, operations_of
from emulator.http.token_endpoint import MOVED_TOKEN_PATH, TOKEN_PATH, issue_token
from emulator.variants import Variants


def _handlers(specs: Specs) -> dict[str, Handler]:
    handlers: dict[str, Handler] = dict(CONNECT_HANDLERS)
    handlers.update(customer_handlers([op.operation_id for op in operations_of(specs.customer)]))
    return handlers


def build_runtime(config: EmulatorConfig, specs: Specs, handlers: dict[str, Handler]) -> Runtime:
    faults = Faults(config.faults)
    variants = Variants(config.variants)
    store = Store(db_path=config.db_path, seed=config.seed)
    if variants.is_on("prepopulated-tenant"):
        populate(store, config.prepopulate_customers)
    jobs = JobRunner(store, faults, config.job_runner_timing, variants, config.slow_job_seconds)
    clock = EmulatorClock(store)
    return Runtime(
        config=config,
        faults=faults,
        variants=variants,
        store=store,
        jobs=jobs,
        connect=ConnectService(store, faults, jobs, variants=variants),
        customers=CustomerService(store, faults),
        tokens=TokenService(config, clock.now, faults),
        clock=clock,
        specs=specs,
        coverage=coverage(specs, handlers),
    )


def _routes(config: EmulatorConfig, specs: Specs, handlers: dict[str, Handler]) -> RouteTable:
    extra = [
        RouteEntry(method="POST", path=TOKEN_PATH, handler=issue_token),
        # served only under the seeded fault auth-token-endpoint-moved (a 404 otherwise)
        RouteEntry(method="POST", path=MOVED_TOKEN_PATH, handler=issue_token),
    ]
    if config.admin:
        extra += admin_routes()
    return build_routes(specs, handlers, extra)


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    config = config if config is not None else EmulatorConfig.from_env()
    specs = load_specs()
    handlers = _handlers(specs)
    runtime = build_runtime(config, specs, handlers)
    dispatcher = Dispatcher(runtime, _routes(config, specs, handlers))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        runtime.jobs.stop()
        runtime.store.close()

    # One catch-all route: the dispatcher owns 404/405/501 so every refusal carries the Norce ErrorMessage.
    app = Starlette(routes=[Route("/{path:path}", dispatcher)], lifespan=lifespan)
    app.state.runtime = runtime
    app.state.routes = dispatcher.routes
    return app
