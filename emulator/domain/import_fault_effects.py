"""The import engine's wiring of the generated fault families (emulator/fact_faults/families.py): a listed
header field value that is not processed, and a Connect member stored wrongly or not at all.

`imports.run_import` matches and validates an item as sent, then writes what `stored_item` leaves of it, for
the field values `written_fields` leaves listed. Each costs one set intersection when none of these faults
is on.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from emulator.fact_faults.families import ADDRESS_MEMBERS, STORE_FAULTS, StoreFault, ignored_field_values
from emulator.faults import Faults

Item = dict[str, Any]

_IGNORED = ignored_field_values()
_IGNORED_NAMES = frozenset(name for table in _IGNORED.values() for name in table)
_STORE_NAMES = frozenset(row.name for row in STORE_FAULTS)


def written_fields(faults: Faults, kind: str, listed: frozenset[int]) -> frozenset[int]:
    """The listed field values of `kind` ("customer", "company", "account") the engine processes."""
    on = faults.on & _IGNORED_NAMES
    if not on:
        return listed
    return listed - {value for name, value in _IGNORED[kind].items() if name in on}


def _halve(text: Any) -> Any:
    return text[: len(text) // 2] if isinstance(text, str) else text


def _entries(item: Item, member: str) -> list[Item]:
    return [entry for entry in item.get(member) or [] if isinstance(entry, dict)]


def _addresses(item: Item) -> list[Item]:
    invoice = item.get("InvoiceAddress")
    return [*([invoice] if isinstance(invoice, dict) else []), *_entries(item, "DeliveryAddresses")]


def _halved(item: Item, members: tuple[str, ...]) -> None:
    for member in members:
        if member in item:
            item[member] = _halve(item[member])


def _first_only(item: Item, members: tuple[str, ...]) -> None:
    for member in members:
        if isinstance(item.get(member), list):
            item[member] = item[member][:1]


def _invoice_as_delivery(item: Item, _: tuple[str, ...]) -> None:
    invoice = item.pop("InvoiceAddress", None)
    if isinstance(invoice, dict):
        item["DeliveryAddresses"] = [invoice, *_entries(item, "DeliveryAddresses")]


def _dropped(item: Item, members: tuple[str, ...]) -> None:
    for member in members:
        for holder in _addresses(item) if member in ADDRESS_MEMBERS else [item]:
            holder.pop(member, None)


def _nested(change: Callable[[Item, str], None]) -> Callable[[Item, tuple[str, ...]], None]:
    def apply(item: Item, members: tuple[str, ...]) -> None:
        for path in members:
            holder, member = path.split(".")
            for entry in _entries(item, holder):
                if member in entry:
                    change(entry, member)

    return apply


def _inactive_by_default(item: Item, members: tuple[str, ...]) -> None:
    for member in members:
        for entry in _entries(item, member):
            entry.setdefault("IsActive", False)


def _needs(item: Item, members: tuple[str, ...]) -> None:
    for path in members:
        holder, member = path.split(".")
        if isinstance(item.get(holder), list):
            item[holder] = [entry for entry in _entries(item, holder) if member in entry]


MUTATIONS: dict[str, Callable[[Item, tuple[str, ...]], None]] = {
    "halved": _halved,
    "first-only": _first_only,
    "invoice-as-delivery": _invoice_as_delivery,
    "dropped": _dropped,
    # a nested member set to null, not removed: the engine reads Info.Value as a required member
    "nested-dropped": _nested(lambda entry, member: entry.__setitem__(member, None)),
    "nested-halved": _nested(lambda entry, member: entry.__setitem__(member, _halve(entry[member]))),
    "inactive-by-default": _inactive_by_default,
    "needs": _needs,
}


def _active(faults: Faults, operation: str) -> list[StoreFault]:
    on = faults.on & _STORE_NAMES
    return [row for row in STORE_FAULTS if row.name in on and operation in row.operations] if on else []


def stored_item(faults: Faults, operation: str, item: Item) -> Item:
    """What the engine writes of an item (the item itself when no store fault is on)."""
    rows = _active(faults, operation)
    if not rows:
        return item
    item = copy.deepcopy(item)
    for row in rows:
        MUTATIONS[row.mutation](item, row.members)
    return item
