"""Tenant reference data a test names (flags, price lists, delivery and payment methods).

No documented 1.1 read lists their codes, so a test uses the codes the target's configuration names
(`Target.reference`: a profile or NORCE_* variables), or, on the embedded emulator, fresh run-owned codes,
which it registers on first use (docs/import-semantics.md "Code collections", ours). A test that lacks codes
says so: the reason goes to its junit property `left_out`, or, when the test needs them whole, to a skip that
names the setting to configure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace
from contracts.transport.target import REFERENCE_KINDS

# A short label per kind for run-owned codes (they stay well under 1.1's 50-character codes).
LABELS = {
    "customer-flags": "cflag",
    "company-flags": "coflag",
    "pricelists": "plist",
    "delivery-methods": "dmeth",
    "payment-methods": "pmeth",
}


@dataclass(frozen=True)
class Codes:
    """Up to the codes asked for, and why there are fewer (None when there are enough)."""

    codes: list[str]
    missing: str | None = None


def reference_codes(
    client: NorceClient, ns: RunNamespace, kind: str, count: int, *, at_least: int = 0
) -> Codes:
    """`count` codes of `kind`: run-owned ones on the embedded emulator, else the configured ones (as many as
    configured, up to `count`). `missing` says why fewer than `at_least` (default `count`) are there."""
    reference = client.target.reference
    if reference.run_owned:
        return Codes([ns.code(LABELS[kind]) for _ in range(count)])
    configured = list(reference.codes(kind))[:count]
    needed = at_least or count
    if len(configured) >= needed:
        return Codes(configured)
    reason = reference.missing(kind) or (
        f"tenant reference data: {needed} {REFERENCE_KINDS[kind]} needed, {len(configured)} configured"
    )
    return Codes(configured, reason)


def require_codes(client: NorceClient, ns: RunNamespace, kind: str, count: int) -> list[str]:
    """`count` codes of `kind`, or the test is not applicable on this target (skipped, naming the setting a
    QA engineer configures: without real codes an item would fail for a reason the docs do not give)."""
    found = reference_codes(client, ns, kind, count)
    if found.missing is not None:
        pytest.skip(f"not applicable on this target: {found.missing}")
    return found.codes


def record_left_out(request: pytest.FixtureRequest, left_out: list[str]) -> None:
    """The `left_out` junit property (the reports' plugin writes properties the same way: record_property
    refuses junit_family xunit2)."""
    request.node.user_properties.append(("left_out", "; ".join(left_out) or "nothing"))
