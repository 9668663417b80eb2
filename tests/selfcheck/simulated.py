"""The emulator with one catalogue fault simulated from outside: proves the selfcheck runner on its own,
independently of how the faults are wired into the emulator.

`NORCE_EMULATOR_APP=tests.selfcheck.simulated:create_app` makes the embedded target use this factory. With
`json-content-type-text-plain` active (NORCE_EMULATOR_FAULTS), every JSON response is relabelled text/plain,
which is the regression that catalogue entry describes. Everything else is the real emulator.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from emulator import faults
from emulator.http.app import create_app as create_emulator_app

SIMULATED_FAULT = "json-content-type-text-plain"
SIMULATED_APP = "tests.selfcheck.simulated:create_app"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Message, Receive, Send], Awaitable[None]]


class JsonLabelledTextPlain:
    """ASGI wrapper: rewrites `Content-Type: application/json...` to `text/plain` while the fault is on."""

    def __init__(self, app: ASGIApp, active: bool) -> None:
        self.app = app
        self.active = active

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.active:
            await self.app(scope, receive, send)
            return

        async def relabelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, b"text/plain" if name.lower() == b"content-type" and b"json" in value else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, relabelled)


def create_app() -> JsonLabelledTextPlain:
    active = SIMULATED_FAULT in faults.parse(os.environ.get(faults.FAULTS_ENV_VAR, ""))
    return JsonLabelledTextPlain(create_emulator_app(), active)
