"""A fresh emulator served on a loopback port inside this process, for one replay.

Over HTTP rather than through an ASGI test client: a recorded request whose header was folded (obs-fold)
is answered by the HTTP protocol (`emulator.http.server.NorceH11Protocol`), before any app sees it, and the
replay must meet the same front door a tenant's client met.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from emulator.config import EmulatorConfig
from emulator.http.app import create_app
from emulator.http.server import NorceH11Protocol

STARTUP_SECONDS = 30.0


@contextmanager
def served(config: EmulatorConfig) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT) of an emulator made from `config`; stops it after."""
    app = create_app(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, log_level="warning", lifespan="auto", ws="none", http=NorceH11Protocol, access_log=False
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="parity-emulator", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator for the replay did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
