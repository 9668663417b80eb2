"""InfoTypes: the customer and company info types."""

from __future__ import annotations

from typing import Any

from .. import customer_views as views
from .shared import Group, Plain


class InfoTypes(Group):
    def ListCustomerInfoTypes(self, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [views.id_value_view(i) for i in s.reference_table("customer_info_types")]
        )

    def ListCompanyInfoTypes(self, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [views.id_value_view(i) for i in s.reference_table("company_info_types")]
        )
