"""X-StormConnect-Header strategies: valid headers per import and media type, and rule breakers."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace

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
from contracts.oracle.media import JSON, is_xml_media_type


def member(enum: FieldEnum, name: str) -> int:
    """The integer of an enum member by name (looked up in openapi/enums.yaml, never hard-coded)."""
    value = enum.value_of(name)
    if value is None:
        raise LookupError(f"{enum.name} has no member {name}")
    return value


# Enum values the dependency rules name.
CUSTOMER_ACCOUNTS = member(customer_fields(), "Accounts")
CUSTOMER_COMPANIES = member(customer_fields(), "Companies")
COMPANY_CUSTOMERS = member(company_fields(), "Customers")


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


def serializers_for(content_type: str) -> list[Callable[[CustomerHeader], str]]:
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
    return st.tuples(objects, st.sampled_from(serializers_for(content_type))).map(
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
    serializers = st.sampled_from(serializers_for(content_type))
    return st.tuples(objects, serializers).map(lambda pair: pair[1](pair[0]))


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


def storage_without_payload(operation: str, content_type: str) -> st.SearchStrategy[str]:
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
        rules["HDR-STORAGE-NO-PAYLOAD"] = storage_without_payload(operation, content_type)
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
