"""The vendored Connect 4.0 description and its XSDs: valid, self-consistent, and true to the doc samples."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from contracts.oracle.spec import CONNECT_SPEC, OPENAPI_DIR, Spec, load_spec
from contracts.oracle.xml_write import to_xml

# The original doc pages, copied into tests/fixtures/seeds; NORCE_SEEDS_DIR overrides it.
SEEDS = Path(os.environ.get("NORCE_SEEDS_DIR", Path(__file__).resolve().parent.parent / "fixtures" / "seeds"))
XSD_DIR = OPENAPI_DIR / "xsd"
HEADER_XSD = XSD_DIR / "connect-customer-header.xsd"
IMPORT_XSD = XSD_DIR / "connect-customer-import.xsd"
JOB_XSD = XSD_DIR / "connect-job.xsd"
MODELS_NS = "Enferno.Services.StormConnect.Contracts.Customer.Models"
COMMON_NS = "Enferno.Services.StormConnect.Contracts.Common"
SPEC_URI = "urn:norce:connect-4.0"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(CONNECT_SPEC)


@pytest.fixture(scope="module")
def import_xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(IMPORT_XSD)


@pytest.fixture(scope="module")
def header_xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(HEADER_XSD)


def validator_at(spec: Spec, pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` inside the spec, with `#/components/...` refs resolvable."""
    resource = Resource.from_contents(spec.document, default_specification=DRAFT202012)
    registry = Registry().with_resource(SPEC_URI, resource)
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def error_messages(spec: Spec, pointer: str, instance: Any) -> list[str]:
    return [
        f"{list(error.absolute_path)}: {error.message}"
        for error in validator_at(spec, pointer).iter_errors(instance)
    ]


# ----------------------------------------------------------------------------- the spec itself


def test_connect_spec_is_valid_openapi_3_1(spec: Spec) -> None:
    assert spec.document["openapi"] == "3.1.0"
    validate_openapi(copy.deepcopy(spec.document))


def test_connect_spec_has_the_fixed_operation_ids(spec: Spec) -> None:
    assert sorted(spec.operation_ids()) == [
        "ImportCompanies",
        "ImportCustomers",
        "JobGet",
        "JobGetLog",
        "JobList",
    ]
    listed = (OPENAPI_DIR / "operations.txt").read_text(encoding="utf-8").split()
    assert set(spec.operation_ids()) <= set(listed)


def test_field_enums_match_the_shared_enums_file(spec: Spec) -> None:
    shared = yaml.safe_load((OPENAPI_DIR / "enums.yaml").read_text(encoding="utf-8"))
    for name in ("CompanyField", "CustomerField", "AccountField", "SerializationType"):
        integer_branch, name_branch = spec.component_schema(name)["anyOf"]
        expected = shared[name]
        assert integer_branch["enum"] == list(expected), name
        assert integer_branch["x-enum-names"] == list(expected.values()), name
        assert name_branch["enum"] == list(expected.values()), name


def _examples(node: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(where, schema pointer, example) for every example in the document."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _examples(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    holds_schema = isinstance(node.get("schema"), dict)  # media type or parameter object
    schema_pointer = f"{pointer}/schema" if holds_schema else pointer
    if "example" in node:
        yield pointer, schema_pointer, node["example"]
    examples = node.get("examples")
    if isinstance(examples, list):  # JSON Schema `examples`
        for example in examples:
            yield pointer, schema_pointer, example
    elif isinstance(examples, dict) and holds_schema:  # OpenAPI Example objects
        for example in examples.values():
            yield pointer, schema_pointer, example["value"]
    for key, value in node.items():
        if key not in ("example", "examples"):
            yield from _examples(value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")


def test_every_example_validates_against_its_schema(spec: Spec) -> None:
    found = list(_examples(spec.document))
    assert len(found) >= 10, "the spec should carry examples for bodies, header, responses"
    failures = [
        f"{where}: {message}"
        for where, schema_pointer, example in found
        for message in error_messages(spec, schema_pointer, example)
    ]
    assert failures == []


def test_header_parameter_example_is_a_valid_customer_header(spec: Spec) -> None:
    parameter = spec.resolve_ref("#/components/parameters/StormConnectHeader")
    assert "\n" not in parameter["example"]
    assert parameter["x-norce-header-schema"] == {"$ref": "#/components/schemas/CustomerHeader"}
    assert error_messages(spec, "/components/schemas/CustomerHeader", json.loads(parameter["example"])) == []


def test_a_broken_example_is_caught(spec: Spec) -> None:
    """The example check can fail: a wrong type, a bad enum and an unknown property are all reported."""
    broken = [{"Code": 5, "Type": 0, "Surname": "x"}]
    assert len(error_messages(spec, "/components/schemas/ArrayOfCustomer", broken)) == 3


# ----------------------------------------------------------------------------- XSDs


@pytest.mark.parametrize("path", sorted(XSD_DIR.glob("connect-*.xsd")), ids=lambda path: path.name)
def test_every_connect_xsd_loads(path: Path) -> None:
    schema = xmlschema.XMLSchema(path)
    assert schema.target_namespace.startswith("Enferno.Services.StormConnect.Contracts")


def _xsd_sequence(xsd: xmlschema.XMLSchema, namespace: str, name: str) -> list[tuple[str, bool]]:
    xsd_type = xsd.maps.types[f"{{{namespace}}}{name}"]
    return [(element.local_name, bool(element.nillable)) for element in xsd_type.content.iter_elements()]


def _json_sequence(spec: Spec, name: str) -> list[tuple[str, bool]]:
    properties = spec.component_schema(name)["properties"]
    return [(prop, _nullable(spec, schema)) for prop, schema in properties.items()]


def _nullable(spec: Spec, schema: dict[str, Any]) -> bool:
    schema = spec.resolve(schema)
    types = schema.get("type")
    branches = [spec.resolve(branch) for branch in schema.get("anyOf", [])]
    return (isinstance(types, list) and "null" in types) or any(
        branch.get("type") == "null" for branch in branches
    )


@pytest.mark.parametrize(
    ("name", "namespace"),
    [
        *(
            (name, MODELS_NS)
            for name in (
                "Company",
                "Customer",
                "CompanyIdentifier",
                "Account",
                "AccountRole",
                "Address",
                "Contact",
                "DeliveryMethod",
                "PaymentMethod",
                "PriceList",
                "Info",
                "Discount",
                "Flag",
            )
        ),
        ("Image", COMMON_NS),
        ("ImageCulture", COMMON_NS),
    ],
)
def test_xsd_sequence_matches_json_property_order_and_nullability(
    spec: Spec, import_xsd: xmlschema.XMLSchema, name: str, namespace: str
) -> None:
    assert spec.component_schema(name)["xml"]["namespace"] == namespace
    assert _xsd_sequence(import_xsd, namespace, name) == _json_sequence(spec, name)


def test_models_are_listed_in_datacontract_order(spec: Spec) -> None:
    """Without an explicit Order, DataContractSerializer wants ordinal-alphabetical members."""
    for name in (
        "Company",
        "Customer",
        "CompanyIdentifier",
        "Account",
        "Address",
        "Discount",
        "Flag",
        "ImageCulture",
    ):
        properties = list(spec.component_schema(name)["properties"])
        assert properties == sorted(properties), name


# ----------------------------------------------------------------------------- doc samples (seeds)


def _seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _json_after(text: str, marker: str) -> Any:
    value, _ = json.JSONDecoder().raw_decode(text, text.index(marker))
    return value


def test_documented_header_example_validates_as_json_and_as_xml(
    spec: Spec, header_xsd: xmlschema.XMLSchema
) -> None:
    header = _json_after(_seed_text("001"), '{"AccountId":1')
    assert error_messages(spec, "/components/schemas/CustomerHeader", header) == []
    document = to_xml(header, {"$ref": "#/components/schemas/CustomerHeader"}, spec)
    header_xsd.validate(document.decode("utf-8"))
    assert b"<ns1:AccountId>1</ns1:AccountId>" in document  # base member in the base namespace


def test_header_xml_with_enum_names_is_rejected_by_the_xsd(
    spec: Spec, header_xsd: xmlschema.XMLSchema
) -> None:
    header = {"AccountId": 1, "CustomerFieldsThatAreSet": ["Code"]}
    names_kept = to_xml(
        header, {"$ref": "#/components/schemas/CustomerHeader"}, spec, enum_names_as_integers=False
    )
    assert not header_xsd.is_valid(names_kept.decode("utf-8"))
    converted = to_xml(header, {"$ref": "#/components/schemas/CustomerHeader"}, spec)
    header_xsd.validate(converted.decode("utf-8"))


# The generated doc samples use placeholders that break their own schema ("string" for a date, 0 for an
# enum starting at 1, a full Company where Norce now documents CompanyIdentifier). Each repair is listed
# here with its reason; the test checks that every repair is still needed and that nothing else is.
ISO_DATE = "2024-01-01T00:00:00Z"
PLACEHOLDER_REPAIRS: list[tuple[str, Any, Any, str]] = [
    ("AccountStatus", 0, 1, "AccountStatus is 1 Active / 2 Inactive (contract enum)"),
    ("Type", 0, 1, "CustomerType is 1 Customer / 2 CompanyContact"),
    ("Type", "string", 1, "DiscountType is 1..3 (docs: string(int32))"),
    ("CountryCode", "string", "SE", "CountryCode maxLength 2"),
    ("StopDate", "string", ISO_DATE, "StopDate is a date-time"),
    ("LastModified", "string", ISO_DATE, "LastModified is a date-time"),
    ("Roles", [{}], [{"Code": "User"}], "AccountRole.Code is required"),
]
COMPANY_IDENTIFIER_KEYS = ("Code", "Id", "IsPrimary", "Name", "OrganizationNo")


def _repair(node: Any, used: set[int]) -> Any:
    if isinstance(node, list):
        return [_repair(item, used) for item in node]
    if not isinstance(node, dict):
        return node
    repaired = {}
    for key, value in node.items():
        for index, (name, placeholder, replacement, _) in enumerate(PLACEHOLDER_REPAIRS):
            if key == name and value == placeholder:
                used.add(index)
                value = replacement
                break
        if key == "Companies" and any(set(item) - set(COMPANY_IDENTIFIER_KEYS) for item in value):
            used.add(len(PLACEHOLDER_REPAIRS))  # the Storm-era page shows full Company objects here
            value = [{k: item[k] for k in COMPANY_IDENTIFIER_KEYS if k in item} for item in value]
        repaired[key] = _repair(value, used)
    return repaired


def _seed_bodies() -> list[tuple[str, Any]]:
    text = _seed_text("002")
    bodies = [json.loads(body) for body in re.findall(r"-d '(\[.*?\])'", text, re.DOTALL)]
    assert len(bodies) == 2
    return [("ArrayOfCompany", bodies[0]), ("ArrayOfCustomer", bodies[1])]


def test_seed_bodies_validate_in_json_and_xml_after_placeholder_repairs(
    spec: Spec, import_xsd: xmlschema.XMLSchema
) -> None:
    used: set[int] = set()
    for component, raw in _seed_bodies():
        pointer = f"/components/schemas/{component}"
        assert error_messages(spec, pointer, raw), f"the raw {component} sample was expected to need repairs"
        repaired = _repair(raw, used)
        assert error_messages(spec, pointer, repaired) == [], component
        document = to_xml(repaired, {"$ref": f"#/components/schemas/{component}"}, spec)
        import_xsd.validate(document.decode("utf-8"))
    assert used == set(range(len(PLACEHOLDER_REPAIRS) + 1)), "a listed repair is no longer needed"


def test_storm_era_header_sample_differs_only_in_documented_ways(spec: Spec) -> None:
    """SEED0 types SerializationType as [string] and SupplierId as string (docs/norce-facts.md §3 rule 8)."""
    header = _json_after(_seed_text("000"), '{ "AccountId"')
    failing = {
        error.split(":")[0] for error in error_messages(spec, "/components/schemas/CustomerHeader", header)
    }
    assert failing == {"['SerializationType']", "['SupplierId']"}
    header |= {"SerializationType": "Json", "SupplierId": 1}
    assert error_messages(spec, "/components/schemas/CustomerHeader", header) == []


# ------------------------------------------------------------ generated data: JSON ⇒ XML ⇒ XSD

INT32 = (-(2**31), 2**31 - 1)


def strategy_for(spec: Spec, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid under `schema` (the subset of JSON Schema the Connect spec uses)."""
    schema = spec.resolve(schema)
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return st.one_of([strategy_for(spec, branch, depth) for branch in schema[keyword]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of([strategy_for(spec, {**schema, "type": kind}, depth) for kind in kinds])
    if kinds == "null":
        return st.none()
    if kinds == "boolean":
        return st.booleans()
    if kinds == "integer":
        return st.integers(max(schema.get("minimum", INT32[0]), INT32[0]), INT32[1])
    if kinds == "number":
        return st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    if kinds == "string":
        return _strings(schema)
    if kinds == "array":
        return st.lists(strategy_for(spec, schema["items"], depth + 1), max_size=2 if depth < 2 else 0)
    if kinds == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {
                name: strategy_for(spec, sub, depth + 1)
                for name, sub in properties.items()
                if name in required
            },
            optional={
                name: strategy_for(spec, sub, depth + 1)
                for name, sub in properties.items()
                if name not in required
            },
        )
    raise AssertionError(f"no strategy for {schema}")


def _strings(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    match schema.get("format"):
        case "uuid":
            return st.uuids().map(str)
        case "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
        case "uri":
            return st.from_regex(r"https://example\.com/[a-z0-9/]{0,12}", fullmatch=True)
    return st.text(max_size=schema.get("maxLength", 12))


@pytest.mark.parametrize("component", ["ArrayOfCompany", "ArrayOfCustomer"])
def test_generated_bodies_written_as_xml_satisfy_the_xsd(
    spec: Spec, import_xsd: xmlschema.XMLSchema, component: str
) -> None:
    reference = {"$ref": f"#/components/schemas/{component}"}
    json_validator = validator_at(spec, f"/components/schemas/{component}")

    @settings(
        max_examples=30,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=strategy_for(spec, reference))
    def check(body: list[dict[str, Any]]) -> None:
        json_validator.validate(body)  # the generator itself stays inside the schema
        document = to_xml(body, reference, spec)
        import_xsd.validate(document.decode("utf-8"))

    check()
