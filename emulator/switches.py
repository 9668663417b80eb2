"""Named on/off switches from a versioned catalogue, held per emulator and passed to the code they bend.

The seeded faults (emulator/faults.py) are one catalogue; another catalogue of the same kind (e.g. conforming
variants: choices Norce's docs leave open) is another `Catalogue` with its own `Switches` subclass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

E = TypeVar("E")


class UnknownSwitchError(ValueError):
    """A name that is not in the catalogue (a typo in the environment, a CLI flag or the wiring)."""


@dataclass(frozen=True)
class Catalogue(Generic[E]):
    kind: str  # the noun in messages: "fault", "variant"
    version: str
    entries: Mapping[str, E]
    listing: str  # the command that prints the catalogue
    unknown_error: type[UnknownSwitchError] = UnknownSwitchError

    def validate(self, names: Iterable[str]) -> frozenset[str]:
        """The names as a set, or the catalogue's unknown-name error naming every unknown one."""
        wanted = frozenset(name.strip() for name in names if name.strip())
        unknown = sorted(wanted - self.entries.keys())
        if unknown:
            raise self.unknown_error(
                f"unknown {self.kind} name(s): {', '.join(unknown)} (see `{self.listing}`; "
                f"catalogue {self.version} has {len(self.entries)} {self.kind}s)"
            )
        return wanted

    def parse(self, value: str) -> frozenset[str]:
        """A comma-separated list (the environment-variable format), validated."""
        return self.validate(value.split(","))


class Switches:
    """The switches of one catalogue that are on, for one emulator.

    Thread-safe without a lock: the set that is on is an immutable frozenset replaced in one assignment, so a
    request sees either the old set or the new one, never a mix. `replace` validates before it assigns, so an
    unknown name changes nothing.
    """

    def __init__(self, catalogue: Catalogue[Any], names: Iterable[str] = ()) -> None:
        self.catalogue = catalogue
        self._on = catalogue.validate(names)

    @property
    def on(self) -> frozenset[str]:
        return self._on

    def is_on(self, name: str) -> bool:
        """An unknown name is a wiring bug, so it raises instead of answering False."""
        if name not in self.catalogue.entries:
            raise self.catalogue.unknown_error(
                f"unknown {self.catalogue.kind} name: {name} (not in catalogue {self.catalogue.version})"
            )
        return name in self._on

    def replace(self, names: Iterable[str]) -> frozenset[str]:
        self._on = self.catalogue.validate(names)
        return self._on

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self._on)!r})"
