"""Media types and XML reading: the one place the oracle parses XML and tells JSON from XML.

Every XML document the suite reads (responses, request bodies it judges, the header's XML form) goes
through `parse_xml`, which refuses DTDs and entities (defusedxml) so a hostile answer cannot expand.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree

JSON = "application/json"
XML = "application/xml"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"


class XmlUnreadable(ValueError):
    """Not well-formed XML, or XML that uses a DTD or entities (refused, never expanded)."""


def main_type(content_type: str | None) -> str:
    """`application/json` from `Application/JSON; charset=utf-8` ('' when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_xml_media_type(content_type: str | None) -> bool:
    main = main_type(content_type)
    return main.endswith("/xml") or main.endswith("+xml")


def is_json_media_type(content_type: str | None) -> bool:
    main = main_type(content_type)
    return main.endswith("/json") or main.endswith("+json")


# The last document parsed, by identity: the checks of one Schemathesis case each read the same answer
# (deserializer, XSD, schema views, empty collections), and a tenant's list answer takes ~1 s to parse.
# Callers only read the tree. A tuple is replaced whole, so a reader never sees half an update.
_last_parsed: tuple[bytes | str, Element] | None = None


def parse_xml(content: bytes | str) -> Element:
    global _last_parsed
    last = _last_parsed
    if last is not None and last[0] is content:
        return last[1]
    try:
        root: Element = SafeElementTree.fromstring(content)
    except Exception as exc:  # ParseError, or a defusedxml refusal (DTD, entities)
        raise XmlUnreadable(str(exc) or type(exc).__name__) from exc
    _last_parsed = (content, root)
    return root


def local_name(tag: str) -> str:
    """`Customer` from `{namespace}Customer`."""
    return tag.rsplit("}", 1)[-1]


def is_nil(element: Element) -> bool:
    """`i:nil="true"`: DataContract's way of writing null."""
    return (element.get(f"{{{NS_XSI}}}nil") or "").strip().lower() == "true"
