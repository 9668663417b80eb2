"""The tenant's ids and the emulator's: learnt from the answers, used to rewrite later requests.

The tenant numbered its customers, companies, addresses, accounts and jobs its own way (and holds other
data); the emulator numbers its own. Where the two answers of one exchange hold an id at the same place,
the tenant's value stands for the emulator's from then on: a later request's query parameters and body
carry the emulator's. Ids live in spaces (customer, company, address, account, job, flag, pricelist, the
entities' key spaces ...), so customer 5 and company 5 stay apart. The first pairing of an id wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_plus

from emulator.parity.values import id_space, parameter_space, xml_id_space

_XML_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)([^<>]*?)(/?)>")


@dataclass
class IdMap:
    spaces: dict[str, dict[str, str]] = field(default_factory=dict)
    # in_text's pattern, rebuilt only when a new pair is learnt (texts are compared by the thousand)
    _text_rule: tuple[re.Pattern[str], dict[str, str]] | None = field(default=None, repr=False)
    _learnt: int = field(default=0, repr=False)
    _rule_at: int = field(default=-1, repr=False)

    def learn(self, space: str, tenant: Any, emulator: Any) -> None:
        if tenant is None or emulator is None or isinstance(tenant, bool) or isinstance(emulator, bool):
            return
        if isinstance(tenant, (dict, list)) or isinstance(emulator, (dict, list)):
            return
        mapping = self.spaces.setdefault(space, {})
        if str(tenant) not in mapping:
            mapping[str(tenant)] = str(emulator)
            self._learnt += 1

    def counts(self) -> tuple[int, int]:
        """(ids learnt, ids whose emulator id differs from the tenant's)."""
        pairs = [
            (tenant, emulator) for mapping in self.spaces.values() for tenant, emulator in mapping.items()
        ]
        return len(pairs), sum(1 for tenant, emulator in pairs if tenant != emulator)

    def lookup(self, space: str | None, tenant: str) -> str | None:
        if space is None:
            return None
        return self.spaces.get(space, {}).get(tenant)

    def changed(self) -> dict[str, str]:
        """Every tenant id whose emulator id differs, when it means one id only: a tenant id paired with
        different ids in different spaces (itself included) is left out (for ids written inside texts)."""
        pairs: dict[str, set[str]] = {}
        for mapping in self.spaces.values():
            for tenant, emulator in mapping.items():
                pairs.setdefault(tenant, set()).add(emulator)
        return {
            tenant: next(iter(emulators))
            for tenant, emulators in pairs.items()
            if len(emulators) == 1 and tenant not in emulators
        }

    def in_text(self, text: str) -> str:
        """A text with the tenant's ids (three characters or more, whole words) written as the emulator's."""
        if self._rule_at != self._learnt:
            changed = {tenant: emulator for tenant, emulator in self.changed().items() if len(tenant) >= 3}
            pattern = "|".join(map(re.escape, sorted(changed, key=len, reverse=True)))
            self._text_rule = (re.compile(rf"(?<![\w-])({pattern})(?![\w-])"), changed) if changed else None
            self._rule_at = self._learnt
        if self._text_rule is None:
            return text
        rule, changed = self._text_rule
        return rule.sub(lambda match: changed[match.group(1)], text)

    # -- requests ----------------------------------------------------------------------------------------
    def rewrite_query(self, query: str, operation: str) -> str:
        """A raw query string with id parameters the map knows rewritten; every other byte kept."""
        if not query or not self.spaces:
            return query
        pieces = []
        for piece in query.split("&"):
            name, equals, value = piece.partition("=")
            mapped = self.lookup(parameter_space(unquote_plus(name), operation), unquote_plus(value))
            pieces.append(f"{name}={quote(mapped, safe='')}" if equals and mapped is not None else piece)
        return "&".join(pieces)

    def rewrite_json(self, value: Any, operation: str, context: tuple[str, ...] = ()) -> Any:
        if isinstance(value, dict):
            rewritten: dict[str, Any] = {}
            for key, member in value.items():
                space = id_space(str(key), context, operation)
                if space is not None and not isinstance(member, (dict, list)):
                    rewritten[key] = self._mapped_scalar(space, member)
                elif space is not None and isinstance(member, list):
                    rewritten[key] = [self._mapped_scalar(space, item) for item in member]
                else:
                    rewritten[key] = self.rewrite_json(member, operation, (*context, str(key)))
            return rewritten
        if isinstance(value, list):
            return [self.rewrite_json(item, operation, context) for item in value]
        return value

    def _mapped_scalar(self, space: str, value: Any) -> Any:
        if value is None or isinstance(value, (bool, dict, list)):
            return value
        mapped = self.lookup(space, str(value))
        if mapped is None:
            return value
        if isinstance(value, int):
            try:
                return int(mapped)
            except ValueError:
                return value
        return mapped

    def rewrite_body(self, body: bytes, content_type: str, operation: str) -> bytes:
        """A request body with the ids the map knows rewritten; unchanged (byte for byte) otherwise."""
        if not self.spaces or not body:
            return body
        media = content_type.split(";")[0].strip().lower()
        stripped = body.lstrip()
        if media.endswith("json") or (not media and stripped[:1] in b"[{"):
            try:
                parsed = json.loads(body)
            except ValueError:
                return body
            rewritten = self.rewrite_json(parsed, operation)
            return body if rewritten == parsed else json.dumps(rewritten).encode()
        if media.endswith("xml") or stripped.startswith(b"<"):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return body
            result = rewrite_xml_ids(
                text, lambda member, context: xml_id_space(member, context, operation), self
            )
            return body if result == text else result.encode("utf-8")
        return body


def rewrite_xml_ids(text: str, space_of: Callable[[str, tuple[str, ...]], str | None], ids: IdMap) -> str:
    """The text content of id elements rewritten, found by walking the tags (broken XML stays as it is)."""
    replacements: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int]] = []  # open elements: local name, where their content starts
    for match in _XML_TAG.finditer(text):
        closing, name, empty = match.group(1), match.group(2), match.group(4)
        if name.startswith(("?", "!")) or empty:
            continue
        local = name.rsplit(":", 1)[-1]
        if not closing:
            stack.append((local, match.end()))
            continue
        if not stack or stack[-1][0] != local:
            return text  # not well-formed: sent as recorded
        _, start = stack.pop()
        content = text[start : match.start()]
        if "<" in content or not content.strip():
            continue
        mapped = ids.lookup(space_of(local, tuple(name for name, _ in stack)), content.strip())
        if mapped is not None:
            replacements.append((start, match.start(), content.replace(content.strip(), mapped)))
    for start, end, replacement in reversed(replacements):
        text = text[:start] + replacement + text[end:]
    return text
