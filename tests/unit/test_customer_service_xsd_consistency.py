"""XML written from the spec's `xml` annotations (contracts.oracle.xml_write) validates against the XSD.

Values are drawn from the JSON schemas themselves by a small recursive generator, so the test fails when the
annotations (names, namespaces, item names, order, nillability) and the XSD drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC, load_spec
from contracts.oracle.xml_write import to_xml

SPEC = load_spec(CUSTOMER_SERVICE_SPEC)
XSD = xmlschema.XMLSchema(str(Path(CUSTOMER_SERVICE_SPEC).parent / "xsd" / "customer-service-1.1.xsd"))
SPEC_URI = "urn:customer-service-1.1"
REGISTRY = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(SPEC.document))
MAX_DEPTH = 3
# XML 1.0 text without control characters (the codec drops those, which would hide nothing of interest here).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
DATE_TIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
)


def values(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid under `schema` (the subset of JSON Schema the vendored spec uses)."""
    if "$ref" in schema:
        return values(SPEC.resolve(schema), depth)
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return st.one_of([values(branch, depth) for branch in schema[keyword]])
    kinds = schema.get("type")
    if kinds is None:
        return st.none()
    if isinstance(kinds, list):
        return st.one_of([values({**schema, "type": kind}, depth) for kind in kinds])
    if kinds == "null":
        return st.none()
    if kinds == "object":
        properties = schema.get("properties", {})
        if depth >= MAX_DEPTH:  # deep nesting adds nothing; keep only scalars there
            properties = {k: v for k, v in properties.items() if "oneOf" not in v and "items" not in v}
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: values(v, depth + 1) for k, v in properties.items() if k in required},
            optional={k: values(v, depth + 1) for k, v in properties.items() if k not in required},
        )
    if kinds == "array":
        size = 0 if depth >= MAX_DEPTH else 2
        return st.lists(values(schema["items"], depth + 1), max_size=size)
    if kinds == "integer":
        return st.integers(-(2**31), 2**31 - 1)
    if kinds == "number":
        return st.integers(-(10**6), 10**6).map(lambda cents: cents / 100)
    if kinds == "boolean":
        return st.booleans()
    if schema.get("format") == "uuid":
        return st.uuids().map(str)
    if schema.get("format") == "date-time":
        return DATE_TIMES
    return TEXT.map(lambda text: text[: schema.get("maxLength", len(text))])


def validator(component: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{component}"},
        registry=REGISTRY,
        format_checker=FormatChecker(),
    )


COMPONENTS = [
    "Customer",
    "Company",
    "Pricelist",
    "PricelistItem",
    "CustomerFlag",
    "AgreementAccount",
    "ErrorMessage",
]
LIST_ROOTS = [
    "CustomerList",
    "CompanyList",
    "IdValues",
    "CustomerFlags",
    "CustomerPricelistList",
    "CompanyDiscountList",
    "IdNameDescriptions",
]


@pytest.mark.parametrize("component", COMPONENTS + LIST_ROOTS)
def test_generated_values_written_as_xml_validate_against_the_xsd(component: str) -> None:
    schema = {"$ref": f"#/components/schemas/{component}"}

    @settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values(schema))
    def check(value: Any) -> None:
        assert validator(component).is_valid(value)  # the generator itself stays inside the JSON schema
        document = to_xml(value, schema, SPEC).decode("utf-8")
        XSD.validate(document)

    check()


def test_a_document_out_of_order_is_rejected() -> None:
    """Guards the test: the XSD really enforces sequence order and namespaces."""
    customer = {"Id": 1, "Key": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    document = to_xml(customer, {"$ref": "#/components/schemas/Customer"}, SPEC).decode("utf-8")
    XSD.validate(document)
    root = ElementTree.fromstring(document)
    first = root[0]
    root.remove(first)
    root.append(first)  # Key before Id
    assert not XSD.is_valid(ElementTree.tostring(root, encoding="unicode"))
    assert not XSD.is_valid(document.replace("Expose.Customers", "Expose.Other"))


def test_collection_items_use_wsdl_names_and_namespaces() -> None:
    customer = {"Info": [{"Id": 1, "Value": "v", "Code": "c"}], "PricelistIds": [5], "Companies": [{"Id": 2}]}
    document = to_xml(customer, {"$ref": "#/components/schemas/Customer"}, SPEC).decode("utf-8")
    parsed = XSD.to_dict(document, process_namespaces=False)
    assert parsed is not None
    assert "Enferno.Services.Contracts.Expose" in document
    assert "http://schemas.microsoft.com/2003/10/Serialization/Arrays" in document
    XSD.validate(document)
    discounts = to_xml([{"TypeId": 1}], {"$ref": "#/components/schemas/CompanyDiscountList"}, SPEC).decode(
        "utf-8"
    )
    assert "<CompanyDiscountList" in discounts or ":CompanyDiscountList" in discounts
    assert "Discount>" in discounts and "CompanyDiscount>" not in discounts
    XSD.validate(discounts)
