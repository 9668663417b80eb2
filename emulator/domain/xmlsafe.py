"""Safe XML parsing shared by the header and body readers: defusedxml with DTDs, entities and external
references forbidden, plus helpers for namespace-agnostic element names and ``i:nil``."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from .errors import BodyMalformed, DomainError, XmlForbidden

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_MARKUP_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def check_no_dtd(text: str) -> None:
    """Reject DTD markup before any parsing: wrapping a body in a synthetic root would otherwise turn a
    DOCTYPE
    into a plain syntax error."""
    if _MARKUP_DECLARATION.search(text):
        raise XmlForbidden("DTDs and entity declarations are not allowed in XML")


def strip_declaration(text: str) -> str:
    return _DECLARATION.sub("", text, count=1)


def parse_xml(text: str, malformed: Callable[[str], DomainError] = BodyMalformed) -> Element:
    check_no_dtd(text)
    try:
        root: Element = SafeElementTree.fromstring(
            text, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (
        defusedxml.DTDForbidden,
        defusedxml.EntitiesForbidden,
        defusedxml.ExternalReferenceForbidden,
    ) as exc:
        raise XmlForbidden(f"forbidden XML construct: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise malformed(f"XML is not well-formed: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise malformed(f"XML could not be read: {type(exc).__name__}") from exc
    return root


def local_name(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def is_nil(element: Element) -> bool:
    return element.get(XSI_NIL, "").strip().lower() == "true"
