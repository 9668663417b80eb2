"""Customer Service 1.1 over the shared store: plain values in and out, no HTTP.

One module per service group of Norce's docs (the operation tags of openapi/customer-service-1.1.yaml), plus
the Storm-only Contacts group; `shared.py` holds what several groups use. `CustomerService` is the one object
the HTTP layer asks for the method of an operationId. Reads return None when nothing matches (Get*); write
operations refuse with the documented 400 keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.faults import Faults

from ..store import Store
from .accounts import Accounts
from .address import Address
from .companies import Companies
from .contacts import Contacts
from .customers import Customers
from .flags import Flags
from .info_types import InfoTypes
from .price_lists import PriceLists
from .shared import Group, Shared

GROUPS: tuple[type[Group], ...] = (
    Accounts,
    Address,
    Companies,
    Customers,
    Flags,
    InfoTypes,
    PriceLists,
    Contacts,
)


def _group_of_operation() -> dict[str, type[Group]]:
    found: dict[str, type[Group]] = {}
    for group in GROUPS:
        for name in group.operation_names():
            if name in found:
                raise TypeError(f"{name} is an operation of both {found[name].__name__} and {group.__name__}")
            found[name] = group
    return found


GROUP_OF_OPERATION = _group_of_operation()


class CustomerService:
    def __init__(self, store: Store, faults: Faults) -> None:
        shared = Shared(store, faults)
        self.store = store
        self.accounts = Accounts(shared)
        self.address = Address(shared)
        self.companies = Companies(shared)
        self.customers = Customers(shared)
        self.flags = Flags(shared)
        self.info_types = InfoTypes(shared)
        self.price_lists = PriceLists(shared)
        self.contacts = Contacts(shared)
        groups: tuple[Group, ...] = (
            self.accounts,
            self.address,
            self.companies,
            self.customers,
            self.flags,
            self.info_types,
            self.price_lists,
            self.contacts,
        )
        self._groups: dict[type[Group], Group] = {type(group): group for group in groups}

    @staticmethod
    def implements(operation_id: str) -> bool:
        return operation_id in GROUP_OF_OPERATION

    def operation(self, operation_id: str) -> Callable[..., Any]:
        """The method that runs `operation_id`; KeyError for an operation no group implements."""
        method: Callable[..., Any] = getattr(self._groups[GROUP_OF_OPERATION[operation_id]], operation_id)
        return method


__all__ = ["GROUPS", "GROUP_OF_OPERATION", "CustomerService"]
