"""Named, documented waivers: every deliberate leniency of the suite, and a record of each time one applied.

A check never skips silently. When it tolerates something because Norce's documentation is ambiguous or the
real backend is known to differ, it calls `waive(...)` with one of the ids below; the use is recorded and
`report_lines()` lists it in the run summary. A waiver that is not active is not applied.

Activation: waivers marked `default_active` are on; the run's `waivers` setting adjusts the set (`+W-ID` or
`W-ID` turns one on, `-W-ID` off: `--waiver`, `NORCE_WAIVERS`, `[tool.norce-contracts] waivers` or a
profile), applied by the suite's plugin through `set_active(resolve(...))`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiver:
    id: str
    reason: str
    reference: str  # where the ambiguity is recorded (docs/norce-facts.md or docs/schemathesis-notes.md)
    relaxes: str  # which check or rule it relaxes
    default_active: bool


WAIVERS: dict[str, Waiver] = {
    w.id: w
    for w in (
        Waiver(
            "W-BUSINESS-400",
            "Norce documents 400 + ErrorMessage as the business-error answer of every Customer Service 1.1 "
            "operation, and says more keys exist than were captured; schema-valid input with random ids, "
            "empty passwords or taken login names earns one. positive_data_acceptance accepts a 1.1 400 "
            "whose ErrorMessage is well-formed and whose key is not a request-shape refusal "
            "(contracts.oracle.response_checks.SCHEMA_REFUSAL_KEYS). The documented keys for the documented "
            "cases are pinned by contracts/suite/test_customer_service_semantics.py.",
            "docs/norce-facts.md §4.4 and §1C 'known error keys' (more keys exist than were captured)",
            "positive_data_acceptance",
            True,
        ),
        Waiver(
            "W-NET-DATETIME",
            "Norce's .NET backend writes date-times without a UTC offset (DateTimeKind.Unspecified); "
            "a date-time without offset is accepted by json_schema_conformance.",
            "docs/schemathesis-notes.md §0.10; docs/norce-facts.md §4.5",
            "json_schema_conformance (format date-time)",
            True,
        ),
        Waiver(
            "W-Q16-MAXLENGTH",
            "Norce documents MaxLength for Connect strings (e.g. Address.ShippingPhoneNumber <= 50) but not "
            "what an over-long value earns; docs/norce-facts.md Q16 recommended truncating (400 only in a "
            "strict mode). negative_data_rejection accepts a Connect import whose one violation is an "
            "over-long string.",
            "docs/norce-facts.md Q16 and §2A (Connect Address)",
            "negative_data_rejection (Connect imports, maxLength only)",
            True,
        ),
        Waiver(
            "W-CONNECT-URI-FORMAT",
            "Norce documents Image.Url as string(uri) but not that a non-URI is refused (the contract member "
            "is a plain .NET string); negative_data_rejection accepts a Connect import whose one violation "
            "is a string that is not a URI.",
            "docs/norce-facts.md §2A (Connect Image)",
            "negative_data_rejection (Connect imports, uri format only)",
            True,
        ),
        Waiver(
            "W-Q3-XML-ENUM-NAMES",
            "The docs demand integer enums with application/xml, but a DataContractSerializer writes names; "
            "a real tenant that accepts names under XML (instead of HDR-XML-INT-ENUMS) is tolerated.",
            "docs/norce-facts.md Q3",
            "header_rule_oracle (HDR-XML-INT-ENUMS)",
            False,
        ),
        Waiver(
            "W-Q7-CONNECT-ERROR-BODY",
            "Norce documents no error body for Connect (docs/norce-facts.md Q7); on a real tenant a "
            "header-rule 400 need not carry our rule id as Messages[0].Key, nor an ErrorMessage at all.",
            "docs/norce-facts.md Q7",
            "header_rule_oracle (rule id key), norce_error_envelope (Connect)",
            False,
        ),
    )
}


@dataclass(frozen=True)
class WaiverUse:
    waiver_id: str
    operation: str
    detail: str


_lock = threading.Lock()
_uses: list[WaiverUse] = []
_override: set[str] | None = None


def resolve(adjustments: Iterable[str] = ()) -> set[str]:
    """The default waivers adjusted: `+W-ID` or `W-ID` turns one on, `-W-ID` turns one off."""
    active = {w.id for w in WAIVERS.values() if w.default_active}
    for raw in adjustments:
        item = raw.strip()
        if not item:
            continue
        waiver_id = item.lstrip("+-")
        if waiver_id not in WAIVERS:
            known = ", ".join(sorted(WAIVERS))
            raise ValueError(f"unknown waiver {waiver_id!r} (known: {known})")
        if item.startswith("-"):
            active.discard(waiver_id)
        else:
            active.add(waiver_id)
    return active


def active_ids() -> set[str]:
    return set(_override) if _override is not None else resolve()


def set_active(ids: set[str] | None) -> None:
    """Replace the active set (None: back to the defaults)."""
    global _override
    if ids is not None:
        unknown = ids - set(WAIVERS)
        if unknown:
            raise ValueError(f"unknown waivers: {sorted(unknown)}")
    _override = None if ids is None else set(ids)


def is_active(waiver_id: str) -> bool:
    if waiver_id not in WAIVERS:
        raise KeyError(waiver_id)
    return waiver_id in active_ids()


def waive(waiver_id: str, operation: str, detail: str) -> bool:
    """Apply a waiver if it is active: record the use and return True; otherwise return False."""
    if not is_active(waiver_id):
        return False
    with _lock:
        _uses.append(WaiverUse(waiver_id, operation, detail))
    return True


def uses() -> list[WaiverUse]:
    with _lock:
        return list(_uses)


def clear_uses() -> None:
    with _lock:
        _uses.clear()


def report_lines() -> list[str]:
    """One line per (waiver, operation) with a count, for the run summary."""
    counts: dict[tuple[str, str], int] = {}
    for use in uses():
        counts[(use.waiver_id, use.operation)] = counts.get((use.waiver_id, use.operation), 0) + 1
    return [
        f"{waiver_id} ({WAIVERS[waiver_id].reference}) applied {n}x on {operation}"
        for (waiver_id, operation), n in sorted(counts.items())
    ]
