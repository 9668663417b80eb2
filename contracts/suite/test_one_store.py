"""Connect imports and Customer Service 1.1 read and write one store (docs/norce-facts.md §2C "Both APIs write
one store", F-MAP-ONE-STORE): a customer that 1.1 created is the one an import with its Code updates, and 1.1
reads the import's change back on that same customer (IMP-ONE-STORE, a recommendation: the docs imply it,
they do not say it). The import runs with a JSON and with an XML body.
"""

from __future__ import annotations

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.cs_entities import read_customer
from contracts.suite.entities import CUSTOMERS, update_header
from contracts.suite.flows import BODY_IDS, BODY_TYPES, JSON, account_id, explain, run_import
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]


def test_an_import_updates_the_customer_1_1_created(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, body: str
) -> None:
    code, email = run_namespace.code("one-store"), run_namespace.email("one-store")
    sent = {"Code": code, "Email": email, "FirstName": "Created", "LastName": "In 1.1"}
    created = norce.call("CreateCustomer", params={"createdBy": str(account_id())}, json=sent)
    context = explain(norce, created, operation="CreateCustomer", seed=norce_seed)
    assert created.status_code == 200 and isinstance(created.json(), dict), f"CreateCustomer failed{context}"
    customer_id = created.json().get("Id")
    assert isinstance(customer_id, int), f"CreateCustomer answered no Id{context}"

    update = {"Code": code, "FirstName": "Imported"}
    outcome = run_import(
        norce, CUSTOMERS, [update], update_header(CUSTOMERS, "FirstName"), seed=norce_seed, media_type=body
    )
    read = read_customer(norce, customer_id, accept=JSON, seed=norce_seed)
    first_name = (read.data or {}).get("FirstName")
    judge(
        "IMP-ONE-STORE",
        first_name == "Imported",
        f"an import with the Code {code} of the customer 1.1 created (Id {customer_id}) must update it: "
        f"GetCustomer reads FirstName {first_name!r}; job {outcome.job}{read.context}",
        operation=CUSTOMERS,
        media_type=body,
    )
