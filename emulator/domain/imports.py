"""Connect 4.0 import processing, per docs/import-semantics.md.

``run_import(state, ids, validated, faults, variants)`` processes every item that passed initial validation,
each in an atomic block of ``state`` so a failing item changes nothing, and returns the resulting state with
the counters and log rows. It never commits: the caller (jobs.py) commits the returned state in one
transaction, so a job is applied whole or not at all. An unexpected exception propagates (the job then
fails with StatusId 3 and nothing is applied).

Choices the recorded semantics leave open (ours):
- codes, e-mails, organisation numbers and login names match exactly (case-sensitive);
- PriceLists and DeliveryAddresses sent replace the existing ones (addresses matched by Code keep their Id);
  AdditionalInfo merges by Code; Contacts, DeliveryMethods and PaymentMethods merge by Code and an entry with
  ``IsActive: false`` is removed; Discounts replace;
- unknown flag/price-list/info/method codes are registered in the reference tables (roles are not: unknown
  roles fail the item);
- with ``IsCompanyListDelta``/``IsCustomerListDelta`` true and no ``IsPrimary`` sent, an existing primary
stays;
- nested ``Company.Customers`` entries update the listed scalar CustomerFieldsThatAreSet of the matched
customer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from emulator.faults import Faults
from emulator.variants import Variants

from .ids import IdSource
from .import_fault_effects import stored_item, written_fields
from .model import (
    SEVERITY_ERROR,
    SEVERITY_INFORMATION,
    SEVERITY_WARNING,
    Account,
    Address,
    Company,
    Customer,
    Discount,
    InfoValue,
    JobLogRow,
    PaymentMethodLink,
)
from .schema import ACCOUNT_STATUS, CUSTOMER_TYPE, DISCOUNT_TYPE, Enum, enum_value, lenient_enum_value
from .state import State
from .store import hash_password
from .validation import RowLabels, ValidatedImport, has_value


class ItemFailed(Exception):
    """This item cannot be processed; the reason goes to the job log."""


@dataclass
class ImportOutcome:
    state: State
    inserts: int = 0
    updates: int = 0
    failures: int = 0
    log: list[JobLogRow] = field(default_factory=list)


# CustomerField / CompanyField values of plain scalar members: field value -> (item member, attribute)
CUSTOMER_SCALARS = {
    0: ("ApplicationKey", "application_key"),
    2: ("Code", "code"),
    3: ("EmailAddress", "email_address"),
    4: ("SocialSecurityNumber", "social_security_number"),
    5: ("Title", "title"),
    6: ("FirstName", "first_name"),
    7: ("MiddleName", "middle_name"),
    8: ("LastName", "last_name"),
    9: ("PhoneNumber", "phone_number"),
    10: ("CellPhoneNumber", "cell_phone_number"),
    20: ("CrmId", "crm_id"),
}
COMPANY_SCALARS = {
    0: ("ApplicationKey", "application_key"),
    2: ("Code", "code"),
    3: ("OrganizationNo", "organization_no"),
    4: ("Name", "name"),
    5: ("EmailAddress", "email_address"),
    6: ("PhoneNumber", "phone_number"),
    7: ("LogoImage", "logo_image"),
    21: ("VatNo", "vat_no"),
}
CUSTOMER_INSERT_REQUIRED = ((2, "Code"), (6, "FirstName"), (8, "LastName"), (3, "EmailAddress"))
COMPANY_INSERT_REQUIRED = ((2, "Code"), (4, "Name"), (3, "OrganizationNo"))
ADDRESS_MEMBERS = {
    "Code": "code",
    "CareOf": "care_of",
    "AddressLine1": "address_line1",
    "AddressLine2": "address_line2",
    "ZipCode": "zip_code",
    "City": "city",
    "Region": "region",
    "CountryCode": "country_code",
    "Gln": "gln",
    "ShippingPhoneNumber": "shipping_phone_number",
    "IsPrimary": "is_primary",
    "IsValidated": "is_validated",
}


def run_import(
    state: State, ids: IdSource, validated: ValidatedImport, faults: Faults, variants: Variants | None = None
) -> ImportOutcome:
    variants = variants if variants is not None else Variants()
    outcome = ImportOutcome(state)
    labels = RowLabels(variants)

    def failed(index: int, reason: str) -> None:
        outcome.failures += 1
        row = labels.imported_row(index, validated.items)
        outcome.log.append(JobLogRow(SEVERITY_ERROR, labels.message(index, reason), ids.timestamp(), row))

    if validated.refusal is not None:  # header-rules-async: the header was refused, so is every item
        for index in range(validated.total):
            failed(index, validated.refusal)
        return outcome
    deferred = dict(validated.deferred)  # late-initial-validation: these fail here, in item order
    queue: list[tuple[int, dict[str, Any] | None]] = [(index, item) for index, item in validated.valid]
    queue += [(index, None) for index in deferred]
    summary_only = variants.is_on("job-log-summary-row")
    for index, item in sorted(queue, key=lambda entry: entry[0]):
        if item is None:
            failed(index, deferred[index])
            continue
        if index == validated.total - 1 > 0 and faults.is_on("import-items-silently-dropped"):
            continue
        context = _ItemContext(outcome.state, ids, faults, variants, validated, index, outcome.log, labels)
        try:
            with outcome.state.atomic():  # a failed item leaves no trace
                if validated.operation == "ImportCustomers":
                    inserted, entity_id = _import_customer(context, item)
                    label = "Customer"
                else:
                    inserted, entity_id = _import_company(context, item)
                    label = "Company"
        except ItemFailed as failure:
            failed(index, str(failure))
            continue
        outcome.log.extend(context.warnings)
        if inserted:
            outcome.inserts += 1
        else:
            outcome.updates += 1
        if summary_only:  # one summary row per job (jobs.py) instead of one per item
            continue
        verb = "inserted" if inserted else "updated"
        outcome.log.append(
            JobLogRow(
                SEVERITY_INFORMATION,
                labels.message(index, f"{label} {entity_id} {verb}"),
                ids.timestamp(),
                labels.imported_row(index, validated.items),
            )
        )
    return outcome


@dataclass
class _ItemContext:
    state: State
    ids: IdSource
    faults: Faults
    variants: Variants
    validated: ValidatedImport
    index: int
    job_log: list[JobLogRow]
    labels: RowLabels
    warnings: list[JobLogRow] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(
            JobLogRow(
                SEVERITY_WARNING,
                self.labels.message(self.index, message),
                self.ids.timestamp(),
                self.labels.imported_row(self.index, self.validated.items),
            )
        )

    def enum(self, kind: Enum, value: object) -> int | None:
        """A body enum's integer; with lenient-body-enums an unknown integer is kept as sent."""
        if self.variants.is_on("lenient-body-enums"):
            return lenient_enum_value(kind, value)
        return enum_value(kind, value)


# --- customers ---------------------------------------------------------------------------------------------
def _import_customer(context: _ItemContext, item: dict[str, Any]) -> tuple[bool, int]:
    header, state, faults = context.validated.header, context.state, context.faults
    listed = header.customer_fields
    search_only_by_code = 18 in listed
    use_email = not search_only_by_code or faults.is_on("import-search-only-by-code-ignored")
    existing = _customer_by_code_first(state, item, faults) or _match_customer(
        state, _matched_by(item, faults, "customer"), faults, use_email=use_email
    )
    two_stores = faults.is_on("import-customers-see-only-imported")  # F-MAP-ONE-STORE broken
    if existing is not None and not existing.first_written_by_import and two_stores:
        existing = None
    inserted = existing is None
    if existing is None:
        for field_value, member in _customer_insert_required(faults):
            if field_value not in listed or not has_value(item, member):
                raise ItemFailed(f"{member} is required (present, non-empty and listed) to insert a customer")
        if (
            not search_only_by_code
            and state.customer_by_email(item["EmailAddress"]) is not None
            and not faults.is_on("import-duplicate-email-accepted")
        ):
            raise ItemFailed(f"EmailAddress {item['EmailAddress']!r} already belongs to another customer")
        now = context.ids.timestamp()
        reused = state.customers[max(state.customers)].key if state.customers else None
        customer = Customer(
            id=context.ids.next_id("customer"),
            key=reused if reused and faults.is_on("cs-customer-key-reused") else context.ids.new_key(),
            created=now,
            updated=now,
            customer_type=_or_default(context.enum(CUSTOMER_TYPE, item.get("Type")), 1),
            first_written_by_import=True,
        )
        if faults.is_on("import-customer-inactive-by-default"):  # IsActive written below only when sent
            customer.is_active = False
        state.put_customer(customer)
    else:
        customer = state.edit_customer(existing.id)
    # Matched and checked as sent; written as the family faults leave it (import_fault_effects).
    written, stored = written_fields(faults, "customer", listed), stored_item(faults, "ImportCustomers", item)
    _write_customer_fields(context, customer, stored, written)
    if 14 in written and stored.get("Accounts") is not None:
        _write_accounts(context, customer, stored["Accounts"])
    if 19 in written and "Companies" in stored:
        _write_customer_companies(
            context,
            customer.id,
            stored.get("Companies") or [],
            _list_delta(stored.get("IsCompanyListDelta"), faults),
        )
    customer.updated = context.ids.timestamp()
    return inserted, customer.id


def _customer_by_code_first(state: State, item: dict[str, Any], faults: Faults) -> Customer | None:
    """import-customer-code-before-id: an item's Code is tried before its Id."""
    if faults.is_on("import-customer-code-before-id") and has_value(item, "Code"):
        return state.customer_by_code(item["Code"])
    return None


def _matched_by(item: dict[str, Any], faults: Faults, kind: str) -> dict[str, Any]:
    """The members an item (kind "customer" or "company") is matched by: all it carries, but for one a
    matching fault leaves out."""
    if kind == "customer":
        ignored = {"Code": faults.is_on("import-customer-code-ignored")}
    else:
        ignored = {
            "Code": faults.is_on("import-company-code-ignored"),
            "OrganizationNo": faults.is_on("import-company-org-no-ignored"),
        }
    return {key: value for key, value in item.items() if not ignored.get(key)}


def _customer_insert_required(faults: Faults) -> tuple[tuple[int, str], ...]:
    if faults.is_on("import-insert-without-required-fields"):
        return tuple(entry for entry in CUSTOMER_INSERT_REQUIRED if entry[1] not in ("FirstName", "LastName"))
    return CUSTOMER_INSERT_REQUIRED


def _match_customer(state: State, ref: dict[str, Any], faults: Faults, use_email: bool) -> Customer | None:
    """First present of Id -> Code -> EmailAddress decides; an unknown Id fails the item."""
    if use_email and has_value(ref, "EmailAddress") and faults.is_on("import-matching-email-before-code"):
        by_email = state.customer_by_email(ref["EmailAddress"])
        if by_email is not None:
            return by_email
    if ref.get("Id") is not None:
        found = state.customer_by_id(ref["Id"])
        if found is None:
            raise ItemFailed(f"Customer with Id {ref['Id']} does not exist")
        return found
    if has_value(ref, "Code"):
        return state.customer_by_code(ref["Code"])
    if use_email and has_value(ref, "EmailAddress"):
        return state.customer_by_email(ref["EmailAddress"])
    return None


def _write_customer_fields(
    context: _ItemContext, customer: Customer, item: dict[str, Any], listed: frozenset[int]
) -> None:
    for field_value, (member, attribute) in CUSTOMER_SCALARS.items():
        if _writes(context.faults, field_value, listed, item, member):
            setattr(customer, attribute, item[member])
    if 11 in listed and item.get("IsActive") is not None:
        customer.is_active = item["IsActive"]
    if 12 in listed and "InvoiceAddress" in item:
        customer.invoice_address = _invoice_address(context, customer.invoice_address, item["InvoiceAddress"])
    if 13 in listed and "DeliveryAddresses" in item:
        customer.delivery_addresses = _delivery_addresses(
            context, customer.delivery_addresses, item["DeliveryAddresses"]
        )
    if 15 in listed and "AdditionalInfo" in item:
        customer.additional_info = _merge_info(
            context, "customer_info_types", customer.additional_info, item["AdditionalInfo"]
        )
    if 16 in listed and "Flags" in item:
        _apply_flags(context, "customer_flags", customer, item["Flags"], 21 in listed)
    if 17 in listed and "PriceLists" in item:
        customer.price_lists = _codes(context, "price_lists", item["PriceLists"])


def _write_accounts(context: _ItemContext, customer: Customer, accounts: list[dict[str, Any]]) -> None:
    account_fields = written_fields(context.faults, "account", context.validated.header.account_fields)
    for sent in accounts:
        # LoginName is required (validation): absent only under import-account-without-login-name-written
        login_name: str = sent.get("LoginName") or ""
        owner = context.state.account_by_login_name(login_name) if login_name else None
        if owner is not None and owner[0].id != customer.id:
            raise ItemFailed(f"LoginName {login_name!r} belongs to another customer")
        account = next((a for a in customer.accounts if login_name and a.login_name == login_name), None)
        status = enum_value(ACCOUNT_STATUS, sent.get("Status", sent.get("AccountStatus")))
        roles = _roles(context, sent.get("Roles")) if account_fields & {3, 4} and "Roles" in sent else None
        if account is None:
            now = context.ids.timestamp()
            account = Account(
                id=context.ids.next_id("account"),
                key=context.ids.new_key(),
                login_name=login_name,
                application_key=sent.get("ApplicationKey"),
                created=now,
                updated=now,
            )
            if 0 in account_fields and has_value(sent, "Password"):
                account.password_hash = hash_password(sent["Password"])
            if account_fields & {1, 2} and status is not None:
                account.is_active = status == 1
            if account_fields & {3, 4} and roles is not None:
                account.roles = roles
            customer.accounts.append(account)
        else:
            if (
                _status_or_roles_written(context.faults, account_fields, 1, 2, "status")
                and status is not None
            ):
                account.is_active = status == 1
            if _status_or_roles_written(context.faults, account_fields, 3, 4, "roles") and roles is not None:
                account.roles = roles
            if has_value(sent, "Password") and (
                (0 in account_fields and context.faults.is_on("import-password-create-only-overwritten"))
                or context.faults.is_on("import-password-always-updated")
            ):
                account.password_hash = hash_password(sent["Password"])
            account.updated = context.ids.timestamp()


def _status_or_roles_written(
    faults: Faults, account_fields: frozenset[int], always: int, create_only: int, what: str
) -> bool:
    """On an existing account only the "always" field writes, unless a *CreateOnly-overwritten fault is on."""
    if always in account_fields:
        return True
    return create_only in account_fields and faults.is_on(f"import-{what}-create-only-overwritten")


def _roles(context: _ItemContext, sent: list[dict[str, Any]] | None) -> list[str]:
    roles: list[str] = []
    for role in sent or []:
        known = next(
            (
                r
                for r in context.state.catalogues.account_roles
                if r.code.lower() == str(role["Code"]).lower()
            ),
            None,
        )
        if known is None:
            raise ItemFailed(f"account role {role['Code']!r} does not exist")
        default_active = not context.faults.is_on("import-account-role-default-inactive")
        if role.get("IsActive", default_active) is not False and known.code not in roles:
            roles.append(known.code)
    return roles


def _write_customer_companies(
    context: _ItemContext, customer_id: int, refs: list[dict[str, Any]], is_delta: bool
) -> None:
    state = context.state
    company_ids: list[int] = []
    primary_id: int | None = None
    for ref in refs:
        if ref is None:
            continue
        company = _related_company(context, ref)
        if company is None:
            raise ItemFailed(f"Company {_describe(ref, ('Id', 'Code', 'OrganizationNo'))} does not exist")
        if company.id not in company_ids:
            company_ids.append(company.id)
        is_primary = ref.get("IsPrimary") is True and not context.faults.is_on(
            "import-company-identifier-is-primary-ignored"
        )
        if is_primary and (primary_id is None or context.faults.is_on("import-primary-company-wrong")):
            primary_id = company.id
    if not is_delta:
        for relation in state.relations_of_customer(customer_id):
            if relation.company_id not in company_ids:
                state.remove_relation(customer_id, relation.company_id)
    for company_id in company_ids:
        state.add_relation(customer_id, company_id)
    has_primary = any(r.is_primary for r in state.relations_of_customer(customer_id))
    if primary_id is None and company_ids and (not is_delta or not has_primary):
        primary_id = company_ids[0]
    if primary_id is not None:
        state.set_primary_company(customer_id, primary_id)


# --- companies ---------------------------------------------------------------------------------------------
def _import_company(context: _ItemContext, item: dict[str, Any]) -> tuple[bool, int]:
    header, state, faults = context.validated.header, context.state, context.faults
    listed = header.company_fields
    written, stored = written_fields(faults, "company", listed), stored_item(faults, "ImportCompanies", item)
    search_only_by_code = 20 in written
    existing = _match_company(
        state,
        _matched_by(item, faults, "company"),
        use_org_no=not search_only_by_code,
        org_no_first=faults.is_on("import-company-matching-org-no-before-code"),
    )
    if faults.is_on("import-company-code-before-id") and has_value(item, "Code"):
        existing = state.company_by_code(item["Code"]) or existing
    if item.get("Id") is not None and existing is None:
        raise ItemFailed(f"Company with Id {item['Id']} does not exist")
    inserted = existing is None or faults.is_on("import-company-update-counted-as-insert")
    if existing is None:
        for field_value, member in _company_insert_required(faults):
            if field_value not in listed or not has_value(item, member):
                raise ItemFailed(f"{member} is required (present, non-empty and listed) to insert a company")
        org_no = item.get("OrganizationNo")
        if not search_only_by_code and org_no and state.company_by_org_no(org_no) is not None:
            raise ItemFailed(f"OrganizationNo {item['OrganizationNo']!r} already belongs to another company")
        now = context.ids.timestamp()
        company = Company(
            id=context.ids.next_id("company"), key=context.ids.new_key(), created=now, updated=now
        )
        state.put_company(company)
    else:
        company = state.edit_company(existing.id)
    _write_company_fields(context, company, stored, written)
    clash = state.company_sharing_org_no_and_name(company)
    if clash is not None and not context.faults.is_on("cs-company-org-no-name-duplicated"):
        raise ItemFailed(
            f"OrganizationNo {company.organization_no!r} and Name {company.name!r} already belong to company "
            f"{clash.code!r} (OrgNo + Name is unique)"
        )
    if 14 in written and "Customers" in stored:
        _write_company_customers(
            context,
            company.id,
            stored.get("Customers") or [],
            _list_delta(
                stored.get("IsCustomerListDelta", faults.is_on("import-customer-list-delta-default-true")),
                faults,
            ),
        )
    company.updated = context.ids.timestamp()
    return inserted, company.id


def _company_insert_required(faults: Faults) -> tuple[tuple[int, str], ...]:
    if faults.is_on("import-company-insert-without-org-no"):
        return tuple(entry for entry in COMPANY_INSERT_REQUIRED if entry[1] != "OrganizationNo")
    return COMPANY_INSERT_REQUIRED


def _match_company(
    state: State, ref: dict[str, Any], use_org_no: bool, org_no_first: bool = False
) -> Company | None:
    """First present of Id -> Code -> OrganizationNo decides (OrganizationNo not with SearchOnlyByCode)."""
    if use_org_no and has_value(ref, "OrganizationNo") and org_no_first:
        by_org_no = state.company_by_org_no(ref["OrganizationNo"])
        if by_org_no is not None:
            return by_org_no
    if ref.get("Id") is not None:
        return state.company_by_id(ref["Id"])
    if has_value(ref, "Code"):
        return state.company_by_code(ref["Code"])
    if use_org_no and has_value(ref, "OrganizationNo"):
        return state.company_by_org_no(ref["OrganizationNo"])
    return None


def _write_company_fields(
    context: _ItemContext, company: Company, item: dict[str, Any], listed: frozenset[int]
) -> None:
    for field_value, (member, attribute) in COMPANY_SCALARS.items():
        if _writes(context.faults, field_value, listed, item, member):
            setattr(company, attribute, copy.deepcopy(item[member]))
    if (
        8 in listed
        and "ParentCompanyCode" in item
        and not context.faults.is_on("import-parent-company-code-ignored")
    ):
        code = item["ParentCompanyCode"]
        parent = context.state.company_by_code(code) if code else None
        company.parent_company_code = code
        company.parent_id = parent.id if parent is not None and parent.id != company.id else None
    if 9 in listed and item.get("IsActive") is not None:
        company.is_active = item["IsActive"]
    if 10 in listed and "InvoiceAddress" in item:
        company.invoice_address = _invoice_address(context, company.invoice_address, item["InvoiceAddress"])
    if 11 in listed and "DeliveryAddresses" in item:
        company.delivery_addresses = _delivery_addresses(
            context, company.delivery_addresses, item["DeliveryAddresses"]
        )
    if item.get("UseInvoiceAddressAsDeliveryAddress") is True and not context.faults.is_on(
        "import-use-invoice-as-delivery-ignored"
    ):
        if {10, 11} <= listed:
            company.use_invoice_address_as_delivery_address = True
            invoice = company.invoice_address
            company.delivery_addresses = (
                [Address(**{**vars(invoice), "id": context.ids.next_id("address")})] if invoice else []
            )
        else:
            context.warn(
                "UseInvoiceAddressAsDeliveryAddress ignored: InvoiceAddress (10) and "
                "DeliveryAddresses (11) must both be listed"
            )
    if 12 in listed and "AdditionalInfo" in item:
        company.additional_info = _merge_info(
            context, "company_info_types", company.additional_info, item["AdditionalInfo"]
        )
    if 13 in listed and "Contacts" in item:
        company.contacts = _merge_codes(company.contacts, item["Contacts"])
    if 15 in listed and "DeliveryMethods" in item:
        _register(context, "delivery_methods", item["DeliveryMethods"])
        company.delivery_methods = _merge_codes(company.delivery_methods, item["DeliveryMethods"])
    if 16 in listed and "Discounts" in item:
        company.discounts = [
            _discount(context, entry) for entry in item["Discounts"] or [] if entry is not None
        ]
    if 17 in listed and "Flags" in item:
        _apply_flags(context, "company_flags", company, item["Flags"], 22 in listed)
    if 18 in listed and "PaymentMethods" in item:
        _register(context, "payment_methods", item["PaymentMethods"])
        company.payment_methods = _merge_payment_methods(
            company.payment_methods,
            item["PaymentMethods"],
            default_active=not context.faults.is_on("import-payment-method-default-inactive"),
        )
    if 19 in listed and "PriceLists" in item:
        company.price_lists = _codes(context, "price_lists", item["PriceLists"])


def _write_company_customers(
    context: _ItemContext, company_id: int, refs: list[dict[str, Any]], is_delta: bool
) -> None:
    state = context.state
    customer_fields = context.validated.header.customer_fields
    customer_ids: list[int] = []
    for ref in refs:
        if ref is None:
            continue
        customer = _related_customer(context, ref)
        if customer is None:
            raise ItemFailed(f"Customer {_describe(ref, ('Id', 'Code', 'EmailAddress'))} does not exist")
        if customer.id not in customer_ids:
            customer_ids.append(customer.id)
        for field_value, (member, attribute) in CUSTOMER_SCALARS.items():
            if field_value in customer_fields and member in ref:
                setattr(state.edit_customer(customer.id), attribute, ref[member])
        if 11 in customer_fields and ref.get("IsActive") is not None:
            state.edit_customer(customer.id).is_active = ref["IsActive"]
    if not is_delta:
        for relation in state.relations_of_company(company_id):
            if relation.customer_id not in customer_ids:
                state.remove_relation(relation.customer_id, company_id)
    for customer_id in customer_ids:
        state.add_relation(customer_id, company_id)


def _related_company(context: _ItemContext, ref: dict[str, Any]) -> Company | None:
    """The existing company a Customer.Companies entry names: the first present of Id, Code, OrgNo."""
    state, faults = context.state, context.faults
    if has_value(ref, "OrganizationNo") and faults.is_on("import-relation-company-org-no-before-code"):
        by_org_no = state.company_by_org_no(ref["OrganizationNo"])
        if by_org_no is not None:
            return by_org_no
    found = _match_company(state, ref, use_org_no=True)
    if found is None and ref.get("Id") is None and faults.is_on("import-relation-creates-unknown-company"):
        now = context.ids.timestamp()
        found = Company(
            id=context.ids.next_id("company"),
            key=context.ids.new_key(),
            code=ref.get("Code"),
            organization_no=ref.get("OrganizationNo"),
            name=ref.get("Name"),
            created=now,
            updated=now,
        )
        state.put_company(found)
    return found


def _related_customer(context: _ItemContext, ref: dict[str, Any]) -> Customer | None:
    """The existing customer a Company.Customers entry names: the first present of Id, Code, EmailAddress."""
    state, faults = context.state, context.faults
    if has_value(ref, "EmailAddress") and faults.is_on("import-relation-customer-email-before-code"):
        by_email = state.customer_by_email(ref["EmailAddress"])
        if by_email is not None:
            return by_email
    found = _match_customer(state, ref, faults, use_email=True)
    if found is None and ref.get("Id") is None and faults.is_on("import-relation-creates-unknown-customer"):
        now = context.ids.timestamp()
        found = Customer(
            id=context.ids.next_id("customer"),
            key=context.ids.new_key(),
            code=ref.get("Code"),
            email_address=ref.get("EmailAddress"),
            first_name=ref.get("FirstName"),
            last_name=ref.get("LastName"),
            created=now,
            updated=now,
        )
        state.put_customer(found)
    return found


# --- shared pieces -----------------------------------------------------------------------------------------
def _writes(
    faults: Faults, field_value: int, listed: frozenset[int], item: dict[str, Any], member: str
) -> bool:
    """Whether a scalar member is written: listed and present (a sent null clears it)."""
    if member not in item:
        return False
    if item[member] is None and faults.is_on("import-null-does-not-clear"):
        return False
    return field_value in listed or faults.is_on("import-unlisted-fields-applied")


def _list_delta(sent: Any, faults: Faults) -> bool:
    if faults.is_on("import-list-delta-ignored"):
        return False
    if faults.is_on("import-list-delta-inverted"):
        return not bool(sent)
    return bool(sent)


def _describe(ref: dict[str, Any], keys: tuple[str, ...]) -> str:
    present = [f"{key}={ref[key]!r}" for key in keys if has_value(ref, key)]
    return " ".join(present) if present else "without identity"


def _address(context: _ItemContext, sent: dict[str, Any], address_id: int | None) -> Address:
    address = Address(id=address_id if address_id is not None else context.ids.next_id("address"))
    for member, attribute in ADDRESS_MEMBERS.items():
        if member in sent:
            setattr(address, attribute, sent[member])
    return address


def _invoice_address(
    context: _ItemContext, current: Address | None, sent: dict[str, Any] | None
) -> Address | None:
    if sent is None:
        return None
    return _address(context, sent, current.id if current else None)


def _delivery_addresses(
    context: _ItemContext, current: list[Address], sent: list[Any] | None
) -> list[Address]:
    by_code = {address.code: address for address in current if address.code}
    result: list[Address] = []
    for entry in sent or []:
        if entry is None:
            continue
        previous = by_code.get(entry.get("Code")) if entry.get("Code") else None
        address = _address(context, entry, previous.id if previous else None)
        if previous is not None:  # null IsPrimary / IsValidated mean "no change"
            address.is_primary = previous.is_primary if entry.get("IsPrimary") is None else address.is_primary
            address.is_validated = (
                previous.is_validated if entry.get("IsValidated") is None else address.is_validated
            )
        result.append(address)
    seen_primary = False  # only one primary delivery address: the first one sent as primary wins
    for address in result:
        if address.is_primary:
            address.is_primary = not seen_primary
            seen_primary = True
    return result


def _merge_info(
    context: _ItemContext, table: str, current: list[InfoValue], sent: list[Any] | None
) -> list[InfoValue]:
    if sent is None:
        return []
    merged = {info.code: InfoValue(info.code, info.value) for info in current}
    added_twice: list[InfoValue] = []  # import-info-added-twice: a code sent again is added, not updated
    for entry in sent:
        context.state.reference_id(table, entry["Code"], context.ids)
        value = InfoValue(entry["Code"], entry.get("Value"))  # without Value only under its fault
        if entry["Code"] in merged and context.faults.is_on("import-info-added-twice"):
            added_twice.append(value)
        else:
            merged[entry["Code"]] = value
    return list(merged.values()) + added_twice


def _apply_flags(
    context: _ItemContext, table: str, entity: Customer | Company, sent: list[Any] | None, preserve: bool
) -> None:
    """Without PreserveFlags the sent flags replace the entity's, with it they are applied to them. Per flag
    (docs/norce-facts.md §2A Flag): IsActive false takes it off; IsCreateOnly leaves a flag the entity has as
    it is; IsLimitedUpdate changes a flag the entity has only when the same account (the header's AccountId)
    last wrote it. Who last wrote a flag is known for flags imports wrote; any other is taken as the same
    account's (ours: 1.1 writes record no account per flag)."""
    faults, account = context.faults, context.validated.header.account_id
    existing = list(entity.flags)
    if faults.is_on("import-preserve-flags-ignored"):
        preserve = False
    if faults.is_on("import-preserve-flags-inverted"):
        preserve = not preserve
    result = list(existing) if preserve else []
    written = dict(entity.flag_updated_by)
    default_active = not faults.is_on("import-flag-default-inactive")
    for flag in sent or []:
        code = flag["Code"]
        context.state.reference_id(table, code, context.ids)
        if code in existing and _leaves_flag_as_is(flag, written.get(code, account) == account, faults):
            if code not in result:
                result.append(code)
            continue
        if flag.get("IsActive", default_active) is False and not faults.is_on("import-flag-inactive-ignored"):
            if code in result:
                result.remove(code)
        elif code not in result:
            result.append(code)
        written[code] = account
    entity.flags = result
    entity.flag_updated_by = {code: who for code, who in written.items() if code in result}


def _leaves_flag_as_is(flag: dict[str, Any], same_account: bool, faults: Faults) -> bool:
    """Whether a flag entry leaves a flag the entity already has as it is."""
    if flag.get("IsCreateOnly") and not faults.is_on("import-flag-create-only-overwrites"):
        return True
    if flag.get("IsLimitedUpdate"):
        return not same_account or faults.is_on("import-flag-limited-update-refused")
    return False


def _codes(context: _ItemContext, table: str, sent: list[Any] | None) -> list[str]:
    codes: list[str] = []
    for entry in sent or []:
        context.state.reference_id(table, entry["Code"], context.ids)
        if entry["Code"] not in codes:
            codes.append(entry["Code"])
    return codes


def _register(context: _ItemContext, table: str, sent: list[Any] | None) -> None:
    for entry in sent or []:
        context.state.reference_id(table, entry["Code"], context.ids)


def _merge_codes(current: list[str], sent: list[Any] | None) -> list[str]:
    if sent is None:
        return []
    result = list(current)
    for entry in sent:
        if entry.get("IsActive", True) is False:
            if entry["Code"] in result:
                result.remove(entry["Code"])
        elif entry["Code"] not in result:
            result.append(entry["Code"])
    return result


def _merge_payment_methods(
    current: list[PaymentMethodLink], sent: list[Any] | None, *, default_active: bool = True
) -> list[PaymentMethodLink]:
    if sent is None:
        return []
    result = {link.code: PaymentMethodLink(link.code, link.invoice_capture_settings_code) for link in current}
    for entry in sent:
        if entry.get("IsActive", default_active) is False:
            result.pop(entry["Code"], None)
        else:
            result[entry["Code"]] = PaymentMethodLink(entry["Code"], entry.get("InvoiceCaptureSettingsCode"))
    return list(result.values())


def _discount(context: _ItemContext, entry: dict[str, Any]) -> Discount:
    return Discount(
        type=_or_default(context.enum(DISCOUNT_TYPE, entry.get("Type")), 1),
        value_code=entry.get("ValueCode"),
        discount_percentage=float(entry.get("DiscountPercentage") or 0.0),
        price_list_type_id_seed=entry.get("PriceListTypeIdSeed"),
    )


def _or_default(value: int | None, default: int) -> int:
    return default if value is None else value
