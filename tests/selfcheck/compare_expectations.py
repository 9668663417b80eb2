"""Test data: for each conforming variant (emulator/variants.py), the changes `norce-contracts compare` may
report when a run against the plain served emulator is the baseline and a run against the variant is the
current run (tests/selfcheck/compare_bench.py).

A row passes when the comparison reports at least one change and each is covered by one of the variant's
`Expect`s, drawn from the variant's description (`norce-emulator variants`): the variant shows up in what it
changes, and nothing else moves. A variant whose change the observations do not hold (`INVISIBLE`: the
observations keep statuses, members and their types, enumeration values, judgement outcomes, job timing and
fact coverage, never header values, member order, XML prefixes, answer times or retried answers) passes with
no change reported at all, and its row says why that is right.

`operations` are fnmatch globs over the operation the comparison's `where` names ("Operation media
[status]", or "Operation" for a judgement), `kinds` are contracts/reports/compare.py's, `what` globs the
judgement id, member path, `member=value` or status.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from contracts.reports.compare import (
    ENUM_APPEARED,
    ENUM_DISAPPEARED,
    FACT_LOST,
    FIXED_FAILURE,
    GONE_DEVIATION,
    JOB_TIMING,
    MEMBER_APPEARED,
    MEMBER_DISAPPEARED,
    NEW_DEVIATION,
    NEW_FAILURE,
    STATUS_APPEARED,
    STATUS_DISAPPEARED,
    TYPE_CHANGED,
    Change,
)

MEMBERS = frozenset({MEMBER_APPEARED, MEMBER_DISAPPEARED, TYPE_CHANGED})
STATUSES = frozenset({STATUS_APPEARED, STATUS_DISAPPEARED})
ENUMS = frozenset({ENUM_APPEARED, ENUM_DISAPPEARED})
DEVIATIONS = frozenset({NEW_DEVIATION, GONE_DEVIATION})
# An answer of another status or form: the status moves, the answer's members with it, and so may the
# judgements above the run's strictness that look at it (a conforming variant breaks no documented one).
ANSWER = STATUSES | MEMBERS | ENUMS | DEVIATIONS
ANY = ("*",)
GET_STAR = ("Get*", "LoginAgreementAccount")  # the 1.1 reads answering one entity or null
NO_OPERATION = ("-",)  # a judgement the run made without naming an operation
IMPORTS = ("ImportCustomers", "ImportCompanies")
JOBS = ("JobGet", "JobGetLog", "JobList")
UNDECLARED = ("(undeclared)",)  # contracts/reports/observations.py UNKNOWN_OPERATION


@dataclass(frozen=True)
class Expect:
    kinds: frozenset[str]
    operations: tuple[str, ...] = ANY
    what: tuple[str, ...] = ANY
    why: str = ""
    media: str = "*"  # json or xml; a judgement row names no media type and matches any

    def covers(self, change: Change) -> bool:
        operation, _, rest = change.where.partition(" ")
        media = rest.split(" ")[0] if rest else ""
        return (
            change.kind in self.kinds
            and any(fnmatchcase(operation, pattern) for pattern in self.operations)
            and (not media or fnmatchcase(media, self.media))
            and any(fnmatchcase(change.what, pattern) for pattern in self.what)
        )


EXPECTED: dict[str, tuple[Expect, ...]] = {
    "not-found-204": (
        Expect(ANSWER, GET_STAR, why="204 instead of 200 null"),
        Expect(DEVIATIONS, NO_OPERATION, ("CS-NOT-FOUND-FORM",), "the not-found form, a recommendation"),
    ),
    "not-found-xml-nil-root": (
        Expect(ANSWER, GET_STAR, why="a nil root, not an empty body", media="xml"),
        Expect(DEVIATIONS, NO_OPERATION, ("CS-NOT-FOUND-FORM", "XSD-*"), "the not-found form"),
    ),
    "not-found-json-empty-body": (
        Expect(ANSWER, GET_STAR, why="an empty body, not null", media="json"),
        Expect(DEVIATIONS, NO_OPERATION, ("CS-NOT-FOUND-FORM",), "the not-found form"),
    ),
    "auth-wrong-application-id-403": (Expect(ANSWER, why="403, not 401, for a wrong application id"),),
    "auth-401-no-challenge": (Expect(DEVIATIONS, why="401 without WWW-Authenticate, a recommendation"),),
    "application-id-optional": (Expect(ANSWER, why="served without an application id"),),
    "no-legacy-basic": (Expect(ANSWER, IMPORTS + JOBS, why="Basic refused with 401"),),
    "reset-malformed": (Expect(ANSWER, IMPORTS, why="a folded header: the connection reset, no answer"),),
    "generic-allow": (Expect(DEVIATIONS, why="'Allow: GET, POST' on every 405"),),
    "gateway-errors-text": (Expect(ANSWER, why="404/405/413/415 as text/plain pages"),),
    "gateway-errors-html": (Expect(ANSWER, why="404/405/413/415 as text/html pages"),),
    "unknown-operation-html-404": (
        Expect(ANSWER, UNDECLARED, why="WCF's HTML page for an unknown operation"),
        Expect(DEVIATIONS, NO_OPERATION, ("CS-UNKNOWN-OPERATION",), "what an unknown operation answers"),
    ),
    "unknown-operation-400": (
        Expect(ANSWER, UNDECLARED, why="400 UnknownOperation for an unknown operation"),
        Expect(DEVIATIONS, NO_OPERATION, ("CS-UNKNOWN-OPERATION",), "what an unknown operation answers"),
    ),
    "obs-fold-unfolded": (Expect(ANSWER, IMPORTS + JOBS, why="a folded header unfolded and served"),),
    "obs-fold-plain-text-400": (Expect(ANSWER, IMPORTS, why="a folded header refused as text/plain"),),
    "null-empty-collections": (Expect(MEMBERS | DEVIATIONS, why="empty collections null / i:nil"),),
    "null-members-omitted": (Expect(MEMBERS | DEVIATIONS, why="null members left out"),),
    "newer-release-members": (
        Expect(frozenset({MEMBER_APPEARED}), what=("*ExternalId", "*Created2"), why="ExternalId, Created2"),
        # The judgements above `documented` that notice undocumented members: drift, and XML the XSDs refuse.
        Expect(frozenset({NEW_DEVIATION}), what=("SCHEMA-DRIFT", "XSD-*"), why="drift and XSD deviations"),
    ),
    "job-log-single-object": (Expect(MEMBERS | DEVIATIONS, ("JobGetLog",), why="one object, not a list"),),
    "job-list-absent": (Expect(ANSWER, ("JobList",), why="404 for Job/List"),),
    "job-get-unknown-404": (Expect(ANSWER, ("JobGet",), why="404 for an unknown job id"),),
    "job-log-summary-row": (Expect(DEVIATIONS | ENUMS | MEMBERS, ("JobGetLog",), why="one summary row"),),
    "job-log-rows-one-based": (Expect(DEVIATIONS, ("JobGetLog", "JobGet", *IMPORTS), why="rows from 1"),),
    "job-log-imported-row-as-item": (Expect(DEVIATIONS, ("JobGetLog",), why="ImportedRow holds the item"),),
    "all-failed-status-3": (
        Expect(ENUMS | DEVIATIONS, ("JobGet", "JobList"), why="StatusId 3, not 4"),
        Expect(DEVIATIONS, IMPORTS, ("IMP-STATUS",), "the import's final status, judged on the import"),
    ),
    "slow-jobs": (Expect(frozenset({JOB_TIMING}), why="every job takes 5-20 s"),),
    "header-rules-async": (Expect(ANSWER, IMPORTS + JOBS, why="200 and a job failing every item, not 400"),),
    "header-rules-plain-key": (
        Expect(ENUMS | DEVIATIONS, IMPORTS, why="key HeaderInvalid, not the rule id"),
    ),
    "header-rules-empty-400": (Expect(MEMBERS | ENUMS | DEVIATIONS, IMPORTS, why="an empty 400"),),
    "xml-header-enum-names": (Expect(ANSWER, IMPORTS + JOBS, why="XML header enum names accepted"),),
    "late-initial-validation": (
        Expect(DEVIATIONS | ENUMS, IMPORTS + JOBS, why="faults counted in processing, not validation"),
    ),
    "empty-import-refused": (
        Expect(ANSWER, IMPORTS + JOBS, why="400 NoItems for an empty import"),
        Expect(DEVIATIONS, NO_OPERATION, ("IMP-EMPTY-BODY",), "the emulator's choice for an empty import"),
    ),
    "no-body-limit": (Expect(ANSWER, IMPORTS + JOBS, why="no 413 up to 30,000,000 bytes"),),
    "extra-query-parameter-400": (Expect(ANSWER, why="400 UnknownParameter for an undeclared parameter"),),
}

# Variants whose change the observations do not hold, with the reason: the comparison must report nothing.
INVISIBLE: dict[str, str] = {
    "api-throttling": "a 429 the client waits out and sends again is not observed (the retried answer is)",
    "gateway-503": "the gateway's 503 is retried by the client; the answer after it is observed",
    "network-latency": "answer times are not observed; jobs p95 moved < 2 s; a job seen running is timing",
    "dates-dotnet": "date values are not observed, only their type (string); the docs allow the form (§4.5)",
    "gzip-responses": "content coding is transparent: the decoded answer is observed",
    "charset-utf8": "media types are observed without parameters (json, xml)",
    "json-members-alphabetical": "member order is not observed (RFC 8259: objects are unordered)",
    "xml-namespace-prefixes": "XML members are observed by local name (same infoset)",
    "xml-no-declaration": "the XML declaration is not part of the observed shape",
    "lenient-body-enums": "no test sends an unknown integer in Customer.Type, Account.Status, Discount.Type",
    "docs-sample-zero-ids": "no contract test sends an import item or relation with Id 0",
    "prepopulated-tenant": "the suite reads only what it made; other data's ids and values are not observed",
}

# Changes a failure of a deterministic test would show: never expected of a conforming variant.
NEVER = frozenset({NEW_FAILURE, FIXED_FAILURE, FACT_LOST})


COMBINED = "all"  # every variant at once (`norce-emulator serve --variant all`)


def unexplained(variant: str, changes: list[Change]) -> list[Change]:
    """The reported changes none of the variant's expectations covers (for `all`: none of any variant's)."""
    expected = (
        tuple(expect for expects in EXPECTED.values() for expect in expects)
        if variant == COMBINED
        else EXPECTED.get(variant, ())
    )
    return [change for change in changes if not any(expect.covers(change) for expect in expected)]
