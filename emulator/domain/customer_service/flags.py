"""Flags: the customer and company flag lists."""

from __future__ import annotations

from typing import Any

from .. import customer_views as views
from .shared import Group, Plain


class Flags(Group):
    def ListCustomerFlags(self, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [views.customer_flag_view(f) for f in s.reference_table("customer_flags")]
        )

    def ListCompanyFlags(self, **_unused: Any) -> list[Plain]:
        return self.shared.read(
            lambda s: [views.customer_flag_view(f) for f in s.reference_table("company_flags")]
        )
