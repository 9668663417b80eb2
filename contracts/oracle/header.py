"""The `X-StormConnect-Header` as the oracle sees it: model, serializers and the rule engine.

Everything here is derived from Norce's documentation (docs/norce-facts.md §3, `docs/import-semantics.md`,
`openapi/enums.yaml` HeaderRules), never from the emulator.

Serialized forms
- JSON: one line, compact separators, unused members omitted (the official client's Newtonsoft settings).
  Enums as integers, as names, or mixed (JSON only).
- XML: the DataContract form. Root `CustomerHeader` in the `...Contracts.Customer` namespace; the base-class
  members (namespace `...Contracts`) first in the order AccountId, SupplierId, JobId, StorageName,
  SerializationType; then AccountFieldsThatAreSet, CompanyFieldsThatAreSet, CustomerFieldsThatAreSet with
  items `AccountField`/`CompanyField`/`CustomerField` in the `...Customer.Fields` namespace. Integers only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal
from xml.sax.saxutils import escape

from contracts.oracle.enums import (
    FieldEnum,
    account_fields,
    company_fields,
    customer_fields,
    serialization_types,
)
from contracts.oracle.media import XmlUnreadable, is_nil, is_xml_media_type, local_name, parse_xml

HEADER_NAME = "X-StormConnect-Header"

NS_CUSTOMER = "Enferno.Services.StormConnect.Contracts.Customer"
NS_BASE = "Enferno.Services.StormConnect.Contracts"
NS_FIELDS = "Enferno.Services.StormConnect.Contracts.Customer.Fields"

IMPORT_COMPANIES = "ImportCompanies"
IMPORT_CUSTOMERS = "ImportCustomers"
IMPORT_OPERATIONS = (IMPORT_COMPANIES, IMPORT_CUSTOMERS)

EnumStyle = Literal["int", "name", "mixed"]
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class CustomerHeader:
    """A well-typed header: every enum is held as its integer. `None` means the member is omitted."""

    account_id: int
    company_fields: tuple[int, ...] | None = None
    customer_fields: tuple[int, ...] | None = None
    account_fields: tuple[int, ...] | None = None
    job_id: int | str | None = None
    serialization_type: int | None = None
    storage_name: str | None = None
    supplier_id: int | None = None


@cache
def _list_members() -> dict[str, tuple[FieldEnum, str]]:
    """JSON list member -> (enum of its values, XML item element name), in JSON writing order."""
    return {
        "CompanyFieldsThatAreSet": (company_fields(), "CompanyField"),
        "CustomerFieldsThatAreSet": (customer_fields(), "CustomerField"),
        "AccountFieldsThatAreSet": (account_fields(), "AccountField"),
    }


# DataContract order: base-class members, then CustomerHeader's own members (alphabetical).
XML_BASE_ORDER = ("AccountId", "SupplierId", "JobId", "StorageName", "SerializationType")
XML_OWN_ORDER = ("AccountFieldsThatAreSet", "CompanyFieldsThatAreSet", "CustomerFieldsThatAreSet")
MEMBER_NAMES = (
    "AccountId",
    "CompanyFieldsThatAreSet",
    "CustomerFieldsThatAreSet",
    "AccountFieldsThatAreSet",
    "JobId",
    "SerializationType",
    "StorageName",
    "SupplierId",
)


def _styled(enum: FieldEnum, values: tuple[int, ...], style: EnumStyle) -> list[int | str]:
    if style == "int":
        return list(values)
    if style == "name":
        return [enum.name_of(v) for v in values]
    # mixed: names and integers alternate, starting with a name
    return [enum.name_of(v) if i % 2 == 0 else v for i, v in enumerate(values)]


def header_members(header: CustomerHeader, enum_style: EnumStyle = "int") -> dict[str, object]:
    """The header as JSON members (unused ones omitted), enums written in `enum_style`."""
    members: dict[str, object] = {"AccountId": header.account_id}
    lists = {
        "CompanyFieldsThatAreSet": header.company_fields,
        "CustomerFieldsThatAreSet": header.customer_fields,
        "AccountFieldsThatAreSet": header.account_fields,
    }
    for member, values in lists.items():
        if values is not None:
            members[member] = _styled(_list_members()[member][0], values, enum_style)
    if header.job_id is not None:
        members["JobId"] = header.job_id
    if header.serialization_type is not None:
        members["SerializationType"] = _styled(
            serialization_types(), (header.serialization_type,), "name" if enum_style == "name" else "int"
        )[0]
    if header.storage_name is not None:
        members["StorageName"] = header.storage_name
    if header.supplier_id is not None:
        members["SupplierId"] = header.supplier_id
    return members


def json_from_members(members: Mapping[str, object]) -> str:
    return json.dumps(dict(members), separators=(",", ":"), ensure_ascii=False)


def _xml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def xml_from_members(members: Mapping[str, object]) -> str:
    """DataContract XML for header members; members outside the known set are ignored."""
    parts = [f'<CustomerHeader xmlns="{NS_CUSTOMER}" xmlns:b="{NS_BASE}" xmlns:f="{NS_FIELDS}">']
    for member in XML_BASE_ORDER:
        if member in members:
            parts.append(f"<b:{member}>{_xml_text(members[member])}</b:{member}>")
    for member in XML_OWN_ORDER:
        if member in members:
            item = _list_members()[member][1]
            values = members[member]
            items = values if isinstance(values, list) else [values]
            inner = "".join(f"<f:{item}>{_xml_text(v)}</f:{item}>" for v in items)
            parts.append(f"<{member}>{inner}</{member}>")
    parts.append("</CustomerHeader>")
    return "".join(parts)


def to_json(header: CustomerHeader, enum_style: EnumStyle = "int") -> str:
    """One-line compact JSON; enums as integers, names or mixed."""
    return json_from_members(header_members(header, enum_style))


def to_xml(header: CustomerHeader, enum_style: Literal["int", "name"] = "int") -> str:
    """One-line DataContract XML. Integers are the only conformant style; "name" exists for negative tests."""
    return xml_from_members(header_members(header, enum_style))


# ---------------------------------------------------------------------------------------------------------
# The rule engine
# ---------------------------------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, rule_id: str) -> None:
        super().__init__(rule_id)
        self.rule_id = rule_id


def import_kind(operation: str) -> str:
    """`ImportCompanies` or `ImportCustomers` from an operationId or a label such as `POST /Customer/...`."""
    for kind in (IMPORT_COMPANIES, IMPORT_CUSTOMERS):
        if kind.lower() in operation.lower():
            return kind
    raise ValueError(f"not an import operation: {operation!r}")


@dataclass(frozen=True)
class _Token:
    """One enum value as written: an integer, a name, or something that is neither."""

    integer: int | None = None
    name: str | None = None


_DIGITS = re.compile(r"^[+-]?\d+$")


def _token(value: object) -> _Token:
    if isinstance(value, bool):
        return _Token()
    if isinstance(value, int):
        return _Token(integer=value)
    if isinstance(value, str):
        text = value.strip()
        if _DIGITS.match(text):
            return _Token(integer=int(text))
        return _Token(name=text) if text else _Token()
    return _Token()


def _reject_constant(value: str) -> object:
    raise ValueError(f"not JSON: {value}")


def _decode_json(raw: str) -> dict[str, object]:
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except ValueError as exc:
        raise _Rejected("HDR-SYNTAX") from exc
    if not isinstance(data, dict):
        raise _Rejected("HDR-SYNTAX")
    # Newtonsoft matches member names case-insensitively and ignores unknown members.
    by_lower = {name.lower(): name for name in MEMBER_NAMES}
    members: dict[str, object] = {}
    for key, value in data.items():
        known = by_lower.get(key.lower())
        if known is not None and value is not None:
            members[known] = value
    return members


def _decode_xml(raw: str) -> dict[str, object]:
    try:
        root = parse_xml(raw)
    except XmlUnreadable as exc:
        raise _Rejected("HDR-SYNTAX") from exc
    if local_name(root.tag) != "CustomerHeader":
        raise _Rejected("HDR-SYNTAX")
    members: dict[str, object] = {}
    for child in root:
        name = local_name(child.tag)
        if name not in MEMBER_NAMES or is_nil(child):
            continue
        if name in XML_OWN_ORDER:
            members[name] = [(item.text or "").strip() for item in child]
        else:
            members[name] = (child.text or "").strip()
    return members


def decode_header(raw: str) -> dict[str, object]:
    """Members of a raw header value (JSON when it starts with `{`, otherwise XML); raises on a bad form."""
    if raw.lstrip().startswith("{"):
        return _decode_json(raw)
    return _decode_xml(raw)


def _int32(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.match(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if INT32_MIN <= number <= INT32_MAX else None


def _check_shapes(members: Mapping[str, object]) -> None:
    """Members that cannot be read as their documented type make the value no CustomerHeader at all."""
    for member in XML_OWN_ORDER:
        if member in members and not isinstance(members[member], list):
            raise _Rejected("HDR-SYNTAX")
    if "StorageName" in members and not isinstance(members["StorageName"], str):
        raise _Rejected("HDR-SYNTAX")
    if "SupplierId" in members and _int32(members["SupplierId"]) is None:
        raise _Rejected("HDR-SYNTAX")
    job_id = members.get("JobId")
    if job_id is not None and (isinstance(job_id, bool) or not isinstance(job_id, int | str)):
        raise _Rejected("HDR-SYNTAX")
    serialization = members.get("SerializationType")
    # The older spec variant wrote SerializationType as a one-element list; tolerated.
    if isinstance(serialization, list) and len(serialization) != 1:
        raise _Rejected("HDR-SYNTAX")


def _check_account_id(members: Mapping[str, object], xml_form: bool) -> None:
    value = members.get("AccountId")
    if value is None:
        raise _Rejected("HDR-ACCOUNTID")
    if isinstance(value, (bool, float)):
        raise _Rejected("HDR-ACCOUNTID")  # a boolean or a fraction is no account id
    if _int32(value) is None:
        raise _Rejected("HDR-ACCOUNTID")


def _enum_tokens(members: Mapping[str, object]) -> list[tuple[FieldEnum, _Token]]:
    tokens: list[tuple[FieldEnum, _Token]] = []
    for member, (enum, _item) in _list_members().items():
        values = members.get(member)
        if isinstance(values, list):
            tokens.extend((enum, _token(v)) for v in values)
    serialization = members.get("SerializationType")
    if serialization is not None:
        value = serialization[0] if isinstance(serialization, list) else serialization
        tokens.append((serialization_types(), _token(value)))
    return tokens


def _resolved(enum: FieldEnum, values: object) -> set[int]:
    """Members of a list that resolve to enum values (range is checked elsewhere)."""
    resolved: set[int] = set()
    if isinstance(values, list):
        for value in values:
            token = _token(value)
            if token.integer is not None:
                resolved.add(token.integer)
            elif token.name is not None and (number := enum.value_of(token.name)) is not None:
                resolved.add(number)
    return resolved


def _used(members: Mapping[str, object], member: str) -> bool:
    """A list member is "used" when present with at least one value (an empty list sets nothing)."""
    values = members.get(member)
    return isinstance(values, list) and len(values) > 0


def _check_members(
    kind: str, members: Mapping[str, object], content_type: str | None, has_payload: bool, xml_form: bool
) -> None:
    _check_shapes(members)
    _check_account_id(members, xml_form)
    if kind == IMPORT_COMPANIES and "CompanyFieldsThatAreSet" not in members:
        raise _Rejected("HDR-COMPANY-FIELDS-REQUIRED")
    if kind == IMPORT_CUSTOMERS and "CustomerFieldsThatAreSet" not in members:
        raise _Rejected("HDR-CUSTOMER-FIELDS-REQUIRED")
    tokens = _enum_tokens(members)
    if is_xml_media_type(content_type) and any(t.name is not None for _, t in tokens):
        raise _Rejected("HDR-XML-INT-ENUMS")
    for enum, token in tokens:
        if token.integer is not None:
            member_ok = token.integer in enum
        else:
            member_ok = token.name is not None and enum.value_of(token.name) is not None
        if not member_ok:
            raise _Rejected("HDR-ENUM-RANGE")
    customer_set = _resolved(customer_fields(), members.get("CustomerFieldsThatAreSet"))
    company_set = _resolved(company_fields(), members.get("CompanyFieldsThatAreSet"))
    accounts = customer_fields().value_of("Accounts")
    if _used(members, "AccountFieldsThatAreSet") and accounts not in customer_set:
        raise _Rejected("HDR-DEP-ACCOUNTS")
    if (
        kind == IMPORT_COMPANIES
        and _used(members, "CustomerFieldsThatAreSet")
        and company_fields().value_of("Customers") not in company_set
    ):
        raise _Rejected("HDR-DEP-CUSTOMERS")
    if (
        kind == IMPORT_CUSTOMERS
        and _used(members, "CompanyFieldsThatAreSet")
        and customer_fields().value_of("Companies") not in customer_set
    ):
        raise _Rejected("HDR-DEP-COMPANIES")
    storage = members.get("StorageName")
    if isinstance(storage, str) and storage.strip() and not has_payload:
        raise _Rejected("HDR-STORAGE-NO-PAYLOAD")


def expected_violation(
    operation: str,
    header: CustomerHeader | str | None,
    content_type: str | None,
    *,
    has_payload: bool = True,
) -> str | None:
    """The HeaderRules id a conformant server must reject this header with, or None when it must accept it.

    `operation` is an import operationId or label; `header` the typed header, the raw value, or None when
    the header is absent; `content_type` the request body's media type; `has_payload` whether the body is
    non-empty (a StorageName without a payload is rejected, with a payload it is ignored).

    When several rules are broken the first in this order is returned: PRESENT, ONE-LINE, SYNTAX, ACCOUNTID,
    COMPANY/CUSTOMER-FIELDS-REQUIRED, XML-INT-ENUMS, ENUM-RANGE, DEP-ACCOUNTS, DEP-CUSTOMERS, DEP-COMPANIES,
    STORAGE-NO-PAYLOAD. JobId is ignored, and SupplierId without StorageName is ignored (both accepted).
    """
    kind = import_kind(operation)
    try:
        if header is None or (isinstance(header, str) and not header.strip()):
            raise _Rejected("HDR-PRESENT")
        if isinstance(header, CustomerHeader):
            members, xml_form = header_members(header, "int"), False
        else:
            if "\r" in header or "\n" in header:
                raise _Rejected("HDR-ONE-LINE")
            xml_form = not header.lstrip().startswith("{")
            members = decode_header(header)
        _check_members(kind, members, content_type, has_payload, xml_form)
    except _Rejected as rejected:
        return rejected.rule_id
    return None
