"""How much of a list answer the schema checks judge: its first SAMPLED_LIST_ITEMS items.

On a tenant holding thousands of customers a broad SearchCustomer answers them all (9.6 MB of XML for 3,000).
Validating every item took seconds per answer (XSD: 6 s; JSON Schema in pure Python: longer) and Schemathesis
asks the same operation dozens of times, so a run against a well-filled tenant stalled for hours. Every item
of a list has the same schema, so a wrong member shows in the first ones unless only some items carry it:
that is the documented trade-off (README, "Large tenants"). Semantic checks (is the customer the run created
in the answer?) read the whole answer; only the shape checks sample.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

SAMPLED_LIST_ITEMS = 200


def sample_list(data: Any) -> Any:
    """A decoded list answer cut to its first items; anything else unchanged."""
    return data[:SAMPLED_LIST_ITEMS] if isinstance(data, list) else data


def sample_xml_list(root: Element) -> Element:
    """An XML list answer (a root of more than SAMPLED_LIST_ITEMS children of one name) cut to its first
    items, as a new root sharing the kept children; any other element unchanged."""
    children = list(root)
    if len(children) <= SAMPLED_LIST_ITEMS or len({child.tag for child in children}) != 1:
        return root
    sampled = Element(root.tag, root.attrib)
    sampled.text, sampled.tail = root.text, root.tail
    sampled.extend(children[:SAMPLED_LIST_ITEMS])
    return sampled
