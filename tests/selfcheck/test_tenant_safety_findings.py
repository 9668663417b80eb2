"""The shared-tenant proof's judge (tests/selfcheck/tenant_safety.py) sees every kind of breach."""

from __future__ import annotations

import copy
from typing import Any

from tests.selfcheck.tenant_safety import findings

PREFIX = "nct-run1-"


def customer(entity_id: int, code: str, *, active: bool = True, login: str | None = None) -> dict[str, Any]:
    accounts = [{"login_name": login, "is_active": active}] if login else []
    return {"id": entity_id, "code": code, "email_address": None, "is_active": active, "accounts": accounts}


def company(entity_id: int, code: str, *, active: bool = True) -> dict[str, Any]:
    return {"id": entity_id, "code": code, "organization_no": None, "is_active": active}


BEFORE: dict[str, Any] = {
    "customers": [customer(1, "K0000001")],
    "companies": [company(10, "F000001")],
    "relations": [{"customer_id": 1, "company_id": 10, "is_primary": True}],
}


def after(**changes: Any) -> dict[str, Any]:
    state = copy.deepcopy(BEFORE)
    for kind, extra in changes.items():
        state[kind] = [*state[kind], *extra]
    return state


def test_a_run_that_cleaned_up_after_itself_is_clean() -> None:
    state = after(
        customers=[customer(2, PREFIX + "c-1", active=False)], companies=[company(11, PREFIX + "co")]
    )
    state["companies"][-1]["is_active"] = False
    result = findings(BEFORE, state, PREFIX)
    assert result.clean, result.summary()
    assert result.created == {"customers": 1, "companies": 1}


def test_a_changed_or_removed_bystander_is_named() -> None:
    state = after()
    state["customers"][0]["is_active"] = False
    state["relations"] = []
    result = findings(BEFORE, state, PREFIX)
    assert result.changed == ["customer 1 (K0000001) changed", "relation customer 1 - company 10 removed"]


def test_created_without_prefix_or_left_active_is_named() -> None:
    state = after(customers=[customer(2, "C-1001", active=False), customer(3, PREFIX + "c-2", active=True)])
    result = findings(BEFORE, state, PREFIX)
    assert result.unprefixed == ["customer 2 (C-1001)"]
    assert result.left_active == [f"customer 3 ({PREFIX}c-2)"]


def test_an_active_login_of_an_inactive_customer_counts_as_left_active() -> None:
    created = customer(2, "", active=False, login=PREFIX + "u@example.com")
    created["accounts"][0]["is_active"] = True
    result = findings(BEFORE, after(customers=[created]), PREFIX)
    assert result.unprefixed == []  # the login name carries the prefix
    assert result.left_active == ["customer 2 (no code)"]


def test_relations_the_run_made_are_left_behind_and_new_ones_between_bystanders_are_changes() -> None:
    before = after(companies=[company(13, "F000003")])
    state = copy.deepcopy(before)
    state["customers"].append(customer(2, PREFIX + "c", active=False))
    state["relations"] += [
        {"customer_id": 2, "company_id": 10, "is_primary": False},
        {"customer_id": 1, "company_id": 13, "is_primary": False},
    ]
    result = findings(before, state, PREFIX)
    assert result.relations_left == ["relation customer 2 - company 10"]
    assert result.changed == ["relation customer 1 - company 13"]
