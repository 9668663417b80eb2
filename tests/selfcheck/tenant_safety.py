"""What a run did to a shared tenant, from the emulator's state before and after (`GET /_emulator/state`).

The four promises of a run on a shared tenant (README "Safety on a shared tenant"):
- nothing the run did not create is changed or removed;
- everything it created carries the run prefix (code, e-mail, login name or organisation number);
- nothing it created is left active;
- no relation it made is left behind.
`findings` lists each breach by entity, so a failing proof names what went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("customers", "companies")
# Members that name an entity: one of them must carry the run prefix for the entity to be the run's.
IDENTITY_MEMBERS = {"customers": ("code", "email_address"), "companies": ("code", "organization_no")}


@dataclass
class Findings:
    changed: list[str] = field(default_factory=list)  # pre-existing entities changed or removed
    unprefixed: list[str] = field(default_factory=list)  # created without the run prefix
    left_active: list[str] = field(default_factory=list)  # created and still active
    relations_left: list[str] = field(default_factory=list)  # relations the run made, still there
    created: dict[str, int] = field(default_factory=dict)  # how many of each kind the run created

    @property
    def clean(self) -> bool:
        return not (self.changed or self.unprefixed or self.left_active or self.relations_left)

    def summary(self) -> str:
        parts = [
            f"{len(self.changed)} pre-existing changed",
            f"{len(self.unprefixed)} created without the prefix",
            f"{len(self.left_active)} created left active",
            f"{len(self.relations_left)} relations left",
        ]
        made = ", ".join(f"{count} {kind}" for kind, count in self.created.items())
        return "; ".join(parts) + f" (created: {made or 'nothing'})"


def _by_id(state: dict[str, Any], kind: str) -> dict[int, dict[str, Any]]:
    return {int(entity["id"]): entity for entity in state.get(kind, [])}


def _relations(state: dict[str, Any]) -> set[tuple[int, int]]:
    return {(int(r["customer_id"]), int(r["company_id"])) for r in state.get("relations", [])}


def _label(kind: str, entity: dict[str, Any]) -> str:
    names = [str(entity.get(member)) for member in IDENTITY_MEMBERS[kind] if entity.get(member)]
    return f"{kind[:-1]} {entity['id']} ({', '.join(names) or 'no code'})"


def _carries_prefix(kind: str, entity: dict[str, Any], prefix: str) -> bool:
    values = [entity.get(member) for member in IDENTITY_MEMBERS[kind]]
    values += [account.get("login_name") for account in entity.get("accounts") or []]
    return any(isinstance(value, str) and value.startswith(prefix) for value in values)


def findings(before: dict[str, Any], after: dict[str, Any], prefix: str) -> Findings:
    result = Findings()
    created_ids: dict[str, set[int]] = {}
    for kind in KINDS:
        old, new = _by_id(before, kind), _by_id(after, kind)
        for entity_id, entity in old.items():
            if new.get(entity_id) != entity:
                state = "removed" if entity_id not in new else "changed"
                result.changed.append(f"{_label(kind, entity)} {state}")
        created = {entity_id: entity for entity_id, entity in new.items() if entity_id not in old}
        created_ids[kind] = set(created)
        result.created[kind] = len(created)
        for entity in created.values():
            if not _carries_prefix(kind, entity, prefix):
                result.unprefixed.append(_label(kind, entity))
            if entity.get("is_active") or any(a.get("is_active") for a in entity.get("accounts") or []):
                result.left_active.append(_label(kind, entity))
    old_relations, new_relations = _relations(before), _relations(after)
    for customer_id, company_id in sorted(old_relations - new_relations):
        result.changed.append(f"relation customer {customer_id} - company {company_id} removed")
    for customer_id, company_id in sorted(new_relations - old_relations):
        made_by_run = customer_id in created_ids["customers"] or company_id in created_ids["companies"]
        where = result.relations_left if made_by_run else result.changed
        where.append(f"relation customer {customer_id} - company {company_id}")
    return result
