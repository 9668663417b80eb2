"""State: indexed lookups agree with a full scan after any mix of writes, and ``atomic`` undoes a failed block
exactly (entities, relations and their order, catalogues), so item-level atomicity costs no fork per item."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.domain.ids import IdSource
from emulator.domain.model import Account, Company, Customer
from emulator.domain.state import State

CODES = st.sampled_from(["A", "B", "C", None])


def scan_customers(state: State, predicate) -> list[int]:
    return [c.id for c in state.customers.values() if predicate(c)]


def new_state(customers: int = 4, companies: int = 3) -> State:
    state = State()
    for i in range(1, customers + 1):
        state.put_customer(Customer(id=i, key=f"KEY-{i}", code=f"c{i}", email_address=f"{i}@x.test"))
    for i in range(1, companies + 1):
        state.put_company(Company(id=i, key=f"CKEY-{i}", code=f"k{i}", organization_no=f"55{i}"))
    state.seal()
    return state


# One write: (kind, entity id 1-4, field, value).
writes = st.lists(
    st.tuples(
        st.sampled_from(["edit", "put", "account"]),
        st.integers(1, 4),
        st.sampled_from(["code", "email_address", "social_security_number"]),
        CODES,
    ),
    max_size=12,
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(writes=writes, fail=st.booleans())
def test_indexed_lookups_match_a_full_scan_inside_and_after_atomic_blocks(writes, fail) -> None:
    state = new_state()
    before = copy.deepcopy(state.customers)

    def check() -> None:
        for code in ("A", "B", "C", "c1", "c2"):
            expected = scan_customers(state, lambda c, code=code: c.code == code)
            found = state.customer_by_code(code)
            assert (found.id if found else None) == (expected[0] if expected else None)
            assert [c.id for c in state.customers_by_ssn(code)] == scan_customers(
                state, lambda c, code=code: c.social_security_number == code
            )
            owner = state.customer_by_login_name(f"login-{code}")
            assert (owner.id if owner else None) == next(
                iter(
                    scan_customers(
                        state, lambda c, code=code: any(a.login_name == f"login-{code}" for a in c.accounts)
                    )
                ),
                None,
            )

    with pytest.raises(RuntimeError) if fail else _nothing(), state.atomic():
        for kind, entity_id, name, value in writes:
            if kind == "put":
                entity = Customer(id=entity_id + 10, key=f"NEW-{entity_id}")
                state.put_customer(entity)
            else:
                entity = state.edit_customer(entity_id)
            if kind == "account" and value is not None:
                entity.accounts.append(Account(id=100 + entity_id, key="k", login_name=f"login-{value}"))
            setattr(entity, name, value)  # mutated after the edit call: the index must still see it
            check()
        if fail:
            raise RuntimeError("item failed")
    check()
    if fail:
        assert state.customers == before


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_a_failed_block_restores_relations_in_their_old_order_and_the_primary_flag() -> None:
    state = new_state()
    for company_id in (1, 2, 3):
        state.add_relation(1, company_id)
    state.set_primary_company(1, 2)
    state.seal()
    relations_before = list(state.relations.items())
    companies_before = [c.id for c in state.companies_of_customer(1)]
    with pytest.raises(RuntimeError), state.atomic():
        state.remove_relation(1, 2)  # the primary one: another becomes primary
        state.add_relation(1, 2)  # back, but at the end
        state.add_relation(2, 1)
        raise RuntimeError("item failed")
    assert list(state.relations.items()) == relations_before
    assert [c.id for c in state.companies_of_customer(1)] == companies_before
    assert state.relations_of_customer(2) == []
    assert [r.customer_id for r in state.relations_of_company(1)] == [1]


def test_a_failed_block_leaves_earlier_entities_untouched_and_forgets_new_reference_codes() -> None:
    state = new_state()
    original = state.customers[1]
    flags_before = copy.deepcopy(state.catalogues)
    with pytest.raises(RuntimeError), state.atomic():
        state.edit_customer(1).first_name = "Changed"
        state.edit_company(1).code = "moved"
        state.reference_id("customer_flags", "brand-new-flag", IdSource(0))
        raise RuntimeError("item failed")
    assert state.customers[1] is original and original.first_name is None
    assert state.company_by_code("k1") is state.companies[1]
    assert state.company_by_code("moved") is None
    assert state.catalogues == flags_before


def test_a_committed_block_keeps_its_changes_and_a_fork_does_not_see_later_parent_edits() -> None:
    state = new_state()
    with state.atomic():
        state.edit_customer(2).code = "renamed"
        state.put_company(Company(id=9, key="CKEY-9", code="k9", parent_id=1))
    assert state.customer_by_code("renamed") is state.customers[2]
    assert state.customer_by_code("c2") is None
    assert [c.id for c in state.companies_by_parent(1)] == [9]
    child = state.fork()
    state.edit_customer(3).code = "parent-only"
    assert state.customer_by_code("parent-only") is state.customers[3]
    assert child.customer_by_code("parent-only") is None
    assert child.customer_by_code("c3") is child.customers[3]


def test_atomic_blocks_do_not_nest() -> None:
    state = new_state()
    with state.atomic(), pytest.raises(RuntimeError, match="nest"), state.atomic():
        pass
