"""Plain dataclasses for the emulator's state. Python attribute names are snake_case; serializers map them to
the Connect (EmailAddress, ...) and Customer Service 1.1 (Email, ...) names. Timestamps are ISO-8601 strings
(see ids.format_timestamp); entity collections that Connect identifies by Code are stored as codes.

``to_plain``/``from_plain`` turn every dataclass here into JSON-ready dicts and back (used for snapshots and
SQLite persistence).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

ACCOUNT_STATUS_ACTIVE = 1
ACCOUNT_STATUS_INACTIVE = 2

JOB_STATUS_INITIALIZED = 1
JOB_STATUS_SUCCEEDED = 2
JOB_STATUS_FAILED = 3
JOB_STATUS_VALIDATION_FAILED = 4

SEVERITY_INFORMATION = 1
SEVERITY_WARNING = 2
SEVERITY_ERROR = 3


@dataclass
class Address:
    id: int
    code: str | None = None
    care_of: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = None
    gln: str | None = None
    shipping_phone_number: str | None = None
    is_primary: bool | None = None
    is_validated: bool | None = None


@dataclass
class InfoValue:
    """AdditionalInfo (Connect) / Info (1.1): the info type is identified by code."""

    code: str
    value: str | None


@dataclass
class Account:
    id: int
    key: str
    login_name: str
    application_key: str | None = None
    password_hash: str | None = None
    is_active: bool = True
    roles: list[str] = field(default_factory=list)  # role codes (Administrator, User, Buyer)
    created: str | None = None
    updated: str | None = None

    @property
    def status(self) -> int:
        return ACCOUNT_STATUS_ACTIVE if self.is_active else ACCOUNT_STATUS_INACTIVE


@dataclass
class Customer:
    id: int
    key: str
    code: str | None = None
    email_address: str | None = None
    social_security_number: str | None = None
    title: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    cell_phone_number: str | None = None
    crm_id: str | None = None
    is_active: bool = True
    customer_type: int = 1  # 1 Customer, 2 CompanyContact
    application_key: str | None = None
    invoice_address: Address | None = None
    delivery_addresses: list[Address] = field(default_factory=list)
    use_invoice_address_as_delivery_address: bool = False
    accounts: list[Account] = field(default_factory=list)
    additional_info: list[InfoValue] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # flag codes
    # flag code -> the AccountId of the import that last wrote it (IsLimitedUpdate: docs/norce-facts.md §2A)
    flag_updated_by: dict[str, int] = field(default_factory=dict)
    price_lists: list[str] = field(default_factory=list)  # price list codes
    refer_id: int | None = None
    refer_url: str | None = None
    created: str | None = None
    updated: str | None = None
    # Whether an import wrote it first (only the fault import-customers-see-only-imported reads it).
    first_written_by_import: bool = False


@dataclass
class PaymentMethodLink:
    code: str
    invoice_capture_settings_code: str | None = None


@dataclass
class Discount:
    type: int  # 1 Category, 2 ProductDiscountClass, 3 ProductFlag
    value_code: str | None = None
    discount_percentage: float = 0.0
    price_list_type_id_seed: str | None = None


@dataclass
class Company:
    id: int
    key: str
    code: str | None = None
    organization_no: str | None = None
    name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    vat_no: str | None = None
    logo_image: dict[str, Any] | None = None
    parent_company_code: str | None = None
    parent_id: int | None = None  # resolved from parent_company_code when that company exists
    is_active: bool = True
    application_key: str | None = None
    invoice_address: Address | None = None
    delivery_addresses: list[Address] = field(default_factory=list)
    use_invoice_address_as_delivery_address: bool = False
    additional_info: list[InfoValue] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)  # contact codes
    delivery_methods: list[str] = field(default_factory=list)  # delivery method codes
    payment_methods: list[PaymentMethodLink] = field(default_factory=list)
    discounts: list[Discount] = field(default_factory=list)
    price_lists: list[str] = field(default_factory=list)  # price list codes
    flags: list[str] = field(default_factory=list)  # flag codes
    # flag code -> the AccountId of the import that last wrote it (IsLimitedUpdate: docs/norce-facts.md §2A)
    flag_updated_by: dict[str, int] = field(default_factory=dict)
    refer_id: int | None = None
    refer_url: str | None = None
    created: str | None = None
    updated: str | None = None


@dataclass
class CustomerCompanyRelation:
    customer_id: int
    company_id: int
    is_primary: bool = False


@dataclass
class ReferenceItem:
    """A row of a seeded reference table (roles, flags, info types, price lists, methods, countries)."""

    id: int
    code: str
    name: str
    group_id: int | None = None
    group_name: str | None = None
    description: str | None = None
    sort_order: int = 0
    # Price lists only: the PricelistPriceRule a 1.1 write gave the list (None: the default, rule 7).
    price_rule_id: int | None = None
    price_rule_value: float | None = None


@dataclass
class PricelistItem:
    """A price of one part number in one price list (1.1 InsertPricelistItem / UpdatePricelistItem)."""

    part_no: str
    pricelist_id: int
    price: float = 0
    price_recommended: float | None = None
    is_active: bool = True
    price_rule_id: int | None = None
    price_rule_value: float | None = None


@dataclass
class JobLogRow:
    severity_id: int
    message: str
    timestamp: str
    imported_row: str | None = None


@dataclass
class Job:
    id: int
    kind: str  # "ImportCustomers" | "ImportCompanies"
    status_id: int
    start: str
    last_updated: str
    storage_name: str | None = None
    totals: int = 0
    inserts: int = 0
    updates: int = 0
    fail: int = 0
    stop: str | None = None
    is_finished: bool = False
    log: list[JobLogRow] = field(default_factory=list)


@dataclass
class Catalogues:
    """Reference tables, seeded at start (see store.seed_catalogues)."""

    account_roles: list[ReferenceItem] = field(default_factory=list)
    customer_flags: list[ReferenceItem] = field(default_factory=list)
    company_flags: list[ReferenceItem] = field(default_factory=list)
    customer_info_types: list[ReferenceItem] = field(default_factory=list)
    company_info_types: list[ReferenceItem] = field(default_factory=list)
    price_lists: list[ReferenceItem] = field(default_factory=list)
    delivery_methods: list[ReferenceItem] = field(default_factory=list)
    payment_methods: list[ReferenceItem] = field(default_factory=list)
    countries: list[ReferenceItem] = field(default_factory=list)
    price_rules: list[ReferenceItem] = field(default_factory=list)
    pricelist_items: list[PricelistItem] = field(default_factory=list)  # written by 1.1, none seeded


# --- plain (JSON-ready) conversion -----------------------------------------------------------------------

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """Dataclass instances become dicts (recursively); lists and dicts are copied."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """Inverse of to_plain for the dataclasses in this module; unknown keys are ignored."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)


def _convert(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _convert(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        return [_convert(item_hint, item) for item in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_plain(hint, value)
    return value
