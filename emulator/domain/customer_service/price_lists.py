"""PriceLists: a company's price lists, price rules, price-list items (echoed: no product catalogue here)."""

from __future__ import annotations

from typing import Any

from .. import customer_views as views
from ..errors import BusinessError, NotFound
from ..state import State
from .shared import Group, Plain


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

    def InsertCompanyPricelist2(self, company_id: int, body: Any = None, **_unused: Any) -> list[Plain]:
        """An existing price list (by Id, else by Agreement code) is connected; otherwise it is created."""
        data = body if isinstance(body, dict) else {}
        with self.store.transaction() as state:
            company = self.shared.editable_company(state, company_id)
            item = state.reference_by_id("price_lists", views.integer(data, "Id") or -1)
            code = views.text(data, "Agreement") or views.text(data, "Name")
            if item is None and code:
                item = state.reference_by_code("price_lists", code)
            if item is None:
                if not code:
                    raise BusinessError("PricelistMissing", "A new price list needs a Name or Agreement.")
                state.reference_id("price_lists", code, self.store.ids)
                item = state.reference_by_code("price_lists", code)
                assert item is not None  # just registered
                item.name = views.text(data, "Name") or code
                item.description = views.text(data, "Description")
            if data.get("IsActive") is False:
                company.price_lists = [c for c in company.price_lists if c != item.code]
            elif item.code not in company.price_lists:
                company.price_lists.append(item.code)
        return self._company_pricelists(company_id)

    InsertCompanyPricelist = InsertCompanyPricelist2
    UpdateCompanyPricelist2 = InsertCompanyPricelist2
    UpdateCompanyPricelist = InsertCompanyPricelist2

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

    def GetPricelistItem(self, part_no: str, pricelist_id: int, **_unused: Any) -> Plain | None:
        return None  # price list items belong to the product catalogue, which the emulator does not hold

    def InsertPricelistItem(self, body: Any = None, **_unused: Any) -> Plain:
        data = body if isinstance(body, dict) else {}
        pricelist_id = views.integer(data, "PricelistId")
        if self.shared.read(lambda s: s.reference_by_id("price_lists", pricelist_id or -1)) is None:
            raise NotFound("PricelistMissing", f"Price list {pricelist_id!r} does not exist.")
        return {
            "PartNo": views.text(data, "PartNo"),
            "PricelistId": pricelist_id,
            "Price": data.get("Price", 0),
            "PriceRecommended": data.get("PriceRecommended"),
            "IsActive": data.get("IsActive", True),
            "PriceRule": data.get("PriceRule"),
        }

    UpdatePricelistItem = InsertPricelistItem
