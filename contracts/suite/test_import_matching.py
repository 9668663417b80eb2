"""An import item is matched by the first identifier it carries (docs/norce-facts.md §2A, the member rows of
Company and Customer; §4.1 "Matching"): Id first, then Code, then OrganizationNo (a company) or EmailAddress
(a customer; without SearchOnlyByCode).

Each case creates two entities, A and B, then imports one item whose first identifier names A and whose next
one names B, changing one member the header lists (FirstName, Name; the identifiers themselves are not
listed, so nothing but that member is written). A must change and B must not (IMP-MATCHING). The OrgNo case
sends OrganizationNo alone: it must still find A. Every case runs with a JSON and with an XML body.

On a shared tenant an import may name an entity by Id only once a 1.1 answer has shown that entity with a
run-owned Code (README "Safety on a shared tenant"): the Id cases read A and B back first, so they run there
too.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.entities import COMPANIES, CUSTOMERS, entity_by_code, insert_header, new_entity
from contracts.suite.flows import (
    BODY_IDS,
    BODY_TYPES,
    Import,
    compact,
    company_header,
    customer_header,
    explain,
    run_import,
    run_imports,
)
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]

CHANGED = {CUSTOMERS: "FirstName", COMPANIES: "Name"}
# The identifier the item leads with, and the one after it that names B (None: the leading one alone).
CASES = [
    (CUSTOMERS, "Id", "Code"),
    (CUSTOMERS, "Code", "EmailAddress"),
    (COMPANIES, "Id", "Code"),
    (COMPANIES, "Code", "OrganizationNo"),
    (COMPANIES, "OrganizationNo", None),
]


def identifier(operation: str, entity: dict[str, Any], read: dict[str, Any], name: str) -> Any:
    """An entity's identifier as an import names it: the Id from the 1.1 read, the others as sent."""
    return read["Id"] if name == "Id" else entity[name]


@pytest.mark.parametrize(
    ("operation", "first", "then"), CASES, ids=[f"{op}-{a}-before-{b}" for op, a, b in CASES]
)
def test_an_item_is_matched_by_its_first_identifier(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    operation: str,
    first: str,
    then: str | None,
    body: str,
) -> None:
    a, b = new_entity(operation, run_namespace), new_entity(operation, run_namespace)
    run_imports(norce, [Import(operation, [a, b], insert_header(operation), body)], seed=norce_seed)
    read_a = entity_by_code(norce, operation, a["Code"], seed=norce_seed)
    read_b = entity_by_code(norce, operation, b["Code"], seed=norce_seed)
    assert read_a is not None and read_b is not None, "the two entities were not created"

    member = CHANGED[operation]
    item: dict[str, Any] = {first: identifier(operation, a, read_a, first), member: f"Matched {a[member]}"}
    if then is not None:
        item[then] = identifier(operation, b, read_b, then)
    if operation == COMPANIES:
        item["ApplicationKey"] = a["ApplicationKey"]
    # Only the changed member is listed: an identifier that is not listed is not written.
    header = customer_header(member) if operation == CUSTOMERS else company_header(member)
    outcome = run_import(norce, operation, [item], header, seed=norce_seed, media_type=body)
    context = explain(norce, outcome.response, operation=operation, seed=norce_seed)
    after_a = entity_by_code(norce, operation, a["Code"], seed=norce_seed) or {}
    after_b = entity_by_code(norce, operation, b["Code"], seed=norce_seed) or {}
    read_member = member  # FirstName and Name keep their names in 1.1 (docs/norce-facts.md §2C mapping)
    judge(
        "IMP-MATCHING",
        after_a.get(read_member) == item[member] and after_b.get(read_member) == read_b.get(read_member),
        f"{operation}: an item with {compact(item)} must update A ({a['Code']}) by its {first}: A's "
        f"{read_member} is {after_a.get(read_member)!r}, B's ({b['Code']}) {after_b.get(read_member)!r} "
        f"(was {read_b.get(read_member)!r}); job {compact(outcome.job)}{context}",
        operation=operation,
        media_type=body,
    )
