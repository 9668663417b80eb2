"""Hypothesis strategies for the Connect imports: headers (valid and rule-breaking), bodies, whole requests.

Related fields are drawn together (a header's lists and the item properties they enable), values come from
small sampled pools so failures shrink to short, readable examples, and every code or e-mail carries the
run prefix so data created on a real tenant is recognisable.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import strategies as st

from contracts.oracle.enums import (
    FieldEnum,
    account_fields,
    company_fields,
    customer_fields,
    serialization_types,
)
from contracts.oracle.header import (
    IMPORT_COMPANIES,
    IMPORT_CUSTOMERS,
    INT32_MAX,
    CustomerHeader,
    EnumStyle,
    header_members,
    import_kind,
    json_from_members,
    to_json,
    to_xml,
    xml_from_members,
)
from contracts.oracle.media import JSON, XML, is_xml_media_type
from contracts.oracle.spec import CONNECT_SPEC, load_spec
from contracts.oracle.xml_write import to_xml as xml_to_bytes

BODY_MEDIA_TYPES = (JSON, XML)
DEFAULT_RUN_PREFIX = "nct-test-"


def _member(enum: FieldEnum, name: str) -> int:
    value = enum.value_of(name)
    if value is None:
        raise LookupError(f"{enum.name} has no member {name}")
    return value


# Enum values the dependency rules name (looked up, not hard-coded).
CUSTOMER_ACCOUNTS = _member(customer_fields(), "Accounts")
CUSTOMER_COMPANIES = _member(customer_fields(), "Companies")
COMPANY_CUSTOMERS = _member(company_fields(), "Customers")

# Fields a new entity needs listed and present (docs/import-semantics.md "Processing").
CUSTOMER_INSERT_FIELDS = tuple(
    _member(customer_fields(), n) for n in ("Code", "FirstName", "LastName", "EmailAddress")
)
COMPANY_INSERT_FIELDS = tuple(_member(company_fields(), n) for n in ("Code", "Name", "OrganizationNo"))

_SAFE_TEXT = string.ascii_letters + string.digits + " -"
_TOKEN = string.ascii_lowercase + string.digits


# ---------------------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------------------


def field_lists(
    enum: FieldEnum, *, must: Iterable[int | None] = (), never: Iterable[int | None] = (), min_size: int = 1
) -> st.SearchStrategy[tuple[int, ...]]:
    """Distinct enum values, always containing `must` and never `never` (shrinks towards the smallest)."""
    required = tuple(v for v in must if v is not None)
    excluded = {v for v in never if v is not None} | set(required)
    pool = [v for v in enum.values if v not in excluded]
    extra_min = max(0, min_size - len(required))
    return st.lists(st.sampled_from(pool), unique=True, min_size=extra_min, max_size=8).map(
        lambda extra: (*required, *extra)
    )


def _optional_lists(enum: FieldEnum, enabled: bool) -> st.SearchStrategy[tuple[int, ...] | None]:
    return st.none() | field_lists(enum) if enabled else st.none()


@st.composite
def _extras(
    draw: st.DrawFn, header: CustomerHeader, content_type: str, storage: bool | None
) -> CustomerHeader:
    """Members no rule depends on (JobId, SupplierId, SerializationType) plus StorageName on request.

    `storage`: True forces a StorageName, False forbids it, None draws one sometimes.
    """
    matching = serialization_types().value_of(
        "DataContractSerializer" if is_xml_media_type(content_type) else "Json"
    )
    file_names = st.just("imports/nct-file.json")
    storage_name = draw(file_names if storage else st.none() | file_names) if storage is not False else None
    return replace(
        header,
        account_id=draw(st.integers(1, INT32_MAX)),
        job_id=draw(st.none() | st.integers(1, 10**6) | st.integers(1, 10**6).map(str)),
        supplier_id=draw(st.none() | st.integers(1, 10**6)),
        serialization_type=draw(st.none() | st.just(matching)),
        storage_name=storage_name,
    )


@st.composite
def header_objects(
    draw: st.DrawFn,
    operation: str,
    content_type: str = JSON,
    *,
    storage: bool | None = False,
    must_list: Collection[int] = (),
) -> CustomerHeader:
    """Valid `CustomerHeader`s: required lists present, dependent lists only when their switch is listed.

    `must_list` adds values to the operation's own list (e.g. the fields an insert needs).
    """
    customers: tuple[int, ...] | None
    companies: tuple[int, ...] | None
    if import_kind(operation) == IMPORT_CUSTOMERS:
        customers = draw(field_lists(customer_fields(), must=must_list))
        accounts = draw(_optional_lists(account_fields(), CUSTOMER_ACCOUNTS in customers))
        companies = draw(_optional_lists(company_fields(), CUSTOMER_COMPANIES in customers))
    else:
        companies = draw(field_lists(company_fields(), must=must_list))
        customers = draw(_optional_lists(customer_fields(), COMPANY_CUSTOMERS in companies))
        accounts = draw(
            _optional_lists(account_fields(), customers is not None and CUSTOMER_ACCOUNTS in customers)
        )
    header = CustomerHeader(1, company_fields=companies, customer_fields=customers, account_fields=accounts)
    return draw(_extras(header, content_type, storage))


@st.composite
def universal_header_objects(draw: st.DrawFn) -> CustomerHeader:
    """Headers valid for both imports: each side's dependent list is enabled by its switch.

    Used where the operation is unknown (the `norce-customer-header` string format).
    """
    companies = draw(field_lists(company_fields(), must=[COMPANY_CUSTOMERS]))
    customers = draw(field_lists(customer_fields(), must=[CUSTOMER_COMPANIES]))
    accounts = draw(_optional_lists(account_fields(), CUSTOMER_ACCOUNTS in customers))
    header = CustomerHeader(1, company_fields=companies, customer_fields=customers, account_fields=accounts)
    return draw(_extras(header, JSON, False))


def _serializers(content_type: str) -> list[Callable[[CustomerHeader], str]]:
    """Conformant forms: JSON (names allowed only for JSON bodies) and XML (integers)."""
    forms: list[Callable[[CustomerHeader], str]] = [lambda h: to_json(h, "int"), lambda h: to_xml(h)]
    if not is_xml_media_type(content_type):
        forms += [lambda h: to_json(h, "name"), lambda h: to_json(h, "mixed")]
    return forms


def valid_headers(
    operation: str, content_type: str = JSON, *, has_payload: bool = True
) -> st.SearchStrategy[tuple[CustomerHeader, str]]:
    """(header, serialized value) pairs a conformant server must accept for this operation and body type."""
    objects = header_objects(operation, content_type, storage=None if has_payload else False)
    return st.tuples(objects, st.sampled_from(_serializers(content_type))).map(
        lambda pair: (pair[0], pair[1](pair[0]))
    )


# ---- rule-breaking headers: one sub-strategy per rule id --------------------------------------------------


def _member_forms(content_type: str, *, json_only: bool = False) -> st.SearchStrategy[Callable[..., str]]:
    forms: list[Callable[..., str]] = [json_from_members]
    if not json_only:
        forms.append(xml_from_members)
    return st.sampled_from(forms)


def _missing_header(operation: str, content_type: str) -> st.SearchStrategy[str | None]:
    return st.none()


@st.composite
def _multi_line(draw: st.DrawFn, operation: str, content_type: str) -> str:
    _, value = draw(valid_headers(operation, content_type))
    # Break the line where whitespace is insignificant: after a JSON comma/colon, between XML elements.
    marker = "><" if value.startswith("<") else ","
    positions = [i + 1 for i in range(len(value)) if value.startswith(marker, i)] or [1]
    cut = draw(st.sampled_from(positions))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return value[:cut] + newline + value[cut:]


_JUNK = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30
).filter(lambda s: s.strip() != "" and s.lstrip()[0] not in "{<")


@st.composite
def _unparseable(draw: st.DrawFn, operation: str, content_type: str) -> str:
    # No value may start or end with white space: HTTP cannot carry it (RFC 9110 §5.5, h11 refuses to send
    # it), so such a draw never reached the server and failed the run as a false positive. A strict prefix of
    # a serialized header stays unparseable when its trailing blanks are cut.
    header, value = draw(valid_headers(operation, content_type))
    kind = draw(st.sampled_from(["truncated", "junk", "wrong-root", "array"]))
    if kind == "truncated":
        return value[: draw(st.integers(1, len(value) - 1))].rstrip()
    if kind == "junk":
        return draw(_JUNK).strip()
    if kind == "wrong-root":
        return to_xml(header).replace("CustomerHeader", "CustomerHeaderX")
    return "[" + to_json(header) + "]"


@st.composite
def _bad_account_ids(draw: st.DrawFn, operation: str, content_type: str) -> str:
    header = draw(header_objects(operation, content_type))
    members = header_members(header, "int")
    form = draw(_member_forms(content_type))
    bad_values: list[object] = ["abc", "1.5", 2**31, -(2**31) - 1]
    if form is json_from_members:
        # JSON: an integer; a digit string like "42" is accepted (docs/import-semantics.md "Request" 4).
        bad_values += [None, 1.5, True]
    choice = draw(st.sampled_from(["missing", *range(len(bad_values))]))
    if choice == "missing":
        del members["AccountId"]
    else:
        members["AccountId"] = bad_values[int(choice)]
    return form(members)


@st.composite
def _without_required_list(draw: st.DrawFn, operation: str, content_type: str) -> str:
    # Only AccountId and the rule-free members: any other list would break a dependency rule too.
    header = draw(_extras(CustomerHeader(1), content_type, False))
    members = header_members(header, "int")
    form = draw(_member_forms(content_type))
    if form is json_from_members and draw(st.booleans()):
        own = (
            "CompanyFieldsThatAreSet"
            if import_kind(operation) == IMPORT_COMPANIES
            else "CustomerFieldsThatAreSet"
        )
        members[own] = None  # an explicit null is as absent as an omitted member
    return form(members)


@st.composite
def _enum_names_in_xml_request(draw: st.DrawFn, operation: str, content_type: str) -> str:
    header = draw(header_objects(operation, content_type))
    style = draw(st.sampled_from(["json-name", "json-mixed", "xml-name"]))
    if style == "xml-name":
        return to_xml(header, "name")
    return to_json(header, "name" if style == "json-name" else "mixed")


_LIST_ENUMS = {
    "CompanyFieldsThatAreSet": company_fields,
    "CustomerFieldsThatAreSet": customer_fields,
    "AccountFieldsThatAreSet": account_fields,
}


@st.composite
def _out_of_range(draw: st.DrawFn, operation: str, content_type: str) -> str:
    header = draw(header_objects(operation, content_type))
    json_content = not is_xml_media_type(content_type)
    form = draw(_member_forms(content_type))
    style: EnumStyle = (
        draw(st.sampled_from(["int", "name", "mixed"]))
        if json_content and form is json_from_members
        else "int"
    )
    members = header_members(header, style)
    targets = [m for m in _LIST_ENUMS if m in members] + ["SerializationType"]
    target = draw(st.sampled_from(targets))
    enum = _LIST_ENUMS[target]() if target in _LIST_ENUMS else serialization_types()
    bad: st.SearchStrategy[object] = st.integers(-1000, -1) | st.integers(max(enum.values) + 1, 1000)
    if json_content and form is json_from_members:
        bad = bad | st.sampled_from(["Unknown", "NotAField", "Customerz", "JSONX"])
    value = draw(bad)
    if target == "SerializationType":
        members[target] = value
    else:
        values = list(members[target])  # type: ignore[call-overload]
        values.insert(draw(st.integers(0, len(values))), value)
        members[target] = values
    return form(members)


def _serialized_objects(
    objects: st.SearchStrategy[CustomerHeader], content_type: str
) -> st.SearchStrategy[str]:
    return st.tuples(objects, st.sampled_from(_serializers(content_type))).map(lambda pair: pair[1](pair[0]))


def _dependency_break(operation: str, content_type: str, rule: str) -> st.SearchStrategy[str]:
    @st.composite
    def broken(draw: st.DrawFn) -> CustomerHeader:
        customers: tuple[int, ...] | None
        companies: tuple[int, ...] | None
        accounts: tuple[int, ...] | None
        if rule == "HDR-DEP-ACCOUNTS":
            if import_kind(operation) == IMPORT_CUSTOMERS:
                customers = draw(field_lists(customer_fields(), never=[CUSTOMER_ACCOUNTS]))
                companies = draw(_optional_lists(company_fields(), CUSTOMER_COMPANIES in customers))
            else:
                companies = draw(field_lists(company_fields()))
                customers = (
                    draw(st.none() | field_lists(customer_fields(), never=[CUSTOMER_ACCOUNTS]))
                    if COMPANY_CUSTOMERS in companies
                    else None
                )
            accounts = draw(field_lists(account_fields()))
        elif rule == "HDR-DEP-CUSTOMERS":
            companies = draw(field_lists(company_fields(), never=[COMPANY_CUSTOMERS]))
            customers = draw(field_lists(customer_fields()))
            accounts = draw(_optional_lists(account_fields(), CUSTOMER_ACCOUNTS in customers))
        else:  # HDR-DEP-COMPANIES
            customers = draw(field_lists(customer_fields(), never=[CUSTOMER_COMPANIES]))
            companies = draw(field_lists(company_fields()))
            accounts = draw(_optional_lists(account_fields(), CUSTOMER_ACCOUNTS in customers))
        header = CustomerHeader(
            1, company_fields=companies, customer_fields=customers, account_fields=accounts
        )
        return draw(_extras(header, content_type, False))

    return _serialized_objects(broken(), content_type)


def _storage_without_payload(operation: str, content_type: str) -> st.SearchStrategy[str]:
    return _serialized_objects(header_objects(operation, content_type, storage=True), content_type)


def invalid_header_strategies(
    operation: str, content_type: str = JSON, *, has_payload: bool = True
) -> dict[str, st.SearchStrategy[str | None]]:
    """Rule id -> strategy of header values breaking exactly that rule, for the rules that can apply here."""
    kind = import_kind(operation)
    rules: dict[str, st.SearchStrategy[str | None]] = {
        "HDR-PRESENT": _missing_header(operation, content_type),
        "HDR-SYNTAX": _unparseable(operation, content_type),
        "HDR-ONE-LINE": _multi_line(operation, content_type),
        "HDR-ACCOUNTID": _bad_account_ids(operation, content_type),
        "HDR-ENUM-RANGE": _out_of_range(operation, content_type),
        "HDR-DEP-ACCOUNTS": _dependency_break(operation, content_type, "HDR-DEP-ACCOUNTS"),
    }
    if kind == IMPORT_COMPANIES:
        rules["HDR-COMPANY-FIELDS-REQUIRED"] = _without_required_list(operation, content_type)
        rules["HDR-DEP-CUSTOMERS"] = _dependency_break(operation, content_type, "HDR-DEP-CUSTOMERS")
    else:
        rules["HDR-CUSTOMER-FIELDS-REQUIRED"] = _without_required_list(operation, content_type)
        rules["HDR-DEP-COMPANIES"] = _dependency_break(operation, content_type, "HDR-DEP-COMPANIES")
    if is_xml_media_type(content_type):
        rules["HDR-XML-INT-ENUMS"] = _enum_names_in_xml_request(operation, content_type)
    if not has_payload:
        rules["HDR-STORAGE-NO-PAYLOAD"] = _storage_without_payload(operation, content_type)
    return rules


def invalid_headers(
    operation: str, content_type: str = JSON, *, has_payload: bool = True
) -> st.SearchStrategy[tuple[str | None, str]]:
    """(serialized value or None for "absent", rule id) where exactly the named rule is broken."""
    per_rule = invalid_header_strategies(operation, content_type, has_payload=has_payload)
    return st.one_of(*(_labelled(strategy, rule) for rule, strategy in per_rule.items()))


def _labelled(
    strategy: st.SearchStrategy[str | None], rule: str
) -> st.SearchStrategy[tuple[str | None, str]]:
    return strategy.map(lambda value: (value, rule))


# ---------------------------------------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------------------------------------

_tokens = st.text(alphabet=_TOKEN, min_size=4, max_size=8)
_names = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
_words = st.text(alphabet=_SAFE_TEXT, min_size=1, max_size=20).map(str.strip).filter(bool)
_phones = st.from_regex(r"\A\+46[0-9]{7,9}\Z")
_uuids = st.uuids().map(str)
_codes_pool = st.sampled_from(["A", "B", "C", "D"])


def run_codes(run_prefix: str, label: str) -> st.SearchStrategy[str]:
    """Codes namespaced with the run prefix: `<prefix><label>-<token>` (at most 50 characters)."""
    return _tokens.map(lambda token: f"{run_prefix}{label}-{token}"[:50])


def run_emails(run_prefix: str, label: str) -> st.SearchStrategy[str]:
    return _tokens.map(lambda token: f"{run_prefix}{label}-{token}@example.com")


def addresses(run_prefix: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"AddressLine1": _words, "City": _names, "CountryCode": st.sampled_from(["SE", "NO", "DK", "FI"])},
        optional={
            "Code": run_codes(run_prefix, "adr"),
            "ZipCode": st.from_regex(r"\A[0-9]{5}\Z"),
            "IsPrimary": st.booleans(),
        },
    )


def _coded(run_prefix: str, label: str, optional: dict[str, st.SearchStrategy[Any]] | None = None) -> Any:
    """A nested entity matched by Code (Flag, Contact, DeliveryMethod, PaymentMethod, PriceList...)."""
    return st.fixed_dictionaries(
        {"Code": _codes_pool.map(lambda c: f"{run_prefix}{label}-{c}")}, optional=optional or {}
    )


def _collection(entity: st.SearchStrategy[dict[str, Any]], key: str = "Code") -> Any:
    return st.lists(entity, min_size=1, max_size=2, unique_by=lambda e: e[key])


def _infos(run_prefix: str) -> Any:
    return _collection(
        st.fixed_dictionaries({"Code": _codes_pool.map(lambda c: f"INFO-{c}"), "Value": _words})
    )


def _flags(run_prefix: str) -> Any:
    return _collection(_coded(run_prefix, "flag", {"IsActive": st.booleans(), "IsCreateOnly": st.booleans()}))


def _price_lists(run_prefix: str) -> Any:
    return _collection(_coded(run_prefix, "pl", {"IsExclusive": st.booleans()}))


ACCOUNT_ROLES = ("Administrator", "User", "Buyer")


def accounts(run_prefix: str, fields: Collection[int] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Accounts: ApplicationKey and LoginName always; Password/Status/Roles when their field is listed."""
    names = {account_fields().name_of(v) for v in fields}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    if "PasswordCreateOnly" in names:
        optional["Password"] = st.text(alphabet=_TOKEN, min_size=8, max_size=16)
    if names & {"Status", "StatusCreateOnly"}:
        optional["Status"] = st.sampled_from([1, 2])
    if names & {"Roles", "RolesCreateOnly"}:
        optional["Roles"] = _collection(st.fixed_dictionaries({"Code": st.sampled_from(ACCOUNT_ROLES)}))
    return st.fixed_dictionaries(
        {"ApplicationKey": _uuids, "LoginName": run_emails(run_prefix, "login")}, optional=optional
    )


def _customer_properties(run_prefix: str, account_fields_set: Collection[int]) -> dict[str, Any]:
    """CustomerField name -> strategy of the item property it enables."""
    return {
        "ApplicationKey": _uuids,
        "EmailAddress": run_emails(run_prefix, "cust"),
        "SocialSecurityNumber": st.from_regex(r"\A[0-9]{8}-[0-9]{4}\Z"),
        "Title": st.sampled_from(["Mr", "Ms", "Dr"]),
        "FirstName": _names,
        "MiddleName": _names,
        "LastName": _names,
        "PhoneNumber": _phones,
        "CellPhoneNumber": _phones,
        "IsActive": st.booleans(),
        "InvoiceAddress": addresses(run_prefix),
        "DeliveryAddresses": st.lists(addresses(run_prefix), min_size=1, max_size=2),
        "Accounts": st.lists(
            accounts(run_prefix, account_fields_set),
            min_size=1,
            max_size=2,
            unique_by=lambda a: a["LoginName"],
        ),
        "AdditionalInfo": _infos(run_prefix),
        "Flags": _flags(run_prefix),
        "PriceLists": _price_lists(run_prefix),
        "Companies": _collection(_coded(run_prefix, "co", {"IsPrimary": st.booleans()})),
        "CrmId": run_codes(run_prefix, "crm"),
    }


def customers(
    fields: Collection[int], *, run_prefix: str = DEFAULT_RUN_PREFIX, account_fields_set: Collection[int] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """Customer items for a header listing `fields` (CustomerField values).

    Always: the identity `Code` (run-prefixed) and a valid `Type`. Each listed field gets a valid value,
    nested collections carry their required keys. `Id` is never sent (an unknown Id fails the item), and
    the switches SearchOnlyByCode/PreserveFlags have no property.
    """
    listed = {customer_fields().name_of(v) for v in fields}
    enabled = {k: v for k, v in _customer_properties(run_prefix, account_fields_set).items() if k in listed}
    return st.fixed_dictionaries(
        {"Code": run_codes(run_prefix, "cust"), "Type": st.sampled_from([1, 2]), **enabled}
    )


def _company_properties(run_prefix: str, customer_fields_set: Collection[int]) -> dict[str, Any]:
    return {
        "EmailAddress": run_emails(run_prefix, "co"),
        "OrganizationNo": run_codes(run_prefix, "org"),
        "Name": _words,
        "PhoneNumber": _phones,
        "LogoImage": st.fixed_dictionaries(
            {"Filename": st.just("logo.png"), "Url": st.just("https://example.com/logo.png")}
        ),
        "ParentCompanyCode": run_codes(run_prefix, "parent"),
        "IsActive": st.booleans(),
        "InvoiceAddress": addresses(run_prefix),
        "DeliveryAddresses": st.lists(addresses(run_prefix), min_size=1, max_size=2),
        "AdditionalInfo": _infos(run_prefix),
        "Contacts": _collection(_coded(run_prefix, "contact", {"IsActive": st.booleans()})),
        "Customers": _collection(st.fixed_dictionaries({"Code": run_codes(run_prefix, "cust")})),
        "DeliveryMethods": _collection(_coded(run_prefix, "dm", {"IsActive": st.booleans()})),
        "Discounts": st.lists(
            st.fixed_dictionaries(
                {
                    "DiscountPercentage": st.integers(0, 50),
                    "Type": st.sampled_from([1, 2, 3]),
                    "ValueCode": _codes_pool.map(lambda c: f"CAT-{c}"),
                }
            ),
            min_size=1,
            max_size=2,
        ),
        "Flags": _flags(run_prefix),
        "PaymentMethods": _collection(_coded(run_prefix, "pm", {"IsActive": st.booleans()})),
        "PriceLists": _price_lists(run_prefix),
        "VatNo": st.from_regex(r"\ASE[0-9]{12}\Z"),
    }


def companies(
    fields: Collection[int],
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    customer_fields_set: Collection[int] = (),
) -> st.SearchStrategy[dict[str, Any]]:
    """Company items for a header listing `fields` (CompanyField values).

    Always: `ApplicationKey` (required by the docs and the schema) and the identity `Code` (run-prefixed).
    `UseInvoiceAddressAsDeliveryAddress` only when InvoiceAddress and DeliveryAddresses are both listed.
    """
    listed = {company_fields().name_of(v) for v in fields}
    enabled = {k: v for k, v in _company_properties(run_prefix, customer_fields_set).items() if k in listed}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    if {"InvoiceAddress", "DeliveryAddresses"} <= listed:
        optional["UseInvoiceAddressAsDeliveryAddress"] = st.booleans()
    return st.fixed_dictionaries(
        {"ApplicationKey": _uuids, "Code": run_codes(run_prefix, "co"), **enabled}, optional=optional
    )


def import_items(header: CustomerHeader, operation: str, *, run_prefix: str = DEFAULT_RUN_PREFIX) -> Any:
    """Lists of 0-3 items (distinct Codes) consistent with the header's lists for this operation."""
    if import_kind(operation) == IMPORT_CUSTOMERS:
        item = customers(
            header.customer_fields or (),
            run_prefix=run_prefix,
            account_fields_set=header.account_fields or (),
        )
    else:
        item = companies(
            header.company_fields or (),
            run_prefix=run_prefix,
            customer_fields_set=header.customer_fields or (),
        )
    return st.lists(item, min_size=0, max_size=3, unique_by=lambda i: i["Code"])


# ---------------------------------------------------------------------------------------------------------
# Whole requests
# ---------------------------------------------------------------------------------------------------------


def encode_body(operation: str, items: list[dict[str, Any]], content_type: str) -> bytes:
    """The wire body: a JSON array, or XML written by `contracts.oracle.xml_write` from the import schema."""
    if not is_xml_media_type(content_type):
        return json.dumps(items, separators=(",", ":")).encode()
    spec = load_spec(CONNECT_SPEC)
    return xml_to_bytes(items, spec.request_schema(import_kind(operation), XML), spec)


@dataclass(frozen=True)
class ImportRequest:
    operation: str
    content_type: str
    header_value: str | None
    items: list[dict[str, Any]]
    body: bytes
    header: CustomerHeader | None = None

    @property
    def headers(self) -> dict[str, str]:
        base = {"Content-Type": self.content_type}
        if self.header_value is not None:
            base["X-StormConnect-Header"] = self.header_value
        return base


@dataclass(frozen=True)
class Expected:
    """What a conformant server answers: 200 + JobResponse counting `items`, or 400 with `rule_id`."""

    status: int
    rule_id: str | None = None
    items: int | None = None


@st.composite
def import_requests(
    draw: st.DrawFn,
    operation: str,
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    media_types: Collection[str] = BODY_MEDIA_TYPES,
    insertable: bool = False,
) -> ImportRequest:
    """Valid requests: header x body x media type. `insertable` lists the fields an insert needs."""
    content_type = draw(st.sampled_from(sorted(media_types)))
    must = (
        (CUSTOMER_INSERT_FIELDS if import_kind(operation) == IMPORT_CUSTOMERS else COMPANY_INSERT_FIELDS)
        if insertable
        else ()
    )
    header = draw(header_objects(operation, content_type, storage=False, must_list=must))
    value: str | None = draw(st.sampled_from(_serializers(content_type)))(header)
    items = draw(import_items(header, operation, run_prefix=run_prefix))
    return ImportRequest(
        operation, content_type, value, items, encode_body(operation, items, content_type), header
    )


@st.composite
def header_and_body_cases(
    draw: st.DrawFn,
    operation: str,
    *,
    run_prefix: str = DEFAULT_RUN_PREFIX,
    media_types: Collection[str] = BODY_MEDIA_TYPES,
) -> tuple[ImportRequest, Expected]:
    """Valid requests (expect 200 + JobResponse with NrOfItemsInTotal = items) or one broken header rule
    with a valid body (expect 400 + the rule id)."""
    request = draw(import_requests(operation, run_prefix=run_prefix, media_types=media_types))
    outcome = draw(st.sampled_from(["valid", "invalid", "no-payload"]))
    if outcome == "valid":
        return request, Expected(200, None, len(request.items))
    if outcome == "no-payload":  # the one rule that depends on the body: StorageName with nothing inline
        storage_value = draw(_storage_without_payload(operation, request.content_type))
        empty = replace(request, header_value=storage_value, header=None, items=[], body=b"")
        return empty, Expected(400, "HDR-STORAGE-NO-PAYLOAD")
    value, rule = draw(invalid_headers(operation, request.content_type))
    return replace(request, header_value=value, header=None), Expected(400, rule)
