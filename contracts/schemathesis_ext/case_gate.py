"""The gate every generated case passes before it is sent: the guard's decision, then, on a tenant, the write
policy (`contracts.transport.tenant_policy`).

- On a read-only target a case whose method writes is not sent (coverage probes undeclared methods with
  POST, PUT, DELETE ... even on read operations).
- On a tenant a write case is prepared so it touches only what this run created. Preparing must not change
  what the case tests: if the prepared request is valid where the generated one was not (or the other way
  round), the case is not sent, since Schemathesis would judge it by what it generated.
- On the embedded emulator fuzzing stays unconstrained.

Every case not sent is counted with its reason in the run summary; so are the ones sent as prepared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema

from contracts.oracle.spec import SpecError, spec_for
from contracts.reports.recorder import record_case
from contracts.schemathesis_ext.checks import case_operation_id
from contracts.transport.guard import WriteGuard, is_write, is_write_method
from contracts.transport.tenant_policy import Refused, TenantWritePolicy


@dataclass
class CaseGate:
    guard: WriteGuard
    policy: TenantWritePolicy | None  # None on the embedded emulator

    def admit(self, case: Any) -> str | None:
        """None when the case may be sent (possibly prepared in place), else why it is not sent."""
        method = str(case.method).upper()
        operation = case_operation_id(case) or str(case.operation.label)
        writes = is_write(method, operation)
        if writes and not self.guard.sends_writes:
            return self._skip(operation, f"{method} writes, and the target is read-only")
        # Reads that POST (a login) are prepared too: no real account should see failed logins.
        if self.policy is None or not is_write_method(method):
            return None
        query, body = dict(case.query or {}), _body(case)
        decision = self.policy.prepare(operation, query, body)
        if isinstance(decision, Refused):
            return self._skip(operation, decision.reason)
        if decision.rewritten:
            if _validity(operation, query, body) != _validity(operation, decision.query, decision.body):
                return self._skip(operation, "making it safe would change whether the request is valid")
            case.query = decision.query
            if body is not None:
                case.body = decision.body
            record_case(operation, "rewritten")
        else:
            record_case(operation, "sent as generated")
        return None

    @staticmethod
    def _skip(operation: str, reason: str) -> str:
        record_case(operation, "not sent", reason)
        return reason


def _body(case: Any) -> Any:
    body = getattr(case, "body", None)
    return None if type(body).__name__ == "NotSet" else body


def _validity(operation_id: str, query: dict[str, Any], body: Any) -> tuple[bool, bool]:
    """(query valid, body valid) against the operation's parameter and JSON body schemas."""
    try:
        spec = spec_for(operation_id)
        definition = spec.operation(operation_id).definition
    except SpecError:
        return (True, True)
    components = {"components": spec.document.get("components", {})}
    query_ok = True
    for raw in definition.get("parameters", []):
        parameter = spec.resolve(raw)
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        if name not in query:
            query_ok = query_ok and not parameter.get("required")
            continue
        query_ok = query_ok and _valid(components, parameter.get("schema", {}), query[name])
    body_ok = True
    if body is not None:
        try:
            schema = spec.request_schema(operation_id, "application/json")
        except SpecError:
            schema = {}
        body_ok = _valid(components, schema, body)
    return query_ok, body_ok


def _valid(components: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    validator = jsonschema.Draft202012Validator({**components, "allOf": [schema]})
    return bool(validator.is_valid(value))
