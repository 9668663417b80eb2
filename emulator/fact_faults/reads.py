"""Fact faults: reads (see emulator/fact_faults/__init__.py)."""

from __future__ import annotations

from emulator.fault_types import Fault

ENTRIES: tuple[Fault, ...] = ()
