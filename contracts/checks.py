"""Schemathesis 4.32.5 checks and the XML deserializer of the Norce contract suite.

Each check is a thin adapter over a pure function (`*_problems`) that takes plain values, so the oracle can
be tested with hand-made responses. Registration happens in `register()` (called by `contracts.hooks`).

- `xml_xsd_conformance`: every XML response validates against the vendored XSD (openapi/xsd), with the root
  the spec names; an empty body only where the spec allows it (no content, or null-on-not-found).
- `json_schema_conformance`: JSON responses against the spec with the python `jsonschema` (Draft 2020-12), an
  independent cross-check of Schemathesis' Rust validator.
- `norce_error_envelope`: every 4xx except 401 carries an ErrorMessage (ARCHITECTURE.md "Error body").
- `content_negotiation`: Accept XML -> XML Content-Type, Accept JSON -> JSON.
- `header_rule_oracle`: the import operations obey the X-StormConnect-Header rules (`contracts.header`).
- `empty_collections` (rule CS-EMPTY-COLLECTION): a 1.1 Customer, Company or Account in a response never
  carries a null collection member; an empty one is `[]` (XML: an empty element, not `i:nil="true"`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element

import jsonschema
from defusedxml import ElementTree as SafeElementTree

from contracts import waivers
from contracts.header import HEADER_NAME, expected_violation, import_kind, is_xml_media_type
from contracts.spec import CONNECT_SPEC, CUSTOMER_SERVICE_SPEC, Spec, SpecError, load_spec
from contracts.xsd_catalog import expected_root, xsd, xsd_declaring

NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
IMPORT_OPERATIONS = ("ImportCompanies", "ImportCustomers")


class NorceCheckFailure(AssertionError):
    """A contract violation; the message starts with `[operation] rule-or-check:`."""

    def __init__(self, operation: str, rule: str, problems: list[str]) -> None:
        self.operation = operation
        self.rule = rule
        self.problems = problems
        super().__init__(f"[{operation}] {rule}: " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------------------
# Spec lookups
# ---------------------------------------------------------------------------------------------------------


def spec_for(operation_id: str) -> Spec:
    """The vendored spec that declares `operation_id` (operationIds are unique across both APIs)."""
    for path in (CONNECT_SPEC, CUSTOMER_SERVICE_SPEC):
        spec = load_spec(path)
        if operation_id in spec.operation_ids():
            return spec
    raise SpecError(f"no vendored spec declares {operation_id!r}")


def _response(spec: Spec, operation_id: str, status: int) -> dict[str, Any] | None:
    responses = spec.operation(operation_id).definition.get("responses", {})
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return dict(spec.resolve(responses[key]))
    return None


def media_entry(spec: Spec, operation_id: str, status: int, media_type: str) -> dict[str, Any] | None:
    """The response content entry for the media type (XML falls back to the JSON schema's shape)."""
    response = _response(spec, operation_id, status)
    if response is None:
        return None
    content = response.get("content") or {}
    main = media_type.split(";", 1)[0].strip().lower()
    if main in content:
        return dict(content[main])
    family = [k for k in content if is_xml_media_type(k) == is_xml_media_type(main)]
    return dict(content[family[0]]) if family else None


def empty_body_allowed(spec: Spec, operation_id: str, status: int) -> bool:
    """No content declared for the status, or a null-on-not-found read (ARCHITECTURE 'Not found ...')."""
    response = _response(spec, operation_id, status)
    if response is None or not response.get("content"):
        return True
    definition = spec.operation(operation_id).definition
    return 200 <= status < 300 and bool(definition.get("x-norce-null-on-not-found"))


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            if isinstance(value, list):
                return str(value[0]) if value else None
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


# ---------------------------------------------------------------------------------------------------------
# XML -> data, guided by the OpenAPI schema (so response_schema_conformance can see XML)
# ---------------------------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _concrete(spec: Spec, schema: Any) -> dict[str, Any]:
    """The non-null schema behind refs, nullable type lists and null unions."""
    if not isinstance(schema, dict):
        return {}
    schema = dict(spec.resolve(schema))
    for key in ("oneOf", "anyOf"):
        branches = [spec.resolve(b) for b in schema.get(key, [])]
        concrete = [b for b in branches if b.get("type") != "null"]
        if len(concrete) == 1:
            return _concrete(spec, concrete[0])
    return schema


def _schema_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        return others[0] if len(others) == 1 else None
    if kind is None and "properties" in schema:
        return "object"
    return kind


_INTEGER = re.compile(r"^[+-]?\d+$")


def _scalar(text: str, schema: dict[str, Any]) -> Any:
    kind = _schema_type(schema)
    if kind == "integer" or (kind is None and _INTEGER.match(text)):
        return int(text) if _INTEGER.match(text) else text
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _element_to_data(spec: Spec, element: Element, schema: Any) -> Any:
    if (element.get(f"{{{NS_XSI}}}nil") or "").lower() == "true":
        return None
    concrete = _concrete(spec, schema)
    kind = _schema_type(concrete)
    children = list(element)
    if kind == "array":
        return [_element_to_data(spec, child, concrete.get("items", {})) for child in children]
    if kind == "object" or (kind is None and children):
        properties = concrete.get("properties", {})
        data: dict[str, Any] = {}
        for child in children:
            name = _local(child.tag)
            data[name] = _element_to_data(spec, child, properties.get(name, {}))
        return data
    if not children and kind is None and not (element.text or "").strip() and "properties" in concrete:
        return {}
    return _scalar((element.text or "").strip(), concrete)


def xml_to_data(spec: Spec, schema: Any, content: bytes) -> Any:
    """Python data for an XML body, shaped by the OpenAPI schema (arrays unwrapped, nil as None).

    An empty body is `None` (the XML form of a null-on-not-found read).
    """
    if not content.strip():
        return None
    root = SafeElementTree.fromstring(content)
    return _element_to_data(spec, root, schema)


# ---------------------------------------------------------------------------------------------------------
# Pure checks
# ---------------------------------------------------------------------------------------------------------


def xsd_problems(operation_id: str, status: int, media_type: str, content: bytes) -> list[str]:
    spec = spec_for(operation_id)
    if not content.strip():
        if empty_body_allowed(spec, operation_id, status):
            return []
        return [f"empty XML body on {status}, but the spec declares content for it"]
    try:
        root = SafeElementTree.fromstring(content)
    except Exception as exc:  # ParseError or a defusedxml refusal
        return [f"XML body is not well-formed or is forbidden: {exc}"]
    entry = media_entry(spec, operation_id, status, media_type) or {}
    wanted = expected_root(spec, entry["schema"]) if "schema" in entry else None
    if wanted is not None and root.tag != wanted:
        return [f"root element is {root.tag}, the spec names {wanted}"]
    schema = xsd(entry["x-norce-xsd"]) if "x-norce-xsd" in entry else xsd_declaring(root.tag)
    if schema is None:
        return [f"no vendored XSD declares the root element {root.tag}"]
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(content)][:20]


_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(?P<offset>Z|[+-]\d{2}:\d{2})?$", re.IGNORECASE
)


def _format_checker(operation_id: str) -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        match = _DATE_TIME.match(value)
        if match is None:
            return False
        if match.group("offset") is None:
            return waivers.waive("W-NET-DATETIME", operation_id, f"date-time without offset: {value}")
        return True

    @checker.checks("int32")
    def int32(value: object) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    return checker


@cache
def _components(spec_path: str) -> dict[str, Any]:
    return dict(load_spec(spec_path).document.get("components", {}))


def json_schema_problems(operation_id: str, status: int, media_type: str, data: Any) -> list[str]:
    """Validate data against the response schema with `jsonschema` (Draft 2020-12, refs into the spec)."""
    spec = spec_for(operation_id)
    entry = media_entry(spec, operation_id, status, media_type)
    if entry is None or "schema" not in entry:
        return []
    root = {"components": _components(str(spec.path)), "allOf": [entry["schema"]]}
    validator = jsonschema.Draft202012Validator(root, format_checker=_format_checker(operation_id))
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(data)
    ][:20]


def decode_body(operation_id: str, status: int, content_type: str, content: bytes) -> Any:
    """JSON or XML response body as data (XML shaped by the spec's response schema)."""
    if is_xml_media_type(content_type):
        spec = spec_for(operation_id)
        entry = media_entry(spec, operation_id, status, content_type) or {}
        return xml_to_data(spec, entry.get("schema", {}), content)
    return json.loads(content) if content.strip() else None


def _error_message_problems(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [f"error body is not an ErrorMessage object: {data!r:.80}"]
    problems = []
    if not isinstance(data.get("MessageId"), int) or isinstance(data.get("MessageId"), bool):
        problems.append("ErrorMessage.MessageId is not an integer")
    if not isinstance(data.get("Message"), str):
        problems.append("ErrorMessage.Message is not a string")
    messages = data.get("Messages")
    if not isinstance(messages, list) or not messages:
        problems.append("ErrorMessage.Messages is not a non-empty list")
    elif not all(isinstance(m, dict) and isinstance(m.get("Key"), str) for m in messages):
        problems.append("ErrorMessage.Messages entries need a string Key")
    return problems


def error_envelope_problems(
    operation_id: str, status: int, content_type: str | None, content: bytes
) -> list[str]:
    """Every 4xx except 401 carries an ErrorMessage body (JSON or XML)."""
    if not 400 <= status < 500 or status == 401:
        return []
    if not content.strip():
        return [f"{status} without an ErrorMessage body"]
    spec = spec_for(operation_id)
    try:
        if is_xml_media_type(content_type):
            data = xml_to_data(spec, {"$ref": "#/components/schemas/ErrorMessage"}, content)
        else:
            data = json.loads(content)
    except Exception as exc:
        return [f"{status} body is not parseable as {content_type}: {exc}"]
    return _error_message_problems(data)


def first_error_key(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("Messages"), list) and data["Messages"]:
        first = data["Messages"][0]
        if isinstance(first, dict) and isinstance(first.get("Key"), str):
            return first["Key"]
    return None


# 400 keys that refuse the request's shape (the emulator's, and any server's, schema-level refusals). A
# schema-valid request refused with one of these is a real spec/server disagreement, never a business answer.
SCHEMA_REFUSAL_KEYS = frozenset(
    {"BodyInvalid", "BodyMalformed", "BodyMissing", "InvalidParameter", "MissingParameter"}
)


def _is_customer_service(operation_id: str) -> bool:
    try:
        return spec_for(operation_id).path == CUSTOMER_SERVICE_SPEC
    except LookupError:
        return False


def business_400_key(operation_id: str, status: int, content_type: str | None, content: bytes) -> str | None:
    """The key of a 1.1 business-error answer (400 + well-formed ErrorMessage, §4.4), else None."""
    if status != 400 or not _is_customer_service(operation_id):
        return None
    if error_envelope_problems(operation_id, status, content_type, content):
        return None
    try:
        key = first_error_key(decode_body(operation_id, 400, content_type or "", content))
    except Exception:
        return None
    return None if key is None or key in SCHEMA_REFUSAL_KEYS else key


# CS-EMPTY-COLLECTION. Norce's rendered 1.1 docs type every collection member of Customer and Company as an
# array ("Array of objects(Company)", "Array of integers") while nullable members read "integer or null" (Id,
# ReferId), and say of PricelistIds "It will be empty if no priceLists exist" (Customer and Company), of
# DeliveryMethodIds / PaymentMethodIds "It will be empty if no delivery/payment methods exist"
# (docs.norce.io/api-reference/services/customerservice/openapi/companies, .../address). Account's Roles and
# Authorizations are rendered as arrays the same way. The vendored spec keeps these members nullable because a
# *request* may send null ("not updated"); this rule is the response side only.
EMPTY_COLLECTION_RULE = "CS-EMPTY-COLLECTION"
EMPTY_COLLECTION_COMPONENTS = frozenset({"Customer", "Company", "Account"})


def _component(spec: Spec, schema: Any) -> tuple[str | None, dict[str, Any]]:
    """(the component the last `$ref` followed names, or None; the non-null schema behind refs and unions)."""
    name = None
    for _ in range(20):  # ref chains and null unions are shallow; a bound instead of cycle bookkeeping
        if not isinstance(schema, dict):
            break
        if isinstance(schema.get("$ref"), str):
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = spec.resolve(schema)
            continue
        unions = [b for key in ("oneOf", "anyOf") for b in schema.get(key, [])]
        branches = [b for b in unions if spec.resolve(b).get("type") != "null"]
        if len(branches) != 1:
            return name, schema
        schema = branches[0]
    return name, schema if isinstance(schema, dict) else {}


def _is_array(spec: Spec, schema: Any) -> bool:
    kind = _component(spec, schema)[1].get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _null_collections(
    spec: Spec, schema: Any, value: Any, path: str, problems: list[str], depth: int
) -> None:
    """Walk `value` alongside its schema; note each null array member of a Customer/Company/Account."""
    if value is None or depth > 30:
        return
    name, concrete = _component(spec, schema)
    if isinstance(value, list):
        for index, item in enumerate(value):
            _null_collections(spec, concrete.get("items", {}), item, f"{path}[{index}]", problems, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, member_schema in (concrete.get("properties") or {}).items():
        if key not in value:
            continue
        where = f"{path}.{key}" if path else key
        if value[key] is None:
            if name in EMPTY_COLLECTION_COMPONENTS and _is_array(spec, member_schema):
                problems.append(f"{where}: {name}.{key} is null; an empty collection is [] (XML: <{key}/>)")
            continue
        _null_collections(spec, member_schema, value[key], where, problems, depth + 1)


def empty_collection_problems(operation_id: str, status: int, media_type: str, data: Any) -> list[str]:
    """CS-EMPTY-COLLECTION: null collection members of the Customer/Company/Account in a 2xx 1.1 answer.

    `data` is the decoded body (`decode_body`): JSON null and XML `i:nil="true"` both arrive as None.
    """
    if not 200 <= status < 300 or data is None or not _is_customer_service(operation_id):
        return []
    spec = spec_for(operation_id)
    entry = media_entry(spec, operation_id, status, media_type)
    if entry is None or "schema" not in entry:
        return []
    problems: list[str] = []
    _null_collections(spec, entry["schema"], data, "", problems, 0)
    return problems[:20]


def _wanted_family(accept: str | None) -> str | None:
    """'xml' or 'json' when Accept names only one family; None for */*, absent or mixed."""
    if not accept:
        return None
    families = set()
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        if is_xml_media_type(media):
            families.add("xml")
        elif media.endswith("/json") or media.endswith("+json"):
            families.add("json")
        elif media:
            families.add("other")
    return families.pop() if len(families) == 1 and families <= {"xml", "json"} else None


def negotiation_problems(
    accept: str | None, status: int, content_type: str | None, content: bytes
) -> list[str]:
    wanted = _wanted_family(accept)
    if wanted is None or status == 406 or (not content.strip() and not content_type):
        return []
    if not content_type:
        return [f"Accept asks for {wanted}, the response has a body but no Content-Type"]
    got = (
        "xml"
        if is_xml_media_type(content_type)
        else "json"
        if "json" in content_type.lower()
        else content_type
    )
    return [] if got == wanted else [f"Accept asks for {wanted}, the response is {content_type}"]


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
    except Exception as exc:  # not well-formed: certainly not conforming
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
            root = SafeElementTree.fromstring(body)
            return len(list(root)) if _local(root.tag).startswith("ArrayOf") else 1
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
    """(rule id or 'HDR-VALID', problems) for one import request/response pair."""
    has_payload = bool(request_body.strip())
    expected = expected_violation(operation_id, header_value, request_content_type, has_payload=has_payload)
    rule = expected or "HDR-VALID"
    if status in (401, 403, 413, 415, 429) or status >= 500:
        return rule, []  # another layer answered first; not a header verdict
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
                return rule, []
            return rule, [f"accepted ({status}) a header breaking {expected}; expected 400"]
        if status != 400:
            return rule, [f"answered {status} to a header breaking {expected}; expected 400"]
        if (
            positive_body
            and key != expected
            and not waivers.waive(
                "W-Q7-CONNECT-ERROR-BODY", operation_id, f"400 key {key!r} instead of {expected}"
            )
        ):
            return rule, [f"400 carries key {key!r}; expected the rule id {expected}"]
        return rule, []
    if status == 400 and key is not None and key.startswith("HDR-"):
        return rule, [f"rejected a conformant header with {key}"]
    if not positive_body:
        return rule, []
    if status != 200:
        return rule, [f"answered {status} (key {key!r}) to a conformant header and body; expected 200"]
    summary = data.get("ValidationSummary") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("JobId"), str | int)
        or not isinstance(summary, dict)
    ):
        return rule, ["200 without a JobResponse (JobId, ValidationSummary)"]
    sent = count_items(request_content_type, request_body)
    total = summary.get("NrOfItemsInTotal")
    if sent is not None and total != sent:
        return rule, [f"ValidationSummary.NrOfItemsInTotal is {total!r}, {sent} items were sent"]
    return rule, []


# ---------------------------------------------------------------------------------------------------------
# Schemathesis adapters
# ---------------------------------------------------------------------------------------------------------


def _operation_id(case: Any) -> str | None:
    raw = getattr(getattr(case.operation, "definition", None), "raw", None)
    return raw.get("operationId") if isinstance(raw, dict) else None


def response_content_type(response: Any) -> str | None:
    return _header(response.headers, "content-type")


def _request_body(request: Any) -> bytes:
    body = getattr(request, "body", None)
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else bytes(body)


def _raise(operation: str, rule: str, problems: list[str]) -> None:
    if problems:
        raise NorceCheckFailure(operation, rule, problems)


def xml_xsd_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case)
    content_type = response_content_type(response)
    if operation is None or not is_xml_media_type(content_type):
        return True
    _raise(
        operation,
        "xml_xsd_conformance",
        xsd_problems(operation, response.status_code, content_type or "", response.content),
    )
    return None


def json_schema_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case)
    content_type = response_content_type(response) or ""
    if operation is None or "json" not in content_type.lower() or not response.content.strip():
        return True
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        _raise(operation, "json_schema_conformance", [f"body is not JSON: {exc}"])
    problems = json_schema_problems(operation, response.status_code, content_type, data)
    _raise(operation, "json_schema_conformance", problems)
    return None


def norce_error_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case)
    if operation is None:
        return True
    problems = error_envelope_problems(
        operation, response.status_code, response_content_type(response), response.content
    )
    if (
        problems
        and operation in IMPORT_OPERATIONS
        and waivers.waive("W-Q7-CONNECT-ERROR-BODY", operation, "; ".join(problems))
    ):
        return None
    _raise(operation, "norce_error_envelope", problems)
    return None


def content_negotiation(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case) or "?"
    accept = _header(response.request.headers, "accept")
    problems = negotiation_problems(
        accept, response.status_code, response_content_type(response), response.content
    )
    _raise(operation, "content_negotiation", problems)
    return None


def _positive_body(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    if meta is None:
        return True
    from schemathesis.core.parameters import ParameterLocation

    component = meta.components.get(ParameterLocation.BODY)
    if component is not None:
        return not component.mode.is_negative
    return not meta.generation.mode.is_negative


def header_rule_oracle(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case)
    request = response.request
    # Only real import calls are judged: Schemathesis also probes the import paths with unexpected methods
    # (TRACE, QUERY, ...), which never reach the import engine and are not header verdicts.
    if operation not in IMPORT_OPERATIONS or str(request.method).upper() != "POST":
        return True
    rule, problems = header_rule_problems(
        operation,
        header_value=_header(request.headers, HEADER_NAME),
        request_content_type=_header(request.headers, "content-type"),
        request_body=_request_body(request),
        status=response.status_code,
        response_content_type=response_content_type(response),
        response_body=response.content,
        positive_body=_positive_body(case),
    )
    _raise(import_kind(operation), rule, problems)
    return None


def empty_collections(ctx: Any, response: Any, case: Any) -> bool | None:
    operation = _operation_id(case)
    content_type = response_content_type(response) or ""
    if operation is None or not 200 <= response.status_code < 300 or not response.content.strip():
        return True
    if not _is_customer_service(operation):
        return True
    try:
        data = decode_body(operation, response.status_code, content_type, response.content)
    except Exception:
        return True  # an unparseable body is the schema checks' business
    problems = empty_collection_problems(operation, response.status_code, content_type, data)
    _raise(operation, EMPTY_COLLECTION_RULE, problems)
    return None


def xml_deserializer(ctx: Any, response: Any) -> Any:
    """application/xml and text/xml responses as data, for response_schema_conformance."""
    operation = ctx.operation.definition.raw.get("operationId")
    spec = spec_for(operation)
    entry = media_entry(
        spec, operation, response.status_code, response_content_type(response) or "application/xml"
    )
    return xml_to_data(spec, (entry or {}).get("schema", {}), response.content)


CHECKS = {
    "xml_xsd_conformance": xml_xsd_conformance,
    "json_schema_conformance": json_schema_conformance,
    "norce_error_envelope": norce_error_envelope,
    "content_negotiation": content_negotiation,
    "header_rule_oracle": header_rule_oracle,
    "empty_collections": empty_collections,
}

_registered = False


def register() -> None:
    """Register the checks and the XML deserializer with Schemathesis (idempotent)."""
    global _registered
    if _registered:
        return
    import schemathesis

    for function in CHECKS.values():
        schemathesis.check(function)
    schemathesis.deserializer("application/xml", "text/xml")(xml_deserializer)
    _registered = True
