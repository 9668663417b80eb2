"""Test data: for each conforming variant (emulator/variants.py), the parity differences it may cause.

A run recorded against the emulator served with a variant, replayed against the plain emulator, must report
differences, and each must match one of its variant's `Change`s: the variant shows up in exactly what it
changes. A change names operations (fnmatch globs), kinds (emulator/parity/diff.py KINDS) and paths (globs;
"" is the answer as a whole). Besides what a variant changes on the wire, some changes are consequences the
description names: when a variant lets a tenant accept what the emulator refuses (or the reverse), the job
the tenant made does not exist in the replay, so that job's Job/Get and Job/GetLog answers differ too, and
so may later reads of what it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from emulator.parity.diff import KINDS

GET_STAR = ("Get*", "LoginAgreementAccount")
READS = ("Get*", "List*", "Search*", "LoginAgreementAccount")
IMPORTS = ("ImportCustomers", "ImportCompanies")
JOBS = ("JobGet", "JobGetLog", "JobList")
EVERY = ("*",)
ANY_PATH = ("*",)
WHOLE = ("",)
WHOLE_OR_TYPE = ("", "Content-Type")
ALL_KINDS = frozenset(KINDS)
REFUSAL = frozenset({"status", "media", "header", "body"})  # an answer of another status or form
CONTENT = frozenset({"body", "type", "member", "value", "items", "order"})  # what an answer holds


@dataclass(frozen=True)
class Change:
    operations: tuple[str, ...]
    kinds: frozenset[str]
    paths: tuple[str, ...] = ANY_PATH
    why: str = ""

    def covers(self, operation: str, kind: str, path: str) -> bool:
        return (
            kind in self.kinds
            and any(fnmatchcase(operation, pattern) for pattern in self.operations)
            and any(fnmatchcase(path, pattern) for pattern in self.paths)
        )


def _changes(*changes: Change) -> tuple[Change, ...]:
    return changes


# An import one side accepted and the other refused (or whose items one side wrote and the other failed):
# that job's answers differ, and so may what later reads find.
JOB_OF_ANOTHER_FATE = Change(
    JOBS, CONTENT | {"status", "media"}, why="the job exists, or fares, on one side only"
)
READS_OF_ANOTHER_FATE = Change(READS, CONTENT, why="what the import wrote is there on one side only")
DATES = (
    "*Created*",
    "*Updated*",
    "*TimeStamp*",
    "*Date*",
    "*LastUpdated",
    "*Start",
    "*Stop",
)  # JobDto, 1.1, errors

EXPECTED: dict[str, tuple[Change, ...]] = {
    "not-found-204": _changes(Change(GET_STAR, REFUSAL, WHOLE, "204 instead of 200 null")),
    "not-found-xml-nil-root": _changes(Change(GET_STAR, frozenset({"body"}), WHOLE, "a nil root, not empty")),
    "not-found-json-empty-body": _changes(Change(GET_STAR, frozenset({"body"}), WHOLE, "empty, not null")),
    "auth-wrong-application-id-403": _changes(
        Change(EVERY, REFUSAL, ("", "WWW-Authenticate"), "403 not 401")
    ),
    "auth-401-no-challenge": _changes(Change(EVERY, frozenset({"header"}), ("WWW-Authenticate",))),
    "application-id-optional": _changes(
        Change(EVERY, REFUSAL, ("", "WWW-Authenticate"), "served without an application id"),
        Change(EVERY, CONTENT, ANY_PATH, "what the call served wrote or read"),
    ),
    "no-legacy-basic": _changes(
        Change(IMPORTS + JOBS, REFUSAL, ("", "WWW-Authenticate"), "Basic refused with 401"),
        Change(IMPORTS + JOBS, frozenset({"value"}), ("*Message", "*Value"), "another 401 text"),
    ),
    "api-throttling": _changes(Change(EVERY, frozenset({"retried"}), WHOLE, "429 with Retry-After")),
    "gateway-503": _changes(Change(EVERY, frozenset({"retried"}), WHOLE, "the front end's 503")),
    "network-latency": _changes(Change(EVERY, frozenset({"timing"}), ("answer time",), "every answer later")),
    "reset-malformed": _changes(Change(IMPORTS, frozenset({"network"}), WHOLE, "a folded header: reset")),
    "generic-allow": _changes(Change(EVERY, frozenset({"header"}), ("Allow",), "'Allow: GET, POST'")),
    "gateway-errors-text": _changes(Change(EVERY, REFUSAL, WHOLE_OR_TYPE, "text/plain pages")),
    "gateway-errors-html": _changes(Change(EVERY, REFUSAL, WHOLE_OR_TYPE, "IIS-style pages")),
    "unknown-operation-html-404": _changes(Change(EVERY, REFUSAL, WHOLE_OR_TYPE, "WCF's page")),
    "unknown-operation-400": _changes(
        Change(EVERY, REFUSAL | CONTENT, ANY_PATH, "400, key UnknownOperation")
    ),
    "gzip-responses": _changes(Change(EVERY, frozenset({"header"}), ("Content-Encoding",), "gzip")),
    "charset-utf8": _changes(Change(EVERY, frozenset({"header"}), ("Content-Type",), "'; charset=utf-8'")),
    "obs-fold-unfolded": _changes(
        Change(IMPORTS, REFUSAL | CONTENT, ANY_PATH, "the folded header served"),
        JOB_OF_ANOTHER_FATE,
        READS_OF_ANOTHER_FATE,
    ),
    "obs-fold-plain-text-400": _changes(Change(IMPORTS, REFUSAL, WHOLE_OR_TYPE, "text/plain 400")),
    "dates-dotnet": _changes(Change(EVERY, frozenset({"value"}), DATES, ".NET dates, no offset")),
    "null-empty-collections": _changes(Change(EVERY, frozenset({"type"}), ANY_PATH, "null, not []")),
    "null-members-omitted": _changes(Change(EVERY, frozenset({"member"}), ANY_PATH, "null members left out")),
    "newer-release-members": _changes(
        Change(EVERY, frozenset({"member"}), ("*ExternalId", "*Created2"), "members a newer release adds")
    ),
    "json-members-alphabetical": _changes(Change(EVERY, frozenset({"order"}), ANY_PATH, "alphabetical")),
    "xml-namespace-prefixes": _changes(Change(EVERY, frozenset({"xml-form"}), ("namespace prefixes",))),
    "xml-no-declaration": _changes(Change(EVERY, frozenset({"xml-form"}), ("declaration",))),
    "job-log-single-object": _changes(Change(("JobGetLog",), frozenset({"type", "member"}), ANY_PATH)),
    "job-list-absent": _changes(Change(("JobList",), REFUSAL | CONTENT, ANY_PATH, "404 for Job/List")),
    "job-get-unknown-404": _changes(
        Change(("JobGet",), REFUSAL | CONTENT, ANY_PATH, "404 for an unknown id")
    ),
    "job-log-summary-row": _changes(Change(("JobGetLog",), CONTENT, ANY_PATH, "one summary row")),
    "job-log-rows-one-based": _changes(
        Change(
            ("JobGetLog", "JobGet", *IMPORTS), frozenset({"value"}), ("*ImportedRow", "*Message*", "*Value")
        )
    ),
    "job-log-imported-row-as-item": _changes(Change(("JobGetLog",), frozenset({"value"}), ("*ImportedRow",))),
    "all-failed-status-3": _changes(Change(("JobGet", "JobList"), frozenset({"value"}), ("*StatusId",))),
    "slow-jobs": _changes(Change(("JobGet",), frozenset({"timing"}), ("job",), "5-20 s a job")),
    "header-rules-async": _changes(
        Change(IMPORTS, REFUSAL | CONTENT, ANY_PATH, "200 and a job that fails every item"),
        JOB_OF_ANOTHER_FATE,
    ),
    "header-rules-plain-key": _changes(Change(IMPORTS, frozenset({"value"}), ("*Key",), "key HeaderInvalid")),
    "header-rules-empty-400": _changes(Change(IMPORTS, REFUSAL, WHOLE_OR_TYPE, "an empty 400")),
    "xml-header-enum-names": _changes(
        Change(IMPORTS, REFUSAL | CONTENT, ANY_PATH, "enum names accepted"),
        JOB_OF_ANOTHER_FATE,
        READS_OF_ANOTHER_FATE,
    ),
    "lenient-body-enums": _changes(
        Change(IMPORTS, CONTENT, ANY_PATH), JOB_OF_ANOTHER_FATE, READS_OF_ANOTHER_FATE
    ),
    "docs-sample-zero-ids": _changes(
        Change(IMPORTS, CONTENT, ANY_PATH), JOB_OF_ANOTHER_FATE, READS_OF_ANOTHER_FATE
    ),
    "late-initial-validation": _changes(
        Change(IMPORTS, CONTENT, ANY_PATH, "nothing counted as a validation failure"), JOB_OF_ANOTHER_FATE
    ),
    "empty-import-refused": _changes(
        Change(IMPORTS, REFUSAL | CONTENT, ANY_PATH, "400 NoItems"), JOB_OF_ANOTHER_FATE
    ),
    "no-body-limit": _changes(Change(IMPORTS, REFUSAL | CONTENT, ANY_PATH, "no 413"), JOB_OF_ANOTHER_FATE),
    "extra-query-parameter-400": _changes(Change(EVERY, REFUSAL | CONTENT, ANY_PATH, "400 UnknownParameter")),
    "prepopulated-tenant": _changes(
        Change(READS + JOBS, CONTENT | {"status", "media"}, ANY_PATH, "thousands of other customers"),
    ),
}
# Variants whose change a parity report factors out by design: it may show no difference at all, and then
# must show in the id map (ids numbered differently). A tenant holding other data numbers the run's
# entities after its own; the suite reads only what it made, and ids are compared modulo their numbering.
MAPPED_IDS_ONLY = frozenset({"prepopulated-tenant"})


def unexplained(variant: str, differences: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The (operation, kind, path) differences none of the variant's changes covers."""
    changes = EXPECTED.get(variant, ())
    return [found for found in differences if not any(change.covers(*found) for change in changes)]


# Variants whose trigger no contract test sends: a recorded run holds no request whose answer they change,
# so parity has nothing to show (checked: no test or strategy in contracts/ sends it). Should a run meet
# one, what it shows must still match the variant's changes above.
NOT_EXERCISED: dict[str, str] = {
    "docs-sample-zero-ids": "no test sends an import item or relation with Id 0",
    "lenient-body-enums": "no test sends an unknown integer in Customer.Type, Account.Status, Discount.Type",
}
