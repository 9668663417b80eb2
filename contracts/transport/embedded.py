"""Run an ASGI app (the emulator, by default) under uvicorn in a daemon thread, as a real HTTP target.

The app factory and the uvicorn HTTP protocol class are loaded by *import string* with importlib, never by
a static import: the oracle in `contracts/` must not depend on the emulator's code (ARCHITECTURE.md;
tests/unit/test_boundaries.py). It only launches a server, then talks to it over HTTP like any target.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import uvicorn

from contracts.transport.target import DEFAULT_EMULATOR_APP, DEFAULT_EMULATOR_HTTP_PROTOCOL, ConfigError


class EmbeddedStartError(ConfigError):
    """The embedded server could not be started (bad import string, factory error, startup failure)."""


def _load(import_string: str, what: str) -> Any:
    module_name, sep, attribute = import_string.partition(":")
    if not sep or not module_name or not attribute:
        raise EmbeddedStartError(f"{what} must look like 'package.module:name', got {import_string!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EmbeddedStartError(f"cannot import {module_name!r} for the embedded target: {exc}") from None
    return getattr(module, attribute, None)


def load_app_factory(import_string: str) -> Callable[[], Any]:
    factory = _load(import_string, "app factory")
    if not callable(factory):
        raise EmbeddedStartError(f"{import_string!r} is not a callable app factory")
    return cast(Callable[[], Any], factory)


def load_http_protocol(import_string: str) -> type[asyncio.Protocol]:
    """The protocol class for `uvicorn.Config(http=...)`, e.g. the emulator's h11 that refuses obs-fold."""
    protocol = _load(import_string, "HTTP protocol")
    if not (isinstance(protocol, type) and issubclass(protocol, asyncio.Protocol)):
        raise EmbeddedStartError(f"{import_string!r} is not an asyncio.Protocol class")
    return protocol


@contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """The emulator is configured by env vars, read when the factory runs or at lifespan startup."""
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class EmbeddedServer:
    """`start()` returns the base URL (http://127.0.0.1:<ephemeral port>); `stop()` shuts it down."""

    def __init__(
        self,
        app_factory: str = DEFAULT_EMULATOR_APP,
        *,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 15.0,
        http_protocol: str | None = None,
    ) -> None:
        self.app_factory = app_factory
        self.http_protocol = http_protocol or os.environ.get(
            "NORCE_EMULATOR_HTTP_PROTOCOL", DEFAULT_EMULATOR_HTTP_PROTOCOL
        )
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.base_url: str | None = None

    def start(self) -> str:
        if self.base_url:
            return self.base_url
        with _environment(self.env):
            try:
                app = load_app_factory(self.app_factory)()
                protocol = load_http_protocol(self.http_protocol)
            except EmbeddedStartError:
                raise
            except Exception as exc:
                raise EmbeddedStartError(f"the app factory {self.app_factory!r} failed: {exc}") from exc
            # Bind first so the port is known before the thread starts; port 0 = ephemeral.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            # Accepted connections inherit this: without it, Nagle's algorithm holds the response body back
            # until the client's delayed ACK (~40 ms per keep-alive request on loopback).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            config = uvicorn.Config(
                app, log_level="warning", lifespan="auto", ws="none", http=protocol, access_log=False
            )
            server = uvicorn.Server(config)
            thread = threading.Thread(
                target=server.run, kwargs={"sockets": [sock]}, name="norce-embedded", daemon=True
            )
            self._server, self._thread, self._socket = server, thread, sock
            thread.start()
            deadline = time.monotonic() + self.startup_timeout
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    self.stop()
                    raise EmbeddedStartError(f"the embedded target {self.app_factory!r} did not start")
                time.sleep(0.01)
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.base_url = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
