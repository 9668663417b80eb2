"""An answer as a tree the diff can walk: JSON as it is, XML as nested `XmlNode`s.

XML is read the way the emulator reads it (defusedxml: no DTDs, no entities). An element becomes an `XmlNode`
(its children by local name, each a list, in document order) or, without child elements, its text; an
`i:nil="true"` element becomes None. The root is an `XmlNode` holding the root element, so a different
root name is a different member. How the document is written (declaration, namespace prefixes) is kept
apart in `XmlForm`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_PREFIXED_TAG = re.compile(r"<[A-Za-z_][\w.-]*:[A-Za-z_]")


@dataclass
class XmlNode:
    children: dict[str, list[Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # child names in document order, repeats collapsed


@dataclass(frozen=True)
class XmlForm:
    declaration: bool
    prefixed: bool


@dataclass(frozen=True)
class Parsed:
    """An answer body read: `kind` is "empty", "json", "xml" or "text" (unreadable as its type says)."""

    kind: str
    tree: Any = None
    text: str = ""
    form: XmlForm | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _node(element: Element) -> Any:
    if element.get(XSI_NIL) == "true":
        return None
    kids = list(element)
    if not kids:
        return element.text or ""
    node = XmlNode()
    for kid in kids:
        name = _local(kid.tag)
        node.children.setdefault(name, []).append(_node(kid))
        if not node.order or node.order[-1] != name:
            node.order.append(name)
    return node


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def parse_answer(body: bytes, content_type: str) -> Parsed:
    """Read an answer body by its content type (sniffing when it has none)."""
    text = body.decode("utf-8", errors="replace")
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return Parsed("empty", text=text)
    media = media_type(content_type)
    if media.endswith("json") or (not media and stripped[:1] in '[{"n'):
        try:
            return Parsed("json", json.loads(stripped), text)
        except ValueError:
            return Parsed("text", text=text)
    if media.endswith("xml") or (not media and stripped.startswith("<")):
        try:
            root = SafeET.fromstring(stripped.encode())
        except (ParseError, DefusedXmlException, ValueError):
            return Parsed("text", text=text)
        tree = XmlNode({_local(root.tag): [_node(root)]}, [_local(root.tag)])
        form = XmlForm(stripped.startswith("<?xml"), bool(_PREFIXED_TAG.search(stripped[:2000])))
        return Parsed("xml", tree, text, form)
    return Parsed("text", text=text)
