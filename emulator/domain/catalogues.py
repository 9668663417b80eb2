"""Reference tables seeded at start. Ids are fixed here (not drawn from IdSource) so they are stable across
seeds; codes unknown to a table are registered on first use with ids from IdSource (see
State.reference_id)."""

from __future__ import annotations

from .model import Catalogues, ReferenceItem


def seeded_catalogues() -> Catalogues:
    item = ReferenceItem
    return Catalogues(
        account_roles=[
            item(1, "Administrator", "Administrator"),
            item(2, "User", "User"),
            item(3, "Buyer", "Buyer"),
        ],
        customer_flags=[
            item(11, "NEWSLETTER", "Newsletter", group_id=1, group_name="Marketing"),
            item(12, "VIP", "VIP customer", group_id=2, group_name="Segment"),
            item(13, "B2B", "Business customer", group_id=2, group_name="Segment"),
            item(14, "BLOCKED", "Blocked", group_id=3, group_name="Status"),
        ],
        company_flags=[
            item(21, "KEY-ACCOUNT", "Key account", group_id=4, group_name="Segment"),
            item(22, "RESELLER", "Reseller", group_id=4, group_name="Segment"),
            item(23, "CREDIT-HOLD", "Credit hold", group_id=5, group_name="Status"),
        ],
        customer_info_types=[
            item(31, "BIRTHDAY", "Birthday"),
            item(32, "SHOESIZE", "Shoe size"),
            item(33, "NOTE", "Note"),
        ],
        company_info_types=[
            item(41, "INDUSTRY", "Industry"),
            item(42, "EMPLOYEES", "Employees"),
            item(43, "NOTE", "Note"),
        ],
        price_lists=[
            item(51, "STANDARD", "Standard"),
            item(52, "RESELLER", "Reseller"),
            item(53, "OUTLET", "Outlet"),
        ],
        delivery_methods=[
            item(61, "POSTAL", "Postal"),
            item(62, "EXPRESS", "Express"),
            item(63, "PICKUP", "Pick-up in store"),
        ],
        payment_methods=[
            item(71, "INVOICE", "Invoice"),
            item(72, "CARD", "Card"),
            item(73, "PREPAY", "Prepayment"),
        ],
        countries=[
            item(81, "SE", "Sweden"),
            item(82, "NO", "Norway"),
            item(83, "DK", "Denmark"),
            item(84, "FI", "Finland"),
            item(85, "DE", "Germany"),
            item(86, "GB", "United Kingdom"),
            item(87, "US", "United States"),
            item(88, "NL", "Netherlands"),
        ],
        price_rules=[item(7, "STANDARD-PCT", "Use standard price, percent discount")],
    )


CATALOGUE_NAMES = (
    "account_roles",
    "customer_flags",
    "company_flags",
    "customer_info_types",
    "company_info_types",
    "price_lists",
    "delivery_methods",
    "payment_methods",
    "countries",
    "price_rules",
)
