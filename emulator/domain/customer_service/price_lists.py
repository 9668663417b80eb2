"""PriceLists: a company's price lists, price rules, and the prices of part numbers in a list (kept with the
reference tables: there is no product catalogue here, so a PartNo is any text)."""

from __future__ import annotations

from typing import Any

from .. import customer_views as views
from ..errors import BusinessError, NotFound
from ..model import PricelistItem, ReferenceItem
from ..state import State
from .shared import Group, Plain


def _decimal(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rule(body: Plain) -> tuple[int | None, float | None]:
    rule = body.get("PriceRule")
    if not isinstance(rule, dict):
        return None, None
    return views.integer(rule, "RuleId"), _decimal(rule.get("Value"))


def _item_view(item: PricelistItem) -> Plain:
    rule = (
        None if item.price_rule_id is None else {"RuleId": item.price_rule_id, "Value": item.price_rule_value}
    )
    return {
        "PartNo": item.part_no,
        "PricelistId": item.pricelist_id,
        "Price": item.price,
        "PriceRecommended": item.price_recommended,
        "IsActive": item.is_active,
        "PriceRule": rule,
    }


class PriceLists(Group):
    def _company_pricelists(self, company_id: int) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            company = state.company_by_id(company_id)
            if company is None:
                return []
            items = (state.reference_by_code("price_lists", code) for code in company.price_lists)
            return [views.pricelist_view(item) for item in items if item is not None]

        return self.shared.read(pick)

    def ListCompanyPricelists(self, company_id: int, **_unused: Any) -> list[Plain]:
        return self._company_pricelists(company_id)

    def GetCompanyPricelist(self, company_id: int, pricelist_id: int, **_unused: Any) -> Plain | None:
        return next((p for p in self._company_pricelists(company_id) if p["Id"] == pricelist_id), None)

    def _existing(self, operation: str, state: State, data: Plain) -> ReferenceItem | None:
        """The list the body names: by Id, else by its Agreement code or Name."""
        if operation == "InsertCompanyPricelist2" and self.faults.is_on(
            "cs-insert-company-pricelist2-duplicates-existing"
        ):
            return None
        found = state.reference_by_id("price_lists", views.integer(data, "Id") or -1)
        code = views.text(data, "Agreement") or views.text(data, "Name")
        if found is None and code:
            found = state.reference_by_code("price_lists", code)
        return found

    def _create(self, state: State, data: Plain) -> ReferenceItem:
        """A new list with the body's members; PriceRule 7 unless the body names another (NCL)."""
        code = views.text(data, "Agreement") or views.text(data, "Name")
        if not code:
            raise BusinessError("PricelistMissing", "A new price list needs a Name or Agreement.")
        if state.reference_by_code("price_lists", code) is not None:  # only under the duplicates fault
            code = f"{code}-{self.store.ids.next_id('reference')}"
        state.reference_id("price_lists", code, self.store.ids)
        item = state.reference_by_code("price_lists", code)
        assert item is not None  # just registered, in catalogues this state owns
        item.name = views.text(data, "Name") or code
        item.description = views.text(data, "Description")
        item.price_rule_id, item.price_rule_value = _rule(data)
        if item.price_rule_id is None and self.faults.is_on("cs-new-pricelist-default-rule-wrong"):
            item.price_rule_id = 1
        return item

    def _write(self, operation: str, company_id: int, body: Any) -> list[Plain]:
        """Insert*: an existing price list (by Id, else by Agreement code) is connected, otherwise created.
        Update*: the same, creating a missing list; IsActive false removes it from the company."""
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            item = self._existing(operation, state, data) or self._create(state, data)
            removed = data.get("IsActive") is False and not self._inactive_kept(operation)
            if removed:
                company.price_lists = [c for c in company.price_lists if c != item.code]
            elif item.code not in company.price_lists:
                company.price_lists.append(item.code)
        return self._company_pricelists(company_id)

    def _inactive_kept(self, operation: str) -> bool:
        fault = {
            "UpdateCompanyPricelist2": "cs-update-company-pricelist2-inactive-kept",
            "UpdateCompanyPricelist": "cs-update-company-pricelist-inactive-kept",
        }.get(operation)
        return fault is not None and self.faults.is_on(fault)

    def InsertCompanyPricelist2(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        return self._write("InsertCompanyPricelist2", company_id, body)

    def InsertCompanyPricelist(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        return self._write("InsertCompanyPricelist", company_id, body)

    def UpdateCompanyPricelist2(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        return self._write("UpdateCompanyPricelist2", company_id, body)

    def UpdateCompanyPricelist(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        return self._write("UpdateCompanyPricelist", company_id, body)

    def DeleteCompanyPricelist(self, company_id: int, pricelist_id: int, **_unused: Any) -> list[Plain]:
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            item = state.reference_by_id("price_lists", pricelist_id)
            if item is None or item.code not in company.price_lists:
                raise NotFound("PricelistMissing", f"Company {company_id} has no price list {pricelist_id}.")
            company.price_lists = [c for c in company.price_lists if c != item.code]
        return self._company_pricelists(company_id)

    def ListPriceRules(self, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [views.id_name_description_view(r) for r in s.reference_table("price_rules")]
        )

    # --- the prices of part numbers ---
    def GetPricelistItem(self, part_no: str, pricelist_id: int, **_unused: Any) -> Plain | None:
        def pick(state: State) -> Plain | None:
            found = (
                i
                for i in state.catalogues.pricelist_items
                if (i.part_no, i.pricelist_id) == (part_no, pricelist_id)
            )
            item = next(found, None)
            return _item_view(item) if item else None

        return self.shared.read(pick)

    def _put_item(self, operation: str, body: Any) -> Plain:
        """The item as sent, stored under (PartNo, PricelistId): a second write of the pair replaces it."""
        data = body if isinstance(body, dict) else {}
        part_no, pricelist_id = views.text(data, "PartNo"), views.integer(data, "PricelistId")
        rule_id, rule_value = _rule(data)
        item = PricelistItem(
            part_no=part_no or "",
            pricelist_id=pricelist_id or 0,
            price=_decimal(data.get("Price")) or 0,
            price_recommended=_decimal(data.get("PriceRecommended")),
            is_active=data.get("IsActive") is not False,
            price_rule_id=rule_id,
            price_rule_value=rule_value,
        )
        with self.store.transaction() as state:
            if state.reference_by_id("price_lists", pricelist_id or -1) is None:
                raise NotFound("PricelistMissing", f"Price list {pricelist_id!r} does not exist.")
            ignored = operation == "InsertPricelistItem" and self.faults.is_on(
                "cs-insert-pricelist-item-not-stored"
            )
            if not ignored:
                catalogues = state.own_catalogues()
                catalogues.pricelist_items = [
                    i
                    for i in catalogues.pricelist_items
                    if (i.part_no, i.pricelist_id) != (item.part_no, item.pricelist_id)
                ]
                catalogues.pricelist_items.append(item)
        return _item_view(item)

    def InsertPricelistItem(self, body: Any = None, **_unused: Any) -> Plain:
        return self._put_item("InsertPricelistItem", body)

    def UpdatePricelistItem(self, body: Any = None, **_unused: Any) -> Plain:
        return self._put_item("UpdatePricelistItem", body)
