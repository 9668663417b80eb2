"""Coverage of the header's enum values and accepted-situation rules, read off the raw header a test sent.

`summary.md` shows, for every CustomerField/CompanyField/AccountField/SerializationType value, whether it was
sent as an integer, a name or in XML; these functions find those values in an `X-StormConnect-Header`.
"""

from __future__ import annotations

import re

from contracts.oracle.enums import field_enum
from contracts.oracle.header import decode_header
from contracts.reports.recorder import record_enum_value

ACCEPTED_RULE_HINTS = {"JobId": "HDR-JOBID-IGNORED"}  # members whose mere presence is an accepted rule

_LIST_MEMBERS = {
    "CompanyFieldsThatAreSet": "CompanyField",
    "CustomerFieldsThatAreSet": "CustomerField",
    "AccountFieldsThatAreSet": "AccountField",
}


def _header_members(header_value: str | None) -> tuple[dict[str, object], bool] | None:
    if not header_value or "\n" in header_value or "\r" in header_value:
        return None
    try:
        return decode_header(header_value), not header_value.lstrip().startswith("{")
    except Exception:  # not a header at all: nothing to cover
        return None


def header_enum_values(header_value: str | None) -> list[tuple[str, int, str]]:
    """(enum, value, form) for every member value of an enum in the header; unknown values are left out."""
    decoded = _header_members(header_value)
    if decoded is None:
        return []
    members, xml_form = decoded
    found: list[tuple[str, int, str]] = []
    pairs: list[tuple[str, object]] = []
    for member, enum_name in _LIST_MEMBERS.items():
        values = members.get(member)
        if isinstance(values, list):
            pairs += [(enum_name, v) for v in values]
    if "SerializationType" in members:
        pairs.append(("SerializationType", members["SerializationType"]))
    for enum_name, raw in pairs:
        resolved = _enum_value(enum_name, raw)
        if resolved is not None:
            value, is_int = resolved
            found.append((enum_name, value, "xml" if xml_form else ("int" if is_int else "name")))
    return found


def _enum_value(enum_name: str, raw: object) -> tuple[int, bool] | None:
    enum = field_enum(enum_name)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return (raw, True) if raw in enum else None
    if isinstance(raw, str):
        text = raw.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            number = int(text)
            return (number, True) if number in enum else None
        value = enum.value_of(text)
        return None if value is None else (value, False)
    return None


def accepted_rule_hint(header_value: str | None) -> str | None:
    """The accepted-situation rule (JobId sent, SupplierId without StorageName) a valid header exercises."""
    decoded = _header_members(header_value)
    if decoded is None:
        return None
    members = decoded[0]
    if "SupplierId" in members and "StorageName" not in members:
        return "HDR-SUPPLIER-NEEDS-STORAGE"
    for member, rule in ACCEPTED_RULE_HINTS.items():
        if member in members:
            return rule
    return None


def record_header_enums(header_value: str | None) -> None:
    """Record every known enum value in a raw X-StormConnect-Header (JSON ints/names, or XML)."""
    for enum_name, value, form in header_enum_values(header_value):
        record_enum_value(enum_name, value, form)
