"""The header model, its serializers and the rule engine, table-driven from the documented wording."""

from __future__ import annotations

import json

import pytest
import xmlschema
from hypothesis import given, settings

from contracts.oracle.enums import field_enum, header_rules, rejecting_rule_ids
from contracts.oracle.header import (
    CustomerHeader,
    decode_header,
    expected_violation,
    header_members,
    to_json,
    to_xml,
)
from contracts.oracle.spec import OPENAPI_DIR
from contracts.oracle.strategies.headers import universal_header_objects

HEADER_XSD = OPENAPI_DIR / "xsd" / "connect-customer-header.xsd"
FULL = CustomerHeader(
    7,
    company_fields=(2, 4),
    customer_fields=(2, 14, 19),
    account_fields=(1, 3),
    job_id=5,
    serialization_type=1,
    storage_name="imports/a.xml",
    supplier_id=3,
)


def test_json_is_one_compact_line_and_omits_unused_members() -> None:
    value = to_json(CustomerHeader(1, customer_fields=(2, 3)))
    assert value == '{"AccountId":1,"CustomerFieldsThatAreSet":[2,3]}'


def test_json_enum_styles() -> None:
    header = CustomerHeader(1, customer_fields=(2, 3, 6), serialization_type=0)
    assert json.loads(to_json(header, "name"))["CustomerFieldsThatAreSet"] == [
        "Code",
        "EmailAddress",
        "FirstName",
    ]
    assert json.loads(to_json(header, "name"))["SerializationType"] == "Json"
    assert json.loads(to_json(header, "mixed"))["CustomerFieldsThatAreSet"] == ["Code", 3, "FirstName"]
    assert json.loads(to_json(header, "int"))["SerializationType"] == 0


def test_xml_is_one_line_in_datacontract_order_and_validates_against_the_header_xsd() -> None:
    value = to_xml(FULL)
    assert "\n" not in value
    order = [
        *("AccountId", "SupplierId", "JobId", "StorageName", "SerializationType"),
        *("AccountFieldsThatAreSet", "CompanyFieldsThatAreSet", "CustomerFieldsThatAreSet"),
    ]
    positions = [
        value.index(f":{name}>") if ":" + name in value else value.index(f"<{name}>") for name in order
    ]
    assert positions == sorted(positions)
    schema = xmlschema.XMLSchema(str(HEADER_XSD))
    assert list(schema.iter_errors(value)) == []


def test_xml_with_names_is_rejected_by_the_header_xsd() -> None:
    schema = xmlschema.XMLSchema(str(HEADER_XSD))
    assert list(schema.iter_errors(to_xml(FULL, "name")))


J, X = "application/json", "application/xml"
CUST, COMP = "ImportCustomers", "ImportCompanies"

# (operation, header value, content type, has_payload, expected rule) - each row quotes the rule it exercises.
RULE_TABLE = [
    # HDR-PRESENT: "required on ImportCompanies and ImportCustomers"
    (CUST, None, J, True, "HDR-PRESENT"),
    (COMP, "   ", X, True, "HDR-PRESENT"),
    # HDR-ONE-LINE: "must be a single line, no line breaks"
    (CUST, '{"AccountId":1,\n"CustomerFieldsThatAreSet":[2]}', J, True, "HDR-ONE-LINE"),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2]}\r', J, True, "HDR-ONE-LINE"),
    # HDR-SYNTAX: "a JSON or XML serialization of CustomerHeader"
    (CUST, '{"AccountId":1,', J, True, "HDR-SYNTAX"),
    (CUST, "AccountId=1", J, True, "HDR-SYNTAX"),
    (CUST, "<Header><AccountId>1</AccountId></Header>", X, True, "HDR-SYNTAX"),
    (CUST, '[{"AccountId":1}]', J, True, "HDR-SYNTAX"),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":2}', J, True, "HDR-SYNTAX"),
    # HDR-ACCOUNTID: "required on both imports and is an integer"
    (CUST, '{"CustomerFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    (COMP, '{"AccountId":null,"CompanyFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    (COMP, '{"AccountId":"abc","CompanyFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    # Newtonsoft converts a digit string to the int member: "42" is an account id (docs/import-semantics.md)
    (COMP, '{"AccountId":"42","CompanyFieldsThatAreSet":[2]}', J, True, None),
    (COMP, '{"AccountId":1.5,"CompanyFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    (COMP, '{"AccountId":true,"CompanyFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    (COMP, '{"AccountId":2147483648,"CompanyFieldsThatAreSet":[2]}', J, True, "HDR-ACCOUNTID"),
    # HDR-COMPANY-FIELDS-REQUIRED / HDR-CUSTOMER-FIELDS-REQUIRED
    (COMP, '{"AccountId":1}', J, True, "HDR-COMPANY-FIELDS-REQUIRED"),
    (COMP, '{"AccountId":1,"CompanyFieldsThatAreSet":null}', J, True, "HDR-COMPANY-FIELDS-REQUIRED"),
    (CUST, '{"AccountId":1,"CompanyFieldsThatAreSet":[2]}', J, True, "HDR-CUSTOMER-FIELDS-REQUIRED"),
    # HDR-ENUM-RANGE: "CompanyField 0-22, CustomerField 0-21, AccountField 0-4, SerializationType 0-1"
    (COMP, '{"AccountId":1,"CompanyFieldsThatAreSet":[23]}', J, True, "HDR-ENUM-RANGE"),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[22]}', J, True, "HDR-ENUM-RANGE"),
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":[14],"AccountFieldsThatAreSet":[5]}',
        J,
        True,
        "HDR-ENUM-RANGE",
    ),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"SerializationType":2}', J, True, "HDR-ENUM-RANGE"),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":["Codes"]}', J, True, "HDR-ENUM-RANGE"),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[-1]}', X, True, "HDR-ENUM-RANGE"),
    # HDR-XML-INT-ENUMS: "With application/xml requests every enum must be given as its integer"
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":["Code"]}', X, True, "HDR-XML-INT-ENUMS"),
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"SerializationType":"DataContractSerializer"}',
        "text/xml",
        True,
        "HDR-XML-INT-ENUMS",
    ),
    (CUST, to_xml(CustomerHeader(1, customer_fields=(2,)), "name"), X, True, "HDR-XML-INT-ENUMS"),
    # HDR-DEP-ACCOUNTS: "AccountFieldsThatAreSet requires Accounts (14) in CustomerFieldsThatAreSet"
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"AccountFieldsThatAreSet":[1]}',
        J,
        True,
        "HDR-DEP-ACCOUNTS",
    ),
    (
        COMP,
        '{"AccountId":1,"CompanyFieldsThatAreSet":[2],"AccountFieldsThatAreSet":[1]}',
        J,
        True,
        "HDR-DEP-ACCOUNTS",
    ),
    # HDR-DEP-CUSTOMERS: "CustomerFieldsThatAreSet in ImportCompanies requires Customers (14)"
    (
        COMP,
        '{"AccountId":1,"CompanyFieldsThatAreSet":[2],"CustomerFieldsThatAreSet":[2]}',
        J,
        True,
        "HDR-DEP-CUSTOMERS",
    ),
    # HDR-DEP-COMPANIES: "CompanyFieldsThatAreSet in ImportCustomers requires Companies (19)"
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"CompanyFieldsThatAreSet":[2]}',
        J,
        True,
        "HDR-DEP-COMPANIES",
    ),
    # HDR-STORAGE-NO-PAYLOAD: "StorageName without an inline payload ... rejected"
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"StorageName":"a/b.json"}',
        J,
        False,
        "HDR-STORAGE-NO-PAYLOAD",
    ),
    # Accepted: the docs example, JSON names, JobId, SupplierId alone, StorageName with a payload
    (
        COMP,
        '{"AccountId":1,"CompanyFieldsThatAreSet":[0,2,3,4,5,6,9,10,11,14,17,18,19,20,12,22],'
        '"CustomerFieldsThatAreSet":[0,2,14,3,6,9,11,12,13],"AccountFieldsThatAreSet":[1,3,4],"SerializationType":0}',
        J,
        True,
        None,
    ),
    (
        CUST,
        '{"AccountId":1,"CustomerFieldsThatAreSet":["code","Accounts"],"AccountFieldsThatAreSet":["Roles"]}',
        J,
        True,
        None,
    ),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"JobId":99}', J, True, None),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"JobId":"x"}', X, True, None),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"SupplierId":5}', J, True, None),
    (CUST, '{"AccountId":1,"CustomerFieldsThatAreSet":[2],"StorageName":"a/b.json"}', J, True, None),
    (CUST, '{"accountid":1,"customerFieldsThatAreSet":[2],"Unknown":1}', J, True, None),
    (CUST, to_xml(CustomerHeader(1, customer_fields=(2, 19), company_fields=(2,))), X, True, None),
    (CUST, to_xml(CustomerHeader(1, customer_fields=(2,))), J, True, None),
]


@pytest.mark.parametrize(("operation", "value", "content_type", "has_payload", "rule"), RULE_TABLE)
def test_expected_violation(
    operation: str, value: str | None, content_type: str, has_payload: bool, rule: str | None
) -> None:
    assert expected_violation(operation, value, content_type, has_payload=has_payload) == rule


def test_the_table_covers_every_rejecting_rule() -> None:
    covered = {row[-1] for row in RULE_TABLE}
    assert set(rejecting_rule_ids()) <= covered
    assert set(header_rules()) - set(rejecting_rule_ids()) == {
        "HDR-JOBID-IGNORED",
        "HDR-SUPPLIER-NEEDS-STORAGE",
    }


def test_typed_headers_are_judged_like_their_serializations() -> None:
    header = CustomerHeader(1, customer_fields=(2,), account_fields=(1,))
    assert expected_violation(CUST, header, J) == "HDR-DEP-ACCOUNTS"
    assert expected_violation(CUST, to_json(header), J) == "HDR-DEP-ACCOUNTS"


def test_operation_must_be_an_import() -> None:
    with pytest.raises(ValueError):
        expected_violation("GetCustomer", "{}", J)


# ----------------------------------------------------------------------------- JSON <-> XML round trips


def _normalised(members: dict[str, object]) -> dict[str, object]:
    """Members as the rule engine reads them: enum lists as sorted ints, scalars as text."""
    enums = {
        "CompanyFieldsThatAreSet": "CompanyField",
        "CustomerFieldsThatAreSet": "CustomerField",
        "AccountFieldsThatAreSet": "AccountField",
    }

    def as_int(enum_name: str, value: object) -> int | None:
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else field_enum(enum_name).value_of(text)

    out: dict[str, object] = {}
    for name, value in members.items():
        if name in enums and isinstance(value, list):
            out[name] = sorted(number for v in value if (number := as_int(enums[name], v)) is not None)
        else:
            out[name] = str(value)
    return out


@settings(max_examples=60, derandomize=True, deadline=None)
@given(header=universal_header_objects())
def test_json_and_xml_forms_round_trip_to_the_same_header(header: CustomerHeader) -> None:
    from_json = decode_header(to_json(header, "mixed"))
    from_xml = decode_header(to_xml(header))
    assert _normalised(from_json) == _normalised(from_xml) == _normalised(header_members(header, "int"))
