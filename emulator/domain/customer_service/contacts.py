"""Contacts: Storm only, in neither Norce 1.1 nor the vendored spec, so never routed (PROVENANCE.md)."""

from __future__ import annotations

from typing import Any

from ..state import State
from .shared import Group, Plain


class Contacts(Group):
    def ListContactByCompany(self, id: int, **_unused: Any) -> list[Plain]:
        def pick(state: State) -> list[Plain]:
            company = state.company_by_id(id)
            return [{"Id": None, "Key": None, "Code": code} for code in company.contacts] if company else []

        return self.shared.read(pick)

    def ListContactResponsibilities(self, **_unused: Any) -> list[Plain]:
        return []
