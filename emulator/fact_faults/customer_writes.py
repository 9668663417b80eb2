"""Fact faults: customer writes (see emulator/fact_faults/__init__.py).

Each breaks one fact of a Customer Service 1.1 customer or account write: what the write changes, or what it
must leave alone. The catching tests are in contracts/suite/test_customer_service_customer_writes.py.
"""

from __future__ import annotations

from emulator.fault_types import D, Fault, R

CATEGORY = "customer-service"
# The obsolete and numbered siblings delegate to the same code, so a regression there bends them all.
UPDATES = ("UpdateCustomer", "UpdateCustomer2", "UpdateCustomer3")
REGISTERS = ("RegisterCustomer", "RegisterCustomer2", "RegisterCustomer3")
ADDRESS_WRITES = (
    "InsertCustomerDeliveryAddress",
    "UpdateCustomerDeliveryAddress",
    "DeleteCustomerDeliveryAddress",
)

ENTRIES: tuple[Fault, ...] = (
    Fault(
        name="cs-createcustomer3-ignores-existing-company",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES",
        description="CreateCustomer3 drops the Companies that carry an Id: no existing company is related",
        fact="F-CS-CREATECUSTOMER3",
        operations=("CreateCustomer3",),
    ),
    Fault(
        name="cs-createcustomer-drops-addresses",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES",
        description="CreateCustomer stores the customer without the body's invoice and delivery addresses",
        fact="F-CS-CREATECUSTOMER-DELEGATES",
        operations=("CreateCustomer",),
    ),
    Fault(
        name="cs-updatecustomer-not-stored",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES",
        description="UpdateCustomer answers the updated Customer but stores nothing",
        fact="F-CS-UPDATECUSTOMER-DELEGATES",
        operations=("UpdateCustomer",),
    ),
    Fault(
        name="cs-update-customer-company-id-not-updated",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES",
        description="UpdateCustomer relates a Company that has an Id but does not update it",
        fact="F-CS-UPDATECUSTOMER-ACCOUNT",
        operations=UPDATES,
    ),
    Fault(
        name="cs-update-customer-overwrites-pricelist-ids",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES-UNTOUCHED",
        description="UpdateCustomer3 overwrites the read-only PricelistIds from the body",
        fact="F-2C-CUSTOMER-PRICELISTIDS",
        operations=UPDATES,
    ),
    Fault(
        name="cs-register-matches-by-code",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES",
        description="RegisterCustomer3 matches an existing customer by Code instead of e-mail",
        fact="F-CS-REGISTER-MATCHES-EMAIL",
        operations=REGISTERS,
    ),
    Fault(
        name="cs-register-clears-unsent-addresses",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES-UNTOUCHED",
        description="RegisterCustomer3 clears the delivery and invoice addresses it was not sent",
        fact="F-CS-REGISTER-KEEPS-PARTS",
        operations=REGISTERS,
    ),
    Fault(
        name="cs-register-password-without-account",
        category=CATEGORY,
        level=D,
        judgement="CS-LOGIN",
        description="RegisterCustomer3 changes the password although no Account root data was sent",
        fact="F-CS-REGISTER-PASSWORD-CHANGE",
        operations=REGISTERS,
    ),
    Fault(
        name="cs-activate-customer-activates-company",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES-UNTOUCHED",
        description="ActivateCustomer activates every customer of the customer's companies",
        fact="F-CS-ACTIVATECUSTOMER",
        operations=("ActivateCustomer",),
    ),
    Fault(
        name="cs-update-account-status-moves-customer",
        category=CATEGORY,
        level=D,
        judgement="CS-WRITES-UNTOUCHED",
        description="UpdateAccountStatus sets the customer's IsActive as well as the account's",
        fact="F-CS-UPDATEACCOUNTSTATUS",
        operations=("UpdateAccountStatus",),
    ),
    Fault(
        name="cs-registercustomer2-never-matches",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-WSDL",
        description="RegisterCustomer2, unlike its sibling, creates a second customer for a known e-mail",
        fact="F-CS-NUMBERED-SIBLINGS",
        operations=("RegisterCustomer2",),
    ),
    Fault(
        name="cs-insert-delivery-address-replaces",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-UNTOUCHED-WSDL",
        description="InsertCustomerDeliveryAddress replaces the delivery addresses with the new one",
        fact="F-CS-OP-InsertCustomerDeliveryAddress",
        operations=("InsertCustomerDeliveryAddress",),
    ),
    Fault(
        name="cs-update-delivery-address-wrong-one",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-WSDL",
        description="UpdateCustomerDeliveryAddress writes the first delivery address, not the named one",
        fact="F-CS-OP-UpdateCustomerDeliveryAddress",
        operations=("UpdateCustomerDeliveryAddress",),
    ),
    Fault(
        name="cs-delete-delivery-address-deletes-all",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-UNTOUCHED-WSDL",
        description="DeleteCustomerDeliveryAddress deletes every delivery address of the customer",
        fact="F-CS-OP-DeleteCustomerDeliveryAddress",
        operations=("DeleteCustomerDeliveryAddress",),
    ),
    Fault(
        name="cs-change-password-keeps-old",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-WSDL",
        description="ChangePassword answers OK but the old password stays",
        fact="F-CS-OP-ChangePassword",
        operations=("ChangePassword",),
    ),
    Fault(
        name="cs-external-address2-stores-customer",
        category=CATEGORY,
        level=R,
        judgement="CS-WRITES-UNTOUCHED-WSDL",
        description="GetExternalCustomerAddress2, a lookup, stores the posted customer",
        fact="F-CS-OP-GetExternalCustomerAddress2",
        operations=("GetExternalCustomerAddress2",),
    ),
    Fault(
        name="cs-absent-customer-key-renamed",
        category=CATEGORY,
        level=R,
        judgement="CS-ERROR-KEYS-INFERRED",
        description="A customer write naming an absent customerId answers the key CustomerNotFound",
        fact="F-KEY-INFERRED",
        operations=("ActivateCustomer", "InactivateCustomer", "UpdateAccountStatus", *ADDRESS_WRITES),
    ),
)
