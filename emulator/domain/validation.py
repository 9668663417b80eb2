"""Initial (synchronous) validation of import items, reported in the JobResponse ValidationSummary.

Per docs/import-semantics.md an item fails when it is not an object, has no identity, has a nested entity in a
*listed* collection without its required key, or has a value of the wrong JSON type / a non-member enum value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from emulator.faults import Faults
from emulator.variants import Variants

from .header import CustomerHeader
from .schema import (
    BOOL,
    CUSTOMER_TYPE,
    DATETIME,
    GUID,
    INT,
    NON_NULLABLE,
    NUMBER,
    REQUIRED_KEYS,
    STR,
    TYPES,
    Enum,
    FieldType,
    ListOf,
    Obj,
    enum_value,
    lenient_enum_value,
)

Operation = Literal["ImportCustomers", "ImportCompanies"]

# (field enum value, item member, item type) of collections whose items need a key when the field is listed
CUSTOMER_KEYED_COLLECTIONS = (
    (14, "Accounts", "Account"),
    (15, "AdditionalInfo", "Info"),
    (16, "Flags", "Flag"),
    (17, "PriceLists", "PriceList"),
)
COMPANY_KEYED_COLLECTIONS = (
    (12, "AdditionalInfo", "Info"),
    (13, "Contacts", "Contact"),
    (15, "DeliveryMethods", "DeliveryMethod"),
    (17, "Flags", "Flag"),
    (18, "PaymentMethods", "PaymentMethod"),
    (19, "PriceLists", "PriceList"),
)
ACCOUNT_ROLES_FIELDS = frozenset({3, 4})  # Roles, RolesCreateOnly
CUSTOMER_SEARCH_ONLY_BY_CODE = 18
COMPANY_SEARCH_ONLY_BY_CODE = 20


class RowLabels:
    """How log rows and validation messages name an item (docs/import-semantics.md: "Item <index>: <reason>",
    ImportedRow = the index); the job-log-rows-one-based and job-log-imported-row-as-item variants change it
    (Q6/Q8)."""

    def __init__(self, variants: Variants) -> None:
        self.one_based = variants.is_on("job-log-rows-one-based")
        self.as_item = variants.is_on("job-log-imported-row-as-item")

    def message(self, index: int, text: str) -> str:
        return f"Item {index + 1 if self.one_based else index}: {text}"

    def imported_row(self, index: int, items: list[Any]) -> str:
        if self.as_item and 0 <= index < len(items):
            return json.dumps(items[index], ensure_ascii=False, separators=(",", ":"), default=str)
        return str(index + 1 if self.one_based else index)


@dataclass
class ValidatedImport:
    operation: Operation
    header: CustomerHeader
    total: int
    valid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    # late-initial-validation (Q17): items initial validation would refuse, failed in processing instead
    deferred: list[tuple[int, str]] = field(default_factory=list)
    # header-rules-async (Q7): the header broke this rule; processing fails every item
    refusal: str | None = None
    items: list[Any] = field(default_factory=list)  # every item as received (log rows may quote one)

    def summary(self, faults: Faults, variants: Variants) -> dict[str, Any]:
        labels = RowLabels(variants)
        return {
            "NrOfItemsInTotal": self.total,
            "NrOfValidationFailures": (
                0 if faults.is_on("import-validation-summary-counts-wrong") else len(self.failures)
            ),
            "Messages": [labels.message(index, reason) for index, reason in self.failures],
        }


def validate_import(
    operation: Operation,
    header: CustomerHeader,
    items: list[Any],
    faults: Faults,
    variants: Variants | None = None,
) -> ValidatedImport:
    variants = variants if variants is not None else Variants()
    result = ValidatedImport(operation, header, len(items), items=items)
    late = variants.is_on("late-initial-validation")
    lenient_enums = variants.is_on("lenient-body-enums")
    for index, item in enumerate(items):
        reason = item_problem(operation, header, item, faults, lenient_enums)
        if reason is None:
            result.valid.append((index, item))
        elif late:
            result.deferred.append((index, reason))
        else:
            result.failures.append((index, reason))
    return result


def has_value(item: dict[str, Any], key: str) -> bool:
    value = item.get(key)
    return value is not None and value != ""


def item_problem(
    operation: Operation, header: CustomerHeader, item: Any, faults: Faults, lenient_enums: bool = False
) -> str | None:
    """The reason the item fails initial validation, or None. `lenient_enums` (the lenient-body-enums
    variant) lets an unknown integer stand in an enum member, as a DataContract deserializer reads it."""
    if not isinstance(item, dict):
        return "item is not an object"
    if operation == "ImportCustomers":
        entity, identity = "Customer", ["Id", "Code"]
        if CUSTOMER_SEARCH_ONLY_BY_CODE not in header.customer_fields or faults.is_on(
            "import-search-only-by-code-ignored"
        ):
            identity.append("EmailAddress")
        collections: tuple[tuple[int, str, str], ...] = CUSTOMER_KEYED_COLLECTIONS
        listed = header.customer_fields
    else:
        entity, identity = "Company", ["Id", "Code"]
        if COMPANY_SEARCH_ONLY_BY_CODE not in header.company_fields:
            identity.append("OrganizationNo")
        collections, listed = COMPANY_KEYED_COLLECTIONS, header.company_fields
    type_problem = _type_problem(item, entity, entity, lenient_enums) or _length_problem(item, entity)
    if type_problem is not None:
        return type_problem
    if not any(has_value(item, key) for key in identity):
        return f"{entity} needs one of {', '.join(identity)}"
    member_problem = _member_problem_by_fault(entity, item, faults)
    if member_problem is not None:
        return member_problem
    for field_value, member, item_type in collections:
        if field_value in listed:
            problem = _missing_keys(item.get(member), member, item_type, _unchecked_keys(faults))
            if problem is not None:
                return problem
    if operation == "ImportCustomers" and 14 in listed and header.account_fields & ACCOUNT_ROLES_FIELDS:
        for account in item.get("Accounts") or []:
            problem = _missing_keys(account.get("Roles"), "Accounts.Roles", "AccountRole")
            if problem is not None:
                return problem
    return None


# The same store backs Customer Service 1.1, whose documented maxLength (docs/norce-facts.md §2C and Q16)
# bounds what an import can store: a longer value fails its item rather than surfacing later as a 1.1
# response that breaks its own schema.
STORED_MAX_LENGTH: dict[str, dict[str, int]] = {
    "Customer": {
        "Code": 50,
        "EmailAddress": 255,
        "SocialSecurityNumber": 50,
        "FirstName": 50,
        "LastName": 50,
        "PhoneNumber": 50,
        "CellPhoneNumber": 50,
        "CrmId": 50,
    },
    "Company": {"Code": 50, "Name": 100, "OrganizationNo": 50, "PhoneNumber": 50},
}


def _length_problem(item: dict[str, Any], entity: str) -> str | None:
    for name, limit in STORED_MAX_LENGTH[entity].items():
        value = item.get(name)
        if isinstance(value, str) and len(value) > limit:
            return f"{entity}.{name} is longer than {limit} characters"
    return None


def _missing_keys(
    entries: Any, member: str, item_type: str, unchecked: frozenset[tuple[str, str]] = frozenset()
) -> str | None:
    for position, entry in enumerate(entries or []):
        for key in REQUIRED_KEYS[item_type]:
            if (item_type, key) in unchecked:
                continue
            if not isinstance(entry, dict) or not has_value(entry, key):
                return f"{member}[{position}].{key} is required"
    return None


def _member_problem_by_fault(entity: str, item: dict[str, Any], faults: Faults) -> str | None:
    """Documented members a seeded fault refuses (emulator/fact_faults/header_facts.py)."""
    if not faults.on:
        return None
    if entity == "Company":
        if has_value(item, "ApplicationKey") and faults.is_on("import-company-application-key-refused"):
            return "Company.ApplicationKey is not a known application"
        return None
    if not has_value(item, "ApplicationKey") and faults.is_on("import-customer-application-key-required"):
        return "Customer.ApplicationKey is required"
    if enum_value(CUSTOMER_TYPE, item.get("Type")) == 2 and faults.is_on("import-customer-type-2-refused"):
        return "Customer.Type 2 (CompanyContact) is not supported"
    return None


# Required members a seeded fault stops checking: (item type, member) per fault.
_UNCHECKED_BY_FAULT = {
    "import-info-without-value-written": ("Info", "Value"),
    "import-account-without-login-name-written": ("Account", "LoginName"),
}


def _unchecked_keys(faults: Faults) -> frozenset[tuple[str, str]]:
    if not faults.on:
        return frozenset()
    return frozenset(key for name, key in _UNCHECKED_BY_FAULT.items() if faults.is_on(name))


def _type_problem(
    value: dict[str, Any], type_name: str, path: str, lenient_enums: bool = False
) -> str | None:
    for name, field_type in TYPES[type_name].items():
        if name in value and value[name] is None and name in NON_NULLABLE.get(type_name, ()):
            return f"{path}.{name} cannot be null"
        if name in value and value[name] is not None:
            problem = _value_problem(value[name], field_type, f"{path}.{name}", lenient_enums)
            if problem is not None:
                return problem
    return None


def _value_problem(value: Any, field_type: FieldType, path: str, lenient_enums: bool = False) -> str | None:
    if isinstance(field_type, Enum):
        known = lenient_enum_value(field_type, value) if lenient_enums else enum_value(field_type, value)
        return None if known is not None else f"{path} has an unknown value {value!r}"
    if isinstance(field_type, ListOf):
        if not isinstance(value, list):
            return f"{path} must be an array"
        for position, entry in enumerate(value):
            if entry is None:
                return f"{path}[{position}] is null"
            problem = _value_problem(entry, field_type.item, f"{path}[{position}]", lenient_enums)
            if problem is not None:
                return problem
        return None
    if isinstance(field_type, Obj):
        if not isinstance(value, dict):
            return f"{path} must be an object"
        return _type_problem(value, field_type.type_name, path, lenient_enums)
    checks: dict[str, Callable[[Any], bool]] = {
        STR: lambda v: isinstance(v, str),
        DATETIME: _is_datetime_text,
        GUID: lambda v: isinstance(v, str) and _GUID_TEXT.fullmatch(v) is not None,
        INT: lambda v: isinstance(v, int) and not isinstance(v, bool) and -(2**31) <= v < 2**31,
        BOOL: lambda v: isinstance(v, bool),
        NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    return None if checks[field_type](value) else f"{path} has the wrong type ({type(value).__name__})"


_HEX_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Guid.Parse's D, N, B and P forms.
_GUID_TEXT = re.compile(rf"{_HEX_GUID}|[0-9a-fA-F]{{32}}|\{{{_HEX_GUID}\}}|\({_HEX_GUID}\)")
_DATETIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})?")


def _is_datetime_text(value: Any) -> bool:
    """A DateTime as the .NET deserializers read it (ISO 8601 date and time, offset optional)."""
    if not isinstance(value, str) or not _DATETIME_TEXT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        return False
    return True
