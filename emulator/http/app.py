"""`create_app`: the emulator as one Starlette app (uvicorn: `emulator.http.app:create_app --factory`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from emulator.config import EmulatorConfig
from emulator.domain.connect import ConnectService
from emulator.domain.customer_service import CustomerService
from emulator.domain.jobs import JobRunner
from emulator.domain.store import Store
from emulator.faults import Faults
from emulator.http.admin import admin_routes
from emulator.http.auth import TokenService
from emulator.http.connect_handlers import CONNECT_HANDLERS
from emulator.http.customer_handlers import customer_handlers
from emulator.http.routing import Handler, RouteEntry, build_routes, coverage, dispatch
from emulator.http.runtime import EmulatorClock, Runtime
from emulator.http.spec import load_specs, operations_of
from emulator.http.token_endpoint import TOKEN_PATH, issue_token


class _EveryMethod:
    """`dispatch` as a raw ASGI endpoint: Starlette then routes *every* method (QUERY, TRACE, ...) to it,
    so an unexpected method gets our 405 with an ErrorMessage instead of Starlette's plain-text one."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await dispatch(Request(scope, receive))
        await response(scope, receive, send)


def build_runtime(config: EmulatorConfig) -> Runtime:
    faults = Faults(config.faults)
    store = Store(db_path=config.db_path, seed=config.seed)
    jobs = JobRunner(store, faults, config.job_runner_timing)
    clock = EmulatorClock(store)
    specs = load_specs()
    handlers: dict[str, Handler] = dict(CONNECT_HANDLERS)
    handlers.update(customer_handlers([op.operation_id for op in operations_of(specs.customer)]))
    extra = [RouteEntry(method="POST", path=TOKEN_PATH, handler=issue_token)]
    if config.admin:
        extra += admin_routes()
    return Runtime(
        config=config,
        faults=faults,
        store=store,
        jobs=jobs,
        connect=ConnectService(store, faults, jobs),
        customers=CustomerService(store, faults),
        tokens=TokenService(config, clock.now, faults),
        clock=clock,
        specs=specs,
        routes=build_routes(specs, handlers, extra),
        coverage=coverage(specs, handlers),
    )


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    runtime = build_runtime(config if config is not None else EmulatorConfig.from_env())

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        runtime.jobs.stop()
        runtime.store.close()

    # One catch-all route: `dispatch` owns 404/405/501 so every refusal carries the Norce ErrorMessage.
    app = Starlette(routes=[Route("/{path:path}", _EveryMethod())], lifespan=lifespan)
    app.state.runtime = runtime
    return app
