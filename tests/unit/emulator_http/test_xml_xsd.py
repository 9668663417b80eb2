"""XML responses validate against the vendored XSDs (openapi/xsd/)."""

from pathlib import Path

import pytest
import xmlschema

from .support import CONNECT, CUSTOMER, PASSWORD, auth_headers, import_customers, make_client

XSD = Path(__file__).resolve().parents[3] / "openapi" / "xsd"
XML = {"Accept": "application/xml"}


@pytest.fixture(scope="module")
def customer_schema():
    return xmlschema.XMLSchema(str(XSD / "customer-service-1.1.xsd"))


def test_customer_and_error_xml_validate(customer_schema):
    client = make_client()
    headers = auth_headers(client)
    body = {
        "Code": "X-1",
        "Email": "x@example.com",
        "FirstName": "X",
        "LastName": "Y",
        "Account": {"LoginName": "x@example.com"},
        "InvoiceAddress": {"Line1": "Gatan 1", "Country": "SE"},
        "Companies": [{"Code": "XC", "Name": "XC AB", "OrgNo": "55"}],
    }
    created = client.post(
        f"{CUSTOMER}/CreateCustomer3",
        params={"updatedBy": 1, "password": PASSWORD},
        json=body,
        headers=headers,
    ).json()
    response = client.get(f"{CUSTOMER}/GetCustomer", params={"id": created["Id"]}, headers={**headers, **XML})
    customer_schema.validate(response.text)
    error = client.post(
        f"{CUSTOMER}/LoginPost", json={"LoginName": "x", "Password": "y"}, headers={**headers, **XML}
    )
    assert error.status_code == 400
    customer_schema.validate(error.text)


def test_connect_job_xml_validates():
    client = make_client()
    headers = auth_headers(client)
    job_id = import_customers(
        client, headers, [{"Code": "J", "EmailAddress": "j@example.com", "FirstName": "J", "LastName": "K"}]
    )["JobId"]
    schema = xmlschema.XMLSchema(str(XSD / "connect-job.xsd")) if (XSD / "connect-job.xsd").exists() else None
    response = client.get(f"{CONNECT}/Job/Get", params={"id": job_id}, headers={**headers, **XML})
    assert response.status_code == 200 and response.text.startswith("<?xml")
    assert schema is not None, "openapi/xsd/connect-job.xsd is referenced by the Connect spec"
    schema.validate(response.text)


def test_customer_flag_group_members_are_in_the_expose_namespace(customer_schema):
    """CustomerFlag.Group is an IdNameDescription: its members carry that type's contract namespace."""
    client = make_client()
    headers = {**auth_headers(client), **XML}
    for operation in ("ListCustomerFlags", "ListCompanyFlags"):
        response = client.get(f"{CUSTOMER}/{operation}", headers=headers)
        assert response.status_code == 200
        customer_schema.validate(response.text)
        assert '<Group><Id xmlns="Enferno.Services.Contracts.Expose">' in response.text
