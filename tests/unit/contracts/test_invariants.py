"""CS-INVARIANTS: the pure check judges hand-made 1.1 answers; the Schemathesis adapter raises its rule."""

from __future__ import annotations

import json

import pytest
import requests

from contracts.oracle.response_checks import (
    CustomerKeyMemo,
    info_id_problems,
    invariant_problems,
    invariants_apply,
)
from contracts.oracle.spec import CUSTOMER_SERVICE_SPEC
from contracts.oracle.xml_data import decode_body
from contracts.schemathesis_ext import register
from contracts.schemathesis_ext.checks import CHECKS, customer_key_memo, entity_invariants

JSON = "application/json"
XML = "application/xml"
KEY_A = "8f0c1a52-3c4e-4b6a-9d1e-2a7b5c9e0f11"
KEY_B = "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def _company(
    company_id: int, org_no: str | None = "5561234567", name: str = "Acme AB", **more: object
) -> dict[str, object]:
    return {"Id": company_id, "Key": KEY_B, "Code": f"co{company_id}", "Name": name, "OrgNo": org_no} | more


def _customer(customer_id: int, key: object = KEY_A, **more: object) -> dict[str, object]:
    return {"Id": customer_id, "Key": key, "Code": f"c{customer_id}", "Companies": []} | more


def test_distinct_entities_pass() -> None:
    customers = [_customer(1), _customer(2, KEY_B)]
    assert invariant_problems("ListCustomerByCompany3", 200, JSON, customers) == []
    companies = [_company(1), _company(2, name="Acme Holding AB")]  # OrgNo alone is not unique
    assert invariant_problems("ListCompaniesByOrgNo", 200, JSON, companies) == []
    # One entity listed twice breaks no invariant; neither does a not-found, an error or a Connect answer.
    assert invariant_problems("ListCustomerBySSN", 200, JSON, [_customer(1), _customer(1)]) == []
    assert invariant_problems("GetCustomer", 200, JSON, None) == []
    assert invariant_problems("GetCustomer", 400, JSON, [_customer(1), _customer(2)]) == []
    assert invariant_problems("JobList", 200, JSON, [{"Key": "x"}]) == []


def test_two_customers_with_one_key_in_an_answer() -> None:
    problems = invariant_problems(
        "ListCustomerByCompany", 200, JSON, [_customer(1), _customer(2, KEY_A.upper())]
    )
    assert problems == [
        f"Customer.Key {KEY_A} is held by 2 customers ([0] Id 1, [1] Id 2); a Key is unique across the system"
    ]


def test_two_companies_with_one_org_no_and_name() -> None:
    problems = invariant_problems(
        "ListCompaniesByOrgNo", 200, JSON, [_company(1), _company(2), _company(3, None)]
    )
    assert problems == [
        "OrgNo '5561234567' + Name 'Acme AB' are held by 2 companies ([0] Id 1, [1] Id 2); OrgNo + Name is "
        "unique"
    ]
    # Companies without an OrgNo are not judged; a Customer's Companies are.
    assert (
        invariant_problems("ListCompaniesByParent", 200, JSON, [_company(1, None), _company(2, None)]) == []
    )
    customer = _customer(7, Companies=[_company(1), _company(2)])
    assert invariant_problems("GetCustomer", 200, JSON, customer) == [
        "OrgNo '5561234567' + Name 'Acme AB' are held by 2 companies (<root>.Companies[0] Id 1, "
        "<root>.Companies[1] Id 2); OrgNo + Name is unique"
    ]


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, "<root>: Customer.Key is null; it is a GUID that is never null"),
        ("", "<root>: Customer.Key '' is not a GUID"),
        ("c7", "<root>: Customer.Key 'c7' is not a GUID"),
        (17, "<root>: Customer.Key 17 is not a GUID"),
    ],
)
def test_a_customer_key_is_a_guid(key: object, problem: str) -> None:
    assert invariant_problems("GetCustomerByCode", 200, JSON, _customer(1, key)) == [problem]


def test_a_company_key_is_a_guid() -> None:
    problems = invariant_problems("GetCompany", 200, JSON, _company(1, Key="co1"))
    assert problems == ["<root>: Company.Key 'co1' is not a GUID"]
    assert invariant_problems("GetCompany", 200, JSON, {"Id": 1, "Name": "no key member"}) == []


def test_the_memo_remembers_keys_across_answers() -> None:
    memo = CustomerKeyMemo()
    assert invariant_problems("GetCustomer", 200, JSON, _customer(1), memo) == []
    assert invariant_problems("ListCustomerBySSN", 200, JSON, [_customer(1)], memo) == []  # the same customer
    problems = invariant_problems("GetCustomerByKey", 200, JSON, _customer(2), memo)
    assert problems == [
        f"<root>: Customer.Key {KEY_A} of customer 2 was held by customer 1 in an earlier answer; a Key is "
        "unique across the system"
    ]
    # Without a memo (an answer that may echo its request) nothing is remembered or compared.
    assert invariant_problems("GetCustomer", 200, JSON, _customer(3)) == []


def test_the_memo_is_bounded_and_forgets_the_oldest_first() -> None:
    memo = CustomerKeyMemo(limit=2)
    keys = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(3)]
    for customer_id, key in enumerate(keys):
        assert memo.note(key, customer_id) is None
    assert len(memo) == 2
    assert memo.note(keys[0], 9) is None  # forgotten
    assert memo.note(keys[2], 9) == 2


def test_xml_answers_are_judged_as_decoded() -> None:
    ns = 'xmlns="Enferno.Services.Contracts.Expose.Customers"'
    companies = "".join(
        f"<Company><Id>{n}</Id><Key>{KEY_B}</Key><Name>Acme AB</Name><OrgNo>556</OrgNo></Company>"
        for n in (1, 2)
    )
    content = f"<CompanyList {ns}>{companies}</CompanyList>".encode()
    data = decode_body("ListCompaniesByOrgNo", 200, XML, content)
    assert len(invariant_problems("ListCompaniesByOrgNo", 200, XML, data)) == 1


def test_info_ids_come_from_the_info_types() -> None:
    customer = _customer(1, Info=[{"Id": 31, "Value": "x", "Code": "BIRTHDAY"}, {"Id": 0, "Code": "NOTE"}])
    assert info_id_problems("Customer", customer, [31, 32]) == [
        "Customer.Info[1].Id 0 (Code 'NOTE') is no id of ListCustomerInfoTypes"
    ]
    assert info_id_problems("Company", _company(1, Info=[{"Id": 41}]), {41}) == []
    assert info_id_problems("Company", None, {41}) == []


def test_entity_invariants_raises_the_rule_through_schemathesis() -> None:
    import schemathesis

    register()
    schema = schemathesis.openapi.from_path(str(CUSTOMER_SERVICE_SPEC))
    case = schema["/GetCustomer"]["GET"].Case(query={"id": 1})
    # A host of its own: the memo is per target origin, and no other test shares this one.
    request = requests.Request("GET", "http://invariants.test/GetCustomer?id=1").prepare()
    assert entity_invariants in CHECKS

    def answer(data: object) -> object:
        return schemathesis.Response(
            status_code=200,
            headers={"content-type": [JSON]},
            content=json.dumps(data).encode(),
            request=request,
            elapsed=0.01,
            verify=True,
        )

    assert entity_invariants(None, answer(_customer(1)), case) is None
    with pytest.raises(AssertionError, match=r"\[GetCustomer\] CS-INVARIANTS: .*held by customer 1"):
        entity_invariants(None, answer(_customer(2)), case)
    assert len(customer_key_memo("http://INVARIANTS.test/other")) == 1  # one memo per origin
    assert len(customer_key_memo("http://elsewhere.test/GetCustomer")) == 0


def test_the_invariants_apply_to_answers_of_customers_and_companies() -> None:
    assert invariants_apply("GetCustomer", 200, JSON) and invariants_apply("ListCompaniesByOrgNo", 200, XML)
    assert invariants_apply("InsertCompanyCustomer2", 200, JSON)  # a write answering Customer[]
    assert not invariants_apply("ListCustomerInfoTypes", 200, JSON)  # IdValue[]
    assert not invariants_apply("GetCustomer", 400, JSON) and not invariants_apply("JobGet", 200, JSON)
