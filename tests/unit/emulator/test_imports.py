"""The Connect import engine against docs/import-semantics.md, through ConnectService with immediate jobs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.domain.connect import ConnectService
from emulator.domain.errors import BodyMalformed, HeaderRuleViolation
from emulator.domain.model import SEVERITY_ERROR, SEVERITY_INFORMATION, SEVERITY_WARNING
from emulator.domain.store import Store, verify_password
from emulator.faults import Faults

ALL_CUSTOMER_FIELDS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 20]
ALL_COMPANY_FIELDS = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 21]


class Emulator:
    def __init__(self) -> None:
        self.store = Store()
        self.service = ConnectService(self.store, Faults(), timing="immediate")

    def customers(self, items: Any, fields: list[int] | None = None, **header: Any) -> dict[str, Any]:
        value = json.dumps(
            {"AccountId": 1, "CustomerFieldsThatAreSet": fields or ALL_CUSTOMER_FIELDS, **header}
        )
        return self._result(
            self.service.import_customers(value, "application/json", json.dumps(items).encode())
        )

    def companies(self, items: Any, fields: list[int] | None = None, **header: Any) -> dict[str, Any]:
        value = json.dumps(
            {"AccountId": 1, "CompanyFieldsThatAreSet": fields or ALL_COMPANY_FIELDS, **header}
        )
        return self._result(
            self.service.import_companies(value, "application/json", json.dumps(items).encode())
        )

    def _result(self, response: dict[str, Any]) -> dict[str, Any]:
        job_id = int(response["JobId"])
        job = self.service.get_job(job_id)
        assert job is not None
        return {"response": response, "job": job, "log": self.service.get_job_log(job_id)}

    def customer(self, code: str) -> Any:
        return self.store.find_customer_by_code(code)

    def company(self, code: str) -> Any:
        return self.store.find_company_by_code(code)


def person(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "Code": code,
        "FirstName": "Ann",
        "LastName": "Lee",
        "EmailAddress": f"{code}@example.com",
        **extra,
    }


def firm(code: str, **extra: Any) -> dict[str, Any]:
    return {"Code": code, "Name": f"{code} AB", "OrganizationNo": f"org-{code}", **extra}


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


def counters(result: dict[str, Any]) -> tuple[int, int, int, int, int]:
    job = result["job"]
    return job["Totals"], job["Inserts"], job["Updates"], job["Fail"], job["StatusId"]


# --- initial validation ------------------------------------------------------------------------------------
def test_validation_summary_and_skipped_items(emu: Emulator) -> None:
    result = emu.customers(
        [
            person("A"),
            5,
            {"FirstName": "x"},
            person("B", FirstName=5),
            person("C", Flags=[{"IsActive": True}]),
            {"Code": "D", "Type": "Robot"},
        ]
    )
    summary = result["response"]["ValidationSummary"]
    assert summary["NrOfItemsInTotal"] == 6
    assert summary["NrOfValidationFailures"] == 5
    assert [message.split(":")[0] for message in summary["Messages"]] == [
        "Item 1",
        "Item 2",
        "Item 3",
        "Item 4",
        "Item 5",
    ]
    assert counters(result) == (6, 1, 0, 5, 2)
    errors = [row for row in result["log"] if row["SeverityId"] == SEVERITY_ERROR]
    assert sorted(row["ImportedRow"] for row in errors) == ["1", "2", "3", "4", "5"]
    assert emu.customer("C") is None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (person("A", Code="x" * 51), "Customer.Code is longer than 50 characters"),
        (
            person("A", EmailAddress="a" * 250 + "@x.com"),
            "Customer.EmailAddress is longer than 255 characters",
        ),
        (person("A", Type=None), "Customer.Type cannot be null"),
        (person("A", Flags={"Code": "VIP"}), "Customer.Flags must be an array"),
        (person("A", Flags=[None]), "Customer.Flags[0] is null"),
        (person("A", InvoiceAddress="Main St"), "Customer.InvoiceAddress must be an object"),
        (
            person("A", Flags=[{"Code": "VIP", "StopDate": "tomorrow"}]),
            "Customer.Flags[0].StopDate has the wrong",
        ),
        (
            person("A", Flags=[{"Code": "VIP", "StopDate": "2026-02-30T00:00:00"}]),
            "StopDate has the wrong type",
        ),
        (person("A", ApplicationKey="not-a-guid"), "Customer.ApplicationKey has the wrong type"),
        (person("A", Accounts=[{"LoginName": "ann", "Roles": [{}]}]), "Accounts.Roles[0].Code is required"),
    ],
)
def test_initial_validation_reasons(emu: Emulator, item: dict[str, Any], message: str) -> None:
    result = emu.customers([item], fields=[*ALL_CUSTOMER_FIELDS, 14], AccountFieldsThatAreSet=[3])
    (reason,) = result["response"]["ValidationSummary"]["Messages"]
    assert reason.startswith("Item 0: ") and message in reason, reason
    assert emu.customer("A") is None


@pytest.mark.parametrize(
    "flag",
    [
        {"Code": "VIP", "StopDate": "2026-12-31T23:59:59"},
        {"Code": "VIP", "StopDate": "2026-12-31T23:59:59.1234567+01:00"},
        {"Code": "VIP", "StopDate": "2026-12-31t00:00:00Z"},
    ],
)
def test_datetime_forms_the_deserializers_read_pass(emu: Emulator, flag: dict[str, Any]) -> None:
    result = emu.customers([person("A", Flags=[flag])])
    assert result["response"]["ValidationSummary"]["NrOfValidationFailures"] == 0
    assert emu.customer("A").flags == ["VIP"]


def test_nested_keys_only_checked_when_the_collection_is_listed(emu: Emulator) -> None:
    item = person("A", AdditionalInfo=[{"Code": "NOTE"}])
    assert emu.customers([item])["response"]["ValidationSummary"]["NrOfValidationFailures"] == 1
    unlisted = emu.customers([item], fields=[2, 3, 6, 8])
    assert unlisted["response"]["ValidationSummary"]["NrOfValidationFailures"] == 0
    accounts = emu.customers([person("B", Accounts=[{"Password": "x"}])], fields=[2, 3, 6, 8, 14])
    assert accounts["response"]["ValidationSummary"]["Messages"] == [
        "Item 0: Accounts[0].LoginName is required"
    ]
    company = emu.companies([firm("C", PaymentMethods=[{"InvoiceCaptureSettingsCode": "x"}])])
    assert company["response"]["ValidationSummary"]["NrOfValidationFailures"] == 1


def test_email_is_no_identity_with_search_only_by_code(emu: Emulator) -> None:
    result = emu.customers([{"EmailAddress": "a@example.com"}], fields=[3, 18])
    assert result["response"]["ValidationSummary"]["NrOfValidationFailures"] == 1
    org = emu.companies([{"OrganizationNo": "1"}], fields=[3, 20])
    assert org["response"]["ValidationSummary"]["NrOfValidationFailures"] == 1


def test_empty_array_is_a_succeeded_job_with_zero_items(emu: Emulator) -> None:
    assert counters(emu.customers([])) == (0, 0, 0, 0, 2)


def test_rejected_request_creates_no_job_and_changes_nothing(emu: Emulator) -> None:
    before = emu.store.snapshot()
    with pytest.raises(HeaderRuleViolation):
        emu.service.import_customers('{"AccountId":1}', "application/json", b"[]")
    with pytest.raises(BodyMalformed):
        emu.service.import_customers(
            '{"AccountId":1,"CustomerFieldsThatAreSet":[2]}', "application/json", b"["
        )
    assert emu.service.list_jobs() == []
    assert emu.store.snapshot() == before


# --- matching and inserts ----------------------------------------------------------------------------------
def test_insert_needs_required_fields_present_and_listed(emu: Emulator) -> None:
    result = emu.customers([person("A", LastName=""), person("B")], fields=[2, 3, 6])
    assert counters(result) == (2, 0, 0, 2, 4)
    assert "Item 0" in result["log"][0]["Message"]
    assert counters(emu.companies([{"Code": "C", "Name": "n"}, firm("D")])) == (2, 1, 0, 1, 2)


def test_matching_order_id_code_email(emu: Emulator) -> None:
    emu.customers([person("A")])
    a = emu.customer("A")
    result = emu.customers([{"Id": a.id, "Code": "OTHER", "FirstName": "ById"}], fields=[6])
    assert counters(result) == (1, 0, 1, 0, 2)
    assert emu.customer("A").first_name == "ById"
    emu.customers([{"EmailAddress": "A@example.com", "FirstName": "ByEmail"}], fields=[6])
    assert emu.customer("A").first_name == "ByEmail"
    unknown = emu.customers([{"Id": 424242, "FirstName": "x"}], fields=[6])
    assert counters(unknown) == (1, 0, 0, 1, 4)


def test_unmatched_code_inserts_and_duplicate_email_fails_without_search_only(emu: Emulator) -> None:
    emu.customers([person("A")])
    duplicate = emu.customers([person("B", EmailAddress="A@example.com")])
    assert counters(duplicate) == (1, 0, 0, 1, 4)
    allowed = emu.customers([person("B", EmailAddress="A@example.com")], fields=[*ALL_CUSTOMER_FIELDS, 18])
    assert counters(allowed) == (1, 1, 0, 0, 2)
    emu.companies([firm("C")])
    assert counters(emu.companies([firm("D", OrganizationNo="org-C")]))[3] == 1
    assert (
        counters(emu.companies([firm("D", OrganizationNo="org-C")], fields=[*ALL_COMPANY_FIELDS, 20]))[1] == 1
    )


def test_search_only_by_code_ignores_email_for_matching(emu: Emulator) -> None:
    emu.customers([person("A")])
    result = emu.customers([person("Z", EmailAddress="A@example.com")], fields=[*ALL_CUSTOMER_FIELDS, 18])
    assert counters(result)[1] == 1
    assert emu.customer("A").first_name == "Ann"


# --- fields that are set -----------------------------------------------------------------------------------
def test_only_listed_fields_are_written_absent_unchanged_null_clears(emu: Emulator) -> None:
    emu.customers([person("A", PhoneNumber="1", CellPhoneNumber="2", Title="Dr")])
    emu.customers(
        [{"Code": "A", "PhoneNumber": "9", "CellPhoneNumber": None, "MiddleName": "M"}], fields=[9, 10]
    )
    customer = emu.customer("A")
    assert (customer.phone_number, customer.cell_phone_number, customer.title) == ("9", None, "Dr")
    assert customer.middle_name is None  # MiddleName (7) was not listed
    assert customer.is_active is True


def test_company_fields_and_parent(emu: Emulator) -> None:
    emu.companies([firm("P"), firm("C", ParentCompanyCode="P", VatNo="SE1", IsActive=False)])
    child = emu.company("C")
    assert child.parent_id == emu.company("P").id
    assert (child.vat_no, child.is_active) == ("SE1", False)


# --- flags -------------------------------------------------------------------------------------------------
def test_flags_replace_preserve_inactive_and_create_only(emu: Emulator) -> None:
    emu.customers([person("A", Flags=[{"Code": "VIP"}, {"Code": "B2B"}])])
    emu.customers([{"Code": "A", "Flags": [{"Code": "NEWSLETTER"}]}], fields=[16])
    assert emu.customer("A").flags == ["NEWSLETTER"]
    emu.customers([{"Code": "A", "Flags": [{"Code": "VIP"}]}], fields=[16, 21])
    assert sorted(emu.customer("A").flags) == ["NEWSLETTER", "VIP"]
    emu.customers([{"Code": "A", "Flags": [{"Code": "VIP", "IsActive": False}]}], fields=[16, 21])
    assert emu.customer("A").flags == ["NEWSLETTER"]
    create_only = [
        {"Code": "NEWSLETTER", "IsActive": False, "IsCreateOnly": True},
        {"Code": "BLOCKED", "IsCreateOnly": True},
    ]
    emu.customers([{"Code": "A", "Flags": create_only}], fields=[16, 21])
    assert sorted(emu.customer("A").flags) == ["BLOCKED", "NEWSLETTER"]


def test_limited_update_applies_for_the_account_that_last_wrote_the_flag(emu: Emulator) -> None:
    """IsLimitedUpdate: "save only if new, or last updated by the same account" (docs/norce-facts.md §2A
    Flag): the header's AccountId that last wrote a flag may change it, another account may not, and a new
    flag is saved whoever sends it."""
    limited_off = [{"Code": "VIP", "IsLimitedUpdate": True, "IsActive": False}]
    emu.customers([person("A", Flags=[{"Code": "VIP"}]), person("B", Flags=[{"Code": "VIP"}])], AccountId=7)
    emu.customers([{"Code": "A", "Flags": limited_off}], fields=[16, 21], AccountId=8)
    assert emu.customer("A").flags == ["VIP"]  # account 7 wrote it: account 8 may not change it
    emu.customers([{"Code": "B", "Flags": limited_off}], fields=[16, 21], AccountId=7)
    assert emu.customer("B").flags == []  # account 7 wrote it and may
    new_flag = [{"Code": "B2B", "IsLimitedUpdate": True}]
    emu.customers([{"Code": "A", "Flags": new_flag}], fields=[16, 21], AccountId=8)
    assert sorted(emu.customer("A").flags) == ["B2B", "VIP"]  # a flag A did not have is saved
    emu.customers([{"Code": "A", "Flags": [{"Code": "VIP"}]}], fields=[16, 21], AccountId=8)
    emu.customers([{"Code": "A", "Flags": limited_off}], fields=[16, 21], AccountId=8)
    assert emu.customer("A").flags == ["B2B"]  # account 8 wrote VIP last: now it may


def test_company_flags_preserve(emu: Emulator) -> None:
    emu.companies([firm("C", Flags=[{"Code": "RESELLER"}])])
    emu.companies([{"Code": "C", "Flags": [{"Code": "KEY-ACCOUNT"}]}], fields=[17, 22])
    assert sorted(emu.company("C").flags) == ["KEY-ACCOUNT", "RESELLER"]
    emu.companies([{"Code": "C", "Flags": []}], fields=[17])
    assert emu.company("C").flags == []


# --- relations ---------------------------------------------------------------------------------------------
def primary_code(emu: Emulator, customer_code: str) -> str | None:
    companies = emu.store.companies_of_customer(emu.customer(customer_code).id)
    return companies[0].code if companies else None


def company_codes(emu: Emulator, customer_code: str) -> list[str]:
    return sorted(c.code for c in emu.store.companies_of_customer(emu.customer(customer_code).id))


def test_customer_companies_list_delta_and_primary(emu: Emulator) -> None:
    emu.companies([firm("C1"), firm("C2"), firm("C3")])
    fields = [*ALL_CUSTOMER_FIELDS, 19]
    emu.customers(
        [
            person(
                "A",
                Companies=[
                    {"Code": "C1"},
                    {"OrganizationNo": "org-C2", "IsPrimary": True},
                    {"Code": "C3", "IsPrimary": True},
                ],
            )
        ],
        fields=fields,
    )
    assert company_codes(emu, "A") == ["C1", "C2", "C3"]
    assert primary_code(emu, "A") == "C2"
    emu.customers([{"Code": "A", "Companies": [{"Code": "C3"}]}], fields=[19])
    assert company_codes(emu, "A") == ["C3"]
    assert primary_code(emu, "A") == "C3"
    emu.customers([{"Code": "A", "Companies": [{"Code": "C1"}], "IsCompanyListDelta": True}], fields=[19])
    assert company_codes(emu, "A") == ["C1", "C3"]
    emu.customers([{"Code": "A", "Companies": []}], fields=[2])  # field 19 not listed: relations untouched
    assert company_codes(emu, "A") == ["C1", "C3"]


def test_missing_company_fails_the_whole_item(emu: Emulator) -> None:
    emu.companies([firm("C1")])
    result = emu.customers(
        [person("A", Companies=[{"Code": "C1"}, {"Code": "NOPE"}])], fields=[*ALL_CUSTOMER_FIELDS, 19]
    )
    assert counters(result) == (1, 0, 0, 1, 4)
    assert emu.customer("A") is None
    assert emu.store.customers_of_company(emu.company("C1").id) == []


def test_company_customers_relations_and_nested_customer_fields(emu: Emulator) -> None:
    emu.customers([person("A"), person("B")])
    emu.companies(
        [firm("C", Customers=[{"Code": "A"}, {"EmailAddress": "B@example.com", "FirstName": "Bo"}])],
        fields=[*ALL_COMPANY_FIELDS, 14],
        CustomerFieldsThatAreSet=[6],
    )
    members = sorted(c.code for c in emu.store.customers_of_company(emu.company("C").id))
    assert members == ["A", "B"]
    assert emu.customer("B").first_name == "Bo"
    emu.companies([{"Code": "C", "Customers": [{"Code": "A"}]}], fields=[14])
    assert [c.code for c in emu.store.customers_of_company(emu.company("C").id)] == ["A"]
    missing = emu.companies([{"Code": "C", "Customers": [{"Code": "GHOST"}]}], fields=[14])
    assert counters(missing)[3] == 1


# --- accounts ----------------------------------------------------------------------------------------------
def test_accounts_password_status_and_roles(emu: Emulator) -> None:
    account = {"LoginName": "ann", "Password": "s3cret", "Status": "Inactive", "Roles": [{"Code": "buyer"}]}
    emu.customers(
        [person("A", Accounts=[account])],
        fields=[*ALL_CUSTOMER_FIELDS, 14],
        AccountFieldsThatAreSet=[0, 2, 4],
    )
    (created,) = emu.customer("A").accounts
    assert verify_password("s3cret", created.password_hash)
    assert (created.is_active, created.roles) == (False, ["Buyer"])
    update = {"LoginName": "ann", "Password": "changed", "Status": 1, "Roles": [{"Code": "Administrator"}]}
    emu.customers([{"Code": "A", "Accounts": [update]}], fields=[14], AccountFieldsThatAreSet=[0, 2, 4])
    (same,) = emu.customer("A").accounts
    assert verify_password("s3cret", same.password_hash)  # PasswordCreateOnly: never changed on update
    assert (same.is_active, same.roles) == (False, ["Buyer"])  # create-only status and roles
    emu.customers([{"Code": "A", "Accounts": [update]}], fields=[14], AccountFieldsThatAreSet=[1, 3])
    (changed,) = emu.customer("A").accounts
    assert (changed.is_active, changed.roles) == (True, ["Administrator"])


def test_account_status_alias_and_no_password_without_field(emu: Emulator) -> None:
    emu.customers(
        [person("A", Accounts=[{"LoginName": "a", "Password": "pw", "AccountStatus": 2}])],
        fields=[*ALL_CUSTOMER_FIELDS, 14],
        AccountFieldsThatAreSet=[1],
    )
    (account,) = emu.customer("A").accounts
    assert account.password_hash is None
    assert account.is_active is False


def test_unknown_role_fails_item_atomically(emu: Emulator) -> None:
    emu.customers([person("A")])
    bad = {
        "Code": "A",
        "FirstName": "Changed",
        "Accounts": [{"LoginName": "a", "Roles": [{"Code": "Wizard"}]}],
    }
    result = emu.customers([bad], fields=[6, 14], AccountFieldsThatAreSet=[3])
    assert counters(result) == (1, 0, 0, 1, 4)
    assert emu.customer("A").first_name == "Ann"
    assert emu.customer("A").accounts == []


# --- addresses ---------------------------------------------------------------------------------------------
def test_use_invoice_address_as_delivery_address(emu: Emulator) -> None:
    invoice = {"AddressLine1": "Main St 1", "City": "Umeå", "CountryCode": "SE"}
    emu.companies(
        [
            firm(
                "C",
                InvoiceAddress=invoice,
                DeliveryAddresses=[{"City": "Other"}],
                UseInvoiceAddressAsDeliveryAddress=True,
            )
        ]
    )
    (delivery,) = emu.company("C").delivery_addresses
    assert (delivery.address_line1, delivery.city) == ("Main St 1", "Umeå")
    result = emu.companies(
        [firm("D", InvoiceAddress=invoice, UseInvoiceAddressAsDeliveryAddress=True)], fields=[2, 3, 4, 10]
    )
    assert emu.company("D").delivery_addresses == []
    assert [row["SeverityId"] for row in result["log"]] == [SEVERITY_WARNING, SEVERITY_INFORMATION]


def test_delivery_addresses_keep_ids_by_code_and_one_primary(emu: Emulator) -> None:
    emu.customers(
        [
            person(
                "A",
                DeliveryAddresses=[{"Code": "home", "IsPrimary": True}, {"Code": "work", "IsPrimary": True}],
            )
        ]
    )
    first = emu.customer("A").delivery_addresses
    assert [a.is_primary for a in first] == [True, False]
    emu.customers([{"Code": "A", "DeliveryAddresses": [{"Code": "home", "City": "X"}]}], fields=[13])
    (home,) = emu.customer("A").delivery_addresses
    assert (home.id, home.city, home.is_primary) == (first[0].id, "X", True)


# --- counters and status ------------------------------------------------------------------------------------
def test_counters_add_up_and_log_rows(emu: Emulator) -> None:
    emu.customers([person("A")])
    result = emu.customers([person("A"), person("B"), {"Id": 1}, person("C", LastName=None)])
    totals, inserts, updates, fail, status = counters(result)
    assert (totals, inserts, updates, fail, status) == (4, 1, 1, 2, 2)
    assert totals == inserts + updates + fail
    assert result["job"]["IsFinished"] is True
    info = [row for row in result["log"] if row["SeverityId"] == SEVERITY_INFORMATION]
    assert sorted(row["ImportedRow"] for row in info) == ["0", "1"]
    assert len(result["log"]) == 4


# --- company collections (nested entities match by Code; IsActive false removes) ----------------------------
def test_company_code_collections_merge_by_code_and_inactive_removes(emu: Emulator) -> None:
    emu.companies(
        [
            firm(
                "C",
                Contacts=[{"Code": "anna"}, {"Code": "bo"}, {"Code": "anna"}],
                DeliveryMethods=[{"Code": "postnord"}],
                PaymentMethods=[{"Code": "invoice", "InvoiceCaptureSettingsCode": "net30"}],
            )
        ]
    )
    company = emu.company("C")
    assert (company.contacts, company.delivery_methods) == (["anna", "bo"], ["postnord"])
    assert [(p.code, p.invoice_capture_settings_code) for p in company.payment_methods] == [
        ("invoice", "net30")
    ]
    emu.companies(
        [
            {
                "Code": "C",
                "Contacts": [{"Code": "bo", "IsActive": False}, {"Code": "cy"}],
                "DeliveryMethods": [{"Code": "dhl"}],
                "PaymentMethods": [
                    {"Code": "invoice", "InvoiceCaptureSettingsCode": "net10"},
                    {"Code": "card"},
                    {"Code": "swish", "IsActive": False},
                ],
            }
        ],
        fields=[13, 15, 18],
    )
    company = emu.company("C")
    assert company.contacts == ["anna", "cy"]
    assert company.delivery_methods == ["postnord", "dhl"]
    assert [(p.code, p.invoice_capture_settings_code) for p in company.payment_methods] == [
        ("invoice", "net10"),
        ("card", None),
    ]
    emu.companies([{"Code": "C", "PaymentMethods": [{"Code": "invoice", "IsActive": False}]}], fields=[18])
    assert [p.code for p in emu.company("C").payment_methods] == ["card"]
    for table, code in (("delivery_methods", "dhl"), ("payment_methods", "card")):
        assert emu.store.state.reference_by_code(table, code) is not None, (table, code)


def test_company_collections_cleared_by_null_and_untouched_when_unlisted(emu: Emulator) -> None:
    emu.companies(
        [
            firm(
                "C",
                Contacts=[{"Code": "anna"}],
                DeliveryMethods=[{"Code": "postnord"}],
                PaymentMethods=[{"Code": "card"}],
                PriceLists=[{"Code": "b2b"}, {"Code": "b2b"}, {"Code": "outlet"}],
                AdditionalInfo=[{"Code": "segment", "Value": "retail"}],
            )
        ]
    )
    unlisted = {
        "Code": "C",
        "Contacts": None,
        "PaymentMethods": None,
        "PriceLists": [],
        "AdditionalInfo": None,
    }
    emu.companies([unlisted], fields=[4])
    company = emu.company("C")
    assert (company.contacts, [p.code for p in company.payment_methods]) == (["anna"], ["card"])
    assert company.price_lists == ["b2b", "outlet"]
    assert [(i.code, i.value) for i in company.additional_info] == [("segment", "retail")]
    emu.companies(
        [{**unlisted, "DeliveryMethods": None, "PriceLists": [{"Code": "outlet"}]}],
        fields=[12, 13, 15, 18, 19],
    )
    company = emu.company("C")
    assert (company.contacts, company.delivery_methods, company.payment_methods) == ([], [], [])
    assert (company.price_lists, company.additional_info) == (["outlet"], [])


def test_additional_info_merges_by_code_and_registers_the_info_type(emu: Emulator) -> None:
    emu.companies(
        [firm("C", AdditionalInfo=[{"Code": "segment", "Value": "retail"}, {"Code": "tier", "Value": "1"}])]
    )
    emu.companies([{"Code": "C", "AdditionalInfo": [{"Code": "tier", "Value": "2"}]}], fields=[12])
    assert [(i.code, i.value) for i in emu.company("C").additional_info] == [
        ("segment", "retail"),
        ("tier", "2"),
    ]
    assert emu.store.state.reference_by_code("company_info_types", "tier") is not None
    emu.customers([person("A", AdditionalInfo=[{"Code": "shoe-size", "Value": "42"}])])
    emu.customers([{"Code": "A", "AdditionalInfo": [{"Code": "shoe-size", "Value": "43"}]}], fields=[15])
    assert [(i.code, i.value) for i in emu.customer("A").additional_info] == [("shoe-size", "43")]


def test_company_discounts_replace_with_typed_defaults(emu: Emulator) -> None:
    discounts = [
        {"Type": 2, "ValueCode": "shoes", "DiscountPercentage": 12.5, "PriceListTypeIdSeed": "seed"},
        {"ValueCode": "bags"},
    ]
    emu.companies([firm("C", Discounts=discounts)])
    stored = [
        (d.type, d.value_code, d.discount_percentage, d.price_list_type_id_seed)
        for d in emu.company("C").discounts
    ]
    assert stored == [(2, "shoes", 12.5, "seed"), (1, "bags", 0.0, None)]
    emu.companies(
        [{"Code": "C", "Discounts": [{"Type": 3, "ValueCode": "sale", "DiscountPercentage": 5}]}], fields=[16]
    )
    (only,) = emu.company("C").discounts
    assert (only.type, only.value_code, only.discount_percentage) == (3, "sale", 5.0)


# --- remaining documented paths ----------------------------------------------------------------------------
def test_customer_invoice_address_and_price_lists_set_and_cleared(emu: Emulator) -> None:
    emu.customers(
        [person("A", InvoiceAddress={"City": "Umeå"}, PriceLists=[{"Code": "b2c"}, {"Code": "b2c"}])]
    )
    customer = emu.customer("A")
    invoice_id = customer.invoice_address.id
    assert (customer.invoice_address.city, customer.price_lists) == ("Umeå", ["b2c"])
    emu.customers(
        [{"Code": "A", "InvoiceAddress": {"City": "Luleå"}, "PriceLists": [{"Code": "vip"}]}], fields=[12, 17]
    )
    customer = emu.customer("A")
    assert (customer.invoice_address.id, customer.invoice_address.city) == (invoice_id, "Luleå")
    assert customer.price_lists == ["vip"]
    emu.customers([{"Code": "A", "InvoiceAddress": None, "PriceLists": None}], fields=[12, 17])
    assert (emu.customer("A").invoice_address, emu.customer("A").price_lists) == (None, [])


def test_login_name_of_another_customer_fails_the_item(emu: Emulator) -> None:
    fields = [*ALL_CUSTOMER_FIELDS, 14]
    emu.customers([person("A", Accounts=[{"LoginName": "ann"}])], fields=fields)
    result = emu.customers([person("B", Accounts=[{"LoginName": "ann"}])], fields=fields)
    assert counters(result)[3] == 1
    assert "LoginName 'ann' belongs to another customer" in result["log"][0]["Message"]
    assert emu.customer("B") is None


def test_company_matched_by_id_and_unknown_id_fails(emu: Emulator) -> None:
    emu.companies([firm("C")])
    company_id = emu.company("C").id
    emu.companies([{"Id": company_id, "Code": "C-renamed", "Name": "Renamed AB"}], fields=[2, 4])
    assert emu.store.find_company_by_code("C-renamed").name == "Renamed AB"
    result = emu.companies([{"Id": company_id + 100, "Code": "X", "Name": "X", "OrganizationNo": "x"}])
    assert counters(result)[3] == 1 and emu.company("X") is None
    assert f"Company with Id {company_id + 100} does not exist" in result["log"][0]["Message"]


def test_company_customers_nested_is_active_needs_field_11(emu: Emulator) -> None:
    emu.customers([person("A")])
    refs = [{"Code": "A", "IsActive": False}]
    emu.companies([firm("C", Customers=refs)], fields=[*ALL_COMPANY_FIELDS, 14], CustomerFieldsThatAreSet=[6])
    assert emu.customer("A").is_active is True
    emu.companies([{"Code": "C", "Customers": refs}], fields=[14], CustomerFieldsThatAreSet=[11])
    assert emu.customer("A").is_active is False


def test_create_only_flag_with_preserve_is_kept_once(emu: Emulator) -> None:
    emu.customers([person("A", Flags=[{"Code": "VIP"}])])
    emu.customers([{"Code": "A", "Flags": [{"Code": "VIP", "IsCreateOnly": True}]}], fields=[16, 21])
    assert emu.customer("A").flags == ["VIP"]
