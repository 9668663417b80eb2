"""The checks judge hand-made good and bad responses correctly."""

from __future__ import annotations

import json

import pytest
import requests

from contracts.oracle import waivers
from contracts.oracle.header import CustomerHeader, to_json, to_xml
from contracts.oracle.import_checks import count_items, header_rule_problems
from contracts.oracle.response_checks import (
    empty_collection_problems,
    error_envelope_problems,
    json_schema_problems,
    negotiation_problems,
    xsd_problems,
)
from contracts.oracle.spec import CONNECT_SPEC, CUSTOMER_SERVICE_SPEC, spec_for
from contracts.oracle.xml_data import decode_body, xml_to_data
from contracts.schemathesis_ext import register
from contracts.schemathesis_ext.checks import (
    CHECKS,
    content_negotiation,
    empty_collections,
    header_rule_oracle,
    json_schema_conformance,
)

NS = "Enferno.Services.StormConnect.Contracts"
JOB_XML = (
    f'<JobResponse xmlns="{NS}"><StatusCode>Created</StatusCode><Description>Job created</Description>'
    "<JobId>7</JobId><ValidationSummary><NrOfItemsInTotal>2</NrOfItemsInTotal>"
    "<NrOfValidationFailures>0</NrOfValidationFailures><Messages/></ValidationSummary></JobResponse>"
).encode()
JOB_JSON = {
    "StatusCode": "Created",
    "Description": "Job created",
    "JobId": "7",
    "ValidationSummary": {"NrOfItemsInTotal": 2, "NrOfValidationFailures": 0, "Messages": []},
}


def _error(key: str) -> dict[str, object]:
    return {
        "MessageId": 400,
        "Message": "bad",
        "Orchestration": None,
        "TimeStamp": "2024-05-01T12:00:00Z",
        "Record": None,
        "Messages": [{"Key": key, "Value": "bad"}],
    }


ERROR_XML = (
    f'<ErrorMessage xmlns="{NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><MessageId>400</MessageId>'
    '<Message>bad</Message><Orchestration i:nil="true"/><TimeStamp>2024-05-01T12:00:00Z</TimeStamp>'
    '<Record i:nil="true"/><Messages><KeyValue><Key>HDR-DEP-ACCOUNTS</Key><Value>x</Value></KeyValue>'
    "</Messages>"
    "</ErrorMessage>"
).encode()


@pytest.fixture(autouse=True)
def _default_waivers() -> object:
    waivers.set_active(None)
    waivers.clear_uses()
    yield
    waivers.set_active(None)


# ---- xml_xsd_conformance ----------------------------------------------------------------------------------


def test_valid_xml_job_response_passes_the_xsd() -> None:
    assert xsd_problems("ImportCustomers", 200, "application/xml", JOB_XML) == []


def test_xml_body_violating_the_xsd_fails() -> None:
    bad = JOB_XML.replace(b"<NrOfItemsInTotal>2<", b"<NrOfItemsInTotal>two<")
    assert xsd_problems("ImportCustomers", 200, "application/xml", bad)
    out_of_order = JOB_XML.replace(
        b"<StatusCode>Created</StatusCode><Description>Job created</Description>", b""
    )
    out_of_order = out_of_order.replace(
        b"<JobId>7</JobId>", b"<JobId>7</JobId><StatusCode>Created</StatusCode>"
    )
    assert xsd_problems("ImportCustomers", 200, "application/xml", out_of_order)


def test_wrong_root_and_malformed_xml_fail() -> None:
    assert "root element" in xsd_problems("ImportCustomers", 200, "application/xml", ERROR_XML)[0]
    assert xsd_problems("ImportCustomers", 200, "application/xml", b"<JobResponse")


def test_error_xml_validates_on_400() -> None:
    assert xsd_problems("ImportCustomers", 400, "application/xml", ERROR_XML) == []


def test_empty_xml_body_only_where_the_spec_allows_it() -> None:
    assert xsd_problems("ImportCustomers", 200, "application/xml", b"")
    assert xsd_problems("GetCustomer", 200, "application/xml", b"") == []  # null on not found
    assert xsd_problems("ActivateCustomer", 200, "application/xml", b"") == []  # empty-body operation


def test_xml_deserialization_follows_the_schema() -> None:
    spec = spec_for("ImportCustomers")
    schema = {"$ref": "#/components/schemas/JobResponse"}
    assert xml_to_data(spec, schema, JOB_XML) == JOB_JSON
    error = xml_to_data(spec, {"$ref": "#/components/schemas/ErrorMessage"}, ERROR_XML)
    assert error["Messages"] == [{"Key": "HDR-DEP-ACCOUNTS", "Value": "x"}] and error["Record"] is None


# ---- json_schema_conformance ------------------------------------------------------------------------------


def test_json_schema_cross_check() -> None:
    assert json_schema_problems("ImportCustomers", 200, "application/json", JOB_JSON) == []
    missing = {k: v for k, v in JOB_JSON.items() if k != "JobId"}
    assert json_schema_problems("ImportCustomers", 200, "application/json", missing)
    assert json_schema_problems("ImportCustomers", 200, "application/json", {**JOB_JSON, "JobId": "x"})


def test_date_time_without_offset_goes_through_a_recorded_waiver() -> None:
    error = {**_error("LoginFailed"), "TimeStamp": "2024-05-01T12:00:00"}
    assert json_schema_problems("ImportCustomers", 400, "application/json", error) == []
    assert [u.waiver_id for u in waivers.uses()] == ["W-NET-DATETIME"]
    waivers.set_active(set())
    assert json_schema_problems("ImportCustomers", 400, "application/json", error)
    garbage = {**_error("LoginFailed"), "TimeStamp": "yesterday"}
    assert json_schema_problems("ImportCustomers", 400, "application/json", garbage)


# ---- norce_error_envelope ---------------------------------------------------------------------------------


def test_error_envelope() -> None:
    body = json.dumps(_error("CustomerMissing")).encode()
    assert error_envelope_problems("GetCustomer", 400, "application/json", body) == []
    assert error_envelope_problems("GetCustomer", 400, "application/json", b"")
    assert error_envelope_problems("GetCustomer", 404, "application/json", b'{"detail": "nope"}')
    assert error_envelope_problems("ImportCustomers", 400, "application/xml", ERROR_XML) == []
    assert error_envelope_problems("GetCustomer", 401, None, b"") == []
    assert error_envelope_problems("GetCustomer", 200, None, b"") == []


# ---- content_negotiation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type", "ok"),
    [
        ("application/xml", "application/xml; charset=utf-8", True),
        ("text/xml", "application/xml", True),
        ("application/xml", "application/json", False),
        ("application/json", "application/json", True),
        ("application/json", "text/xml", False),
        ("*/*", "text/plain", True),
        (None, "application/json", True),
    ],
)
def test_content_negotiation(accept: str | None, content_type: str, ok: bool) -> None:
    assert (negotiation_problems(accept, 200, content_type, b"x") == []) is ok


# ---- header_rule_oracle -----------------------------------------------------------------------------------

VALID = to_json(CustomerHeader(1, customer_fields=(2, 3)))
DEP = to_json(CustomerHeader(1, customer_fields=(2,), account_fields=(1,)))
BODY = b'[{"Code":"nct-x-1"},{"Code":"nct-x-2"}]'


def _oracle(header: str | None, status: int, response: object, **kwargs: object) -> tuple[str, list[str]]:
    body = response if isinstance(response, bytes) else json.dumps(response).encode()
    arguments: dict[str, object] = {
        "header_value": header,
        "request_content_type": "application/json",
        "request_body": BODY,
        "status": status,
        "response_content_type": "application/json",
        "response_body": body,
        **kwargs,
    }
    return header_rule_problems("ImportCustomers", **arguments)  # type: ignore[arg-type]


def test_conformant_request_gets_a_job_counting_the_items() -> None:
    assert _oracle(VALID, 200, JOB_JSON) == ("HDR-VALID", [])
    _, problems = _oracle(VALID, 200, {**JOB_JSON, "ValidationSummary": {"NrOfItemsInTotal": 3}})
    assert problems and "NrOfItemsInTotal" in problems[0]
    assert _oracle(VALID, 200, {"ok": True})[1]
    assert _oracle(VALID, 400, _error("HDR-SYNTAX"))[1]


def test_an_empty_import_refused_is_judged_as_such_not_as_a_rejected_header() -> None:
    """Whether an empty array is a job of no items or a refusal is not documented: IMP-EMPTY-BODY (ours)."""
    empty = {"request_body": b"[]"}
    empty_job = {**JOB_JSON, "ValidationSummary": {"NrOfItemsInTotal": 0, "NrOfValidationFailures": 0}}
    assert _oracle(VALID, 200, empty_job, **empty) == ("HDR-VALID", [])
    rule, problems = _oracle(VALID, 400, _error("NoItems"), **empty)
    assert rule == "IMP-EMPTY-BODY" and "empty array was refused" in problems[0]
    assert _oracle(VALID, 400, _error("NoItems"))[0] == "HDR-VALID"  # with items, a refusal is a finding


def test_rule_breaking_header_must_get_400_with_the_rule_id() -> None:
    """The form of a refusal (Q7: a synchronous 400 keyed by the rule id) is HDR-FORM, an emulator-level
    judgement; that nothing was imported is judged by the header-rule tests after the job."""
    assert _oracle(DEP, 400, _error("HDR-DEP-ACCOUNTS")) == ("HDR-FORM", [])
    rule, problems = _oracle(DEP, 200, JOB_JSON)
    assert rule == "HDR-FORM" and "breaking HDR-DEP-ACCOUNTS; expected 400" in problems[0]
    assert "expected the rule id HDR-DEP-ACCOUNTS" in _oracle(DEP, 400, _error("HDR-SYNTAX"))[1][0]
    assert _oracle(None, 400, _error("HDR-PRESENT")) == ("HDR-FORM", [])
    rule, problems = _oracle(VALID, 400, _error("HDR-SYNTAX"))
    assert rule == "HDR-VALID" and "rejected a conformant header" in problems[0]


def test_xml_requests_and_responses() -> None:
    xml_body = (
        b'<ArrayOfCustomer xmlns="Enferno.Services.StormConnect.Contracts.Customer.Models">'
        b"<Customer><Code>a</Code></Customer><Customer><Code>b</Code></Customer></ArrayOfCustomer>"
    )
    header = to_xml(CustomerHeader(1, customer_fields=(2,)))
    arguments = {"request_content_type": "application/xml", "request_body": xml_body}
    assert _oracle(header, 200, JOB_XML, response_content_type="application/xml", **arguments)[1] == []
    names = to_json(CustomerHeader(1, customer_fields=(2,)), "name")
    assert _oracle(names, 400, ERROR_XML.replace(b"HDR-DEP-ACCOUNTS", b"HDR-XML-INT-ENUMS"),
                   response_content_type="application/xml", **arguments)[1] == []  # fmt: skip


def test_q3_waiver_is_off_by_default_and_recorded_when_on() -> None:
    names = to_json(CustomerHeader(1, customer_fields=(2,)), "name")
    arguments = {"request_content_type": "application/xml", "request_body": b"<ArrayOfCustomer/>"}
    assert _oracle(names, 200, JOB_JSON, **arguments)[1]
    waivers.set_active({"W-Q3-XML-ENUM-NAMES"})
    assert _oracle(names, 200, JOB_JSON, **arguments)[1] == []
    assert waivers.report_lines() == [
        "W-Q3-XML-ENUM-NAMES (docs/norce-facts.md Q3) applied 1x on ImportCustomers"
    ]


def test_item_counting() -> None:
    assert count_items("application/json", b'[{"a":1},{"a":2}]') == 2
    assert count_items("application/json", b'{"a":1} {"a":2}{"a":3}') == 3
    assert count_items("application/xml", b"<ArrayOfCompany><Company/><Company/></ArrayOfCompany>") == 2
    assert count_items("application/json", b"") == 0
    assert count_items("application/json", b"[1,") is None


# ---- through Schemathesis ---------------------------------------------------------------------------------


def _json_response(request: requests.PreparedRequest, data: object) -> object:
    """A 200 JSON answer to `request`, as Schemathesis hands it to a check."""
    import schemathesis

    return schemathesis.Response(
        status_code=200,
        headers={"content-type": ["application/json"]},
        content=json.dumps(data).encode(),
        request=request,
        elapsed=0.01,
        verify=True,
    )


def test_registered_checks_raise_named_failures_through_schemathesis() -> None:
    import schemathesis

    register()
    schema = schemathesis.openapi.from_path(str(CONNECT_SPEC))
    operation = schema["/Customer/ImportCustomers"]["POST"]
    case = operation.Case(
        headers={"X-StormConnect-Header": DEP}, body=[{"Code": "a"}], media_type="application/json"
    )
    request = requests.Request(
        "POST",
        "http://testserver/Customer/ImportCustomers",
        headers={
            "X-StormConnect-Header": DEP,
            "Content-Type": "application/json",
            "Accept": "application/xml",
        },
        data=b'[{"Code":"a"}]',
    ).prepare()
    response = _json_response(request, JOB_JSON)
    with pytest.raises(AssertionError, match=r"\[ImportCustomers\] HDR-FORM: .* breaking HDR-DEP-ACCOUNTS"):
        header_rule_oracle(None, response, case)
    with pytest.raises(AssertionError, match="content_negotiation"):
        content_negotiation(None, response, case)
    assert json_schema_conformance(None, response, case) is None


# ---- CS-EMPTY-COLLECTION ----------------------------------------------------------------------------------

CS_NS = "Enferno.Services.Contracts.Expose.Customers"
XSI = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'
ARR = 'xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"'
JSON = "application/json"


def _company(**members: object) -> dict[str, object]:
    """A 1.1 Company with every collection empty, `members` overriding."""
    company: dict[str, object] = {"Id": 3, "Code": "c", "DeliveryAddresses": [], "Info": [], "Flags": []}
    return company | {"PricelistIds": [], "DeliveryMethodIds": [], "PaymentMethodIds": []} | members


def _account(**members: object) -> dict[str, object]:
    return {"Id": 2, "LoginName": "a@b.se", "Roles": [1], "Authorizations": [], "IsActive": True} | members


def _customer(**members: object) -> dict[str, object]:
    """A 1.1 Customer with every collection empty and nullable non-collections null, `members` overriding."""
    customer: dict[str, object] = {"Id": 1, "Account": _account(), "Companies": [_company()], "Flags": []}
    customer |= {
        "DeliveryAddresses": [],
        "Info": [],
        "PricelistIds": [],
        "InvoiceAddress": None,
        "ReferId": None,
    }
    return customer | members


def _empty_collections(data: object, media_type: str = JSON, operation: str = "GetCustomer") -> list[str]:
    return empty_collection_problems(operation, 200, media_type, data)


def test_empty_collections_pass_and_nullable_non_collections_are_not_flagged() -> None:
    assert _empty_collections(_customer()) == []  # InvoiceAddress / ReferId null: nullable, not collections
    assert _empty_collections(_customer(Companies=[], Account=None)) == []
    assert _empty_collections(None) == []  # not found: 200 null is another rule's business


def test_null_collection_members_fail_with_the_rule_and_the_path() -> None:
    assert _empty_collections(_customer(Companies=None, PricelistIds=None)) == [
        "Companies: Customer.Companies is null; an empty collection is [] (XML: <Companies/>)",
        "PricelistIds: Customer.PricelistIds is null; an empty collection is [] (XML: <PricelistIds/>)",
    ]
    nested = _customer(Companies=[_company(DeliveryMethodIds=None)], Account=_account(Authorizations=None))
    paths = [problem.split(":", 1)[0] for problem in _empty_collections(nested)]
    assert paths == ["Account.Authorizations", "Companies[0].DeliveryMethodIds"]
    # Lists of customers are walked too, and only 2xx 1.1 answers are judged.
    listed = _empty_collections([_customer(Info=None)], operation="ListCustomerBySSN")
    assert listed and listed[0].startswith("[0].Info:")
    assert empty_collection_problems("GetCustomer", 400, JSON, _customer(Info=None)) == []


def _customer_xml(companies: str) -> bytes:
    return (
        f'<Customer xmlns="{CS_NS}" {XSI} {ARR}><Id>1</Id><Code>x</Code>{companies}'
        "<DeliveryAddresses/><Flags/><PricelistIds/></Customer>"
    ).encode()


def test_xml_nil_collection_fails_and_an_empty_element_passes() -> None:
    xml = "application/xml"
    nil = decode_body("GetCustomer", 200, xml, _customer_xml('<Companies i:nil="true"/>'))
    assert _empty_collections(nil, xml) == [
        "Companies: Customer.Companies is null; an empty collection is [] (XML: <Companies/>)"
    ]
    empty = decode_body("GetCustomer", 200, xml, _customer_xml("<Companies/>"))
    assert empty["Companies"] == [] and _empty_collections(empty, xml) == []
    company = '<Companies><Company><Id>3</Id><PaymentMethodIds i:nil="true"/></Company></Companies>'
    nested = decode_body("GetCustomer", 200, xml, _customer_xml(company))
    assert [p.split(":", 1)[0] for p in _empty_collections(nested, xml)] == ["Companies[0].PaymentMethodIds"]


def test_empty_collections_check_raises_the_rule_through_schemathesis() -> None:
    import schemathesis

    register()
    schema = schemathesis.openapi.from_path(str(CUSTOMER_SERVICE_SPEC))
    case = schema["/GetCustomer"]["GET"].Case(query={"id": 1})
    request = requests.Request("GET", "http://testserver/GetCustomer?id=1").prepare()

    assert empty_collections in CHECKS
    assert empty_collections(None, _json_response(request, _customer()), case) is None
    with pytest.raises(AssertionError, match=r"\[GetCustomer\] CS-EMPTY-COLLECTION: Companies"):
        empty_collections(None, _json_response(request, _customer(Companies=None)), case)


def test_a_long_list_answer_is_judged_on_its_first_items() -> None:
    """A tenant's broad search can return thousands of entities: the schema views validate the first
    SAMPLED_LIST_ITEMS of a list (every item has the same schema)."""
    from contracts.oracle.sampling import SAMPLED_LIST_ITEMS
    from contracts.oracle.schema_views import schema_problems

    roles = [{"Id": index, "Name": f"role {index}"} for index in range(5000)]
    assert schema_problems("ListAccountRoles", 200, "application/json", roles) == []
    broken_early = [*roles[:10], {"Id": "x", "Name": "bad"}, *roles[10:]]
    assert schema_problems("ListAccountRoles", 200, "application/json", broken_early) == [
        "10/Id: 'x' is not of type 'integer'"
    ]
    broken_late = [*roles[:SAMPLED_LIST_ITEMS], {"Id": "x", "Name": "bad"}]
    assert schema_problems("ListAccountRoles", 200, "application/json", broken_late) == []


def test_a_long_xml_list_answer_is_judged_on_its_first_items() -> None:
    """The XSD check and the decode for the shape checks read an XML list answer as far as SAMPLED_LIST_ITEMS;
    the full decode (what the semantic checks search) keeps every item."""
    from contracts.oracle.response_checks import xsd_problems
    from contracts.oracle.sampling import SAMPLED_LIST_ITEMS
    from contracts.oracle.spec import spec_for
    from contracts.oracle.xml_data import decode_body
    from contracts.oracle.xml_write import to_xml

    spec = spec_for("ListAccountRoles")
    schema = {"$ref": "#/components/schemas/IdValues"}
    items = [{"Id": index, "Value": f"role {index}"} for index in range(SAMPLED_LIST_ITEMS + 50)]
    body = to_xml(items, schema, spec)
    bad_item = b"<ns0:Item><ns0:Id>x</ns0:Id></ns0:Item>"
    early = body.replace(b"<ns0:Item>", bad_item + b"<ns0:Item>", 1)
    late = body.replace(b"</ns0:IdValues>", bad_item + b"</ns0:IdValues>")

    assert xsd_problems("ListAccountRoles", 200, "application/xml", body) == []
    assert any(
        "Item[1]" in problem for problem in xsd_problems("ListAccountRoles", 200, "application/xml", early)
    )
    assert xsd_problems("ListAccountRoles", 200, "application/xml", late) == []

    sampled = decode_body("ListAccountRoles", 200, "application/xml", late, sampled=True)
    assert sampled == items[:SAMPLED_LIST_ITEMS]
    whole = decode_body("ListAccountRoles", 200, "application/xml", late)
    assert len(whole) == len(items) + 1 and whole[-1] == {"Id": "x"}
    short = to_xml(items[:3], schema, spec)
    assert decode_body("ListAccountRoles", 200, "application/xml", short, sampled=True) == items[:3]


def test_the_same_xml_answer_is_parsed_once() -> None:
    """The checks of one case share the parse of an answer (by identity); other bytes are parsed anew."""
    from contracts.oracle.media import parse_xml

    content = b"<a><b>1</b></a>"
    assert parse_xml(content) is parse_xml(content)
    equal_but_other = bytes(bytearray(content))
    assert parse_xml(equal_but_other) is not parse_xml(content)
    assert parse_xml(b"<a><b>2</b></a>")[0].text == "2"


def test_a_single_job_log_row_in_xml_reads_as_one_object_and_meets_the_documented_schema() -> None:
    """Norce's docs show Job/GetLog as one JobLogDto (Q6). A tenant answering XML that way is read as one
    object, not as a list of its members, so the documented view judges it as it judges the JSON form."""
    from contracts.oracle.schema_views import DOCUMENTED, STRICT, schema_problems
    from contracts.oracle.xml_data import decode_body

    ns = 'xmlns:a="Enferno.Services.StormConnect.Contracts.Job"'
    row = "<a:SeverityId>1</a:SeverityId><a:Message>1 inserted</a:Message>"
    single = f"<a:JobLogDto {ns}>{row}</a:JobLogDto>".encode()
    listed = f"<a:ArrayOfJobLogDto {ns}><a:JobLogDto>{row}</a:JobLogDto></a:ArrayOfJobLogDto>".encode()

    one = decode_body("JobGetLog", 200, "application/xml", single)
    assert one == {"SeverityId": 1, "Message": "1 inserted"}
    assert schema_problems("JobGetLog", 200, "application/xml", one, DOCUMENTED) == []
    assert schema_problems("JobGetLog", 200, "application/xml", one, STRICT) != []  # ours: an array (Q6)
    assert decode_body("JobGetLog", 200, "application/xml", listed) == [one]
