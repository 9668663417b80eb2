"""Domain errors. They carry a stable ``key`` (the Norce ``ErrorMessage.Messages[0].Key``) and a human
message.

No HTTP status lives here: the HTTP layer owns the single error -> status table. The classes it must map:

- ``HeaderRuleViolation``  key = a rule id from openapi/enums.yaml ``HeaderRules`` (e.g. ``HDR-DEP-ACCOUNTS``)
- ``BodyMalformed``        key ``BodyMalformed``   (unparseable body, invalid UTF-8)
- ``XmlForbidden``         key ``XmlForbidden``    (DTD, entity declaration, external reference)
- ``PayloadTooLarge``      key ``PayloadTooLarge`` (body over 10 MiB)
- ``NotFound``             key given by the caller (e.g. ``CustomerMissing``, ``CompanyMissing``)
- ``BusinessError``        key given by the caller (e.g. ``LoginFailed``, ``CannotDeleteLastCustomer``)
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose; anything else is an internal error."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class HeaderRuleViolation(DomainError):
    """The X-StormConnect-Header breaks a rule; ``rule_id`` is also the key."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(rule_id, message)
        self.rule_id = rule_id


class BodyMalformed(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("BodyMalformed", message)


class XmlForbidden(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("XmlForbidden", message)


class PayloadTooLarge(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("PayloadTooLarge", message)


class NotFound(DomainError):
    """A referenced entity does not exist (Customer Service 1.1 write operations)."""


class BusinessError(DomainError):
    """A documented business rule refused the request (e.g. ``LoginFailed``)."""
