"""W-BUSINESS-400's scope: which 400s to schema-valid input count as business errors
(`contracts.oracle.response_checks.business_400_key`)."""

from __future__ import annotations

import json

from contracts.oracle.response_checks import business_400_key

JSON = "application/json"


def _error(key: str) -> bytes:
    message = {"MessageId": 400, "Message": "m", "Orchestration": None, "TimeStamp": "2024-01-01T00:00:00Z"}
    return json.dumps({**message, "Record": None, "Messages": [{"Key": key, "Value": "v"}]}).encode()


def test_a_1_1_business_400_with_any_key_is_one() -> None:
    assert business_400_key("SetDefaultCompany", 400, JSON, _error("CustomerMissing")) == "CustomerMissing"
    assert business_400_key("ChangePassword", 400, JSON, _error("PasswordEmpty")) == "PasswordEmpty"


def test_xml_error_messages_count_too() -> None:
    xml = (
        b'<ErrorMessage xmlns="Enferno.Services.Contracts.Message"><MessageId>400</MessageId>'
        b'<Message>m</Message><Messages xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">'
        b"<a:KeyValueOfstringstring><a:Key>LoginFailed</a:Key><a:Value>v</a:Value></a:KeyValueOfstringstring>"
        b"</Messages></ErrorMessage>"
    )
    assert business_400_key("LoginPost", 400, "application/xml", xml) == "LoginFailed"


def test_request_shape_refusals_other_statuses_connect_and_bad_bodies_are_not() -> None:
    assert business_400_key("GetCustomer", 400, JSON, _error("InvalidParameter")) is None
    assert business_400_key("CreateCustomer3", 400, JSON, _error("BodyInvalid")) is None
    assert business_400_key("GetCustomer", 404, JSON, _error("CustomerMissing")) is None
    assert business_400_key("ImportCustomers", 400, JSON, _error("CustomerMissing")) is None
    assert business_400_key("GetCustomer", 400, JSON, b'{"Message": "no envelope"}') is None
    assert business_400_key("GetCustomer", 400, "text/html", b"<html>Bad Request</html>") is None
