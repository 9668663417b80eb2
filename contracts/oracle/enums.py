"""Shared Norce enum data from `openapi/enums.yaml`: field enums (name <-> int), header-rule ids, error keys.

The file is plain data; the rules that use it live in `contracts.oracle.header`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from contracts.oracle.spec import OPENAPI_DIR

ENUMS_FILE = OPENAPI_DIR / "enums.yaml"

FIELD_ENUM_NAMES = ("CompanyField", "CustomerField", "AccountField", "SerializationType")


@dataclass(frozen=True)
class FieldEnum:
    """One Norce enum: integer values and their names (name lookup is case-insensitive, as in JSON)."""

    name: str
    names_by_value: dict[int, str]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(sorted(self.names_by_value))

    def name_of(self, value: int) -> str:
        return self.names_by_value[value]

    def value_of(self, name: str) -> int | None:
        """The integer for a member name (case-insensitive), or None when it is no member."""
        wanted = name.strip().lower()
        for value, member in self.names_by_value.items():
            if member.lower() == wanted:
                return value
        return None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value in self.names_by_value


@cache
def _raw() -> dict[str, Any]:
    with ENUMS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{ENUMS_FILE} is not a mapping")
    return data


@cache
def field_enum(name: str) -> FieldEnum:
    """`CompanyField`, `CustomerField`, `AccountField` or `SerializationType`."""
    table = _raw()[name]
    return FieldEnum(name=name, names_by_value={int(k): str(v) for k, v in table.items()})


@cache
def header_rules() -> dict[str, str]:
    """Rule id -> documented wording, in file order."""
    return {str(k): str(v) for k, v in _raw()["HeaderRules"].items()}


@cache
def error_keys() -> tuple[str, ...]:
    return tuple(str(k) for k in _raw()["ErrorKeys"])


def company_fields() -> FieldEnum:
    return field_enum("CompanyField")


def customer_fields() -> FieldEnum:
    return field_enum("CustomerField")


def account_fields() -> FieldEnum:
    return field_enum("AccountField")


def serialization_types() -> FieldEnum:
    return field_enum("SerializationType")


# Rule ids that describe accepted (not rejected) situations; the oracle never returns them.
ACCEPTED_RULE_IDS = frozenset({"HDR-JOBID-IGNORED", "HDR-SUPPLIER-NEEDS-STORAGE"})


def rejecting_rule_ids() -> tuple[str, ...]:
    """Rule ids a conformant server must answer with 400."""
    return tuple(rule for rule in header_rules() if rule not in ACCEPTED_RULE_IDS)
