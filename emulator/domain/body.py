"""Read Connect import bodies into a list of items (plain dicts for objects; anything else is kept as it is so
initial validation can fail that one item).

JSON: an array, a single object, or back-to-back objects. XML: ``ArrayOfCustomer``/``ArrayOfCompany`` or a
sequence of ``Customer``/``Company`` roots; namespaces ignored, ``i:nil`` -> None, list members always lists,
text converted per schema.TYPES (text that does not convert stays a string and fails validation later).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal
from xml.etree.ElementTree import Element

from emulator.faults import Faults

from .errors import BodyMalformed, PayloadTooLarge
from .header import is_xml_media_type
from .schema import BOOL, INT, INTEGER_TEXT, NUMBER, TYPES, Enum, FieldType, ListOf, Obj
from .xmlsafe import is_nil, local_name, parse_xml, strip_declaration

MAX_BODY_BYTES = 10 * 1024 * 1024
# The no-body-limit variant: no 10 MiB limit of ours; what is left is the front end's, IIS's default
# maxAllowedContentLength (30,000,000 bytes).
FRONT_END_MAX_BODY_BYTES = 30_000_000
EntityName = Literal["Customer", "Company"]
_WRAPPER = "EmulatorSyntheticRoot"
_BOOL_TEXT = {"true": True, "1": True, "false": False, "0": False}
_NUMBER_TEXT = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


def parse_import_body(
    body: bytes,
    content_type: str | None,
    entity: EntityName,
    max_bytes: int = MAX_BODY_BYTES,
    faults: Faults | None = None,
) -> list[Any]:
    faults = faults if faults is not None else Faults()
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"body is {len(body)} bytes; the limit is {max_bytes}")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyMalformed(f"body is not valid UTF-8 (byte {exc.start})") from exc
    if not text.strip():
        raise BodyMalformed("body is empty")
    if is_xml_media_type(content_type):
        return _xml_mapping_faults(faults, _xml_items(text, entity, faults))
    items = _json_items(text, faults)
    if faults.is_on("import-json-member-names-camel-case"):
        # A reader bound to camelCase names: the documented PascalCase members are unknown to it.
        return [{_camel(k): v for k, v in i.items()} if isinstance(i, dict) else i for i in items]
    return items


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# --- JSON --------------------------------------------------------------------------------------------------
def _json_items(text: str, faults: Faults) -> list[Any]:
    decoder = json.JSONDecoder(parse_constant=_reject_constant)
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            items = decoder.decode(stripped)
            return list(items)
        values: list[Any] = []
        position = 0
        while position < len(stripped):
            value, position = decoder.raw_decode(stripped, position)
            if not isinstance(value, dict):
                raise BodyMalformed("body must be a JSON array, an object or back-to-back objects")
            values.append(value)
            if (
                position < len(stripped)
                and not stripped[position].isspace()
                and faults.is_on("import-back-to-back-json-needs-newlines")
            ):
                raise BodyMalformed("back-to-back JSON objects must be separated by a line break")
            while position < len(stripped) and stripped[position].isspace():
                position += 1
        if faults.is_on("import-back-to-back-json-first-only"):
            return values[:1]
        return values
    except (ValueError, RecursionError) as exc:
        raise BodyMalformed(f"body is not valid JSON: {type(exc).__name__}") from exc


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# --- XML ---------------------------------------------------------------------------------------------------
def _xml_items(text: str, entity: EntityName, faults: Faults) -> list[Any]:
    wrapper = parse_xml(f"<{_WRAPPER}>{strip_declaration(text)}</{_WRAPPER}>")
    if (wrapper.text or "").strip() or any((child.tail or "").strip() for child in wrapper):
        raise BodyMalformed("text outside the root elements")
    roots = list(wrapper)
    if not roots:
        raise BodyMalformed("no XML root element")
    if any(is_nil(root) for root in roots):
        raise BodyMalformed("a nil root is no item list (as JSON null is not)")
    if len(roots) == 1 and local_name(roots[0]) == f"ArrayOf{entity}":
        if _namespace(roots[0]) != CONTRACTS_NAMESPACE and faults.is_on(
            "xml-body-array-root-in-contracts-namespace"
        ):
            raise BodyMalformed(f"XML root must be ArrayOf{entity} in namespace {CONTRACTS_NAMESPACE}")
        _require_element_only(roots[0])
        elements = list(roots[0])
    elif all(local_name(root) == entity for root in roots):
        if len(roots) > 1 and faults.is_on("import-xml-repeated-roots-refused"):
            raise BodyMalformed(f"XML root must be ArrayOf{entity}")
        elements = roots
    else:
        raise BodyMalformed(f"XML root must be ArrayOf{entity} or a sequence of {entity} elements")
    for element in elements:
        if local_name(element) != entity:
            raise BodyMalformed(f"unexpected element {local_name(element)!r} in ArrayOf{entity}")
    _xml_tree_faults(faults, elements, entity)
    try:
        return [_element_to_dict(element, entity, faults) for element in elements]
    except RecursionError as exc:
        raise BodyMalformed("XML is nested too deeply") from exc


# XML-only mapping faults: a member the XML reader drops, per item (or per entry of a nested list).
_XML_DROPPED_MEMBERS = {
    "xml-body-drops-cell-phone": (None, "CellPhoneNumber"),
    "xml-body-ignores-company-list-delta": (None, "IsCompanyListDelta"),
    "xml-body-drops-flag-is-active": ("Flags", "IsActive"),
}


def _xml_mapping_faults(faults: Faults, items: list[Any]) -> list[Any]:
    for name, (nested, member) in _XML_DROPPED_MEMBERS.items():
        if not faults.is_on(name):
            continue
        for item in (item for item in items if isinstance(item, dict)):
            entries = item.get(nested) if nested else [item]
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    entry.pop(member, None)
    return items


# XML-only reading faults that act on the elements before they are read (docs/norce-facts.md §4.1 "XML body").
CONTRACTS_NAMESPACE = "Enferno.Services.StormConnect.Contracts"
MODELS_NAMESPACE = f"{CONTRACTS_NAMESPACE}.Customer.Models"
_ADDRESS_MEMBERS = ("InvoiceAddress", "DeliveryAddresses")


def _namespace(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _xml_tree_faults(faults: Faults, items: list[Element], entity: EntityName) -> None:
    if not faults.on:
        return
    for item in items:
        if faults.is_on("xml-body-integer-enums-refused"):
            _refuse_integer_enums(item, entity)
        if faults.is_on("xml-body-nil-ignored"):
            _drop_nil_members(item)
        if faults.is_on("xml-body-address-in-common-namespace"):
            for member in (child for child in item if local_name(child) in _ADDRESS_MEMBERS):
                addresses = [member] if local_name(member) == "InvoiceAddress" else list(member)
                for address in addresses:
                    for line in [c for c in address if _namespace(c) == MODELS_NAMESPACE]:
                        address.remove(line)
        if faults.is_on("xml-body-phone-number-ordered-last"):
            # DataContract reading: with PhoneNumber ordered last, every member after it is out of order
            members = list(item)
            names = [local_name(child) for child in members]
            if "PhoneNumber" in names:
                for later in members[names.index("PhoneNumber") + 1 :]:
                    item.remove(later)


def _refuse_integer_enums(element: Element, type_name: str) -> None:
    fields = TYPES.get(type_name, {})
    for child in element:
        field_type = fields.get(local_name(child))
        if isinstance(field_type, Enum) and INTEGER_TEXT.fullmatch((child.text or "").strip()):
            raise BodyMalformed(f"{local_name(child)} must be an enum name, not {child.text!r}")
        if isinstance(field_type, ListOf) and isinstance(field_type.item, Obj):
            for entry in child:
                _refuse_integer_enums(entry, field_type.item.type_name)
        elif isinstance(field_type, Obj):
            _refuse_integer_enums(child, field_type.type_name)


def _drop_nil_members(element: Element) -> None:
    for child in list(element):
        if is_nil(child):
            element.remove(child)
        else:
            _drop_nil_members(child)


def _require_element_only(element: Element) -> None:
    """A DataContract collection or object holds elements only: text in it is a deserialization error."""
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        raise BodyMalformed(f"text inside <{local_name(element)}>, which holds elements only")


# XML-only order faults: (type, member, the member it is expected right after). The reader then walks a
# type's elements as DataContractSerializer does, in that (wrong) order: an element that comes after one
# it should precede is dropped, so the member sent in the documented DataContract order is lost.
_XML_MISORDERED = {
    "xml-body-customer-phone-expected-after-email": ("Customer", "PhoneNumber", "EmailAddress"),
    "xml-body-company-phone-expected-after-email": ("Company", "PhoneNumber", "EmailAddress"),
    "xml-body-address-zip-expected-after-lines": ("Address", "ZipCode", "AddressLine2"),
}


def _faulted_order(type_name: str, faults: Faults) -> list[str] | None:
    for name, (misordered, member, after) in _XML_MISORDERED.items():
        if misordered == type_name and faults.is_on(name):
            order = [m for m in sorted(TYPES[type_name]) if m != member]
            order.insert(order.index(after) + 1, member)
            return order
    return None


def _element_to_dict(element: Element, type_name: str, faults: Faults) -> dict[str, Any]:
    if type_name:
        _require_element_only(element)
    fields = TYPES.get(type_name, {})
    order = _faulted_order(type_name, faults) if type_name and faults.on else None
    reached = -1
    result: dict[str, Any] = {}
    for child in element:
        name = local_name(child)
        if order is not None and name in order:
            if order.index(name) < reached:
                continue
            reached = order.index(name)
        result[name] = _element_value(child, fields.get(name), faults)
    return result


def _element_value(element: Element, field_type: FieldType | None, faults: Faults) -> Any:
    if is_nil(element):
        return None
    if isinstance(field_type, ListOf):
        _require_element_only(element)
        return [_element_value(item, field_type.item, faults) for item in element]
    if isinstance(field_type, Obj):
        return _element_to_dict(element, field_type.type_name, faults)
    if field_type is None and len(element):
        return _element_to_dict(element, "", faults)  # unknown member: keep its structure, never written
    return _convert_text((element.text or "").strip(), field_type)


def _convert_text(text: str, field_type: FieldType | None) -> Any:
    if field_type == INT and INTEGER_TEXT.fullmatch(text):
        return int(text)
    if field_type == BOOL and text.lower() in _BOOL_TEXT:
        return _BOOL_TEXT[text.lower()]
    if field_type == NUMBER and _NUMBER_TEXT.fullmatch(text):
        return float(text)
    if isinstance(field_type, Enum) and INTEGER_TEXT.fullmatch(text):
        return int(text)
    return text
