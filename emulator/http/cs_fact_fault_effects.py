"""The HTTP wiring of the 1.1 fact faults of emulator/fact_faults/cs_facts.py that live before the domain:
which operations are served, where their arguments come from, and which request bodies they take.

`customer_handlers.operation_handler` calls these in the order a request is read; each is a no-op unless its
fault is on.
"""

from __future__ import annotations

from typing import Any

from emulator.fact_faults.cs_facts import ACTOR_REQUIRED, ADDRESS_GROUP, QUERY_FROM_BODY, XML_BODY_ONLY
from emulator.faults import Faults
from emulator.http.errors import BadRequest, RouteNotFound, UnsupportedMediaType

# What the query-parameter fault still reads from the query string (the rest it looks for in a body).
_KEPT_IN_QUERY = frozenset({"cultureCode", "includeCompanies"})


def refuse_withdrawn(faults: Faults, operation_id: str) -> None:
    """cs-address-group-missing: the Address group's operations are no route any more."""
    if operation_id in ADDRESS_GROUP and faults.is_on("cs-address-group-missing"):
        raise RouteNotFound(f"No operation {operation_id}.")


def query(faults: Faults, operation_id: str, params: dict[str, str]) -> dict[str, str]:
    """cs-query-params-read-from-body: the operation's arguments are not taken from the query string."""
    if operation_id == QUERY_FROM_BODY and faults.is_on("cs-query-params-read-from-body"):
        return {name: value for name, value in params.items() if name in _KEPT_IN_QUERY}
    return params


def require_actor(faults: Faults, operation_id: str, params: dict[str, str]) -> None:
    """cs-optional-actor-required: an optional string actor parameter treated as required."""
    operation, actor = ACTOR_REQUIRED
    if operation_id == operation and actor not in params and faults.is_on("cs-optional-actor-required"):
        raise BadRequest(f"Query parameter {actor} is required.", key="MissingParameter")


def refuse_body_media(faults: Faults, operation_id: str, content_type: str) -> None:
    """cs-json-body-refused: a JSON request body refused, as if the operation read XML bodies only."""
    if operation_id == XML_BODY_ONLY and "json" in content_type and faults.is_on("cs-json-body-refused"):
        raise UnsupportedMediaType(f"{operation_id} reads application/xml bodies, not {content_type}.")


def login_body(faults: Faults, operation_id: str, params: dict[str, str], body: Any) -> Any:
    """cs-loginpost-body-ignored: LoginPost takes its credentials from the query string, as Login does."""
    if operation_id == "LoginPost" and faults.is_on("cs-loginpost-body-ignored"):
        return {"LoginName": params.get("loginName"), "Password": params.get("password")}
    return body
