"""The one table from errors to HTTP statuses, and the Norce ErrorMessage body every 4xx/5xx carries.

Domain errors (emulator.domain.errors) know nothing of HTTP; the HTTP layer's own refusals (unknown route,
wrong method, unsupported media type, ...) are `HttpProblem`s. Both leave through `error_message_body`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.domain.errors import (
    BodyMalformed,
    BusinessError,
    DomainError,
    HeaderRuleViolation,
    NotFound,
    PayloadTooLarge,
    XmlForbidden,
)


class HttpProblem(Exception):
    """A refusal decided by the HTTP layer itself; carries status, ErrorMessage key and extra headers."""

    status = 400
    key = "BadRequest"

    def __init__(
        self, message: str, *, key: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if key is not None:
            self.key = key
        self.headers = dict(headers or {})


class BadRequest(HttpProblem):
    status, key = 400, "BadRequest"


class Unauthorized(HttpProblem):
    status, key = 401, "Unauthorized"


class Forbidden(HttpProblem):
    status, key = 403, "Forbidden"


class RouteNotFound(HttpProblem):
    status, key = 404, "NotFound"


class ResourceNotFound(HttpProblem):
    """404 for a resource the route serves (job-get-unknown-404), unlike RouteNotFound: no such route."""

    status, key = 404, "NotFound"


class MethodNotAllowed(HttpProblem):
    status, key = 405, "MethodNotAllowed"


class NotAcceptable(HttpProblem):
    status, key = 406, "NotAcceptable"


class RequestTooLarge(HttpProblem):
    status, key = 413, "PayloadTooLarge"


class UnsupportedMediaType(HttpProblem):
    status, key = 415, "UnsupportedMediaType"


class TooManyRequests(HttpProblem):
    status, key = 429, "TooManyRequests"


class OperationNotImplemented(HttpProblem):
    status, key = 501, "NotImplemented"


# The single domain-error table: most specific class first. Anything not listed is a bug → 500.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (PayloadTooLarge, 413),
    (HeaderRuleViolation, 400),
    (BodyMalformed, 400),
    (XmlForbidden, 400),
    (NotFound, 400),  # Customer Service 1.1 reports missing references as 400 + key (CustomerMissing, ...)
    (BusinessError, 400),
    (DomainError, 400),
)
INTERNAL_ERROR_KEY = "InternalServerError"


def status_for(error: BaseException) -> int:
    if isinstance(error, HttpProblem):
        return error.status
    for cls, status in DOMAIN_STATUS:
        if isinstance(error, cls):
            return status
    return 500


def key_and_message(error: BaseException) -> tuple[str, str]:
    if isinstance(error, HttpProblem | DomainError):
        return error.key, error.message
    return INTERNAL_ERROR_KEY, "An internal error occurred in the emulator."


def error_message_body(status: int, key: str, message: str, timestamp: str) -> dict[str, Any]:
    """Norce ErrorMessage (docs/norce-facts.md §4.4). MessageId is the status: stable and meaningful."""
    return {
        "MessageId": status,
        "Message": message,
        "Orchestration": None,
        "TimeStamp": timestamp,
        "Record": None,
        "Messages": [{"Key": key, "Value": message}],
    }
