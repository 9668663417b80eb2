"""The variant catalogue: named ways a conforming Norce tenant may differ where Norce's docs are silent.

The mirror image of the fault catalogue (emulator/faults.py). A fault breaks a documented or recommended rule;
a variant changes only what the docs leave open and keeps every documented rule, so the contract suite run
at its tenant strictness (`documented`) against the emulator with a variant on must not fail: a failure there
is a false alarm of the suite. Each variant names the silence it uses: a Q-number of docs/norce-facts.md §5 or
the specific gap.

Each emulator holds a `Variants` (built from `EmulatorConfig.variants`) and passes it explicitly to the code a
variant bends, which asks `variants.is_on(name)` where the variant acts. A few variants take a parameter,
written `name=value` wherever a name is accepted (`--variant`, NORCE_EMULATOR_VARIANTS, the admin endpoint);
its value lands in a typed `EmulatorConfig` field.

Variants that answer the same request differently cannot all act at once; `PRECEDENCE` says which one wins,
so `--variant all` is one well-defined tenant.

Renaming a variant or changing its meaning is a major catalogue version bump; adding one is a minor bump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from emulator.switches import Catalogue, Switches, UnknownSwitchError

CATALOGUE_VERSION = "1.1.0"
VARIANTS_ENV_VAR = "NORCE_EMULATOR_VARIANTS"
ALL = "all"


@dataclass(frozen=True)
class Variant:
    name: str
    silence: str  # the Q-number of docs/norce-facts.md §5, or the gap in the docs the variant uses
    description: str
    parameter: str | None = None  # the `name=value` syntax, when the variant takes one


class UnknownVariantError(UnknownSwitchError):
    """A variant name that is not in the catalogue (a typo in the environment, a CLI flag or the wiring)."""


class VariantParameterError(UnknownVariantError):
    """A `name=value` whose value the variant cannot use."""


_ENTRIES: tuple[Variant, ...] = (
    # --- Customer Service 1.1 not-found (Q5: "returns null if ... doesn't exist", the form is open) ---
    Variant(
        "not-found-204",
        "Q5",
        "1.1 Get* not-found answers 204 No Content with no body (JSON and XML) instead of 200 null",
    ),
    Variant(
        "not-found-xml-nil-root",
        "Q5",
        '1.1 Get* not-found in XML answers the root element with i:nil="true" instead of an empty body',
    ),
    Variant(
        "not-found-json-empty-body",
        "Q5",
        "1.1 Get* not-found in JSON answers an empty body labelled application/json instead of null",
    ),
    # --- authentication refusals (Q9, Q10) ---
    Variant(
        "auth-wrong-application-id-403",
        "Q10",
        "a valid token with an application id that is not the client's gets 403 (no challenge), not 401",
    ),
    Variant(
        "auth-401-no-challenge",
        "Q10",
        "401 answers carry no WWW-Authenticate header (the docs document neither 401 nor its challenge)",
    ),
    Variant(
        "application-id-optional",
        "Q9",
        "a bearer call without an application id header is served (the token names the application); "
        "a wrong id is still refused",
    ),
    Variant(
        "no-legacy-basic",
        "legacy Basic is offered 'for a limited time' (docs/norce-facts.md §4.3): a tenant may not have it",
        "Connect refuses legacy Basic auth with 401; OAuth2 bearer tokens keep working",
    ),
    Variant(
        "api-throttling",
        "API rate limits are undocumented: only the token endpoint's limit is (docs/norce-facts.md §4.3)",
        "every Nth API request (default 20) answers 429 with Retry-After S (default 1 s)",
        parameter="N[:S]",
    ),
    # --- an ordinary front end in front of Norce: its own answers, the network's latency ---
    Variant(
        "gateway-503",
        "docs/norce-facts.md §4.4: Connect uses 'standard HTTP status codes'; a deployment behind a gateway "
        "(slot swap, restart) is not documented",
        "every Nth request (default 60; the token endpoint's included) is answered by the front end, before "
        "it reaches the API, with 503 Service Unavailable, Retry-After S (default 1 s) and an HTML page",
        parameter="N[:S]",
    ),
    Variant(
        "network-latency",
        "the docs give no response times; a tenant is reached over a WAN and adds its own service time",
        "every answer is delayed by MS milliseconds (default 80, an ordinary WAN round trip)",
        parameter="MS",
    ),
    Variant(
        "reset-malformed",
        "HDR-ONE-LINE binds the client (docs/norce-facts.md §3 rule 3); a front end may refuse a head it "
        "cannot parse (obs-fold, RFC 9112 §5.2) below HTTP",
        "a request whose head holds a folded header gets its connection reset (TCP RST), no HTTP answer",
    ),
    Variant(
        "generic-allow",
        "the docs name each operation's method, not what others get or what Allow lists (RFC 9110 §10.2.1)",
        "a method an operation does not take (OPTIONS included) gets 405 with a front end's generic "
        "'Allow: GET, POST', whatever the operation's own method",
    ),
    # --- a gateway in front of Norce (ERROR-BODY-OTHER, NEGOTIATION-OTHER: no error body documented, Q7) ---
    Variant(
        "gateway-errors-text",
        "Q7 and docs/norce-facts.md §4.4: no body documented for 404/405/413/415",
        "404 unknown path, 405 unexpected method, 413 oversized body and 415 unsupported media type are "
        "answered by a front end as text/plain, not an ErrorMessage",
    ),
    Variant(
        "gateway-errors-html",
        "Q7 and docs/norce-facts.md §4.4: no body documented for 404/405/413/415",
        "404, 405, 413 and 415 are answered as an IIS-style text/html page, not an ErrorMessage",
    ),
    Variant(
        "unknown-operation-html-404",
        "docs/norce-facts.md §1C: what an unknown operation answers is not documented",
        "an unknown 1.1 operation gets WCF's 404 'Endpoint not found.' text/html page",
    ),
    Variant(
        "unknown-operation-400",
        "docs/norce-facts.md §1C: what an unknown operation answers is not documented",
        "an unknown 1.1 operation gets 400 with an ErrorMessage (key UnknownOperation), not 404",
    ),
    Variant(
        "gzip-responses",
        "docs/norce-facts.md §4.5: content codings are not documented (RFC 9110 §8.4 makes them transparent)",
        "answers of 256 bytes or more are gzip-compressed when the request's Accept-Encoding allows gzip",
    ),
    Variant(
        "charset-utf8",
        "docs/norce-facts.md §4.5: media type parameters are not documented",
        "JSON and XML answers are labelled with '; charset=utf-8' (as WCF writes them)",
    ),
    Variant(
        "obs-fold-unfolded",
        "HDR-ONE-LINE binds the client (docs/norce-facts.md §3 rule 3); RFC 9112 §5.2 lets a server unfold",
        "a request header continued by obs-fold is unfolded into one line (SP) and served, not refused",
    ),
    Variant(
        "obs-fold-plain-text-400",
        "HDR-ONE-LINE binds the client (docs/norce-facts.md §3 rule 3); the refusal's form is not documented",
        "a request header continued by obs-fold is refused with a text/plain 400, not an ErrorMessage",
    ),
    # --- serialization choices the docs leave open ---
    Variant(
        "dates-dotnet",
        "docs/norce-facts.md §4.5: the .NET backend may omit the offset (openapi/PROVENANCE.md choice 12)",
        "date-times are written the .NET way: no UTC offset and 7 fractional digits "
        "(2026-11-29T10:00:00.1230000) in JobDto, JobLogDto, 1.1 Created/Updated and ErrorMessage",
    ),
    Variant(
        "null-empty-collections",
        "CS-EMPTY-COLLECTION is a recommendation: the WSDL marks the collections nillable; Q8",
        "empty 1.1 collections (Companies, DeliveryAddresses, Flags, Info, PricelistIds, DeliveryMethodIds, "
        "PaymentMethodIds, Roles, ...) and an empty ValidationSummary.Messages are null / i:nil",
    ),
    Variant(
        "null-members-omitted",
        "the docs do not say whether null members are written (DataContract EmitDefaultValue=false)",
        "members whose value is null are left out of JSON and XML answers instead of written as null / i:nil",
    ),
    Variant(
        "newer-release-members",
        "the docs list today's members; a later release may add some (SCHEMA-DRIFT is reported, not judged)",
        "Customer, Company, JobDto and JobResponse carry members a newer release adds (ExternalId: null, "
        "Created2), in JSON and as extra XML elements at the end",
    ),
    Variant(
        "json-members-alphabetical",
        "the docs fix no JSON member order (RFC 8259: objects are unordered)",
        "JSON members are written in ordinal alphabetical order at every level",
    ),
    Variant(
        "xml-namespace-prefixes",
        "the docs describe XML names and namespaces, not how they are declared (same infoset)",
        "XML answers use namespace prefixes (a:Customer with xmlns:a=...) instead of default namespaces",
    ),
    Variant(
        "xml-no-declaration",
        "the docs do not say whether an XML answer starts with an XML declaration",
        "XML answers have no <?xml ...?> declaration (as WCF writes them)",
    ),
    # --- the Job service (Q5, Q6, Q8, Q13) ---
    Variant(
        "job-log-single-object",
        "Q6 (the docs show one JobLogDto)",
        "Job/GetLog answers a single JobLogDto object (XML root JobLogDto) when the log has exactly one row",
    ),
    Variant(
        "job-list-absent",
        "Q6 (the docs name 'List Job' only; its path and parameters are not documented)",
        "Job/List is not offered: 404 for every method",
    ),
    Variant(
        "job-get-unknown-404",
        "Q5 (the docs do not say what Job/Get answers for an id that does not exist)",
        "Job/Get with an unknown id answers 404 with an ErrorMessage instead of 200 null",
    ),
    Variant(
        "job-log-summary-row",
        "Q6/Q8 (the docs describe a log row, not how many rows a job writes)",
        "a job logs one Information summary row instead of one per written item; Error rows stay per item",
    ),
    Variant(
        "job-log-rows-one-based",
        "Q6/Q8 (what ImportedRow and the message texts hold is not documented)",
        "log rows and validation messages number items from 1: ImportedRow '1' for the first item",
    ),
    Variant(
        "job-log-imported-row-as-item",
        "Q6/Q8 (ImportedRow is 'the input row concerned'; its text is not documented)",
        "ImportedRow holds the item as it was sent (compact JSON text), not its index",
    ),
    Variant(
        "all-failed-status-3",
        "Q13 (the docs list the StatusIds, not which one a job ends with)",
        "a job whose every item failed finishes with StatusId 3 (Failed) instead of 4 (Validation failed)",
    ),
    Variant(
        "slow-jobs",
        "Q13 (how long a job takes is not documented; jobs are queued for workers)",
        "every import job takes 5-20 s (deterministic from the seed and job id), StatusId 1 and IsFinished "
        "false meanwhile, LastUpdated advancing; overrides --job-timing",
        parameter="MIN-MAX seconds",
    ),
    # --- Connect requests (Q2, Q3, Q7, Q17, import-semantics conventions) ---
    Variant(
        "header-rules-async",
        "Q7 (the status and body Connect answers a rule-breaking header with are not documented)",
        "a header that breaks a rule is answered 200 with a job that fails every item and writes nothing",
    ),
    Variant(
        "header-rules-plain-key",
        "Q7 (the rule ids are our naming)",
        "a header that breaks a rule gets 400 with an ErrorMessage keyed HeaderInvalid, not the HDR-* id",
    ),
    Variant(
        "header-rules-empty-400",
        "Q7 (no error body is documented for Connect)",
        "a header that breaks a rule gets 400 with an empty body",
    ),
    Variant(
        "xml-header-enum-names",
        "Q3 (a DataContractSerializer writes enum names)",
        "enum names in the header of an application/xml import are accepted (read as in JSON), not refused "
        "with HDR-XML-INT-ENUMS",
    ),
    Variant(
        "lenient-body-enums",
        "Q3 and Q17 (a DataContract deserializer reads any integer into an enum)",
        "an unknown integer in Customer.Type, Account.Status or Discount.Type is accepted; header enums stay "
        "strict",
    ),
    Variant(
        "docs-sample-zero-ids",
        "the docs' sample requests carry Id 0 (seed 002); what Id 0 means is not documented",
        "an import item's (or relation's) Id of 0 means 'no id': matching goes on by Code, then "
        "EmailAddress / OrganizationNo",
    ),
    Variant(
        "late-initial-validation",
        "Q17 (which faults initial validation catches is not documented)",
        "items initial validation would refuse (no identity, wrong type, ...) are not counted in "
        "NrOfValidationFailures but fail in processing (Fail + 1, an Error row)",
    ),
    Variant(
        "empty-import-refused",
        "IMP-EMPTY-BODY is ours: the docs neither allow nor forbid an empty import",
        "an import of an empty array gets 400 (ErrorMessage key NoItems) instead of a job of zero items",
    ),
    Variant(
        "no-body-limit",
        "IMP-BODY-FORM is ours: Norce documents no size limit",
        "no 10 MiB limit: bodies up to IIS's default 30,000,000 bytes are read and imported",
    ),
    # --- Customer Service 1.1 requests ---
    Variant(
        "extra-query-parameter-400",
        "CS-EXTRA-PARAMETER-IGNORED is ours: the docs say nothing of undeclared parameters",
        "an undeclared query parameter on a 1.1 operation gets 400 (key UnknownParameter), never a 5xx",
    ),
    Variant(
        "prepopulated-tenant",
        "the docs say nothing of what else a tenant holds: a staging tenant has data the suite did not make",
        "the store starts with 3,000 customers and 1,000 companies (deterministic from the seed, with "
        "relations, flags, accounts and addresses, outside any nct- namespace)",
        parameter="N customers (N/3 companies)",
    ),
)

CATALOGUE: dict[str, Variant] = {variant.name: variant for variant in _ENTRIES}

VARIANT_CATALOGUE: Catalogue[Variant] = Catalogue(
    kind="variant",
    version=CATALOGUE_VERSION,
    entries=CATALOGUE,
    listing="norce-emulator variants",
    unknown_error=UnknownVariantError,
)

# (winner, loser, what the loser would have done): variants that answer the same request differently. With
# both on, the winner acts; `tests/unit/emulator_variants` proves each pair under `--variant all`.
PRECEDENCE: tuple[tuple[str, str, str], ...] = (
    ("not-found-204", "not-found-xml-nil-root", "a 204 has no body, so no nil root"),
    ("not-found-204", "not-found-json-empty-body", "a 204 has no body and no Content-Type"),
    ("gateway-errors-html", "gateway-errors-text", "one front end answers: the IIS page"),
    ("unknown-operation-400", "unknown-operation-html-404", "an unknown 1.1 operation gets the 400"),
    ("unknown-operation-400", "gateway-errors-html", "an unknown 1.1 operation gets the 400"),
    ("unknown-operation-400", "gateway-errors-text", "an unknown 1.1 operation gets the 400"),
    ("unknown-operation-html-404", "gateway-errors-html", "WCF's own page for an unknown 1.1 operation"),
    ("unknown-operation-html-404", "gateway-errors-text", "WCF's own page for an unknown 1.1 operation"),
    ("header-rules-async", "header-rules-plain-key", "no 400 at all: the job fails every item"),
    ("header-rules-async", "header-rules-empty-400", "no 400 at all: the job fails every item"),
    ("header-rules-empty-400", "header-rules-plain-key", "an empty body has no key"),
    ("obs-fold-unfolded", "obs-fold-plain-text-400", "the folded header is unfolded, not refused"),
    ("obs-fold-unfolded", "reset-malformed", "the folded header is unfolded, not refused"),
    ("reset-malformed", "obs-fold-plain-text-400", "the front end resets before anyone answers 400"),
    ("job-log-imported-row-as-item", "job-log-rows-one-based", "ImportedRow holds the item, not a number"),
    ("null-members-omitted", "null-empty-collections", "an empty collection written null is then left out"),
    ("null-members-omitted", "newer-release-members", "the added ExternalId: null is left out too"),
)

DEFAULT_THROTTLE_EVERY = 20
DEFAULT_THROTTLE_RETRY_AFTER = 1
DEFAULT_PREPOPULATE_CUSTOMERS = 3000
DEFAULT_SLOW_JOB_SECONDS = (5.0, 20.0)
DEFAULT_GATEWAY_503_EVERY = 60
DEFAULT_GATEWAY_503_RETRY_AFTER = 1
DEFAULT_LATENCY_MS = 80


@dataclass(frozen=True)
class VariantSpec:
    """What a list of `name` / `name=value` / `all` items asks for: the names and the parameter values."""

    names: frozenset[str]
    parameters: dict[str, str]


def split(items: Iterable[str]) -> VariantSpec:
    """Names (with `all` expanded) and `name=value` parameters, validated; UnknownVariantError names every
    unknown name, VariantParameterError a value that cannot be used."""
    names: set[str] = set()
    parameters: dict[str, str] = {}
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        name, equals, value = item.partition("=")
        name = name.strip()
        if name == ALL:
            if equals:
                raise VariantParameterError("'all' takes no parameter")
            names.update(CATALOGUE)
            continue
        names.add(name)
        if equals:
            parameters[name] = value.strip()
    valid = VARIANT_CATALOGUE.validate(names)
    for name, value in parameters.items():
        if CATALOGUE[name].parameter is None:
            raise VariantParameterError(f"variant {name} takes no parameter (got {name}={value})")
        parse_parameter(name, value)
    return VariantSpec(valid, parameters)


def parse(value: str) -> VariantSpec:
    """A comma-separated list (the NORCE_EMULATOR_VARIANTS format)."""
    return split(value.split(","))


def parse_parameter(name: str, value: str) -> tuple[float, ...]:
    """The numbers a parameter value holds, checked: api-throttling and gateway-503 `N[:S]`, slow-jobs
    `MIN-MAX`, prepopulated-tenant `N`, latency `MS`."""
    try:
        if name in ("api-throttling", "gateway-503"):
            every, _, retry_after = value.partition(":")
            numbers = (float(int(every)), float(int(retry_after)) if retry_after else -1.0)
            if numbers[0] < 1 or (retry_after and numbers[1] < 0):
                raise ValueError
            return numbers
        if name == "slow-jobs":
            low, _, high = value.partition("-")
            bounds = (float(low), float(high or low))
            if not 0 <= bounds[0] <= bounds[1] <= 3600:
                raise ValueError
            return bounds
        if name == "prepopulated-tenant":
            count = int(value)
            if not 0 <= count <= 1_000_000:
                raise ValueError
            return (float(count),)
        if name == "network-latency":
            milliseconds = int(value)
            if not 0 <= milliseconds <= 60_000:
                raise ValueError
            return (float(milliseconds),)
    except ValueError:
        pass
    syntax = CATALOGUE[name].parameter if name in CATALOGUE else None
    raise VariantParameterError(f"variant {name}: cannot use the value {value!r} (expected {syntax})")


class Variants(Switches):
    """The variants switched on in one emulator; `replace` (the admin endpoint) changes them at run time."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__(VARIANT_CATALOGUE, names)

    def first_on(self, *names: str) -> str | None:
        """The first of `names` that is on (callers list them in PRECEDENCE order), else None."""
        return next((name for name in names if self.is_on(name)), None)
