"""Everything one emulator instance holds: config, store, domain services, tokens, clock, specs and routes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from emulator.config import EmulatorConfig
from emulator.domain.customer_service import CustomerService
from emulator.domain.ids import format_timestamp
from emulator.domain.store import Store
from emulator.faults import Faults
from emulator.http.auth import TokenService
from emulator.http.routing import RouteTable
from emulator.http.spec import Specs


@dataclass
class EmulatorClock:
    """The store's clock plus an offset that tests (and the admin API) can move forward."""

    store: Store
    offset: timedelta = field(default_factory=timedelta)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> datetime:
        with self._lock:
            offset = self.offset
        return self.store.ids.now() + offset  # store.ids is replaced on reset: look it up each time

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += timedelta(seconds=seconds)


@dataclass
class Runtime:
    config: EmulatorConfig
    faults: Faults  # replaced in place by the admin endpoint, so every holder sees the change
    store: Store
    jobs: Any
    connect: Any  # emulator.domain.connect.ConnectService
    customers: CustomerService
    tokens: TokenService
    clock: EmulatorClock
    specs: Specs
    routes: RouteTable = field(default_factory=RouteTable)
    coverage: dict[str, list[str]] = field(default_factory=dict)

    def timestamp(self) -> str:
        return format_timestamp(self.clock.now())
