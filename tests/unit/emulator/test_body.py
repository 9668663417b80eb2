"""Import body framings, XML roots, forbidden XML, encoding and size limits."""

from __future__ import annotations

import pytest

from emulator.domain.body import MAX_BODY_BYTES, parse_import_body
from emulator.domain.errors import BodyMalformed, PayloadTooLarge, XmlForbidden

JSON_CT, XML_CT = "application/json", "application/xml"
MODELS = 'xmlns="Enferno.Services.StormConnect.Contracts.Customer.Models"'
XSI = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'


@pytest.mark.parametrize(
    "body", [b'[{"Code":"a"},{"Code":"b"}]', b'{"Code":"a"}{"Code":"b"}', b' {"Code":"a"}\n {"Code":"b"} \n']
)
def test_json_framings(body: bytes) -> None:
    items = parse_import_body(body, JSON_CT, "Customer")
    assert [item["Code"] for item in items] == ["a", "b"]


def test_single_object_and_empty_array() -> None:
    assert parse_import_body(b'{"Code":"a"}', JSON_CT, "Customer") == [{"Code": "a"}]
    assert parse_import_body(b"[]", JSON_CT, "Customer") == []


def test_array_items_are_kept_even_when_not_objects() -> None:
    assert parse_import_body(b'[1, "x", {"Code": "a"}]', JSON_CT, "Customer") == [1, "x", {"Code": "a"}]


@pytest.mark.parametrize(
    "body",
    [b"", b"  ", b"[1,", b'{"a":1} 5', b"5", b'"text"', b'{"a": NaN}', b'{"a":1},{"b":2}', b"[" * 100_000],
)
def test_malformed_json(body: bytes) -> None:
    with pytest.raises(BodyMalformed):
        parse_import_body(body, JSON_CT, "Customer")


def test_xml_array_root_with_types_nil_and_lists() -> None:
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><ArrayOfCustomer {MODELS} {XSI}><Customer>'
        "<Accounts><Account><LoginName>a@x</LoginName><Status>2</Status></Account></Accounts>"
        "<Code>A</Code><Flags><Flag><Code>VIP</Code><IsActive>false</IsActive></Flag></Flags>"
        '<Id>42</Id><IsActive>true</IsActive><MiddleName i:nil="true"/><PriceLists/>'
        "</Customer></ArrayOfCustomer>"
    ).encode()
    (item,) = parse_import_body(body, XML_CT, "Customer")
    assert item == {
        "Accounts": [{"LoginName": "a@x", "Status": 2}],
        "Code": "A",
        "Flags": [{"Code": "VIP", "IsActive": False}],
        "Id": 42,
        "IsActive": True,
        "MiddleName": None,
        "PriceLists": [],
    }


def test_xml_sequence_of_roots_and_companies() -> None:
    body = f"<Company {MODELS}><Code>C1</Code></Company><Company {MODELS}><Code>C2</Code></Company>".encode()
    assert parse_import_body(body, XML_CT, "Company") == [{"Code": "C1"}, {"Code": "C2"}]
    assert parse_import_body(f"<ArrayOfCompany {MODELS}/>".encode(), XML_CT, "Company") == []


def test_xml_text_that_does_not_convert_stays_a_string() -> None:
    (item,) = parse_import_body(b"<Customer><Id>abc</Id></Customer>", XML_CT, "Customer")
    assert item == {"Id": "abc"}


@pytest.mark.parametrize(
    "body",
    [
        b"<ArrayOfCompany/>",
        b"<Customer><Code>a</Customer>",
        b"<Other/>",
        b"<Customer/>text",
        b"<ArrayOfCustomer><Company/></ArrayOfCustomer>",
    ],
)
def test_malformed_xml(body: bytes) -> None:
    with pytest.raises(BodyMalformed):
        parse_import_body(body, XML_CT, "Customer")


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<ArrayOfCustomer><Customer><Code>&lol2;</Code></Customer></ArrayOfCustomer>"
)
XXE = (
    b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<ArrayOfCustomer><Customer><Code>&xxe;</Code></Customer></ArrayOfCustomer>"
)
PLAIN_DTD = b"<!DOCTYPE ArrayOfCustomer><ArrayOfCustomer/>"


@pytest.mark.parametrize("body", [LAUGHS, XXE, PLAIN_DTD])
def test_forbidden_xml(body: bytes) -> None:
    with pytest.raises(XmlForbidden):
        parse_import_body(body, XML_CT, "Customer")


@pytest.mark.parametrize("content_type", [JSON_CT, XML_CT])
def test_invalid_utf8(content_type: str) -> None:
    with pytest.raises(BodyMalformed):
        parse_import_body(b'[{"Code":"\xff\xfe"}]', content_type, "Customer")


def test_utf8_bom_is_accepted() -> None:
    assert parse_import_body(b'\xef\xbb\xbf[{"Code":"\xc3\xa5"}]', JSON_CT, "Customer") == [{"Code": "å"}]


def test_oversize() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_import_body(b" " * (MAX_BODY_BYTES + 1), JSON_CT, "Customer")
