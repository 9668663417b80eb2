"""The in-memory state and its lookups. A ``State`` can be forked cheaply (copy-on-write): a fork shares
entity
objects with its parent until ``edit_customer``/``edit_company`` copies one, so a discarded fork leaves
the parent
untouched. Rule for writers: never mutate an entity obtained by a lookup; call ``edit_*`` and mutate the copy,
or put a new entity in with ``put_*``."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

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

    # --- forking -----------------------------------------------------------------------------------------
    def fork(self) -> State:
        return State(
            customers=dict(self.customers),
            companies=dict(self.companies),
            relations=dict(self.relations),
            jobs=dict(self.jobs),
            catalogues=self.catalogues,  # shared until reference_id needs to register a code
            _owns_catalogues=False,
        )

    def edit_customer(self, customer_id: int) -> Customer:
        if ("customer", customer_id) not in self._owned:
            self.customers[customer_id] = copy.deepcopy(self.customers[customer_id])
            self._owned.add(("customer", customer_id))
        return self.customers[customer_id]

    def edit_company(self, company_id: int) -> Company:
        if ("company", company_id) not in self._owned:
            self.companies[company_id] = copy.deepcopy(self.companies[company_id])
            self._owned.add(("company", company_id))
        return self.companies[company_id]

    def edit_job(self, job_id: int) -> Job:
        if ("job", job_id) not in self._owned:
            self.jobs[job_id] = copy.deepcopy(self.jobs[job_id])
            self._owned.add(("job", job_id))
        return self.jobs[job_id]

    def put_customer(self, customer: Customer) -> None:
        self.customers[customer.id] = customer
        self._owned.add(("customer", customer.id))

    def put_company(self, company: Company) -> None:
        self.companies[company.id] = company
        self._owned.add(("company", company.id))

    def put_job(self, job: Job) -> None:
        self.jobs[job.id] = job
        self._owned.add(("job", job.id))

    # --- customers -----------------------------------------------------------------------------------------
    def customer_by_id(self, customer_id: int) -> Customer | None:
        return self.customers.get(customer_id)

    def customer_by_code(self, code: str) -> Customer | None:
        return next((c for c in self.customers.values() if c.code is not None and c.code == code), None)

    def customer_by_email(self, email: str) -> Customer | None:
        return next(
            (c for c in self.customers.values() if c.email_address is not None and c.email_address == email),
            None,
        )

    def customer_by_key(self, key: str) -> Customer | None:
        wanted = key.lower()
        return next((c for c in self.customers.values() if c.key.lower() == wanted), None)

    def customer_by_login_name(self, login_name: str) -> Customer | None:
        return next(
            (c for c in self.customers.values() if any(a.login_name == login_name for a in c.accounts)), None
        )

    def customer_by_account_id(self, account_id: int) -> Customer | None:
        return next((c for c in self.customers.values() if any(a.id == account_id for a in c.accounts)), None)

    def customers_by_ssn(self, ssn: str) -> list[Customer]:
        return [c for c in self.customers.values() if c.social_security_number == ssn]

    def account_by_login_name(self, login_name: str) -> tuple[Customer, Account] | None:
        for customer in self.customers.values():
            for account in customer.accounts:
                if account.login_name == login_name:
                    return customer, account
        return None

    # --- companies -----------------------------------------------------------------------------------------
    def company_by_id(self, company_id: int) -> Company | None:
        return self.companies.get(company_id)

    def company_by_code(self, code: str) -> Company | None:
        return next((c for c in self.companies.values() if c.code is not None and c.code == code), None)

    def company_by_org_no(self, org_no: str) -> Company | None:
        return next(
            (
                c
                for c in self.companies.values()
                if c.organization_no is not None and c.organization_no == org_no
            ),
            None,
        )

    def companies_by_org_no(self, org_no: str) -> list[Company]:
        return [c for c in self.companies.values() if c.organization_no == org_no]

    def companies_by_parent(self, parent_id: int) -> list[Company]:
        return [c for c in self.companies.values() if c.parent_id == parent_id]

    # --- relations -----------------------------------------------------------------------------------------
    def relations_of_customer(self, customer_id: int) -> list[CustomerCompanyRelation]:
        """In insertion order; the primary one is flagged ``is_primary``."""
        return [r for r in self.relations.values() if r.customer_id == customer_id]

    def relations_of_company(self, company_id: int) -> list[CustomerCompanyRelation]:
        return [r for r in self.relations.values() if r.company_id == company_id]

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
        self.relations[(customer_id, company_id)] = CustomerCompanyRelation(
            customer_id, company_id, was_primary
        )
        if is_primary or not any(r.is_primary for r in self.relations_of_customer(customer_id)):
            self.set_primary_company(customer_id, company_id)

    def remove_relation(self, customer_id: int, company_id: int) -> None:
        removed = self.relations.pop((customer_id, company_id), None)
        if removed is not None and removed.is_primary:
            remaining = self.relations_of_customer(customer_id)
            if remaining:
                self.set_primary_company(customer_id, remaining[0].company_id)

    def set_primary_company(self, customer_id: int, company_id: int) -> None:
        # relation objects are replaced, never mutated, so forks stay isolated
        for key, relation in list(self.relations.items()):
            if relation.customer_id == customer_id:
                wanted = relation.company_id == company_id
                if relation.is_primary != wanted:
                    self.relations[key] = CustomerCompanyRelation(customer_id, relation.company_id, wanted)

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
        if not self._owns_catalogues:
            self.catalogues = copy.deepcopy(self.catalogues)
            self._owns_catalogues = True
        item = ReferenceItem(ids.next_id("reference"), code, code)
        self.reference_table(name).append(item)
        return item.id

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
        state = cls()
        for row in data.get("customers", []):
            customer = from_plain(Customer, row)
            state.customers[customer.id] = customer
        for row in data.get("companies", []):
            company = from_plain(Company, row)
            state.companies[company.id] = company
        for row in data.get("relations", []):
            relation = from_plain(CustomerCompanyRelation, row)
            state.relations[(relation.customer_id, relation.company_id)] = relation
        for row in data.get("jobs", []):
            job = from_plain(Job, row)
            state.jobs[job.id] = job
        if "catalogues" in data:
            state.catalogues = from_plain(Catalogues, data["catalogues"])
        return state
