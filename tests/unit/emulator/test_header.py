"""X-StormConnect-Header parsing and every HeaderRules rule, JSON and XML forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from emulator import faults
from emulator.domain.connect import BODY_MEDIA_FAULTS
from emulator.domain.errors import HeaderRuleViolation, XmlForbidden
from emulator.domain.header import (
    READER_FAULTS,
    RULES,
    CustomerHeader,
    EachEnumValue,
    Operation,
    parse_customer_header,
)

JSON_CT, XML_CT = "application/json", "application/xml; charset=utf-8"
NS = "Enferno.Services.StormConnect.Contracts"


def parse(
    value: str | None, operation: Operation, content_type: str | None, has_payload: bool = True
) -> CustomerHeader:
    return parse_customer_header(value, operation, content_type, has_payload, faults=faults.Faults())


def header(**props: object) -> str:
    return json.dumps({"AccountId": 1, **props})


def xml_header(*children: str) -> str:
    return f'<CustomerHeader xmlns="{NS}.Customer">' + "".join(children) + "</CustomerHeader>"


def xml_list(name: str, item: str, values: list[str]) -> str:
    items = "".join(f"<f:{item}>{value}</f:{item}>" for value in values)
    return f'<{name} xmlns:f="{NS}.Customer.Fields">{items}</{name}>'


def rule_of(
    value: str | None,
    operation: str = "ImportCustomers",
    content_type: str = JSON_CT,
    has_payload: bool = True,
) -> str:
    with pytest.raises(HeaderRuleViolation) as caught:
        parse(value, operation, content_type, has_payload)  # type: ignore[arg-type]
    assert caught.value.key == caught.value.rule_id
    return caught.value.rule_id


def test_documented_example_parses_into_integer_sets() -> None:
    value = (
        '{"AccountId":1,"CompanyFieldsThatAreSet":[0,2,3,4,5,6,9,10,11,14,17,18,19,20,12,22],'
        '"CustomerFieldsThatAreSet":[0,2,14,3,6,9,11,12,13],"AccountFieldsThatAreSet":[1,3,4],'
        '"SerializationType":0}'
    )
    parsed = parse(value, "ImportCompanies", JSON_CT)
    assert parsed.account_id == 1
    assert parsed.customer_fields == {0, 2, 14, 3, 6, 9, 11, 12, 13}
    assert parsed.account_fields == {1, 3, 4}
    assert 22 in parsed.company_fields
    assert parsed.serialization_type == 0


def test_json_names_are_case_insensitive_and_mix_with_integers() -> None:
    parsed = parse(
        header(
            CustomerFieldsThatAreSet=["code", "EMAILADDRESS", 6, "Accounts"],
            AccountFieldsThatAreSet=["rolesCreateOnly"],
            SerializationType="json",
        ),
        "ImportCustomers",
        JSON_CT,
    )
    assert parsed.customer_fields == {2, 3, 6, 14}
    assert parsed.account_fields == {4}
    assert parsed.serialization_type == 0


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_header(value: str | None) -> None:
    assert rule_of(value) == "HDR-PRESENT"


def test_line_breaks_rejected() -> None:
    assert rule_of('{"AccountId":1,\n"CustomerFieldsThatAreSet":[2]}') == "HDR-ONE-LINE"


@pytest.mark.parametrize(
    "value",
    [
        "{not json",
        "[1,2]",
        "<NotAHeader/>",
        "<CustomerHeader>",
        "plain text",
        '{"AccountId":1,"CustomerFieldsThatAreSet":5}',
        '{"a":NaN}',
    ],
)
def test_syntax(value: str) -> None:
    assert rule_of(value) == "HDR-SYNTAX"


@pytest.mark.parametrize("account_id", [None, "x", 1.5, True, [1]])
def test_account_id_must_be_integer(account_id: object) -> None:
    props = {"CustomerFieldsThatAreSet": [2]}
    if account_id is not None:
        props["AccountId"] = account_id  # type: ignore[assignment]
    assert rule_of(json.dumps(props)) == "HDR-ACCOUNTID"


def test_required_field_lists_per_operation() -> None:
    assert rule_of(header(CompanyFieldsThatAreSet=[2])) == "HDR-CUSTOMER-FIELDS-REQUIRED"
    # present but empty: nothing to process, accepted (docs/import-semantics.md)
    assert parse(header(CustomerFieldsThatAreSet=[]), "ImportCustomers", JSON_CT).customer_fields == (
        frozenset()
    )
    assert rule_of(header(CustomerFieldsThatAreSet=[2]), "ImportCompanies") == "HDR-COMPANY-FIELDS-REQUIRED"
    assert rule_of(header(AccountId=2**31, CustomerFieldsThatAreSet=[2])) == "HDR-ACCOUNTID"
    # each list is optional for the other operation
    assert (
        parse(header(CompanyFieldsThatAreSet=[2]), "ImportCompanies", JSON_CT).customer_fields == frozenset()
    )


@pytest.mark.parametrize(
    "props",
    [
        {"CustomerFieldsThatAreSet": [22]},
        {"CustomerFieldsThatAreSet": [-1]},
        {"CustomerFieldsThatAreSet": ["Nope"]},
        {"CustomerFieldsThatAreSet": [2, 14], "AccountFieldsThatAreSet": [5]},
        {"CustomerFieldsThatAreSet": [2], "SerializationType": 2},
        {"CustomerFieldsThatAreSet": [True]},
        {"CustomerFieldsThatAreSet": [None]},
    ],
)
def test_enum_range(props: dict[str, object]) -> None:
    assert rule_of(header(**props)) == "HDR-ENUM-RANGE"


def test_company_field_range_is_0_to_22() -> None:
    assert parse(header(CompanyFieldsThatAreSet=[22]), "ImportCompanies", JSON_CT)
    assert rule_of(header(CompanyFieldsThatAreSet=[23]), "ImportCompanies") == "HDR-ENUM-RANGE"


def test_xml_request_needs_integer_enums_in_either_header_form() -> None:
    assert rule_of(header(CustomerFieldsThatAreSet=["Code"]), content_type=XML_CT) == "HDR-XML-INT-ENUMS"
    assert (
        rule_of(header(CustomerFieldsThatAreSet=[2], SerializationType="Json"), content_type=XML_CT)
        == "HDR-XML-INT-ENUMS"
    )
    named = xml_header(
        "<AccountId>1</AccountId>", xml_list("CustomerFieldsThatAreSet", "CustomerField", ["Code"])
    )
    assert rule_of(named, content_type=XML_CT) == "HDR-XML-INT-ENUMS"
    assert parse(named, "ImportCustomers", JSON_CT).customer_fields == {2}
    assert parse(header(CustomerFieldsThatAreSet=[2, 3]), "ImportCustomers", XML_CT)


def test_xml_header_with_namespaces() -> None:
    value = xml_header(
        f'<AccountId xmlns="{NS}">7</AccountId>',
        f'<SerializationType xmlns="{NS}">1</SerializationType>',
        xml_list("AccountFieldsThatAreSet", "AccountField", ["1", "3"]),
        xml_list("CustomerFieldsThatAreSet", "CustomerField", ["2", "14"]),
    )
    parsed = parse(value, "ImportCustomers", XML_CT)
    assert (parsed.account_id, parsed.customer_fields, parsed.account_fields) == (7, {2, 14}, {1, 3})
    assert parsed.serialization_type == 1


def test_xml_header_rules() -> None:
    no_account = xml_header(xml_list("CustomerFieldsThatAreSet", "CustomerField", ["2"]))
    assert rule_of(no_account, content_type=XML_CT) == "HDR-ACCOUNTID"
    out_of_range = xml_header(
        "<AccountId>1</AccountId>", xml_list("CustomerFieldsThatAreSet", "CustomerField", ["99"])
    )
    assert rule_of(out_of_range, content_type=XML_CT) == "HDR-ENUM-RANGE"
    with pytest.raises(XmlForbidden):
        parse('<!DOCTYPE x [<!ENTITY a "b">]><CustomerHeader/>', "ImportCustomers", XML_CT)


def test_dependency_rules() -> None:
    assert rule_of(header(CustomerFieldsThatAreSet=[2], AccountFieldsThatAreSet=[1])) == "HDR-DEP-ACCOUNTS"
    assert (
        rule_of(header(CompanyFieldsThatAreSet=[2], CustomerFieldsThatAreSet=[2]), "ImportCompanies")
        == "HDR-DEP-CUSTOMERS"
    )
    assert rule_of(header(CustomerFieldsThatAreSet=[2], CompanyFieldsThatAreSet=[2])) == "HDR-DEP-COMPANIES"
    assert parse(
        header(CustomerFieldsThatAreSet=[2, 14], AccountFieldsThatAreSet=[1]), "ImportCustomers", JSON_CT
    )
    assert parse(
        header(CompanyFieldsThatAreSet=[2, 14], CustomerFieldsThatAreSet=[2]), "ImportCompanies", JSON_CT
    )
    assert parse(
        header(CustomerFieldsThatAreSet=[2, 19], CompanyFieldsThatAreSet=[2]), "ImportCustomers", JSON_CT
    )


def test_storage_name_needs_a_payload_and_supplier_id_needs_storage_name() -> None:
    value = header(CustomerFieldsThatAreSet=[2], StorageName="imports/x.json", SupplierId=3)
    assert rule_of(value, has_payload=False) == "HDR-STORAGE-NO-PAYLOAD"
    parsed = parse(value, "ImportCustomers", JSON_CT)
    assert (parsed.storage_name, parsed.supplier_id) == ("imports/x.json", 3)
    alone = parse(header(CustomerFieldsThatAreSet=[2], SupplierId=3), "ImportCustomers", JSON_CT)
    assert alone.supplier_id is None


def test_job_id_ignored_and_older_variants_accepted() -> None:
    parsed = parse(
        header(CustomerFieldsThatAreSet=[2], JobId="string", SerializationType=["JSON"], Unknown={"x": 1}),
        "ImportCustomers",
        JSON_CT,
    )
    assert parsed.serialization_type == 0
    assert parse(header(CustomerFieldsThatAreSet=[2], JobId=99), "ImportCustomers", JSON_CT)


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"SerializationType": []}, (None, None, None)),
        ({"SerializationType": ""}, (None, None, None)),
        ({"StorageName": ["imports/a.json"], "SupplierId": ["7"]}, (None, "imports/a.json", 7)),
        ({"StorageName": [], "SupplierId": 7}, (None, None, None)),
        ({"StorageName": "  ", "SupplierId": 7}, (None, None, None)),
        ({"StorageName": "imports/a.json", "SupplierId": " 12 "}, (None, "imports/a.json", 12)),
        ({"StorageName": "imports/a.json", "SupplierId": True}, (None, "imports/a.json", None)),
        ({"StorageName": "imports/a.json", "SupplierId": "twelve"}, (None, "imports/a.json", None)),
        ({"StorageName": "imports/a.json", "SupplierId": []}, (None, "imports/a.json", None)),
    ],
)
def test_older_list_variants_and_blank_optionals(
    props: dict[str, object], expected: tuple[object, object, object]
) -> None:
    """The older header variant types SerializationType, StorageName and SupplierId as one-item lists; empty
    or blank values mean "not sent", and a SupplierId that is no integer is ignored like an unknown member."""
    parsed = parse(header(CustomerFieldsThatAreSet=[2], **props), "ImportCustomers", JSON_CT)
    assert (parsed.serialization_type, parsed.storage_name, parsed.supplier_id) == expected


def test_the_rule_table_holds_every_documented_rule_and_every_header_fault_once() -> None:
    enums = yaml.safe_load(
        (Path(__file__).resolve().parents[3] / "openapi" / "enums.yaml").read_text("utf-8")
    )
    rows = [row for entry in RULES for row in (entry.rules if isinstance(entry, EachEnumValue) else (entry,))]
    assert {row.rule_id for row in rows} == set(enums["HeaderRules"])
    bending = [row.fault for row in rows if row.fault is not None]
    assert len(bending) == len(set(bending))
    # server.py (the header's line breaks and the spelling of its name) and http/fault_effects.py
    over_http = {"hdr-one-line-not-enforced", "header-name-case-sensitive", "hdr-wrong-rule-key"}
    # ... and the readers of the two forms (header.py READER_FAULTS), the body's media (connect.py)
    elsewhere = over_http | set(READER_FAULTS) | set(BODY_MEDIA_FAULTS)
    assert set(bending) == {fault.name for fault in faults.by_category()["header-rules"]} - elsewhere
    assert not set(bending) & elsewhere


def test_the_first_bad_enum_value_in_header_order_decides_the_rule() -> None:
    value = xml_header(
        "<AccountId>1</AccountId>",
        xml_list("AccountFieldsThatAreSet", "AccountField", ["99"]),
        xml_list("CustomerFieldsThatAreSet", "CustomerField", ["Code", "14"]),
    )
    assert rule_of(value, content_type=XML_CT) == "HDR-ENUM-RANGE"
    swapped = value.replace(">99<", ">1<").replace(">14<", ">99<")
    assert rule_of(swapped, content_type=XML_CT) == "HDR-XML-INT-ENUMS"
