"""Run-scoped names: every code and e-mail the suite creates starts with `nct-<runid>-`, so a shared tenant's
data created by this run is recognisable (and only that data is ever cleaned up).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from itertools import count

PREFIX_ROOT = "nct"
EMAIL_DOMAIN = "example.com"  # reserved by RFC 2606: nothing is ever delivered
_RUN_ID = re.compile(r"^[a-z0-9]{4,16}$")


@dataclass
class RunNamespace:
    run_id: str
    # Which process of the run makes the codes (an xdist worker id): processes share the run prefix, so
    # cleanup and ownership see one run, but never draw the same code.
    scope: str = ""
    _counter: count[int] = field(default_factory=lambda: count(1), repr=False)

    def __post_init__(self) -> None:
        if not _RUN_ID.match(self.run_id):
            raise ValueError(f"run id must be 4-16 lowercase letters/digits, got {self.run_id!r}")

    @classmethod
    def new(cls) -> RunNamespace:
        return cls(secrets.token_hex(4))

    @property
    def prefix(self) -> str:
        return f"{PREFIX_ROOT}-{self.run_id}-"

    def code(self, label: str = "c") -> str:
        """A fresh code, unique within the run: nct-<runid>-[<scope>-]<label>-<n>."""
        scope = f"{_slug(self.scope)}-" if self.scope else ""
        return f"{self.prefix}{scope}{_slug(label)}-{next(self._counter)}"

    def email(self, label: str = "u") -> str:
        return f"{self.code(label)}@{EMAIL_DOMAIN}"

    def owns(self, value: object) -> bool:
        return isinstance(value, str) and value.lower().startswith(self.prefix)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "x"
