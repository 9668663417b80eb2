"""Parse and check the ``X-StormConnect-Header`` (a JSON or XML ``CustomerHeader``).

The rules are one table, ``RULES``, walked in order; the first broken rule is raised as
``HeaderRuleViolation(rule_id)``: HDR-PRESENT, HDR-ONE-LINE, HDR-SYNTAX (or ``XmlForbidden`` for DTDs),
HDR-ACCOUNTID, HDR-*-FIELDS-REQUIRED, then HDR-XML-INT-ENUMS and HDR-ENUM-RANGE value by value in header
order, HDR-DEP-ACCOUNTS, HDR-DEP-CUSTOMERS, HDR-DEP-COMPANIES, HDR-STORAGE-NO-PAYLOAD.
Each row also names the seeded fault that bends it (``Bend``); rows that only a fault adds refuse a header
Connect accepts. A row may also name a conforming variant (emulator/variants.py) that waives it where the docs
leave the rule's server side open (xml-header-enum-names: Q3).
Property names are matched case-insensitively; unknown properties, ``JobId`` and a ``SupplierId`` without
``StorageName`` are ignored. Older variants (``"SerializationType": ["JSON"]``, ``"JobId": "string"``) pass.
A required field list that is present but empty is accepted: nothing to process
(ours, docs/import-semantics.md).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar
from xml.etree.ElementTree import Element

from emulator.faults import Faults
from emulator.variants import Variants

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
# The XML header's namespaces (docs/norce-facts.md §3 notes): the root's, and the base class members'.
NS_CUSTOMER = "Enferno.Services.StormConnect.Contracts.Customer"
NS_BASE = "Enferno.Services.StormConnect.Contracts"
# Seeded faults that bend how the two forms are read (the readers below), not a row of RULES.
READER_FAULTS = (
    "hdr-unparseable-read-as-every-field",
    "hdr-older-list-forms-refused",
    "hdr-json-integer-enums-refused",
    "hdr-xml-header-refused",
    "hdr-xml-root-in-base-namespace",
    "hdr-xml-base-members-in-own-namespace",
    "hdr-xml-lists-before-base-members",
    "hdr-xml-field-items-named-int",
)
# Every field value of each import's own list: what hdr-unparseable-read-as-every-field reads junk as.
OWN_LIST = {"ImportCustomers": "customerfieldsthatareset", "ImportCompanies": "companyfieldsthatareset"}


@dataclass(frozen=True)
class CustomerHeader:
    account_id: int
    customer_fields: frozenset[int]
    company_fields: frozenset[int]
    account_fields: frozenset[int]
    serialization_type: int | None = None
    storage_name: str | None = None
    supplier_id: int | None = None


def is_xml_media_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media.endswith("/xml") or media.endswith("+xml")


# --- what the rules look at -------------------------------------------------------------------------------
@dataclass
class _Raw:
    """Property values as read, before any rule: JSON values, or element text (strings) for XML."""

    values: dict[str, Any]
    lists: dict[str, list[Any] | None]


@dataclass(frozen=True)
class _EnumValue:
    """One enum value as sent: an item of a field list, or the SerializationType."""

    item: object
    enum: str
    xml_request: bool
    opens_list_with_names: bool = False  # the first item of a field list holding names (not integers)
    aliases: tuple[tuple[str, int], ...] = ()

    @property
    def members(self) -> dict[int, str]:
        return enum_members(self.enum)

    @property
    def is_name(self) -> bool:
        return isinstance(self.item, str) and not INTEGER_TEXT.fullmatch(self.item.strip())

    @property
    def wrong_kind(self) -> bool:
        return isinstance(self.item, bool) or not isinstance(self.item, int | str)

    @property
    def named(self) -> int | None:
        """The member a name stands for (case-insensitive), None for an unknown name."""
        by_name = {name.lower(): number for number, name in self.members.items()} | dict(self.aliases)
        return by_name.get(str(self.item).strip().lower())

    @property
    def number(self) -> int:
        """The value as the header means it: a named member, else the integer (in range or not)."""
        if self.is_name:
            named = self.named
            assert named is not None  # an unknown name is always refused (HDR-ENUM-RANGE)
            return named
        assert isinstance(self.item, int | str)
        return int(self.item)


class _Draft:
    """The header as read so far. Each property is computed on first use, so a rule reads only what it needs
    and the order of the table is the order things go wrong (a DTD, for one, is met only when reading)."""

    def __init__(
        self,
        value: str | None,
        operation: Operation,
        content_type: str | None,
        has_payload: bool,
        faults: Faults | None = None,
    ):
        self.value = value
        self.operation = operation
        self.xml_request = is_xml_media_type(content_type)
        self.has_payload = has_payload
        self.faults = faults if faults is not None else Faults()

    @property
    def absent(self) -> bool:
        return self.value is None or not self.value.strip()

    @cached_property
    def _read(self) -> tuple[_Raw, str | None]:
        """(what was read, the HDR-SYNTAX message); an unparseable header reads as empty."""
        if self.value is None or self.absent:
            return _Raw({}, {}), None
        try:
            return _read_header(self.value, self.faults), None
        except HeaderRuleViolation as violation:  # the readers raise HDR-SYNTAX only
            if self.faults.is_on("hdr-unparseable-read-as-every-field"):
                prop = OWN_LIST[self.operation]
                every = list(enum_members(LIST_PROPERTIES[prop]))
                return _Raw({"accountid": 1}, {prop: every}), None
            return _Raw({}, {}), violation.message

    @property
    def raw(self) -> _Raw:
        return self._read[0]

    @property
    def syntax_error(self) -> str | None:
        return self._read[1]

    @property
    def account_id(self) -> Any:
        return self.raw.values.get("accountid")

    @property
    def valid_account_id(self) -> int | None:
        value, number = self.account_id, None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        # XML element text is always a string; a JSON "1" passes too, as Newtonsoft would convert it (lenient)
        elif isinstance(value, str) and INTEGER_TEXT.fullmatch(value.strip()):
            number = int(value)
        if number is not None and INT32_MIN <= number <= INT32_MAX:  # the contract types it as a .NET int
            return number
        return None

    def lacks(self, prop: str) -> bool:
        return self.raw.lists.get(prop) is None

    @cached_property
    def _lists(self) -> dict[str, list[_EnumValue]]:
        lists: dict[str, list[_EnumValue]] = {}
        for prop, enum_name in LIST_PROPERTIES.items():
            items = self.raw.lists.get(prop) or []
            has_names = any(_EnumValue(item, enum_name, self.xml_request).is_name for item in items)
            lists[prop] = [
                _EnumValue(item, enum_name, self.xml_request, opens_list_with_names=has_names and index == 0)
                for index, item in enumerate(items)
            ]
        return lists

    @cached_property
    def _serialization_type(self) -> _EnumValue | None:
        value = self.raw.values.get("serializationtype")
        if isinstance(value, list):  # older variant: ["JSON"]
            value = value[0] if value else None
        if value is None or value == "":
            return None
        return _EnumValue(
            value, "SerializationType", self.xml_request, aliases=tuple(SERIALIZATION_ALIASES.items())
        )

    @property
    def enum_values(self) -> list[_EnumValue]:
        """Every enum value in the order Connect reads them: the field lists, then SerializationType."""
        values = [value for items in self._lists.values() for value in items]
        return values + ([self._serialization_type] if self._serialization_type else [])

    def lists_as_sent(self) -> list[list[int]]:
        """Each field list's values in the order they were sent."""
        return [[value.number for value in values] for values in self._lists.values()]

    def fields(self, prop: str) -> frozenset[int]:
        return frozenset(value.number for value in self._lists[prop])

    @property
    def storage_name(self) -> str | None:
        return _optional_text(self.raw.values.get("storagename"))

    def header(self) -> CustomerHeader:
        storage_name = self.storage_name
        serialization = self._serialization_type
        return CustomerHeader(
            self.valid_account_id or 0,
            self.fields("customerfieldsthatareset"),
            self.fields("companyfieldsthatareset"),
            self.fields("accountfieldsthatareset"),
            serialization.number if serialization else None,
            storage_name,
            _optional_int(self.raw.values.get("supplierid")) if storage_name else None,
        )


# --- the rules ----------------------------------------------------------------------------------------------
class Bend(enum.Enum):
    """What a row's seeded fault does to it."""

    WAIVES = "waives"  # a header breaking the rule passes on to the next rule
    ACCEPTS = "accepts"  # a header breaking the rule is accepted as read, with no further checks
    IMPOSES = "imposes"  # the rule exists only under the fault: a regression refusing a header Connect takes


S = TypeVar("S")


@dataclass(frozen=True)
class Rule(Generic[S]):
    rule_id: str  # openapi/enums.yaml HeaderRules
    broken: Callable[[S], bool]
    message: str | Callable[[S], str]
    fault: str | None = None
    bend: Bend = Bend.WAIVES
    variant: str | None = None  # a conforming variant under which a header breaking the rule passes on


@dataclass(frozen=True)
class EachEnumValue:
    """Rules checked value by value, so the first bad value in the header decides which rule is raised."""

    rules: tuple[Rule[_EnumValue], ...]


def _dependency(
    rule_id: str, operation: Operation | None, listed: str, needs: tuple[str, str, int], fault: str
) -> Rule[_Draft]:
    """A field list that is sent needs a member in another list: `needs` is (list, member name, value)."""
    needs_list, member, value = needs
    listed_prop, needs_prop = listed.lower(), needs_list.lower()
    where = f" in {operation}" if operation else ""
    return Rule(
        rule_id,
        lambda d: (
            (operation is None or d.operation == operation)
            and bool(d.fields(listed_prop))
            and value not in d.fields(needs_prop)
        ),
        f"{listed}{where} requires {member} ({value}) in {needs_list}",
        fault,
    )


def _fields_required(operation: Operation, listed: str, rule_id: str, fault: str) -> Rule[_Draft]:
    return Rule(
        rule_id,
        lambda d: d.operation == operation and d.lacks(listed.lower()),
        f"{listed} is required for {operation}",
        fault,
    )


RULES: tuple[Rule[_Draft] | EachEnumValue, ...] = (
    Rule(
        "HDR-PRESENT",
        lambda d: d.absent,
        "X-StormConnect-Header is required",
        "hdr-present-not-enforced",
        Bend.ACCEPTS,
    ),
    # Over HTTP/1.1 a break arrives only as obs-fold, refused earlier by emulator/http/server.py (where the
    # hdr-one-line-not-enforced fault lives); this guards other transports (in-process ASGI clients).
    Rule(
        "HDR-ONE-LINE",
        lambda d: d.value is not None and ("\n" in d.value or "\r" in d.value),
        "X-StormConnect-Header must be a single line",
    ),
    Rule(
        "HDR-SYNTAX",
        lambda d: d.syntax_error is not None,
        lambda d: d.syntax_error or "",
        "hdr-syntax-not-enforced",  # the unparseable header is read as an empty one
    ),
    Rule(
        "HDR-JOBID-IGNORED",
        lambda d: d.raw.values.get("jobid") not in (None, ""),
        "JobId must not be sent",
        "hdr-rejects-job-id",
        Bend.IMPOSES,
    ),
    Rule(
        "HDR-SUPPLIER-NEEDS-STORAGE",
        lambda d: d.raw.values.get("supplierid") not in (None, "") and not d.raw.values.get("storagename"),
        "SupplierId needs StorageName",
        "hdr-rejects-supplier-without-storage",
        Bend.IMPOSES,
    ),
    Rule(
        "HDR-SYNTAX",
        lambda d: any(len(items or []) > 1 for items in d.raw.lists.values()),
        "a field list must hold a single value",
        "hdr-rejects-valid-multi-value",
        Bend.IMPOSES,
    ),
    Rule(
        "HDR-ACCOUNTID",
        lambda d: d.account_id is None,
        "AccountId is required and must be an integer",
        "hdr-accountid-not-enforced",  # a missing AccountId reads as 0
    ),
    Rule(
        "HDR-ACCOUNTID",
        lambda d: d.account_id is not None and d.valid_account_id is None,
        "AccountId is required and must be an integer",
    ),
    _fields_required(
        "ImportCompanies",
        "CompanyFieldsThatAreSet",
        "HDR-COMPANY-FIELDS-REQUIRED",
        "hdr-company-fields-not-enforced",
    ),
    _fields_required(
        "ImportCustomers",
        "CustomerFieldsThatAreSet",
        "HDR-CUSTOMER-FIELDS-REQUIRED",
        "hdr-customer-fields-not-enforced",
    ),
    EachEnumValue(
        (
            Rule(
                "HDR-ENUM-RANGE",
                lambda v: v.opens_list_with_names and not v.xml_request,
                lambda v: f"{v.enum} values must be integers",
                "hdr-rejects-enum-names-in-json",
                Bend.IMPOSES,
            ),
            Rule("HDR-ENUM-RANGE", lambda v: v.wrong_kind, lambda v: f"{v.item!r} is not a {v.enum}"),
            Rule(
                "HDR-XML-INT-ENUMS",
                lambda v: v.is_name and v.xml_request,
                lambda v: f"{v.enum} must be an integer with application/xml, got {v.item!r}",
                "hdr-xml-int-enums-not-enforced",  # the name is then read as in JSON
                variant="xml-header-enum-names",  # Q3: a tenant that reads names as a DataContract would
            ),
            Rule(
                "HDR-ENUM-RANGE",
                lambda v: v.is_name and v.named is None,
                lambda v: f"{v.item!r} is not a {v.enum}",
            ),
            Rule(
                "HDR-ENUM-RANGE",
                lambda v: not v.is_name and v.number not in v.members,
                lambda v: f"{v.number} is not a {v.enum} ({min(v.members)}-{max(v.members)})",
                "hdr-enum-range-not-enforced",  # the number is kept as sent
            ),
        )
    ),
    _dependency(
        "HDR-DEP-ACCOUNTS",
        None,
        "AccountFieldsThatAreSet",
        ("CustomerFieldsThatAreSet", "Accounts", ACCOUNTS_FIELD_IN_CUSTOMER),
        "hdr-dep-accounts-not-enforced",
    ),
    _dependency(
        "HDR-DEP-CUSTOMERS",
        "ImportCompanies",
        "CustomerFieldsThatAreSet",
        ("CompanyFieldsThatAreSet", "Customers", CUSTOMERS_FIELD_IN_COMPANY),
        "hdr-dep-customers-not-enforced",
    ),
    _dependency(
        "HDR-DEP-COMPANIES",
        "ImportCustomers",
        "CompanyFieldsThatAreSet",
        ("CustomerFieldsThatAreSet", "Companies", COMPANIES_FIELD_IN_CUSTOMER),
        "hdr-dep-companies-not-enforced",
    ),
    Rule(
        "HDR-STORAGE-NO-PAYLOAD",
        lambda d: bool(d.storage_name) and not d.has_payload,
        "StorageName refers to Norce's file area, which is not reachable here; send the items in the body",
        "hdr-storage-no-payload-not-enforced",
    ),
    # Regressions that refuse a header the docs accept (emulator/fact_faults/header_facts.py).
    Rule(
        "HDR-SYNTAX",
        lambda d: d.operation == "ImportCustomers" and d.lacks("accountfieldsthatareset"),
        "AccountFieldsThatAreSet is required",
        "hdr-account-fields-required",
        Bend.IMPOSES,
    ),
    Rule(
        "HDR-SYNTAX",
        lambda d: d.raw.values.get("serializationtype") in (None, "", []),
        "SerializationType is required",
        "hdr-serialization-type-required",
        Bend.IMPOSES,
    ),
    Rule(
        "HDR-SYNTAX",
        lambda d: any(numbers != sorted(numbers) for numbers in d.lists_as_sent()),
        "field values must be in ascending order",
        "hdr-field-values-must-ascend",
        Bend.IMPOSES,
    ),
)


def parse_customer_header(
    value: str | None,
    operation: Operation,
    content_type: str | None,
    has_payload: bool = True,
    *,
    faults: Faults,
    variants: Variants | None = None,
) -> CustomerHeader:
    draft = _Draft(value, operation, content_type, has_payload, faults)
    _walk(draft, faults, variants if variants is not None else Variants())
    return draft.header()


def _walk(draft: _Draft, faults: Faults, variants: Variants) -> None:
    """Raise the first broken rule; stop early when a fault accepts the header as read."""
    for entry in RULES:
        if isinstance(entry, EachEnumValue):
            for enum_value in draft.enum_values:
                for rule in entry.rules:
                    if not _enforce(rule, enum_value, faults, variants):
                        return
        elif not _enforce(entry, draft, faults, variants):
            return


def _enforce(rule: Rule[S], subject: S, faults: Faults, variants: Variants) -> bool:
    """Raise the rule if `subject` breaks it; False when its fault accepts the header as read."""
    fault_on = rule.fault is not None and faults.is_on(rule.fault)
    if rule.bend is Bend.IMPOSES and not fault_on:
        return True
    if not rule.broken(subject):
        return True
    if fault_on and rule.bend is Bend.WAIVES:
        return True
    if rule.variant is not None and variants.is_on(rule.variant):
        return True
    if fault_on and rule.bend is Bend.ACCEPTS:
        return False
    message = rule.message if isinstance(rule.message, str) else rule.message(subject)
    raise HeaderRuleViolation(rule.rule_id, message)


# --- reading the two forms ---------------------------------------------------------------------------------
def _read_header(value: str, faults: Faults) -> _Raw:
    if value.lstrip().startswith("{"):
        return _read_json(value, faults)
    if faults.is_on("hdr-xml-header-refused"):
        raise HeaderRuleViolation("HDR-SYNTAX", "header must be JSON")
    return _read_xml(value, faults)


def _read_json(value: str, faults: Faults) -> _Raw:
    try:
        data = json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise HeaderRuleViolation("HDR-SYNTAX", f"header is not valid JSON: {type(exc).__name__}") from exc
    if not isinstance(data, dict):
        raise HeaderRuleViolation("HDR-SYNTAX", "header JSON must be an object")
    values = {key.lower(): item for key, item in data.items() if key.lower() in SCALAR_PROPERTIES}
    if faults.is_on("hdr-older-list-forms-refused") and any(isinstance(v, list) for v in values.values()):
        raise HeaderRuleViolation("HDR-SYNTAX", "a single-valued member must not be an array")
    lists: dict[str, list[Any] | None] = {}
    for key, item in data.items():
        prop = key.lower()
        if prop in LIST_PROPERTIES:
            if item is not None and not isinstance(item, list):
                raise HeaderRuleViolation("HDR-SYNTAX", f"{key} must be an array")
            if faults.is_on("hdr-json-integer-enums-refused") and any(
                isinstance(entry, int) and not isinstance(entry, bool) for entry in item or []
            ):
                raise HeaderRuleViolation("HDR-ENUM-RANGE", f"{key} must list field names")
            lists[prop] = item
    return _Raw(values, lists)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _header_syntax(message: str) -> HeaderRuleViolation:
    return HeaderRuleViolation("HDR-SYNTAX", message)


def _read_xml(value: str, faults: Faults) -> _Raw:
    root = parse_xml(value, malformed=_header_syntax)
    if local_name(root) != "CustomerHeader":
        raise HeaderRuleViolation("HDR-SYNTAX", "header XML root must be CustomerHeader")
    if faults.is_on("hdr-xml-root-in-base-namespace") and _namespace(root) != NS_BASE:
        raise HeaderRuleViolation("HDR-SYNTAX", f"header XML root must be in namespace {NS_BASE}")
    values: dict[str, Any] = {}
    lists: dict[str, list[Any] | None] = {}
    for child in root:
        prop = local_name(child).lower()
        if prop in LIST_PROPERTIES:
            if values and faults.is_on("hdr-xml-lists-before-base-members"):
                continue  # out of (the faulted) DataContract order: dropped, as DataContractSerializer does
            if faults.is_on("hdr-xml-field-items-named-int") and any(local_name(i) != "int" for i in child):
                raise HeaderRuleViolation("HDR-SYNTAX", f"{local_name(child)} items must be <int>")
            lists[prop] = None if is_nil(child) else [(item.text or "").strip() for item in child]
        elif prop in SCALAR_PROPERTIES:
            if faults.is_on("hdr-xml-base-members-in-own-namespace") and _namespace(child) != NS_CUSTOMER:
                continue  # read where the derived class's members are: the documented ones are not found
            values[prop] = None if is_nil(child) else (child.text or "").strip()
    return _Raw(values, lists)


def _namespace(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- values ------------------------------------------------------------------------------------------------
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
