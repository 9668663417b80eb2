"""Normalisation (ids, dates, run prefixes) and the id map: learnt from answers, rewriting later requests."""

from __future__ import annotations

import json

from emulator.parity.idmap import IdMap
from emulator.parity.values import (
    id_space,
    normalise_text,
    operation_space,
    parameter_space,
    texts_match,
    xml_id_space,
)


def test_dates_keep_their_form_not_their_moment() -> None:
    assert texts_match("2026-11-29T10:00:00.123Z", "2027-01-02T23:59:59.999Z")
    assert not texts_match("2026-11-29T10:00:00.123Z", "2026-11-29T10:00:00.1230000")  # .NET: no offset
    assert not texts_match("2026-11-29T10:00:00+01:00", "2026-11-29T10:00:00Z")
    assert texts_match("/Date(1764410400000+0000)/", "/Date(1764496800000+0000)/")
    assert texts_match("00:00:00.0120000", "00:00:00.0000000")  # a job's RunTime: how long, not the form
    assert not texts_match("00:00:00.0120000", "00:00:00.012")


def test_run_prefixes_and_guids_are_masked_wherever_they_stand() -> None:
    assert normalise_text("nct-ab12cd34-gw0-c-7") == "nct-RUN-gw0-c-7"
    assert texts_match("Customer nct-ab12cd34-c-1 created", "Customer nct-ffff0000-c-1 created")
    assert not texts_match("nct-ab12cd34-c-1", "nct-ab12cd34-c-2")
    assert texts_match("Item 0: Company 6000 inserted", "Item 0: Company 5000 inserted")
    assert not texts_match("Item 0: Company 6000 inserted", "Item 1: Company 5000 inserted")
    assert texts_match("key 0f8fad5b-d9cb-469f-a165-70867728950e", "key 7c9e6679-7425-40de-944b-e07fc1f90ae7")


def test_a_redacted_stretch_matches_anything_else_must_equal() -> None:
    assert texts_match("login [REDACTED:gw0-1] refused", "login s3cret refused")
    assert not texts_match("login [REDACTED:gw0-1] refused", "login s3cret accepted")


def test_operation_and_member_spaces() -> None:
    assert operation_space("GetCompanyCustomers") == "customer"
    assert operation_space("GetCustomerCompanies") == "company"
    assert operation_space("GetCompanyDeliveryAddresses") == "address"
    assert operation_space("JobGet") == "job"
    assert operation_space("ListCountries") is None
    assert operation_space("LoginPost") == "customer"
    assert id_space("Id", ("Companies",), "GetCustomer") == "company"
    assert id_space("Id", (), "GetCustomer") == "customer"
    assert id_space("Key", ("Accounts",), "GetCustomer") == "account-key"
    assert id_space("JobId", (), "ImportCustomers") == "job"
    assert id_space("ParentId", ("Pricelists",), "ListPricelists") == "pricelist"
    assert id_space("Code", (), "GetCustomer") is None
    assert id_space("Key", ("Messages",), "ImportCustomers") is None  # a message key, not an entity's Key
    assert id_space("Id", ("ArrayOfCustomer", "Customer"), "SearchCustomers") == "customer"
    assert xml_id_space("int", ("Customer", "PricelistIds"), "GetCustomer") == "pricelist"
    assert parameter_space("id", "GetCompany") == "company"
    assert parameter_space("customerId", "GetCompanyCustomers") == "customer"
    assert parameter_space("code", "GetCustomerByCode") is None


def test_the_map_learns_per_space_and_the_first_pairing_wins() -> None:
    ids = IdMap()
    ids.learn("customer", 3005, 5)
    ids.learn("company", 3005, 9)
    ids.learn("customer", 3005, 6)  # a later, different pairing does not replace the first
    ids.learn("customer", None, 7)  # nothing to learn from a missing id
    assert ids.lookup("customer", "3005") == "5"
    assert ids.lookup("company", "3005") == "9"
    assert ids.lookup("address", "3005") is None


def test_query_parameters_are_rewritten_and_every_other_byte_kept() -> None:
    ids = IdMap()
    ids.learn("company", 3005, 5)
    ids.learn("customer", 4000, 12)
    query = "id=3005&code=a%2Fb&customerId=4000&other=3005"
    assert ids.rewrite_query(query, "GetCompany") == "id=5&code=a%2Fb&customerId=12&other=3005"
    assert ids.rewrite_query("id=3005", "GetCustomer") == "id=3005"  # a customer id the map does not know


def test_json_bodies_are_rewritten_by_context_and_untouched_bodies_keep_their_bytes() -> None:
    ids = IdMap()
    ids.learn("customer", 4000, 12)
    ids.learn("company", 3005, 5)
    ids.learn("pricelist", 77, 2)
    body = {"Id": 4000, "Code": "x", "Companies": [{"Id": 3005}], "PricelistIds": [77, 78]}
    rewritten = json.loads(ids.rewrite_body(json.dumps(body).encode(), "application/json", "UpdateCustomer"))
    assert rewritten == {"Id": 12, "Code": "x", "Companies": [{"Id": 5}], "PricelistIds": [2, 78]}
    untouched = b'{ "Id" : 1,  "Code": "keep   my spacing" }'
    assert ids.rewrite_body(untouched, "application/json", "UpdateCustomer") == untouched
    assert ids.rewrite_body(b"[{broken", "application/json", "UpdateCustomer") == b"[{broken"


def test_xml_bodies_are_rewritten_by_their_element_stack() -> None:
    ids = IdMap()
    ids.learn("customer", 4000, 12)
    ids.learn("company", 4000, 5)
    body = b"<Customer><Id>4000</Id><Companies><Company><Id>4000</Id></Company></Companies></Customer>"
    rewritten = ids.rewrite_body(body, "application/xml", "UpdateCustomer")
    expected = b"<Customer><Id>12</Id><Companies><Company><Id>5</Id></Company></Companies></Customer>"
    assert rewritten == expected
    broken = b"<Customer><Id>4000</Id><Companies></Customer>"
    assert ids.rewrite_body(broken, "application/xml", "UpdateCustomer") == broken


def test_ids_inside_texts_follow_the_map_when_unambiguous() -> None:
    ids = IdMap()
    ids.learn("customer", 3001, 1)
    ids.learn("job", 17, 4)  # shorter than three characters: not rewritten inside texts
    assert ids.in_text("customer 3001 updated by job 17") == "customer 1 updated by job 17"
    assert ids.in_text("nct-ab12-3001x") == "nct-ab12-3001x"  # not a whole word


def test_an_id_meaning_two_things_is_left_alone_in_texts() -> None:
    ids = IdMap()
    ids.learn("customer", 1051, 1051)
    ids.learn("address", 1051, 1052)  # the same number, another entity, another pairing
    ids.learn("company", 5020, 5021)
    assert ids.in_text("Customer 1051 is the last customer of company 5020.") == (
        "Customer 1051 is the last customer of company 5021."
    )
