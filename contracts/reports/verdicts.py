"""A judgement's verdict for this run: a failure when the run enforces it, a recorded deviation when not.

Tests call `judge(judgement_id, ok, detail)` instead of a bare `assert` wherever what they check is not
documented by Norce (contracts/oracle/evidence.py says what each judgement rests on). On a tenant, run at
`documented` by default, a finding above that level is listed in the reports and the run stays green.
"""

from __future__ import annotations

from contracts.oracle.evidence import judgement
from contracts.reports.recorder import current_recorder


class ContractViolation(AssertionError):
    """A judgement the run enforces was broken; the message starts with its id and level."""

    def __init__(self, judgement_id: str, detail: str, operation: str = "", *, media_type: str = "") -> None:
        entry = judgement(judgement_id)
        self.judgement_id = judgement_id
        self.operation = operation  # where it broke, when the test said (the failure report marks it)
        self.media_type = media_type  # and in which media type (the self-check attributes by both)
        super().__init__(f"{judgement_id} ({entry.level.label}: {entry.judges}): {detail}")


def enforced(judgement_id: str) -> bool:
    return current_recorder().strictness.enforces(judgement_id)


def judge(judgement_id: str, ok: bool, detail: str = "", *, operation: str = "", media_type: str = "") -> bool:
    """True when `ok`. Otherwise raise ContractViolation if the run enforces the judgement; if it does not,
    record a deviation and return False (so a test can skip what depended on it). Either way the judgement
    counts as exercised on `operation` (or on the operations the test called) for the fact coverage."""
    current_recorder().judged(judgement_id, operation or None, held=ok)
    if ok:
        return True
    if enforced(judgement_id):
        for called in [operation] if operation else list(current_recorder().test.called) or [""]:
            current_recorder().mark_outcome(judgement_id, called, "failure")
        current_recorder().failure(judgement_id, operation, media_type)
        raise ContractViolation(judgement_id, detail, operation, media_type=media_type)
    current_recorder().deviation(judgement_id, operation, media_type, detail)
    return False
