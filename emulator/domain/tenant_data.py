"""The prepopulated-tenant variant: a store that already holds customers and companies nobody in the run made.

A staging tenant is never empty. `populate` adds N customers and N/3 companies (3,000 and 1,000 by default),
drawn from the seed alone, so the same seed always yields the same tenant: names, e-mails, organisation
numbers, company relations (the primary first), parent companies, flags, info, price lists, delivery and
payment methods, invoice and delivery addresses and, for most customers, an account with roles. None of it is
in a run namespace (`nct-...`): codes look like an ERP's (`K0000123`, `F001234`).

The entities are built directly (not through the 1.1 operations) and put into the state in one commit; the
state's indexes keep lookups by code, e-mail, org no and login name constant-time. Every account shares one
password hash (PBKDF2 per account would make start-up take minutes); the password is `TENANT_PASSWORD`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from .ids import IdSource, format_timestamp
from .model import Account, Address, Company, Customer, InfoValue, PaymentMethodLink
from .state import State
from .store import Store, hash_password

TENANT_PASSWORD = "Tenant-Passw0rd"
CUSTOMER_CODE = "K{:07d}"
COMPANY_CODE = "F{:06d}"
FIRST_CUSTOMER_CODE = CUSTOMER_CODE.format(1)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST_NAMES = _words(
    "Anna Erik Maria Lars Karin Johan Sara Anders Emma Per Elin Nils Ingrid Olof Åsa Björn Linnéa Gustav "
    "Märta Sven Jonas Frida Mikael Ida"
)
_LAST_NAMES = _words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson "
    "Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Öberg"
)
_COMPANY_WORDS = _words(
    "Nordic Fjäll Skog Bygg Järn Sjö Berg Data Trä Kraft Vind Sol Hav Mark Elektro Verktyg Logistik Kontor "
    "Textil Livs"
)
_COMPANY_SUFFIXES = ("AB", "Handel AB", "Gruppen AB", "& Son AB", "Service AB", "Partner AB")
_CITIES = tuple(
    (city, country)
    for city, _, country in (
        entry.partition(":")
        for entry in _words(
            "Stockholm:SE Göteborg:SE Malmö:SE Uppsala:SE Borås:SE Oslo:NO Bergen:NO København:DK "
            "Aarhus:DK Helsinki:FI"
        )
    )
)
_STREETS = ("Storgatan", "Kungsgatan", "Drottninggatan", "Skolgatan", "Parkvägen", "Industrivägen")
_EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


def populate(store: Store, customers: int) -> bool:
    """Add the tenant's data (once): False when the store already holds it or `customers` is 0."""
    if customers <= 0:
        return False
    with store.reading() as state:
        if state.customer_by_code(FIRST_CUSTOMER_CODE) is not None:
            return False
    password_hash = hash_password(TENANT_PASSWORD)
    store.apply(lambda state: _populated(state, store.ids, store.seed, customers, password_hash))
    return True


def _populated(state: State, ids: IdSource, seed: int, customers: int, password_hash: str) -> State:
    rng = random.Random(f"prepopulated-tenant:{seed}")
    company_ids = [_add_company(state, ids, rng, number) for number in range(1, max(1, customers // 3) + 1)]
    for number in range(1, customers + 1):
        _add_customer(state, ids, rng, number, company_ids, password_hash)
    return state


def _moment(rng: random.Random) -> str:
    return format_timestamp(_EPOCH + timedelta(seconds=rng.randrange(4 * 365 * 24 * 3600)))


def _address(ids: IdSource, rng: random.Random, code: str | None) -> Address:
    city, country = rng.choice(_CITIES)
    return Address(
        id=ids.next_id("address"),
        code=code,
        address_line1=f"{rng.choice(_STREETS)} {rng.randrange(1, 120)}",
        zip_code=f"{rng.randrange(10000, 99999)}",
        city=city,
        country_code=country,
        is_validated=rng.random() < 0.5,
    )


def _codes(state: State, table: str, rng: random.Random, most: int) -> list[str]:
    items = state.reference_table(table)
    return [item.code for item in rng.sample(items, rng.randrange(0, min(most, len(items)) + 1))]


def _add_company(state: State, ids: IdSource, rng: random.Random, number: int) -> int:
    code = COMPANY_CODE.format(number)
    created = _moment(rng)
    company = Company(
        id=ids.next_id("company"),
        key=ids.new_key(),
        code=code,
        organization_no=f"{556000 + number:06d}-{rng.randrange(10000):04d}",
        name=f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_SUFFIXES)}",
        email_address=f"info{number}@foretag{number % 97}.example",
        phone_number=f"+46 8 {rng.randrange(100000, 999999)}",
        vat_no=f"SE{556000 + number:06d}{rng.randrange(1000, 9999)}01",
        invoice_address=_address(ids, rng, f"{code}-INV"),
        delivery_addresses=[_address(ids, rng, f"{code}-D{n}") for n in range(rng.randrange(0, 3))],
        flags=_codes(state, "company_flags", rng, 2),
        price_lists=_codes(state, "price_lists", rng, 2),
        delivery_methods=_codes(state, "delivery_methods", rng, 2),
        payment_methods=[PaymentMethodLink(c) for c in _codes(state, "payment_methods", rng, 2)],
        additional_info=[InfoValue("INDUSTRY", rng.choice(_COMPANY_WORDS))] if rng.random() < 0.4 else [],
        created=created,
        updated=created,
    )
    if number > 10 and rng.random() < 0.1:  # a subsidiary of an earlier company
        parent = state.company_by_code(COMPANY_CODE.format(rng.randrange(1, number)))
        if parent is not None:
            company.parent_company_code, company.parent_id = parent.code, parent.id
    state.put_company(company)
    return company.id


def _add_customer(
    state: State,
    ids: IdSource,
    rng: random.Random,
    number: int,
    company_ids: list[int],
    password_hash: str,
) -> None:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    email = f"{_ascii(first)}.{_ascii(last)}.{number}@kund.example".lower()
    created = _moment(rng)
    customer = Customer(
        id=ids.next_id("customer"),
        key=ids.new_key(),
        code=CUSTOMER_CODE.format(number),
        email_address=email,
        first_name=first,
        last_name=last,
        phone_number=f"+46 70 {rng.randrange(1000000, 9999999)}" if rng.random() < 0.7 else None,
        is_active=rng.random() < 0.95,
        invoice_address=_address(ids, rng, None),
        delivery_addresses=[_address(ids, rng, f"D{n}") for n in range(rng.randrange(0, 3))],
        flags=_codes(state, "customer_flags", rng, 2),
        price_lists=_codes(state, "price_lists", rng, 1),
        additional_info=[InfoValue("NOTE", f"customer since {created[:4]}")] if rng.random() < 0.3 else [],
        created=created,
        updated=created,
    )
    if rng.random() < 0.6:
        roles = ["User"] if rng.random() < 0.8 else ["Buyer", "Administrator"]
        customer.accounts = [
            Account(
                id=ids.next_id("account"),
                key=ids.new_key(),
                login_name=email,
                password_hash=password_hash,
                is_active=customer.is_active,
                roles=roles,
                created=created,
                updated=created,
            )
        ]
    state.put_customer(customer)
    related = rng.sample(company_ids, min(len(company_ids), rng.choice((0, 1, 1, 1, 2))))
    for position, company_id in enumerate(related):
        state.add_relation(customer.id, company_id, is_primary=position == 0)


def _ascii(name: str) -> str:
    return name.translate(str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE"))
