"""Everything one emulator instance holds: config, faults, variants, store, domain services, tokens, clock and
specs.

The route table is not here: routing.Dispatcher holds it next to the runtime, so routing depends on the
runtime and never the other way round.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from emulator.config import EmulatorConfig
from emulator.domain.connect import ConnectService
from emulator.domain.customer_service import CustomerService
from emulator.domain.ids import format_timestamp
from emulator.domain.jobs import JobRunner
from emulator.domain.store import Store
from emulator.faults import Faults
from emulator.http.auth import TokenService
from emulator.http.spec import Specs
from emulator.http.variant_effects import ApiThrottle, GatewayOutage
from emulator.variants import Variants


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
    variants: Variants  # the same: one object, its set of names replaced in place
    store: Store
    jobs: JobRunner
    connect: ConnectService
    customers: CustomerService
    tokens: TokenService
    clock: EmulatorClock
    specs: Specs
    coverage: dict[str, list[str]] = field(default_factory=dict)
    throttle: ApiThrottle = field(default_factory=ApiThrottle)
    gateway: GatewayOutage = field(default_factory=GatewayOutage)

    def timestamp(self) -> str:
        return format_timestamp(self.clock.now())
