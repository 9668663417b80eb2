"""Parse and check the ``X-StormConnect-Header`` (a JSON or XML ``CustomerHeader``).

Checks run in this order and the first broken rule is raised as ``HeaderRuleViolation(rule_id)``:
HDR-PRESENT, HDR-ONE-LINE, HDR-SYNTAX (or ``XmlForbidden`` for DTDs), HDR-ACCOUNTID, HDR-*-FIELDS-REQUIRED,
HDR-XML-INT-ENUMS, HDR-ENUM-RANGE, HDR-DEP-ACCOUNTS, HDR-DEP-CUSTOMERS, HDR-DEP-COMPANIES,
HDR-STORAGE-NO-PAYLOAD.
Property names are matched case-insensitively; unknown properties, ``JobId`` and a ``SupplierId`` without
``StorageName`` are ignored. Older variants (``"SerializationType": ["JSON"]``, ``"JobId": "string"``) pass.
A required field list that is present but empty is accepted: nothing to process
(ours, docs/import-semantics.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from emulator import faults

from .enums import enum_members
from .errors import HeaderRuleViolation
from .schema import INTEGER_TEXT
from .xmlsafe import is_nil, local_name, parse_xml

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

Operation = Literal["ImportCustomers", "ImportCompanies"]

CUSTOMERS_FIELD_IN_COMPANY = 14  # CompanyField.Customers
ACCOUNTS_FIELD_IN_CUSTOMER = 14  # CustomerField.Accounts
COMPANIES_FIELD_IN_CUSTOMER = 19  # CustomerField.Companies

LIST_PROPERTIES = {
    "accountfieldsthatareset": "AccountField",
    "companyfieldsthatareset": "CompanyField",
    "customerfieldsthatareset": "CustomerField",
}
SCALAR_PROPERTIES = ("accountid", "supplierid", "jobid", "storagename", "serializationtype")
SERIALIZATION_ALIASES = {"xml": 1}  # older samples say "XML" for DataContractSerializer


@dataclass(frozen=True)
class CustomerHeader:
    account_id: int
    customer_fields: frozenset[int]
    company_fields: frozenset[int]
    account_fields: frozenset[int]
    serialization_type: int | None = None
    storage_name: str | None = None
    supplier_id: int | None = None


@dataclass
class _Raw:
    """Property values as read, before any rule: JSON values, or element text (strings) for XML."""

    values: dict[str, Any]
    lists: dict[str, list[Any] | None]


def is_xml_media_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media.endswith("/xml") or media.endswith("+xml")


def parse_customer_header(
    value: str | None, operation: Operation, content_type: str | None, has_payload: bool = True
) -> CustomerHeader:
    if value is None or not value.strip():
        if faults.is_active("hdr-present-not-enforced"):
            return CustomerHeader(0, frozenset(), frozenset(), frozenset())
        raise HeaderRuleViolation("HDR-PRESENT", "X-StormConnect-Header is required")
    # Over HTTP/1.1 a break arrives only as obs-fold, refused earlier by emulator/http/server.py (where the
    # hdr-one-line-not-enforced fault lives); this guards other transports (in-process ASGI clients).
    if "\n" in value or "\r" in value:
        raise HeaderRuleViolation("HDR-ONE-LINE", "X-StormConnect-Header must be a single line")
    raw = _read_header(value)
    _seeded_rejections(raw)

    account_id = _account_id(raw.values.get("accountid"))
    required = "customerfieldsthatareset" if operation == "ImportCustomers" else "companyfieldsthatareset"
    required_fault = (
        "hdr-customer-fields-not-enforced"
        if operation == "ImportCustomers"
        else "hdr-company-fields-not-enforced"
    )
    if raw.lists.get(required) is None and not faults.is_active(required_fault):
        rule = (
            "HDR-CUSTOMER-FIELDS-REQUIRED"
            if operation == "ImportCustomers"
            else "HDR-COMPANY-FIELDS-REQUIRED"
        )
        raise HeaderRuleViolation(rule, f"{LIST_PROPERTIES[required]}sThatAreSet is required for {operation}")

    xml_request = is_xml_media_type(content_type)
    fields = {
        prop: _enum_set(raw.lists.get(prop), enum_name, xml_request)
        for prop, enum_name in LIST_PROPERTIES.items()
    }
    serialization_type = _serialization_type(raw.values.get("serializationtype"), xml_request)
    customer_fields = fields["customerfieldsthatareset"]
    company_fields = fields["companyfieldsthatareset"]
    account_fields = fields["accountfieldsthatareset"]

    if (
        account_fields
        and ACCOUNTS_FIELD_IN_CUSTOMER not in customer_fields
        and not faults.is_active("hdr-dep-accounts-not-enforced")
    ):
        raise HeaderRuleViolation(
            "HDR-DEP-ACCOUNTS", "AccountFieldsThatAreSet requires Accounts (14) in CustomerFieldsThatAreSet"
        )
    if (
        operation == "ImportCompanies"
        and customer_fields
        and CUSTOMERS_FIELD_IN_COMPANY not in company_fields
        and not faults.is_active("hdr-dep-customers-not-enforced")
    ):
        raise HeaderRuleViolation(
            "HDR-DEP-CUSTOMERS",
            "CustomerFieldsThatAreSet in ImportCompanies requires Customers (14) in CompanyFieldsThatAreSet",
        )
    if (
        operation == "ImportCustomers"
        and company_fields
        and COMPANIES_FIELD_IN_CUSTOMER not in customer_fields
        and not faults.is_active("hdr-dep-companies-not-enforced")
    ):
        raise HeaderRuleViolation(
            "HDR-DEP-COMPANIES",
            "CompanyFieldsThatAreSet in ImportCustomers requires Companies (19) in CustomerFieldsThatAreSet",
        )

    storage_name = _optional_text(raw.values.get("storagename"))
    if storage_name and not has_payload and not faults.is_active("hdr-storage-no-payload-not-enforced"):
        raise HeaderRuleViolation(
            "HDR-STORAGE-NO-PAYLOAD",
            "StorageName refers to Norce's file area, which is "
            "not reachable here; send the items in the body",
        )
    supplier_id = _optional_int(raw.values.get("supplierid")) if storage_name else None
    return CustomerHeader(
        account_id,
        customer_fields,
        company_fields,
        account_fields,
        serialization_type,
        storage_name,
        supplier_id,
    )


# --- reading the two forms ---------------------------------------------------------------------------------
def _read_header(value: str) -> _Raw:
    try:
        return _read_json(value) if value.lstrip().startswith("{") else _read_xml(value)
    except HeaderRuleViolation as violation:
        if violation.rule_id == "HDR-SYNTAX" and faults.is_active("hdr-syntax-not-enforced"):
            return _Raw({}, {})
        raise


def _seeded_rejections(raw: _Raw) -> None:
    """Seeded faults that refuse a valid header (the documented behaviour ignores or accepts these)."""
    if raw.values.get("jobid") not in (None, "") and faults.is_active("hdr-rejects-job-id"):
        raise HeaderRuleViolation("HDR-JOBID-IGNORED", "JobId must not be sent")
    if (
        raw.values.get("supplierid") not in (None, "")
        and not raw.values.get("storagename")
        and faults.is_active("hdr-rejects-supplier-without-storage")
    ):
        raise HeaderRuleViolation("HDR-SUPPLIER-NEEDS-STORAGE", "SupplierId needs StorageName")
    if any(len(items or []) > 1 for items in raw.lists.values()) and faults.is_active(
        "hdr-rejects-valid-multi-value"
    ):
        raise HeaderRuleViolation("HDR-SYNTAX", "a field list must hold a single value")


def _read_json(value: str) -> _Raw:
    try:
        data = json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise HeaderRuleViolation("HDR-SYNTAX", f"header is not valid JSON: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise HeaderRuleViolation("HDR-SYNTAX", "header JSON must be an object")
    values = {key.lower(): item for key, item in data.items() if key.lower() in SCALAR_PROPERTIES}
    lists: dict[str, list[Any] | None] = {}
    for key, item in data.items():
        prop = key.lower()
        if prop in LIST_PROPERTIES:
            if item is not None and not isinstance(item, list):
                raise HeaderRuleViolation("HDR-SYNTAX", f"{key} must be an array")
            lists[prop] = item
    return _Raw(values, lists)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _header_syntax(message: str) -> HeaderRuleViolation:
    return HeaderRuleViolation("HDR-SYNTAX", message)


def _read_xml(value: str) -> _Raw:
    root = parse_xml(value, malformed=_header_syntax)
    if local_name(root) != "CustomerHeader":
        raise HeaderRuleViolation("HDR-SYNTAX", "header XML root must be CustomerHeader")
    values: dict[str, Any] = {}
    lists: dict[str, list[Any] | None] = {}
    for child in root:
        prop = local_name(child).lower()
        if prop in LIST_PROPERTIES:
            lists[prop] = None if is_nil(child) else [(item.text or "").strip() for item in child]
        elif prop in SCALAR_PROPERTIES:
            values[prop] = None if is_nil(child) else (child.text or "").strip()
    return _Raw(values, lists)


# --- values ------------------------------------------------------------------------------------------------
def _account_id(value: Any) -> int:
    if value is None and faults.is_active("hdr-accountid-not-enforced"):
        return 0
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    # XML element text is always a string; a JSON "1" passes too, as Newtonsoft would convert it (lenient)
    elif isinstance(value, str) and INTEGER_TEXT.fullmatch(value.strip()):
        number = int(value)
    if number is not None and INT32_MIN <= number <= INT32_MAX:  # the contract types it as a .NET int
        return number
    raise HeaderRuleViolation("HDR-ACCOUNTID", "AccountId is required and must be an integer")


def _enum_set(items: list[Any] | None, enum_name: str, xml_request: bool) -> frozenset[int]:
    if not items:
        return frozenset()
    members = enum_members(enum_name)
    names = [item for item in items if isinstance(item, str) and not INTEGER_TEXT.fullmatch(item.strip())]
    if names and not xml_request and faults.is_active("hdr-rejects-enum-names-in-json"):
        raise HeaderRuleViolation("HDR-ENUM-RANGE", f"{enum_name} values must be integers")
    return frozenset(_enum_member(item, members, enum_name, xml_request) for item in items)


def _enum_member(
    item: Any,
    members: dict[int, str],
    enum_name: str,
    xml_request: bool,
    aliases: dict[str, int] | None = None,
) -> int:
    if isinstance(item, bool) or not isinstance(item, int | str):
        raise HeaderRuleViolation("HDR-ENUM-RANGE", f"{item!r} is not a {enum_name}")
    if isinstance(item, str) and not INTEGER_TEXT.fullmatch(item.strip()):
        if xml_request and not faults.is_active("hdr-xml-int-enums-not-enforced"):
            raise HeaderRuleViolation(
                "HDR-XML-INT-ENUMS", f"{enum_name} must be an integer with application/xml, got {item!r}"
            )
        lowered = item.strip().lower()
        by_name = {name.lower(): number for number, name in members.items()} | (aliases or {})
        if lowered not in by_name:
            raise HeaderRuleViolation("HDR-ENUM-RANGE", f"{item!r} is not a {enum_name}")
        return by_name[lowered]
    number = int(item)
    if number not in members and not faults.is_active("hdr-enum-range-not-enforced"):
        raise HeaderRuleViolation(
            "HDR-ENUM-RANGE", f"{number} is not a {enum_name} ({min(members)}-{max(members)})"
        )
    return number


def _serialization_type(value: Any, xml_request: bool) -> int | None:
    if isinstance(value, list):  # older variant: ["JSON"]
        if not value:
            return None
        value = value[0]
    if value is None or value == "":
        return None
    return _enum_member(
        value, enum_members("SerializationType"), "SerializationType", xml_request, SERIALIZATION_ALIASES
    )


def _optional_text(value: Any) -> str | None:
    if isinstance(value, list):  # older variant types StorageName as [string]
        value = value[0] if value else None
    if value is None:
        return None
    return str(value).strip() or None


def _optional_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and INTEGER_TEXT.fullmatch(value.strip()):
        return int(value)
    return None
