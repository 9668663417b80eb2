"""Safety guard: the suite writes freely to the emulator, and to anything else only when asked to and only
on a non-production host. Production hosts are refused whatever the flags.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from contracts.transport.redact import redact_body, redact_url
from contracts.transport.target import Target, host_of

# Norce Commerce: {slug}.api-{region}.norce.tech is production; stage/playground insert a label before
# norce.tech. Norce [Storm]: *.storm.io is production unless a lab/qa/stage label says otherwise.
_NORCE_TECH = re.compile(r"(^|\.)norce\.tech$")
_STORM_IO = re.compile(r"(^|\.)storm\.io$")
NON_PRODUCTION_LABELS = frozenset({"lab", "stage", "staging", "playground", "qa", "test", "dev", "sandbox"})
# Labels that make a host acceptable for writes (with --allow-writes).
WRITE_LABELS = frozenset({"lab", "stage", "staging", "playground"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
LOCAL_SUFFIXES = (".localhost", ".test", ".local", ".internal")


class WriteRefused(Exception):
    """A write the guard does not allow. The message says why and what would allow it."""


def is_production_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    labels = set(re.split(r"[.-]", host))
    if _NORCE_TECH.search(host):
        return not labels & NON_PRODUCTION_LABELS
    if _STORM_IO.search(host):
        return not labels & NON_PRODUCTION_LABELS
    return False


def is_local_test_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in LOCAL_HOSTS or host.endswith(LOCAL_SUFFIXES):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_write_host(host: str, extra_patterns: tuple[str, ...] = ()) -> bool:
    """Non-production by name: a lab/stage/playground label, a local test host, or a configured glob."""
    host = host.lower().rstrip(".")
    if is_production_host(host):
        return False
    labels = set(host.split("."))
    return (
        bool(labels & WRITE_LABELS)
        or is_local_test_host(host)
        or any(fnmatch.fnmatch(host, pattern) for pattern in extra_patterns)
    )


@dataclass(frozen=True)
class PlannedRequest:
    """A write that dry-run mode did not send."""

    method: str
    url: str
    body_preview: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} {self.body_preview}".rstrip()


@dataclass
class WriteGuard:
    target: Target
    allow_writes: bool = False
    dry_run: bool = False
    planned: list[PlannedRequest] = field(default_factory=list)

    @property
    def refusal(self) -> str | None:
        """Why writes are not allowed on this target, or None when they are."""
        if self.target.is_emulator:
            return None
        production = [host for host in self.target.hosts if is_production_host(host)]
        if production:
            return f"{production[0]} is a production host; the suite never writes there, whatever the flags"
        if not self.allow_writes:
            return f"target {self.target.label} is read-only (--allow-writes enables lab/stage/playground)"
        for host in self.target.hosts:
            if not is_write_host(host, self.target.write_hosts):
                return (
                    f"host {host} is not on the write allow-list (lab, stage, playground, local test hosts, "
                    "or a pattern in write-hosts / NORCE_WRITE_HOSTS)"
                )
        return None

    @property
    def writes_allowed(self) -> bool:
        return self.refusal is None

    @property
    def sends_writes(self) -> bool:
        """False in dry-run mode: writes are listed, not sent."""
        return self.writes_allowed and not self.dry_run

    def write_requirements(self) -> str | None:
        """What a run that writes to this target still lacks, or None (checked before anything is sent)."""
        if not self.sends_writes or self.target.is_emulator:
            return None
        if self.target.application_key is None:
            return (
                "writes on a tenant need its application key for Company.ApplicationKey: set "
                "NORCE_APPLICATION_KEY or application-key in [tool.norce-contracts] or the profile"
            )
        return None

    def check_write(self, method: str, url: str) -> None:
        reason = self.refusal
        if reason is not None:
            raise WriteRefused(f"{method} {redact_url(url)} refused: {reason}")

    def plan(
        self, method: str, url: str, body: Any = None, content_type: str | None = None
    ) -> PlannedRequest:
        preview = redact_body(body, content_type) if body is not None else ""
        entry = PlannedRequest(method, redact_url(url), preview[:200])
        self.planned.append(entry)
        return entry

    def describe(self) -> str:
        mode = "dry-run" if self.dry_run else ("writes allowed" if self.writes_allowed else "read-only")
        return f"{mode}" + (f" ({self.refusal})" if self.refusal and not self.target.is_emulator else "")


def is_write_method(method: str) -> bool:
    return method.upper() not in ("GET", "HEAD", "OPTIONS")


# Customer Service 1.1 operations that use POST only to carry a body, and change nothing: a login (LoginPost
# takes the credentials in its body, docs/norce-facts.md §1C) and the external address lookups (a Customer
# in, a Customer out). A read-only run may send them.
READ_ONLY_POSTS = frozenset({"LoginPost", "GetExternalCustomerAddress", "GetExternalCustomerAddress2"})


def is_write(method: str, operation_id: str | None) -> bool:
    """Whether a request may change the target's data: by its method, unless the operation is a read."""
    if method.upper() == "POST" and operation_id in READ_ONLY_POSTS:
        return False
    return is_write_method(method)


def check_raw_host(url: str, target: Target, guard: WriteGuard) -> None:
    """`raw()` may name any URL: a write to a host outside the target is judged on that host alone."""
    host = host_of(url)
    if target.is_emulator and host in target.hosts:
        return
    if is_production_host(host):
        raise WriteRefused(f"{redact_url(url)} refused: {host} is a production host")
    if not guard.allow_writes or not is_write_host(host, target.write_hosts):
        raise WriteRefused(f"{redact_url(url)} refused: {host} is not an allowed write host")
