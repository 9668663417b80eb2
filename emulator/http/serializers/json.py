"""application/json: plain values in, UTF-8 bytes out (`null` for a null result)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

MEDIA_TYPE = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _finite(value: Any) -> Any:
    """JSON has no NaN/Infinity; such floats become null instead of an invalid document."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def render(value: Any, sort_keys: bool = False) -> bytes:
    """`sort_keys`: members in ordinal alphabetical order at every level (the json-members-alphabetical
    variant)."""
    text = json.dumps(
        _finite(value), ensure_ascii=False, default=_default, separators=(",", ":"), sort_keys=sort_keys
    )
    return text.encode("utf-8")
