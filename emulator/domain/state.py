"""The in-memory state, its indexed lookups and item-level atomicity.

Copy-on-write: a ``fork`` shares entity objects with its parent until ``edit_customer``/``edit_company``
copies one, so a discarded fork leaves the parent untouched. Rule for writers: never mutate an entity
obtained by a lookup; call ``edit_*`` and mutate the copy, or put a new entity in with ``put_*``.

``atomic()`` gives one import item all-or-nothing semantics without forking: it journals each container entry
it replaces and puts them back if the block raises. Forking per item copied every dict and made a 10,000-item
import quadratic (docs/benchmarks.md).

Lookups by code, e-mail, org no and the like go through indexes. An entity handed out by ``edit_*``/``put_*``
may still be mutated by its writer, so its id stays "touched" and is re-indexed before every indexed lookup
until the current atomic block ends or the state is sealed; that keeps the indexes exact without the writer
having to report each field it changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .catalogues import CATALOGUE_NAMES, seeded_catalogues
from .ids import IdSource
from .model import (
    Account,
    Catalogues,
    Company,
    Customer,
    CustomerCompanyRelation,
    Job,
    ReferenceItem,
    from_plain,
    to_plain,
)

RelationKey = tuple[int, int]  # (customer_id, company_id)
E = TypeVar("E")
_MISSING: Any = object()


class _Index(Generic[E]):
    """key -> ids of the entities that have that key now; ``keys_of`` names an entity's keys (None: none).

    Both maps hold immutable tuples, so ``copy`` (one per fork) is two shallow dict copies: a store of
    thousands of entities (the prepopulated-tenant variant) forks in microseconds, not milliseconds."""

    def __init__(self, keys_of: Callable[[E], Iterable[Hashable | None]]) -> None:
        self._keys_of = keys_of
        self._ids: dict[Hashable, tuple[int, ...]] = {}  # ascending ids
        self._keys: dict[int, tuple[Hashable, ...]] = {}

    def update(self, entity_id: int, entity: E | None) -> None:
        named = () if entity is None else dict.fromkeys(self._keys_of(entity))
        keys = tuple(key for key in named if key is not None)
        old = self._keys.get(entity_id, ())
        if keys == old:
            return
        for key in old:
            holders = tuple(i for i in self._ids.get(key, ()) if i != entity_id)
            if holders:
                self._ids[key] = holders
            else:
                self._ids.pop(key, None)
        for key in keys:
            self._ids[key] = tuple(sorted({*self._ids.get(key, ()), entity_id}))
        if keys:
            self._keys[entity_id] = keys
        else:
            self._keys.pop(entity_id, None)

    def ids(self, key: Hashable) -> list[int]:
        """Ascending, i.e. creation order (ids are issued in ascending order)."""
        return list(self._ids.get(key, ()))

    def copy(self) -> _Index[E]:
        twin: _Index[E] = _Index(self._keys_of)
        twin._ids = dict(self._ids)
        twin._keys = dict(self._keys)
        return twin


def _customer_indexes() -> dict[str, _Index[Customer]]:
    return {
        "code": _Index(lambda c: (c.code,)),
        "email": _Index(lambda c: (c.email_address,)),
        "key": _Index(lambda c: (c.key.lower(),)),
        "ssn": _Index(lambda c: (c.social_security_number,)),
        "login_name": _Index(lambda c: (a.login_name for a in c.accounts)),
        "account_id": _Index(lambda c: (a.id for a in c.accounts)),
    }


def _company_indexes() -> dict[str, _Index[Company]]:
    return {
        "code": _Index(lambda c: (c.code,)),
        "org_no": _Index(lambda c: (c.organization_no,)),
        "parent_id": _Index(lambda c: (c.parent_id,)),
    }


@dataclass
class _Savepoint:
    """What ``atomic`` needs to undo one block."""

    journal: list[tuple[str, Any, Any]] = field(default_factory=list)  # (container, key, previous value)
    journaled: set[tuple[str, Any]] = field(default_factory=set)
    owned_before: set[tuple[str, int]] = field(default_factory=set)
    touched_before: set[tuple[str, int]] = field(default_factory=set)
    catalogues_before: Catalogues | None = None
    owned_catalogues_before: bool = False
    relation_order: list[RelationKey] | None = None  # taken at the first relation removal


@dataclass
class State:
    customers: dict[int, Customer] = field(default_factory=dict)
    companies: dict[int, Company] = field(default_factory=dict)
    relations: dict[RelationKey, CustomerCompanyRelation] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    catalogues: Catalogues = field(default_factory=seeded_catalogues)
    # ids of entities this fork already owns (copied), so further edits need no copy
    _owned: set[tuple[str, int]] = field(default_factory=set, repr=False, compare=False)
    _owns_catalogues: bool = field(default=True, repr=False, compare=False)
    _touched: set[tuple[str, int]] = field(default_factory=set, repr=False, compare=False)
    _customer_index: dict[str, _Index[Customer]] = field(default_factory=dict, repr=False, compare=False)
    _company_index: dict[str, _Index[Company]] = field(default_factory=dict, repr=False, compare=False)
    _relations_of: dict[tuple[str, int], dict[RelationKey, None]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # owners whose `_relations_of` entry this state made itself; the others are shared with the parent and
    # copied before a change (copy-on-write, so a fork need not copy thousands of small dicts)
    _relations_owned: set[tuple[str, int]] = field(default_factory=set, repr=False, compare=False)
    _savepoint: _Savepoint | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._customer_index:
            self._rebuild_indexes()

    def _rebuild_indexes(self) -> None:
        self._customer_index = _customer_indexes()
        self._company_index = _company_indexes()
        for customer_id, customer in self.customers.items():
            for index in self._customer_index.values():
                index.update(customer_id, customer)
        for company_id, company in self.companies.items():
            for company_index in self._company_index.values():
                company_index.update(company_id, company)
        self._relations_of = {}
        for key in self.relations:
            self._link_relation(key)

    # --- forking, atomicity --------------------------------------------------------------------------------
    def fork(self) -> State:
        self._refresh_indexes()
        return State(
            customers=dict(self.customers),
            companies=dict(self.companies),
            relations=dict(self.relations),
            jobs=dict(self.jobs),
            catalogues=self.catalogues,  # shared until reference_id needs to register a code
            _owns_catalogues=False,
            _customer_index={name: index.copy() for name, index in self._customer_index.items()},
            _company_index={name: index.copy() for name, index in self._company_index.items()},
            _relations_of=dict(self._relations_of),
        )

    def seal(self) -> None:
        """After a commit: indexes made exact, nothing owned, catalogues shared with the next fork."""
        self._refresh_indexes()
        self._touched.clear()
        self._owned.clear()
        self._relations_owned.clear()  # the next fork shares them too
        self._owns_catalogues = False  # the next fork may share them; a writer copies first

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All or nothing: on an exception every change made inside the block is undone, then re-raised."""
        if self._savepoint is not None:
            raise RuntimeError("atomic blocks do not nest")
        savepoint = _Savepoint(
            owned_before=self._owned,
            touched_before=self._touched,
            catalogues_before=self.catalogues,
            owned_catalogues_before=self._owns_catalogues,
        )
        # inside the block every first edit copies, so the journal keeps the untouched original
        self._owned, self._touched, self._owns_catalogues = set(), set(), False
        self._savepoint = savepoint
        try:
            yield
        except BaseException:
            self._savepoint = None
            self._undo(savepoint)
            raise
        self._savepoint = None
        savepoint.owned_before.update(self._owned)  # in place: the owned set grows with every item
        self._owned = savepoint.owned_before
        if not self._owns_catalogues:
            self._owns_catalogues = savepoint.owned_catalogues_before
        self._refresh_indexes()
        self._touched = savepoint.touched_before

    def _undo(self, savepoint: _Savepoint) -> None:
        containers: dict[str, dict[Any, Any]] = {
            "customer": self.customers,
            "company": self.companies,
            "job": self.jobs,
            "relation": self.relations,
        }
        for container, key, previous in reversed(savepoint.journal):
            if previous is _MISSING:
                containers[container].pop(key, None)
            else:
                containers[container][key] = previous
            if container in ("customer", "company"):
                self._touched.add((container, key))
        if savepoint.relation_order is not None:  # a removed relation goes back to its old place
            order = [key for key in savepoint.relation_order if key in self.relations]
            self.relations = {key: self.relations[key] for key in order} | self.relations
        if any(container == "relation" for container, _, _ in savepoint.journal):
            self._relations_of = {}
            for key in self.relations:
                self._link_relation(key)
        self._owned = savepoint.owned_before
        if savepoint.catalogues_before is not None:
            self.catalogues = savepoint.catalogues_before
        self._owns_catalogues = savepoint.owned_catalogues_before
        self._refresh_indexes()
        self._touched = savepoint.touched_before

    def _journal(self, container: str, key: Any, previous: Any) -> None:
        savepoint = self._savepoint
        if savepoint is not None and (container, key) not in savepoint.journaled:
            savepoint.journaled.add((container, key))
            savepoint.journal.append((container, key, previous))

    # --- writes --------------------------------------------------------------------------------------------
    def edit_customer(self, customer_id: int) -> Customer:
        self._touched.add(("customer", customer_id))
        if ("customer", customer_id) not in self._owned:
            original = self.customers[customer_id]
            self._journal("customer", customer_id, original)
            self.customers[customer_id] = copy.deepcopy(original)
            self._owned.add(("customer", customer_id))
        return self.customers[customer_id]

    def edit_company(self, company_id: int) -> Company:
        self._touched.add(("company", company_id))
        if ("company", company_id) not in self._owned:
            original = self.companies[company_id]
            self._journal("company", company_id, original)
            self.companies[company_id] = copy.deepcopy(original)
            self._owned.add(("company", company_id))
        return self.companies[company_id]

    def edit_job(self, job_id: int) -> Job:
        if ("job", job_id) not in self._owned:
            original = self.jobs[job_id]
            self._journal("job", job_id, original)
            self.jobs[job_id] = copy.deepcopy(original)
            self._owned.add(("job", job_id))
        return self.jobs[job_id]

    def put_customer(self, customer: Customer) -> None:
        self._journal("customer", customer.id, self.customers.get(customer.id, _MISSING))
        self.customers[customer.id] = customer
        self._owned.add(("customer", customer.id))
        self._touched.add(("customer", customer.id))

    def put_company(self, company: Company) -> None:
        self._journal("company", company.id, self.companies.get(company.id, _MISSING))
        self.companies[company.id] = company
        self._owned.add(("company", company.id))
        self._touched.add(("company", company.id))

    def put_job(self, job: Job) -> None:
        self._journal("job", job.id, self.jobs.get(job.id, _MISSING))
        self.jobs[job.id] = job
        self._owned.add(("job", job.id))

    # --- indexes -------------------------------------------------------------------------------------------
    def _refresh_indexes(self) -> None:
        for kind, entity_id in self._touched:
            if kind == "customer":
                customer = self.customers.get(entity_id)
                for customer_index in self._customer_index.values():
                    customer_index.update(entity_id, customer)
            else:
                company = self.companies.get(entity_id)
                for company_index in self._company_index.values():
                    company_index.update(entity_id, company)

    def _customers_with(self, index: str, key: Hashable) -> list[Customer]:
        self._refresh_indexes()
        return [self.customers[i] for i in self._customer_index[index].ids(key)]

    def _companies_with(self, index: str, key: Hashable) -> list[Company]:
        self._refresh_indexes()
        return [self.companies[i] for i in self._company_index[index].ids(key)]

    # --- customers -----------------------------------------------------------------------------------------
    def customer_by_id(self, customer_id: int) -> Customer | None:
        return self.customers.get(customer_id)

    def customer_by_code(self, code: str) -> Customer | None:
        return next(iter(self._customers_with("code", code)), None)

    def customer_by_email(self, email: str) -> Customer | None:
        return next(iter(self._customers_with("email", email)), None)

    def customer_by_key(self, key: str) -> Customer | None:
        return next(iter(self._customers_with("key", key.lower())), None)

    def customer_by_login_name(self, login_name: str) -> Customer | None:
        return next(iter(self._customers_with("login_name", login_name)), None)

    def customer_by_account_id(self, account_id: int) -> Customer | None:
        return next(iter(self._customers_with("account_id", account_id)), None)

    def customers_by_ssn(self, ssn: str) -> list[Customer]:
        return self._customers_with("ssn", ssn)

    def account_by_login_name(self, login_name: str) -> tuple[Customer, Account] | None:
        for customer in self._customers_with("login_name", login_name):
            for account in customer.accounts:
                if account.login_name == login_name:
                    return customer, account
        return None

    # --- companies -----------------------------------------------------------------------------------------
    def company_by_id(self, company_id: int) -> Company | None:
        return self.companies.get(company_id)

    def company_by_code(self, code: str) -> Company | None:
        return next(iter(self._companies_with("code", code)), None)

    def company_by_org_no(self, org_no: str) -> Company | None:
        return next(iter(self._companies_with("org_no", org_no)), None)

    def companies_by_org_no(self, org_no: str) -> list[Company]:
        return self._companies_with("org_no", org_no)

    def companies_by_parent(self, parent_id: int) -> list[Company]:
        return self._companies_with("parent_id", parent_id)

    def company_sharing_org_no_and_name(self, company: Company) -> Company | None:
        """Another company with this one's OrgNo and Name (docs/norce-facts.md §2C Company: "OrgNo + Name must
        be unique"); a company without an OrgNo shares nothing."""
        if not company.organization_no:
            return None
        return next(
            (
                other
                for other in self._companies_with("org_no", company.organization_no)
                if other.id != company.id and other.name == company.name
            ),
            None,
        )

    # --- relations -----------------------------------------------------------------------------------------
    def _owner_relations(self, owner: tuple[str, int]) -> dict[RelationKey, None]:
        """The owner's relation keys, made this state's own before it changes them."""
        keys = self._relations_of.get(owner)
        if keys is None or owner not in self._relations_owned:
            keys = self._relations_of[owner] = dict(keys or {})
            self._relations_owned.add(owner)
        return keys

    def _link_relation(self, key: RelationKey) -> None:
        self._owner_relations(("customer", key[0]))[key] = None
        self._owner_relations(("company", key[1]))[key] = None

    def _set_relation(self, key: RelationKey, relation: CustomerCompanyRelation) -> None:
        self._journal("relation", key, self.relations.get(key, _MISSING))
        self.relations[key] = relation
        self._link_relation(key)

    def _remove_relation(self, key: RelationKey) -> CustomerCompanyRelation | None:
        if key not in self.relations:
            return None
        savepoint = self._savepoint
        if savepoint is not None and savepoint.relation_order is None:
            savepoint.relation_order = list(self.relations)
        self._journal("relation", key, self.relations[key])
        for owner in (("customer", key[0]), ("company", key[1])):
            if owner in self._relations_of:
                self._owner_relations(owner).pop(key, None)
        return self.relations.pop(key)

    def relations_of_customer(self, customer_id: int) -> list[CustomerCompanyRelation]:
        """In insertion order; the primary one is flagged ``is_primary``."""
        return [self.relations[key] for key in self._relations_of.get(("customer", customer_id), ())]

    def relations_of_company(self, company_id: int) -> list[CustomerCompanyRelation]:
        return [self.relations[key] for key in self._relations_of.get(("company", company_id), ())]

    def companies_of_customer(self, customer_id: int) -> list[Company]:
        """Primary company first, then the others in relation order."""
        relations = sorted(self.relations_of_customer(customer_id), key=lambda r: not r.is_primary)
        return [self.companies[r.company_id] for r in relations if r.company_id in self.companies]

    def customers_of_company(self, company_id: int) -> list[Customer]:
        return [
            self.customers[r.customer_id]
            for r in self.relations_of_company(company_id)
            if r.customer_id in self.customers
        ]

    def add_relation(self, customer_id: int, company_id: int, is_primary: bool = False) -> None:
        existing = self.relations.get((customer_id, company_id))
        was_primary = existing is not None and existing.is_primary
        self._set_relation(
            (customer_id, company_id), CustomerCompanyRelation(customer_id, company_id, was_primary)
        )
        if is_primary or not any(r.is_primary for r in self.relations_of_customer(customer_id)):
            self.set_primary_company(customer_id, company_id)

    def remove_relation(self, customer_id: int, company_id: int) -> None:
        removed = self._remove_relation((customer_id, company_id))
        if removed is not None and removed.is_primary:
            remaining = self.relations_of_customer(customer_id)
            if remaining:
                self.set_primary_company(customer_id, remaining[0].company_id)

    def set_primary_company(self, customer_id: int, company_id: int) -> None:
        # relation objects are replaced, never mutated, so forks stay isolated
        for relation in self.relations_of_customer(customer_id):
            wanted = relation.company_id == company_id
            if relation.is_primary != wanted:
                self._set_relation(
                    (customer_id, relation.company_id),
                    CustomerCompanyRelation(customer_id, relation.company_id, wanted),
                )

    # --- reference tables ----------------------------------------------------------------------------------
    def reference_table(self, name: str) -> list[ReferenceItem]:
        if name not in CATALOGUE_NAMES:
            raise KeyError(name)
        table: list[ReferenceItem] = getattr(self.catalogues, name)
        return table

    def reference_by_code(self, name: str, code: str) -> ReferenceItem | None:
        return next((item for item in self.reference_table(name) if item.code == code), None)

    def reference_by_id(self, name: str, item_id: int) -> ReferenceItem | None:
        return next((item for item in self.reference_table(name) if item.id == item_id), None)

    def reference_id(self, name: str, code: str, ids: IdSource) -> int:
        """Id of ``code`` in table ``name``; an unknown code is registered (Connect imports may name new
        ones)."""
        existing = self.reference_by_code(name, code)
        if existing is not None:
            return existing.id
        self.own_catalogues()
        item = ReferenceItem(ids.next_id("reference"), code, code)
        self.reference_table(name).append(item)
        return item.id

    def own_catalogues(self) -> Catalogues:
        """The catalogues for a writer: copied first while shared with another state (copy-on-write)."""
        if not self._owns_catalogues:
            self.catalogues = copy.deepcopy(self.catalogues)
            self._owns_catalogues = True
        return self.catalogues

    # --- plain form ----------------------------------------------------------------------------------------
    def to_plain(self) -> dict[str, Any]:
        return {
            "customers": [to_plain(c) for c in self.customers.values()],
            "companies": [to_plain(c) for c in self.companies.values()],
            "relations": [to_plain(r) for r in self.relations.values()],
            "jobs": [to_plain(j) for j in self.jobs.values()],
            "catalogues": to_plain(self.catalogues),
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> State:
        customers = (from_plain(Customer, row) for row in data.get("customers", []))
        companies = (from_plain(Company, row) for row in data.get("companies", []))
        relations = (from_plain(CustomerCompanyRelation, row) for row in data.get("relations", []))
        jobs = (from_plain(Job, row) for row in data.get("jobs", []))
        state = cls(
            customers={c.id: c for c in customers},
            companies={c.id: c for c in companies},
            relations={(r.customer_id, r.company_id): r for r in relations},
            jobs={j.id: j for j in jobs},
        )
        if "catalogues" in data:
            state.catalogues = from_plain(Catalogues, data["catalogues"])
        return state
