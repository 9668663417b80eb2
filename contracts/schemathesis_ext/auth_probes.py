"""ignored_auth's probes go through the run's session, as every other request of the suite does.

Schemathesis' `ignored_auth` re-sends a 2xx case without credentials and with invalid ones. Its `send_probe`
strips the session from the transport settings (4.32, `specs/openapi/_auth_retry.py`), so the probes left on
a fresh `requests` session: past the write guard, the pacer, the 429 handling, the namespace check, the
ledger and the request record. On a throttling tenant a probe met a 429 and was judged as an auth answer.

`probes_through(session)` puts the run's session back for the duration of one `call_and_validate`. The
session carries no credentials of its own (the suite passes them per request, and `build_retry_transport_
kwargs` strips them from there), so the probes still go out without valid ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi._auth_retry import build_retry_transport_kwargs, get_security_parameters

_ORIGINAL_SEND_PROBE = getattr(openapi_checks, "send_probe")  # noqa: B009 (imported there, not exported)
_session = threading.local()


def _send_probe(ctx: Any, parent: Any, probe: Any) -> Any:
    session = getattr(_session, "current", None)
    if session is None:
        return _ORIGINAL_SEND_PROBE(ctx, parent, probe)
    kwargs = build_retry_transport_kwargs(
        ctx.internals.transport_kwargs, get_security_parameters(parent.operation)
    )
    kwargs["session"] = session
    ctx.internals.record_case(parent_id=parent.id, case=probe)
    response = parent.operation.schema.transport.send(probe, **kwargs)
    ctx.internals.record_response(case_id=probe.id, response=response)
    return response


@contextmanager
def probes_through(session: requests.Session) -> Iterator[None]:
    """While inside, ignored_auth's probes are sent on `session` (this thread only)."""
    # The name checks.ignored_auth calls (imported there, not exported); the same for every thread.
    setattr(openapi_checks, "send_probe", _send_probe)  # noqa: B010
    previous = getattr(_session, "current", None)
    _session.current = session
    try:
        yield
    finally:
        _session.current = previous
