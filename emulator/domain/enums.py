"""Field enums, read from openapi/enums.yaml (shared plain data)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

ENUMS_PATH = Path(__file__).resolve().parents[2] / "openapi" / "enums.yaml"


@cache
def _enums() -> dict[str, Any]:
    with ENUMS_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def enum_members(name: str) -> dict[int, str]:
    """``{value: name}`` for CompanyField, CustomerField, AccountField or SerializationType."""
    return {int(value): str(member) for value, member in _enums()[name].items()}
