"""`Switches` works for any catalogue of named switches, not only the faults (e.g. conforming variants)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from emulator.switches import Catalogue, Switches, UnknownSwitchError


@dataclass(frozen=True)
class Variant:
    name: str
    description: str


class UnknownVariantError(UnknownSwitchError):
    pass


VARIANTS = Catalogue(
    kind="variant",
    version="0.1.0",
    entries={"a": Variant("a", "one way"), "b": Variant("b", "another way")},
    listing="norce-emulator variants",
    unknown_error=UnknownVariantError,
)


class Variants(Switches):
    def __init__(self, names: tuple[str, ...] = ()) -> None:
        super().__init__(VARIANTS, names)


def test_a_second_catalogue_reuses_the_mechanism_with_its_own_words() -> None:
    variants = Variants(("a",))
    assert variants.on == {"a"} and variants.is_on("a") and not variants.is_on("b")
    with pytest.raises(
        UnknownVariantError, match=r"unknown variant name\(s\): c \(see `norce-emulator variants`"
    ):
        variants.replace(["b", "c"])
    assert variants.on == {"a"}
    with pytest.raises(UnknownVariantError, match="unknown variant name: c"):
        variants.is_on("c")
    assert VARIANTS.parse(" a, b ,") == {"a", "b"}


def test_readers_see_a_whole_set_while_it_is_replaced() -> None:
    variants = Variants()
    seen: set[frozenset[str]] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(variants.on)

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(2000):
        variants.replace(["a", "b"])
        variants.replace([])
    done.set()
    reader.join()
    assert seen <= {frozenset(), frozenset({"a", "b"})}
