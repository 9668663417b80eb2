"""Where two answers to one request differ: status, media type, the headers that carry meaning, the body's
members and values, modulo ids, dates and run prefixes (emulator/parity/values.py).

Ids are compared by presence and type only; while walking, each id pair the two answers hold at the same
place teaches the id map. List items are paired by their identity (Code, EmailAddress, OrganizationNo,
LoginName) when every item has a distinct one, else by position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from emulator.parity.idmap import IdMap
from emulator.parity.trees import Parsed, XmlNode, media_type, parse_answer
from emulator.parity.values import (
    holder_space,
    id_space,
    normalise_text,
    shown,
    texts_match,
    type_name,
    xml_id_space,
)

KINDS = (
    "status",  # the HTTP status
    "media",  # the answer's media type
    "header",  # a header that carries meaning: Content-Type parameters, Content-Encoding, WWW-Authenticate...
    "body",  # one body is empty, null or unreadable where the other is not
    "xml-form",  # XML written differently: declaration, namespace prefixes
    "member",  # a member (element) one answer has and the other has not
    "type",  # a member of another JSON type (or XML nil / text / element)
    "value",  # a value, once ids, dates and run prefixes are set aside
    "items",  # a list of another length
    "order",  # the same members in another order
    "network",  # no answer at all on one side (a connection reset)
    "retried",  # the tenant answered 429 / 503 first; the client waited and sent again
    "timing",  # the tenant's jobs or answers took longer than the emulator's, beyond the slack
)
IDENTITY_MEMBERS = ("Code", "EmailAddress", "OrganizationNo", "LoginName")
MEANINGFUL_HEADERS = ("content-encoding", "www-authenticate", "allow", "retry-after")
MAX_PER_EXCHANGE = 40  # a list answer can differ in every item: the first differences are enough


@dataclass(frozen=True)
class Difference:
    entry: int  # the exchange's position in the cassette
    operation: str
    test: str
    kind: str
    path: str  # "" for the answer as a whole; a member path (`Companies[].Id`); a header name
    tenant: str
    emulator: str

    @property
    def member(self) -> str:
        """The last name on the path (what a fact would name)."""
        name = self.path.rsplit(".", 1)[-1]
        return name.replace("[]", "")


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer
    headers: tuple[tuple[str, str], ...]
    body: bytes | None  # None: not kept
    error: str | None = None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def content_type(self) -> str:
        return self.header("content-type") or ""


class ExchangeDiff:
    """The differences of one exchange; learns ids into `ids` as it walks."""

    def __init__(self, entry: int, operation: str, test: str, ids: IdMap) -> None:
        self.entry, self.operation, self.test, self.ids = entry, operation, test, ids
        self.found: list[Difference] = []
        self.in_progress = 0

    def add(self, kind: str, path: str, tenant: str, emulator: str) -> None:
        self.found.append(Difference(self.entry, self.operation, self.test, kind, path, tenant, emulator))

    def compare(self, tenant: Answer, emulator: Answer) -> list[Difference]:
        if tenant.status == 0 or emulator.status == 0:
            if tenant.status != emulator.status:
                self.add("network", "", _no_answer(tenant), _no_answer(emulator))
            return self.found
        if tenant.status != emulator.status:
            self.add("status", "", str(tenant.status), str(emulator.status))
        left, right = media_type(tenant.content_type), media_type(emulator.content_type)
        if left != right:
            self.add("media", "", left or "(none)", right or "(none)")
        if tenant.status != emulator.status:
            return self.found  # another answer altogether: its headers and body would only repeat that
        self._headers(tenant, emulator)
        if left == right and tenant.body is not None:
            self._bodies(tenant, emulator)
        return self.found[:MAX_PER_EXCHANGE] if len(self.found) > MAX_PER_EXCHANGE else self.found

    def _headers(self, tenant: Answer, emulator: Answer) -> None:
        left, right = _parameters(tenant.content_type), _parameters(emulator.content_type)
        if left != right and media_type(tenant.content_type) == media_type(emulator.content_type):
            self.add("header", "Content-Type", left or "(no parameters)", right or "(no parameters)")
        for name in MEANINGFUL_HEADERS:
            one, other = _header_form(name, tenant.header(name)), _header_form(name, emulator.header(name))
            if one != other:
                self.add("header", _title(name), one, other)

    def _bodies(self, tenant: Answer, emulator: Answer) -> None:
        one = parse_answer(tenant.body or b"", tenant.content_type)
        other = parse_answer(emulator.body or b"", emulator.content_type)
        if one.kind != other.kind or one.kind in ("empty", "text"):
            if one.kind != other.kind or not texts_match(self.ids.in_text(one.text), other.text):
                self.add("body", "", _describe(one), _describe(other))
            return
        if one.form is not None and other.form is not None:
            if one.form.declaration != other.form.declaration:
                self.add(
                    "xml-form", "declaration", _said(one.form.declaration), _said(other.form.declaration)
                )
            if one.form.prefixed != other.form.prefixed:
                self.add(
                    "xml-form", "namespace prefixes", _said(one.form.prefixed), _said(other.form.prefixed)
                )
        self.walk(one.tree, other.tree, "", ())

    # -- the tree walk ---------------------------------------------------------------------------------
    def walk(self, tenant: Any, emulator: Any, path: str, context: tuple[str, ...]) -> None:
        if running(tenant) and not running(emulator):
            self.in_progress += 1  # a job the tenant showed mid-run; the emulator's had finished
            return
        if isinstance(tenant, dict) and isinstance(emulator, dict):
            self._members(tenant, emulator, path, context, xml=False)
        elif isinstance(tenant, XmlNode) and isinstance(emulator, XmlNode):
            self._members(
                tenant.children, emulator.children, path, context, xml=True, orders=(tenant, emulator)
            )
        elif isinstance(tenant, list) and isinstance(emulator, list):
            self._items(tenant, emulator, path, context)
        elif _kind(tenant) != _kind(emulator):
            self.add("type", path, _kind(tenant), _kind(emulator))
        elif isinstance(tenant, str) and isinstance(emulator, str):
            if not texts_match(self.ids.in_text(tenant), emulator):
                self.add("value", path, shown(tenant), shown(emulator))
        elif tenant != emulator:
            self.add("value", path, shown(tenant), shown(emulator))

    def _members(
        self,
        tenant: dict[str, Any],
        emulator: dict[str, Any],
        path: str,
        context: tuple[str, ...],
        *,
        xml: bool,
        orders: tuple[XmlNode, XmlNode] | None = None,
    ) -> None:
        for name in tenant:
            if name not in emulator:
                self.add("member", _join(path, name), "present", "absent")
        for name in emulator:
            if name not in tenant:
                self.add("member", _join(path, name), "absent", "present")
        common = [name for name in tenant if name in emulator]
        theirs = [name for name in (orders[1].order if orders else emulator) if name in tenant]
        ours = [name for name in (orders[0].order if orders else common) if name in emulator]
        if ours != theirs:
            self.add("order", path, ", ".join(ours), ", ".join(theirs))
        for name in common:
            inner = (*context, name)
            if xml:
                self._xml_children(tenant[name], emulator[name], _join(path, name), inner, context)
                continue
            space = id_space(name, context, self.operation)
            if space is not None:
                self._ids(space, tenant[name], emulator[name], _join(path, name))
            else:
                self.walk(tenant[name], emulator[name], _join(path, name), inner)

    def _xml_children(
        self,
        tenant: list[Any],
        emulator: list[Any],
        path: str,
        inner: tuple[str, ...],
        context: tuple[str, ...],
    ) -> None:
        """Same-named child elements: a repeated element is a list (its items paired), one is a value."""
        name = inner[-1]
        space = xml_id_space(name, context, self.operation)
        if space is not None and all(not isinstance(v, XmlNode) for v in (*tenant, *emulator)):
            if len(tenant) != len(emulator):
                self.add("items", path, str(len(tenant)), str(len(emulator)))
            for one, other in zip(tenant, emulator, strict=False):
                self._ids(space, one, other, path)
            return
        if len(tenant) == 1 and len(emulator) == 1:
            self.walk(tenant[0], emulator[0], path, inner)
        else:
            self._items(tenant, emulator, path, inner)

    def _ids(self, space: str, tenant: Any, emulator: Any, path: str) -> None:
        if isinstance(tenant, list) and isinstance(emulator, list):
            if len(tenant) != len(emulator):
                self.add("items", path, str(len(tenant)), str(len(emulator)))
            for one, other in zip(tenant, emulator, strict=False):
                self._ids(space, one, other, f"{path}[]")
            return
        if _kind(tenant) != _kind(emulator) or (tenant in ("", None)) != (emulator in ("", None)):
            self.add("type", path, _kind(tenant, id_value=True), _kind(emulator, id_value=True))
            return
        self.ids.learn(space, tenant, emulator)

    def _items(self, tenant: list[Any], emulator: list[Any], path: str, context: tuple[str, ...]) -> None:
        if len(tenant) != len(emulator):
            self.add("items", f"{path}[]", str(len(tenant)), str(len(emulator)))
        for one, other in _paired(tenant, emulator, self.ids, holder_space(context, self.operation)):
            self.walk(one, other, f"{path}[]", context)
            if len(self.found) > MAX_PER_EXCHANGE:
                return


def compare(
    entry: int, operation: str, test: str, tenant: Answer, emulator: Answer, ids: IdMap
) -> list[Difference]:
    return ExchangeDiff(entry, operation, test, ids).compare(tenant, emulator)


def running(value: Any) -> bool:
    """A JobDto of a job still running (IsFinished false), JSON or XML."""
    if isinstance(value, dict):
        return value.get("IsFinished") is False
    if isinstance(value, XmlNode):
        finished = value.children.get("IsFinished") or []
        return bool(finished) and finished[0] == "false"
    return False


def _identity(item: Any) -> str | None:
    for member in IDENTITY_MEMBERS:
        if isinstance(item, dict) and isinstance(item.get(member), str):
            return f"{member}={normalise_text(item[member]).lower()}"
        if isinstance(item, XmlNode):
            values = item.children.get(member)
            if values and isinstance(values[0], str):
                return f"{member}={normalise_text(values[0]).lower()}"
    return None


def _paired(
    tenant: Sequence[Any], emulator: Sequence[Any], ids: IdMap | None = None, space: str | None = None
) -> Iterator[tuple[Any, Any]]:
    """Items paired by identity when every item has a distinct one (a tenant may order a list its own way):
    by Code, EmailAddress, OrganizationNo or LoginName, else by an id the map knows (a job list pairs by
    JobId); otherwise by position."""
    for key_of in (_identity, lambda item: _mapped_id(item, ids, space, tenant_side=True)):
        left = [key_of(item) for item in tenant]
        right = [
            _identity(item) if key_of is _identity else _mapped_id(item, ids, space) for item in emulator
        ]
        if _distinct(left) and _distinct(right):
            theirs = dict(zip(right, emulator, strict=True))
            for key, item in zip(left, tenant, strict=True):
                if key in theirs:
                    yield item, theirs[key]
            return
    yield from zip(tenant, emulator, strict=False)


def _distinct(keys: list[str | None]) -> bool:
    return bool(keys) and all(keys) and len(set(keys)) == len(keys)


def _mapped_id(item: Any, ids: IdMap | None, space: str | None, *, tenant_side: bool = False) -> str | None:
    """An item's own id (JobId, else Id) as the emulator's: the tenant's is mapped through the id map."""
    if ids is None or space is None:
        return None
    for member in ("JobId", "Id"):
        value: Any = None
        if isinstance(item, dict):
            value = item.get(member)
        elif isinstance(item, XmlNode) and item.children.get(member):
            value = item.children[member][0]
        if value is None or isinstance(value, (dict, list, XmlNode, bool)):
            continue
        item_space = "job" if member == "JobId" else space
        return ids.lookup(item_space, str(value)) if tenant_side else str(value)
    return None


def _kind(value: Any, *, id_value: bool = False) -> str:
    if isinstance(value, XmlNode):
        return "element"
    if id_value and value in ("", None):
        return "no id" if value is None else "empty"
    return type_name(value)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _parameters(content_type: str) -> str:
    parts = [part.strip().lower().replace(" ", "") for part in content_type.split(";")[1:]]
    return "; ".join(sorted(part for part in parts if part))


def _header_form(name: str, value: str | None) -> str:
    """What of a header is compared: its presence, and for some its scheme or values."""
    if value is None:
        return "(absent)"
    if name == "www-authenticate":
        return value.strip().split(" ", 1)[0].split(",", 1)[0] or "(empty)"
    if name == "allow":
        return ", ".join(sorted(method.strip().upper() for method in value.split(",") if method.strip()))
    if name == "retry-after":
        return "present"
    return value.strip().lower()


def _title(name: str) -> str:
    return {"www-authenticate": "WWW-Authenticate"}.get(
        name, "-".join(p.capitalize() for p in name.split("-"))
    )


def _describe(parsed: Parsed) -> str:
    if parsed.kind == "empty":
        return "empty body"
    if parsed.kind == "json" and parsed.tree is None:
        return "null"
    if parsed.kind == "text":
        text = " ".join(normalise_text(parsed.text).split())
        return f"text {text[:80]!r}"
    return f"{parsed.kind} {type_name(parsed.tree) if parsed.kind == 'json' else 'document'}"


def _said(flag: bool) -> str:
    return "yes" if flag else "no"


def _no_answer(answer: Answer) -> str:
    return f"no answer ({answer.error or 'connection closed'})" if answer.status == 0 else str(answer.status)
