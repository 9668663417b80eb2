"""What an import answer must say about the request it got: the header-rule oracle and item counting.

Pure functions over the request and the answer as sent and received. `header_rule_problems` judges one import
request/response pair by the X-StormConnect-Header rules (`contracts.oracle.header.expected_violation`);
`xml_request_errors` tells whether an XML request body really breaks the XSD on the wire.
"""

from __future__ import annotations

import json
from typing import Any

from contracts.oracle import waivers
from contracts.oracle.header import IMPORT_OPERATIONS, expected_violation
from contracts.oracle.media import XmlUnreadable, is_nil, is_xml_media_type, local_name, parse_xml
from contracts.oracle.response_checks import first_error_key
from contracts.oracle.spec import spec_for
from contracts.oracle.xml_data import decode_body
from contracts.oracle.xsd_catalog import xsd


def xml_request_errors(operation_id: str, media_type: str | None, body: bytes) -> list[str] | None:
    """The XSD errors of an XML request body as sent (None: not XML, or no request XSD declared).

    XML cannot tell some JSON-negative values from positive ones (an object `{}` where the schema wants an
    array serializes to the same `<ArrayOfCompany/>` as `[]`, an integer where a string belongs is just
    text); a request whose wire form has no XSD error is not schema-violating.
    """
    if not is_xml_media_type(media_type) or not body.strip():
        return None
    spec = spec_for(operation_id)
    content = spec.operation(operation_id).definition.get("requestBody", {}).get("content", {})
    entry = content.get((media_type or "").split(";", 1)[0].strip().lower()) or content.get("application/xml")
    if not entry or "x-norce-xsd" not in entry:
        return None
    try:
        return [str(error.reason) for error in xsd(entry["x-norce-xsd"]).iter_errors(body)]
    except Exception as exc:  # not well-formed (xmlschema's own parse error): certainly not conforming
        return [f"not well-formed: {exc}"]


def xml_request_conforms(operation_id: str, media_type: str | None, body: bytes) -> bool:
    return xml_request_errors(operation_id, media_type, body) == []


def is_max_length_error(reason: str) -> bool:
    """An xmlschema facet error for a value over maxLength."""
    return "length cannot be greater than" in reason


def rejected_items(operation_id: str, status: int, content_type: str | None, body: bytes) -> int:
    """How many items a 200 import answer reports as failing initial validation (0 if none or no summary).

    Connect rejects a schema-violating *item* per item, not per request (import-semantics.md "Initial
    validation"): 200, the item counted in NrOfValidationFailures and skipped.
    """
    if operation_id not in IMPORT_OPERATIONS or status != 200:
        return 0
    try:
        data = decode_body(operation_id, status, content_type or "", body)
    except Exception:
        return 0
    summary = data.get("ValidationSummary") if isinstance(data, dict) else None
    failures = summary.get("NrOfValidationFailures") if isinstance(summary, dict) else None
    return failures if isinstance(failures, int) and not isinstance(failures, bool) else 0


def count_items(content_type: str | None, body: bytes) -> int | None:
    """Items in an import body (JSON array / object / back-to-back objects; XML ArrayOfX or one X)."""
    if not body.strip():
        return 0
    try:
        if is_xml_media_type(content_type):
            root = parse_xml(body)
            return len(list(root)) if local_name(root.tag).startswith("ArrayOf") else 1
        text, decoder, index, count = body.decode("utf-8"), json.JSONDecoder(), 0, 0
        while index < len(text.rstrip()):
            value, end = decoder.raw_decode(text, index)
            if isinstance(value, list) and count == 0:
                return len(value)
            count, index = count + 1, end
            while index < len(text) and text[index].isspace():
                index += 1
        return count
    except Exception:
        return None  # malformed bodies are another rule's business


def header_rule_problems(
    operation_id: str,
    *,
    header_value: str | None,
    request_content_type: str | None,
    request_body: bytes,
    status: int,
    response_content_type: str | None,
    response_body: bytes,
    positive_body: bool = True,
) -> tuple[str, list[str]]:
    """(the judgement at stake, problems) for one import request/response pair.

    A conformant header is HDR-VALID (documented: it is accepted with a JobResponse counting every item).
    For a header that breaks a rule, only the form of the answer can be judged from one response: HDR-FORM, a
    synchronous 400 with the rule id as key (Q7). Whether anything was written (the documented effect) takes
    waiting for the job and reading back: `contracts/suite/test_header_rules.py` does that.
    """
    has_payload = bool(request_body.strip())
    expected = expected_violation(operation_id, header_value, request_content_type, has_payload=has_payload)
    if status in (401, 403, 413, 415, 429) or status >= 500:
        return expected or "HDR-VALID", []  # another layer answered first; not a header verdict
    try:
        data = decode_body(operation_id, status, response_content_type or "", response_body)
    except Exception:
        data = None
    key = first_error_key(data)
    if expected is not None:
        if 200 <= status < 300:
            if expected == "HDR-XML-INT-ENUMS" and waivers.waive(
                "W-Q3-XML-ENUM-NAMES", operation_id, "enum names accepted under application/xml"
            ):
                return "HDR-FORM", []
            return "HDR-FORM", [f"accepted ({status}) a header breaking {expected}; expected 400"]
        if status != 400:
            return "HDR-FORM", [f"answered {status} to a header breaking {expected}; expected 400"]
        if (
            positive_body
            and key != expected
            and not waivers.waive(
                "W-Q7-CONNECT-ERROR-BODY", operation_id, f"400 key {key!r} instead of {expected}"
            )
        ):
            return "HDR-FORM", [f"400 carries key {key!r}; expected the rule id {expected}"]
        return "HDR-FORM", []
    if status == 400 and key is not None and key.startswith("HDR-"):
        return "HDR-VALID", [f"rejected a conformant header with {key}"]
    if not positive_body:
        return "HDR-VALID", []
    sent = count_items(request_content_type, request_body)
    if sent == 0 and status != 200:
        # Whether an empty import is a job of no items or a refusal is not documented (ours).
        return "IMP-EMPTY-BODY", [f"an empty array was refused ({status}, key {key!r})"]
    if status != 200:
        return "HDR-VALID", [f"answered {status} (key {key!r}) to a conformant header and body; expected 200"]
    summary = data.get("ValidationSummary") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("JobId"), str | int)
        or not isinstance(summary, dict)
    ):
        return "HDR-VALID", ["200 without a JobResponse (JobId, ValidationSummary)"]
    total = summary.get("NrOfItemsInTotal")
    if sent is not None and total != sent:
        return "IMP-COUNTS", [f"ValidationSummary.NrOfItemsInTotal is {total!r}, {sent} items were sent"]
    return "HDR-VALID", []


# Members of Connect items that hold lists of nested entities (XML gives no other sign of a list).
COLLECTION_MEMBERS = frozenset(
    {
        "Accounts",
        "AdditionalInfo",
        "Companies",
        "Contacts",
        "Customers",
        "DeliveryAddresses",
        "DeliveryMethods",
        "Discounts",
        "Flags",
        "PaymentMethods",
        "PriceLists",
        "Roles",
        "Cultures",
    }
)


def read_import_items(content_type: str | None, body: bytes) -> list[Any] | None:
    """The items of an import body as plain data, whatever the framing Norce accepts (docs/norce-facts.md Q2):
    a JSON array, one object or objects back to back; XML `ArrayOfX`, one `X` or several `X` roots.
    None when the body cannot be read at all."""
    if not body.strip():
        return []
    if is_xml_media_type(content_type):
        try:
            root = parse_xml(body)
        except XmlUnreadable:
            try:  # several roots back to back are not a document; read them as children of one
                root = parse_xml(b"<items>" + _without_declaration(body) + b"</items>")
            except XmlUnreadable:
                return None
            return [_element_data(child) for child in root]
        if local_name(root.tag).startswith("ArrayOf"):
            return [_element_data(child) for child in root]
        return [_element_data(root)]
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    decoder, index = json.JSONDecoder(), 0
    items: list[Any] = []
    try:
        while index < len(text.rstrip()):
            while text[index].isspace():
                index += 1
            value, index = decoder.raw_decode(text, index)
            if isinstance(value, list) and not items and not text[index:].strip():
                return value
            items.append(value)
    except (ValueError, IndexError):
        return None
    return items


def _without_declaration(body: bytes) -> bytes:
    stripped = body.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"<?xml"):
        end = stripped.find(b"?>")
        return stripped[end + 2 :] if end >= 0 else stripped
    return stripped


def _element_data(element: Any) -> Any:
    """An XML element as data: text for a leaf, None for `i:nil`, lists for the collection members."""
    if is_nil(element):
        return None
    children = list(element)
    if not children:
        return (element.text or "").strip()
    data: dict[str, Any] = {}
    for child in children:
        name = local_name(child.tag)
        if name in COLLECTION_MEMBERS:
            data[name] = [_element_data(grandchild) for grandchild in child]
        else:
            data[name] = _element_data(child)
    return data
