"""The entries of an import's nested lists, one by one (docs/norce-facts.md §2A "The smaller Connect types",
§4.1 "Matching" and "Lists and defaults"): per flag, IsActive, IsCreateOnly and IsLimitedUpdate; a nested
entry is identified by its Code, so sending it again updates it; an entry without its required members is
not written; IsActive of a nested entry defaults to true.

A 1.1 read shows a flag by id only (Id, Name, Group, IsSelected), so each flag's id is learnt from a probe
entity that carries that flag alone, imported in the same job. Flags, delivery and payment methods are the
target's reference data (contracts/suite/reference.py); info types and account roles are discovered through
1.1. Every test runs with a JSON and with an XML body.
"""

from __future__ import annotations

from typing import Any

import pytest

from contracts.reports.verdicts import judge
from contracts.suite.entities import (
    COMPANIES,
    CUSTOMERS,
    FLAG_KINDS,
    OPERATIONS,
    entity_by_code,
    insert_header,
    new_entity,
    selected_flag_ids,
    update_header,
    update_of,
)
from contracts.suite.flows import (
    BODY_IDS,
    BODY_TYPES,
    JSON,
    account_id,
    application_key,
    assert_job_counts,
    compact,
    read,
    read_conforming,
    run_import,
)
from contracts.suite.reference import record_left_out, reference_codes, require_codes
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

pytestmark = [
    pytest.mark.contract,
    pytest.mark.writes,
    pytest.mark.parametrize("body", BODY_TYPES, ids=BODY_IDS),
]

INFO_TYPES = {CUSTOMERS: "ListCustomerInfoTypes", COMPANIES: "ListCompanyInfoTypes"}


def info_type(norce: NorceClient, operation: str, seed: int) -> str | None:
    """The code of an info type the target offers (IdValue carries the Code), None when it offers none."""
    entries = read_conforming(norce, INFO_TYPES[operation], seed=seed, accept=JSON) or []
    return next((str(e["Code"]) for e in entries if isinstance(e, dict) and e.get("Code")), None)


def read_entity(norce: NorceClient, operation: str, item: dict[str, Any], seed: int) -> dict[str, Any]:
    entity = entity_by_code(norce, operation, item["Code"], seed=seed)
    assert entity is not None, (
        f"{item['Code']} was imported (counted) but {operation}'s 1.1 read answers null"
    )
    return entity


@pytest.mark.job_chain(2)  # the update needs the insert
@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_flag_entry_is_applied_on_its_own(
    norce: NorceClient, run_namespace: RunNamespace, norce_seed: int, operation: str, body: str
) -> None:
    """Per flag (docs/norce-facts.md §2A Flag, §4.1 "Flags"), with PreserveFlags so the flags not sent stay:
    IsActive false takes that flag off; IsCreateOnly changes nothing on a flag the entity already has, and
    adds one it has not; IsLimitedUpdate lets the account that last set the flag (the header's AccountId, the
    same in both imports) update it. A flag sent without IsActive is set (IMP-DEFAULTS: IsActive defaults to
    true)."""
    ns = run_namespace
    off, create_only, limited = require_codes(norce, ns, FLAG_KINDS[operation], 3)
    codes = (off, create_only, limited)
    probes = {code: new_entity(operation, ns, Flags=[{"Code": code}]) for code in codes}
    subject = new_entity(operation, ns, Flags=[{"Code": code} for code in codes])
    newcomer = new_entity(operation, ns, Flags=[{"Code": off}])
    items = [*probes.values(), subject, newcomer]
    created = run_import(
        norce, operation, items, insert_header(operation, "Flags"), seed=norce_seed, media_type=body
    )
    assert_job_counts(created, total=len(items), inserts=len(items), updates=0, fails=0)
    ids: dict[str, int] = {}
    for code, probe in probes.items():
        found = selected_flag_ids(read_entity(norce, operation, probe, norce_seed))
        judge(
            "IMP-DEFAULTS",
            len(found) == 1,
            f"{operation}: flag {code} sent without IsActive on {probe['Code']}, which reads flags {found}",
            operation=operation,
            media_type=body,
        )
        ids[code] = next(iter(found))
    before = selected_flag_ids(read_entity(norce, operation, subject, norce_seed))
    judge(
        "IMP-DEFAULTS",
        before == set(ids.values()),
        f"{operation}: flags {compact(ids)} sent without IsActive; {subject['Code']} reads flags {before}",
        operation=operation,
        media_type=body,
    )

    updates = [
        update_of(
            operation,
            subject,
            Flags=[
                {"Code": off, "IsActive": False},
                {"Code": create_only, "IsCreateOnly": True, "IsActive": False},
                {"Code": limited, "IsLimitedUpdate": True, "IsActive": False},
            ],
        ),
        update_of(operation, newcomer, Flags=[{"Code": create_only, "IsCreateOnly": True}]),
    ]
    header = update_header(operation, "Flags", "PreserveFlags")
    outcome = run_import(norce, operation, updates, header, seed=norce_seed, media_type=body)
    assert_job_counts(outcome, total=2, inserts=0, updates=2, fails=0)
    after = selected_flag_ids(read_entity(norce, operation, subject, norce_seed))
    grown = selected_flag_ids(read_entity(norce, operation, newcomer, norce_seed))
    problems = []
    if ids[off] in after:
        problems.append(f"{off}, sent with IsActive false, is still set")
    if ids[create_only] not in after:
        problems.append(
            f"{create_only}, already set, sent with IsCreateOnly (and IsActive false), was taken off"
        )
    if ids[limited] in after:
        problems.append(
            f"{limited}, sent with IsLimitedUpdate (and IsActive false) by the account that set it "
            f"(AccountId {account_id()}), is still set"
        )
    if grown != {ids[off], ids[create_only]}:
        problems.append(
            f"{newcomer['Code']} had {off} and was sent {create_only} with IsCreateOnly: expected flags "
            f"{sorted({ids[off], ids[create_only]})}, read {sorted(grown)}"
        )
    judge(
        "IMP-FLAG-ENTRY",
        not problems,
        f"{operation} (flag ids {compact(ids)}; {subject['Code']} read {sorted(before)} -> {sorted(after)}): "
        + "; ".join(problems),
        operation=operation,
        media_type=body,
    )


def company_payment_method(norce: NorceClient, company: dict[str, Any], seed: int) -> dict[str, Any] | None:
    """GetCompanyPaymentMethod of the company's one payment method (None when it has not exactly one)."""
    method_ids = company.get("PaymentMethodIds") or []
    if len(method_ids) != 1:
        return None
    found = read(
        norce, "GetCompanyPaymentMethod", seed=seed, paymentMethodId=method_ids[0], companyId=company["Id"]
    )
    return found if isinstance(found, dict) else None


@pytest.mark.job_chain(2)  # the update needs the insert
@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_nested_entry_sent_again_is_updated_by_code(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    request: pytest.FixtureRequest,
    operation: str,
    body: str,
) -> None:
    """Nested entries are identified by Code (docs/norce-facts.md §4.1 "Matching"): an AdditionalInfo entry,
    a payment method and a delivery method sent again with the same Code update what is there and never add a
    second (IMP-NESTED-BY-CODE). A payment or delivery method sent without IsActive is active: it is listed,
    and GetCompanyPaymentMethod answers IsActive true (IMP-DEFAULTS)."""
    ns, left_out = run_namespace, []
    members: list[tuple[str, Any, Any]] = []  # (CustomerField/CompanyField, first entries, second entries)
    info_code = info_type(norce, operation, norce_seed)
    if info_code is None:
        left_out.append(f"AdditionalInfo: {INFO_TYPES[operation]} offers no info type with a Code")
    else:
        first = [{"Code": info_code, "Value": "first value"}]
        members.append(("AdditionalInfo", first, [{"Code": info_code, "Value": "second value"}]))
    if operation == COMPANIES:
        payment = reference_codes(norce, ns, "payment-methods", 1)
        if payment.missing is not None:
            left_out.append(f"PaymentMethods: {payment.missing}")
        else:
            (code,) = payment.codes
            sent = [{"Code": code, "InvoiceCaptureSettingsCode": ns.code("ics")} for _ in range(2)]
            members.append(("PaymentMethods", sent[:1], sent[1:]))
        delivery = reference_codes(norce, ns, "delivery-methods", 1)
        if delivery.missing is not None:
            left_out.append(f"DeliveryMethods: {delivery.missing}")
        else:
            members.append(("DeliveryMethods", [{"Code": delivery.codes[0]}], [{"Code": delivery.codes[0]}]))
    record_left_out(request, left_out)
    if not members:
        pytest.skip(f"not applicable on this target: {'; '.join(left_out)}")
    fields = [field for field, _, _ in members]
    item = new_entity(operation, ns, **{field: first for field, first, _ in members})
    created = run_import(
        norce, operation, [item], insert_header(operation, *fields), seed=norce_seed, media_type=body
    )
    assert_job_counts(created, total=1, inserts=1, updates=0, fails=0)
    entity = read_entity(norce, operation, item, norce_seed)
    if operation == COMPANIES:
        judge_method_defaults(norce, entity, fields, norce_seed, body)
    update = update_of(operation, item, **{field: second for field, _, second in members})
    outcome = run_import(
        norce, operation, [update], update_header(operation, *fields), seed=norce_seed, media_type=body
    )
    assert_job_counts(outcome, total=1, inserts=0, updates=1, fails=0)
    again = read_entity(norce, operation, item, norce_seed)
    problems = []
    if "AdditionalInfo" in fields:
        info = [(i.get("Code"), i.get("Value")) for i in again.get("Info") or [] if isinstance(i, dict)]
        if info != [(info_code, "second value")]:
            problems.append(
                f"Info {info_code} sent with 'first value', then 'second value': Info reads {info}"
            )
    for field, read_member in (
        ("PaymentMethods", "PaymentMethodIds"),
        ("DeliveryMethods", "DeliveryMethodIds"),
    ):
        if field in fields and (again.get(read_member) or []) != (entity.get(read_member) or []):
            problems.append(
                f"{field}: the same Code sent again; {read_member} "
                f"{entity.get(read_member)} -> {again.get(read_member)}"
            )
    if "PaymentMethods" in fields:
        method = company_payment_method(norce, again, norce_seed) or {}
        expected = update["PaymentMethods"][0]["InvoiceCaptureSettingsCode"]
        if method.get("InvoiceCaptureSettingsCode") != expected:
            problems.append(
                f"the payment method sent again with InvoiceCaptureSettingsCode {expected!r} "
                f"reads {compact(method)}"
            )
    judge(
        "IMP-NESTED-BY-CODE",
        not problems,
        f"{operation} {item['Code']}: " + "; ".join(problems),
        operation=operation,
        media_type=body,
    )


def judge_method_defaults(
    norce: NorceClient, company: dict[str, Any], fields: list[str], seed: int, body: str
) -> None:
    """A payment or delivery method sent without IsActive is active (docs/norce-facts.md §4.1 "Defaults")."""
    problems = []
    if "DeliveryMethods" in fields and len(company.get("DeliveryMethodIds") or []) != 1:
        problems.append(f"DeliveryMethodIds {company.get('DeliveryMethodIds')} after one delivery method")
    if "PaymentMethods" in fields:
        method = company_payment_method(norce, company, seed)
        if method is None or method.get("IsActive") is not True:
            problems.append(
                f"PaymentMethodIds {company.get('PaymentMethodIds')}, "
                f"GetCompanyPaymentMethod {compact(method)}"
            )
    judge(
        "IMP-DEFAULTS",
        not problems,
        f"ImportCompanies {company.get('Code')}: methods sent without IsActive are not active: "
        + "; ".join(problems),
        operation="ImportCompanies",
        media_type=body,
    )


# -- required members ----------------------------------------------------------------------------------


def account_role(norce: NorceClient, seed: int) -> tuple[str, int] | None:
    """(Code, Id) of an account role the target offers (ListAccountRoles), None when it offers none."""
    entries = read_conforming(norce, "ListAccountRoles", seed=seed, accept=JSON) or []
    return next(((str(e["Code"]), e["Id"]) for e in entries if isinstance(e, dict) and e.get("Code")), None)


Trace = Any  # a function of the entity read back: what of the incomplete entry it shows (empty: nothing)


def incomplete_entries(
    norce: NorceClient, ns: RunNamespace, operation: str, seed: int, left_out: list[str]
) -> list[tuple[str, str, dict[str, Any], Trace]]:
    """(what, field, member value, trace) for each nested entry without a required member the target can be
    sent: each goes on an item of its own."""
    cases: list[tuple[str, str, dict[str, Any], Trace]] = []
    info_code = info_type(norce, operation, seed)
    if info_code is None:
        left_out.append(f"AdditionalInfo: {INFO_TYPES[operation]} offers no info type with a Code")
    else:
        cases.append(
            (
                "an Info without Value",
                "AdditionalInfo",
                {"AdditionalInfo": [{"Code": info_code}]},
                _shown("Info"),
            )
        )
    cases.append(("a Flag without Code", "Flags", {"Flags": [{"IsActive": True}]}, _shown("Flags")))
    if norce.target.is_emulator:
        lists = {"PriceLists": [{"IsExclusive": False}]}
        cases.append(("a PriceList without Code", "PriceLists", lists, _shown("PricelistIds")))
    else:  # tenant_policy: price lists are not written on a tenant (cleanup cannot undo one)
        left_out.append("PriceLists: a price-list write is not sent on a tenant (cleanup cannot undo it)")
    if operation == COMPANIES:
        delivery = {"DeliveryMethods": [{"IsActive": True}]}
        cases.append(
            ("a DeliveryMethod without Code", "DeliveryMethods", delivery, _shown("DeliveryMethodIds"))
        )
        payment = {"PaymentMethods": [{"InvoiceCaptureSettingsCode": ns.code("ics")}]}
        cases.append(("a PaymentMethod without Code", "PaymentMethods", payment, _shown("PaymentMethodIds")))
        return cases
    no_login = {"Accounts": [{"ApplicationKey": application_key(), "Status": 1}]}
    cases.append(("an Account without LoginName", "Accounts", no_login, _shown("Account")))
    role = account_role(norce, seed)
    if role is None:
        left_out.append("Accounts[].Roles: ListAccountRoles offers no role with a Code")
    else:
        account = {"ApplicationKey": application_key(), "LoginName": ns.email("login"), "Status": 1}
        roles = {"Accounts": [{**account, "Roles": [{"Code": role[0]}, {"IsActive": True}]}]}
        cases.append(("an AccountRole without Code", "Accounts", roles, _other_roles(role[1])))
    return cases


def _shown(member: str) -> Trace:
    return lambda entity: entity.get(member) or None


def _other_roles(role_id: int) -> Trace:
    """The roles besides the complete one (the account itself may be written or not)."""
    return lambda entity: (
        [r for r in (entity.get("Account") or {}).get("Roles") or [] if r != role_id] or None
    )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_entry_without_its_required_members_is_not_written(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    request: pytest.FixtureRequest,
    operation: str,
    body: str,
) -> None:
    """An Info without Value, a flag, method or price list without Code, an Account without LoginName, an
    account role without Code (docs/norce-facts.md §2A: required) is not written (IMP-REQUIRED-MEMBERS). The
    docs fix the effect, not the form: the item may fail or the entry be skipped; nothing of it reads back."""
    left_out: list[str] = []
    cases = incomplete_entries(norce, run_namespace, operation, norce_seed, left_out)
    record_left_out(request, left_out)
    items = [new_entity(operation, run_namespace, **members) for _, _, members, _ in cases]
    fields = sorted({field for _, field, _, _ in cases})
    header = insert_header(
        operation, *fields, **({"accounts": ("Status", "Roles")} if "Accounts" in fields else {})
    )
    run_import(norce, operation, items, header, seed=norce_seed, media_type=body)
    problems = []
    for (what, _, _, trace), item in zip(cases, items, strict=True):
        entity = entity_by_code(norce, operation, item["Code"], seed=norce_seed)
        shown = trace(entity) if entity is not None else None
        if shown is not None:
            problems.append(f"{what} on {item['Code']} reads back: {compact(shown)}")
    judge(
        "IMP-REQUIRED-MEMBERS",
        not problems,
        f"{operation}: " + "; ".join(problems),
        operation=operation,
        media_type=body,
    )
