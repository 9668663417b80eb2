"""The diff of two answers: status, media, headers, members, types, values, items, order; modulo ids, dates
and run prefixes; ids learnt on the way."""

from __future__ import annotations

import json
from typing import Any

from emulator.parity.diff import Answer, Difference, compare
from emulator.parity.idmap import IdMap

JSON = (("content-type", "application/json"),)
XML = (("content-type", "application/xml"),)


def _json(body: Any, status: int = 200, headers: tuple[tuple[str, str], ...] = JSON) -> Answer:
    return Answer(status, headers, json.dumps(body).encode())


def _diff(
    tenant: Answer, emulator: Answer, operation: str = "GetCustomer", ids: IdMap | None = None
) -> list[Difference]:
    return compare(1, operation, "test_x", tenant, emulator, ids or IdMap())


def _kinds(differences: list[Difference]) -> list[tuple[str, str, str, str]]:
    return [(d.kind, d.path, d.tenant, d.emulator) for d in differences]


def test_equal_modulo_ids_dates_and_prefixes_and_the_ids_are_learnt() -> None:
    tenant = {
        "Id": 3005,
        "Code": "nct-ab12cd34-c-1",
        "Created": "2026-11-29T10:00:00.123Z",
        "Companies": [{"Id": 77}],
    }
    emulator = {
        "Id": 5,
        "Code": "nct-ab12cd34-c-1",
        "Created": "2026-12-07T21:00:00.456Z",
        "Companies": [{"Id": 2}],
    }
    ids = IdMap()
    assert _diff(_json(tenant), _json(emulator), ids=ids) == []
    assert ids.lookup("customer", "3005") == "5"
    assert ids.lookup("company", "77") == "2"


def test_status_and_media_type_differences_stop_the_body_comparison() -> None:
    found = _diff(Answer(204, (), b""), _json(None))
    assert _kinds(found) == [("status", "", "204", "200"), ("media", "", "(none)", "application/json")]


def test_members_types_values_items_and_order() -> None:
    tenant = {"Id": 1, "Name": "A", "Flags": None, "Extra": 1, "Companies": [{"Code": "x"}, {"Code": "y"}]}
    emulator = {"Id": 1, "Flags": [], "Name": "B", "Companies": [{"Code": "x"}]}
    found = _kinds(_diff(_json(tenant), _json(emulator)))
    assert ("member", "Extra", "present", "absent") in found
    assert ("type", "Flags", "null", "array") in found
    assert ("value", "Name", "'A'", "'B'") in found
    assert ("items", "Companies[]", "2", "1") in found
    assert ("order", "", "Id, Name, Flags, Companies", "Id, Flags, Name, Companies") in found


def test_list_items_are_paired_by_identity_not_position() -> None:
    tenant = [{"Code": "b", "Name": "B"}, {"Code": "a", "Name": "A"}]
    emulator = [{"Code": "a", "Name": "A"}, {"Code": "b", "Name": "B"}]
    assert _diff(_json(tenant), _json(emulator), "ListCustomers") == []


def test_an_id_is_compared_by_presence_and_type_only() -> None:
    assert _kinds(_diff(_json({"Id": None}), _json({"Id": 4}))) == [("type", "Id", "no id", "number")]
    assert _kinds(_diff(_json({"JobId": "17"}), _json({"JobId": 17}), "ImportCustomers")) == [
        ("type", "JobId", "string", "number")
    ]


def test_meaningful_headers_only() -> None:
    tenant = Answer(401, (("content-type", "application/json; charset=utf-8"),), b"")
    emulator = Answer(
        401,
        (("content-type", "application/json"), ("www-authenticate", "Bearer realm=x"), ("date", "now")),
        b"",
    )
    found = _kinds(_diff(tenant, emulator))
    assert ("header", "Content-Type", "charset=utf-8", "(no parameters)") in found
    assert ("header", "WWW-Authenticate", "(absent)", "Bearer") in found
    assert all(kind != "header" or path != "Date" for kind, path, _, _ in found)


def test_xml_answers_compare_as_trees_and_by_how_they_are_written() -> None:
    tenant = b'<a:Customer xmlns:a="urn:x"><a:Id>9</a:Id><a:Name>A</a:Name><a:Flags i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/></a:Customer>'
    emulator = b'<?xml version="1.0"?><Customer xmlns="urn:x"><Id>1</Id><Name>A</Name><Flags/></Customer>'
    found = _kinds(_diff(Answer(200, XML, tenant), Answer(200, XML, emulator)))
    assert ("xml-form", "declaration", "no", "yes") in found
    assert ("xml-form", "namespace prefixes", "yes", "no") in found
    assert ("type", "Customer.Flags", "null", "string") in found
    assert not any(kind == "value" for kind, *_ in found)  # the ids differ, and that is no difference


def test_a_job_the_tenant_showed_mid_run_is_not_compared() -> None:
    tenant = {"JobId": 3, "IsFinished": False, "StatusId": 1}
    emulator = {"JobId": 3, "IsFinished": True, "StatusId": 2}
    assert _diff(_json(tenant), _json(emulator), "JobGet") == []


def test_no_answer_on_one_side_is_a_network_difference() -> None:
    found = _diff(Answer(0, (), None, "RemoteProtocolError"), Answer(400, JSON, b"{}"), "ImportCustomers")
    assert _kinds(found) == [("network", "", "no answer (RemoteProtocolError)", "400")]


def test_bodies_of_different_kinds_and_redacted_values() -> None:
    found = _kinds(_diff(Answer(200, JSON, b""), _json(None)))
    assert found == [("body", "", "empty body", "null")]
    assert _diff(_json({"Password": "[REDACTED:gw0-1]"}), _json({"Password": "hunter2"})) == []


def test_a_job_list_is_paired_by_the_mapped_job_id() -> None:
    ids = IdMap()
    ids.learn("job", 41, 1)
    ids.learn("job", 42, 2)
    tenant = [{"JobId": 42, "Totals": 2}, {"JobId": 41, "Totals": 1}]  # another order, other numbers
    emulator = [{"JobId": 1, "Totals": 1}, {"JobId": 2, "Totals": 2}]
    assert _diff(_json(tenant), _json(emulator), "JobList", ids=ids) == []


def test_an_error_messages_key_is_a_value_not_an_id() -> None:
    tenant = {"MessageId": 400, "Messages": [{"Key": "HeaderInvalid", "Value": "x"}]}
    emulator = {"MessageId": 400, "Messages": [{"Key": "HDR-PRESENT", "Value": "x"}]}
    found = _kinds(_diff(_json(tenant, 400), _json(emulator, 400), "ImportCustomers"))
    assert found == [("value", "Messages[].Key", "'HeaderInvalid'", "'HDR-PRESENT'")]


def test_a_different_status_is_the_whole_difference() -> None:
    tenant = Answer(403, JSON, b"{}")
    emulator = Answer(401, (*JSON, ("www-authenticate", "Bearer")), b'{"MessageId": 401}')
    assert _kinds(_diff(tenant, emulator)) == [("status", "", "403", "401")]
