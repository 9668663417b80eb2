"""What a response must look like: pure checks over plain values (status, media type, bytes, decoded data).

Each function returns a list of problems (empty = conforms), so the oracle is tested with hand-made answers
and reused unchanged by the Schemathesis adapters (`contracts.schemathesis_ext.checks`) and the tests.

- `xsd_problems`: an XML answer validates against the vendored XSD, with the root the spec names; an empty
  body only where the spec allows one (no content, or null-on-not-found).
- `json_schema_problems`: JSON (or decoded XML) against the spec with the python `jsonschema` (Draft 2020-12),
  an independent cross-check of Schemathesis' Rust validator.
- `error_envelope_problems`: a 4xx other than 401 carries an ErrorMessage (JSON or XML).
- `negotiation_problems`: Accept XML gets XML, Accept JSON gets JSON.
- `empty_collection_problems` (CS-EMPTY-COLLECTION): a 1.1 Customer, Company or Account never carries a null
  collection member; an empty one is `[]` (XML: an empty element, not `i:nil="true"`).
- `business_400_key`: the key of a well-formed 1.1 business-error answer.
- `invariant_problems` (CS-INVARIANTS): what every 1.1 answer must keep of the documented entity invariants:
  Customer.Key and Company.Key are GUIDs, no two customers share a Key (within an answer, and across the
  answers a `CustomerKeyMemo` has seen), no two companies share OrgNo + Name; `info_id_problems`: Info ids
  come from the info types lists.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from contracts.oracle.media import XmlUnreadable, is_xml_media_type, parse_xml
from contracts.oracle.sampling import sample_xml_list
from contracts.oracle.schema_views import STRICT, schema_problems
from contracts.oracle.spec import Spec, is_customer_service, spec_for
from contracts.oracle.xml_data import decode_body, xml_to_data
from contracts.oracle.xsd_catalog import expected_root, xsd, xsd_declaring


def xsd_problems(operation_id: str, status: int, media_type: str, content: bytes) -> list[str]:
    spec = spec_for(operation_id)
    if not content.strip():
        if spec.empty_body_allowed(operation_id, status):
            return []
        return [f"empty XML body on {status}, but the spec declares content for it"]
    try:
        root = parse_xml(content)
    except XmlUnreadable as exc:
        return [f"XML body is not well-formed or is forbidden: {exc}"]
    entry = spec.media_entry(operation_id, status, media_type) or {}
    wanted = expected_root(spec, entry["schema"]) if "schema" in entry else None
    if wanted is not None and root.tag != wanted:
        return [f"root element is {root.tag}, the spec names {wanted}"]
    schema = xsd(entry["x-norce-xsd"]) if "x-norce-xsd" in entry else xsd_declaring(root.tag)
    if schema is None:
        return [f"no vendored XSD declares the root element {root.tag}"]
    # The parsed tree, not the bytes: a tenant's list answer is validated on its first items (sampling).
    return [f"{error.path}: {error.reason}" for error in schema.iter_errors(sample_xml_list(root))][:20]


def json_schema_problems(operation_id: str, status: int, media_type: str, data: Any) -> list[str]:
    """Validate data against the response schema as vendored (the strict view, SCHEMA-STRICT)."""
    return schema_problems(operation_id, status, media_type, data, STRICT)


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
        key = first.get("Key") if isinstance(first, dict) else None
        if isinstance(key, str):
            return key
    return None


# 400 keys that refuse the request's shape (the emulator's, and any server's, schema-level refusals). A
# schema-valid request refused with one of these is a real spec/server disagreement, never a business answer.
SCHEMA_REFUSAL_KEYS = frozenset(
    {"BodyInvalid", "BodyMalformed", "BodyMissing", "InvalidParameter", "MissingParameter"}
)


def business_400_key(operation_id: str, status: int, content_type: str | None, content: bytes) -> str | None:
    """The key of a 1.1 business-error answer (400 + well-formed ErrorMessage, docs/norce-facts.md §4.4), else
    None."""
    if status != 400 or not is_customer_service(operation_id):
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


def _is_array(spec: Spec, schema: Any) -> bool:
    kind = spec.concrete(schema)[1].get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _null_collections(
    spec: Spec, schema: Any, value: Any, path: str, problems: list[str], depth: int
) -> None:
    """Walk `value` alongside its schema; note each null array member of a Customer/Company/Account."""
    if value is None or depth > 30:
        return
    name, concrete = spec.concrete(schema)
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
    if not 200 <= status < 300 or data is None or not is_customer_service(operation_id):
        return []
    spec = spec_for(operation_id)
    entry = spec.media_entry(operation_id, status, media_type)
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


# CS-INVARIANTS. The 1.1 schema pages (docs/norce-facts.md §2C): Customer.Key "Unique across the system", a
# GUID and never null (WSDL); Company.Key a guid; Company.Name "OrgNo + Name must be unique" (and
# ListCompaniesByOrgNo: "OrgNo alone is not unique; OrgNo + Name is"); Info "Ids come from
# ListCustomerInfoTypes / ListCompanyInfoTypes". The checks judge what an answer shows; one entity listed
# twice (same Id) breaks none.
INVARIANTS_RULE = "CS-INVARIANTS"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ENTITIES = frozenset({"Customer", "Company"})


class CustomerKeyMemo:
    """Customer Keys seen in one run's answers, each with the customer Id it belonged to: a Key that comes
    back with another Id is a second customer holding it. Bounded (the oldest Keys are forgotten first), so a
    long run against a large tenant keeps a fixed amount of memory."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._ids: OrderedDict[str, int] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def note(self, key: str, customer_id: int) -> int | None:
        """Remember `key` for `customer_id`; the other Id when the Key was seen with another customer."""
        known = key.lower()
        seen = self._ids.get(known)
        if seen is not None and seen != customer_id:
            return seen
        self._ids[known] = customer_id
        self._ids.move_to_end(known)
        while len(self._ids) > self.limit:
            self._ids.popitem(last=False)
        return None


def _entity_kind(spec: Spec, schema: Any) -> tuple[str | None, bool]:
    """("Customer" / "Company" / other component, whether the answer is a list of them)."""
    name, concrete = spec.concrete(schema)
    if _is_array(spec, concrete):
        return spec.concrete(concrete.get("items", {}))[0], True
    return name, False


def _entities(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _key_problems(kind: str, entity: dict[str, Any], where: str) -> list[str]:
    if "Key" not in entity:
        return []  # an absent member is the schema views' business
    key = entity["Key"]
    if key is None:
        return [
            f"{where}: {kind}.Key is null; it is a GUID"
            + (" that is never null" if kind == "Customer" else "")
        ]
    if not isinstance(key, str) or not _GUID.match(key):
        return [f"{where}: {kind}.Key {key!r} is not a GUID"]
    return []


def _holders(ids: dict[Any, str]) -> str:
    return ", ".join(f"{where} Id {entity_id}" for entity_id, where in ids.items())


def _shared_keys(customers: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Customers of one answer with one Key and different Ids."""
    holders: dict[str, dict[Any, str]] = {}
    for where, customer in customers:
        key = customer.get("Key")
        if isinstance(key, str) and key:
            holders.setdefault(key.lower(), {}).setdefault(customer.get("Id"), where)
    return [
        f"Customer.Key {key} is held by {len(ids)} customers ({_holders(ids)}); a Key is unique across the "
        "system"
        for key, ids in holders.items()
        if len(ids) > 1
    ]


def _shared_org_no_and_name(companies: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
    """Companies of one list with one OrgNo + Name and different Ids (no OrgNo: nothing to judge)."""
    holders: dict[tuple[str, Any], dict[Any, str]] = {}
    for where, company in companies:
        org_no = company.get("OrgNo")
        if isinstance(org_no, str) and org_no:
            holders.setdefault((org_no, company.get("Name")), {}).setdefault(company.get("Id"), where)
    return [
        f"OrgNo {org_no!r} + Name {name!r} are held by {len(ids)} companies ({_holders(ids)}); "
        "OrgNo + Name is unique"
        for (org_no, name), ids in holders.items()
        if len(ids) > 1
    ]


def _company_list_problems(companies: list[tuple[str, dict[str, Any]]]) -> list[str]:
    problems = [p for where, company in companies for p in _key_problems("Company", company, where)]
    return problems + _shared_org_no_and_name(companies)


def invariants_apply(operation_id: str, status: int, media_type: str) -> bool:
    """Whether a 2xx 1.1 answer carries Customers or Companies, which CS-INVARIANTS judges."""
    if not 200 <= status < 300 or not is_customer_service(operation_id):
        return False
    spec = spec_for(operation_id)
    entry = spec.media_entry(operation_id, status, media_type)
    return entry is not None and "schema" in entry and _entity_kind(spec, entry["schema"])[0] in ENTITIES


def invariant_problems(
    operation_id: str, status: int, media_type: str, data: Any, memo: CustomerKeyMemo | None = None
) -> list[str]:
    """CS-INVARIANTS over a decoded 2xx 1.1 answer (`decode_body`): the Customers and Companies it carries,
    a Customer's Companies included. With a `memo`, every Customer's Key is also held against the Ids that Key
    came with in the run's earlier answers (pass one only for answers that show stored customers)."""
    if not 200 <= status < 300 or data is None or not is_customer_service(operation_id):
        return []
    spec = spec_for(operation_id)
    entry = spec.media_entry(operation_id, status, media_type)
    if entry is None or "schema" not in entry:
        return []
    kind, is_list = _entity_kind(spec, entry["schema"])
    items = _entities(data) if is_list else _entities([data])
    labelled = [(f"[{index}]" if is_list else "<root>", item) for index, item in enumerate(items)]
    if kind == "Company":
        return _company_list_problems(labelled)[:20]
    if kind != "Customer":
        return []
    problems: list[str] = []
    for where, customer in labelled:
        problems += _key_problems("Customer", customer, where)
        companies = [
            (f"{where}.Companies[{i}]", c) for i, c in enumerate(_entities(customer.get("Companies")))
        ]
        problems += _company_list_problems(companies)
        key, customer_id = customer.get("Key"), customer.get("Id")
        if memo is not None and isinstance(key, str) and _GUID.match(key) and isinstance(customer_id, int):
            other = memo.note(key, customer_id)
            if other is not None:
                problems.append(
                    f"{where}: Customer.Key {key} of customer {customer_id} was held by customer {other} in "
                    "an earlier answer; a Key is unique across the system"
                )
    return (problems + _shared_keys(labelled))[:20]


def info_id_problems(kind: str, entity: Any, info_type_ids: Iterable[int]) -> list[str]:
    """CS-INVARIANTS: every Info entry of a Customer or Company names an id of ListCustomerInfoTypes /
    ListCompanyInfoTypes (`info_type_ids`)."""
    if not isinstance(entity, dict):
        return []
    known = set(info_type_ids)
    source = "ListCustomerInfoTypes" if kind == "Customer" else "ListCompanyInfoTypes"
    return [
        f"{kind}.Info[{index}].Id {info.get('Id')!r} (Code {info.get('Code')!r}) is no id of {source}"
        for index, info in enumerate(_entities(entity.get("Info")))
        if info.get("Id") not in known
    ]
