"""Which facts and §5 choices a difference touches.

A fact (openapi/facts.yaml) is touched when its `operations` include the difference's operation and its text
or quote names what differs: the member (`IsFinished`), the header (`WWW-Authenticate`), a status of either
side (`404`). A §5 choice (docs/norce-facts.md, Q1-Q18) is touched when a touched fact cites it ("(Q5)") or
when the difference is of the kind the choice decides (the table below: Q5 is how a Get* says "not found",
Q10 is 401/403 ...). A difference that touches neither is in a silence of the docs no choice covers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from emulator.http.spec import OPENAPI_DIR
from emulator.parity.diff import Difference

FACTS_FILE = OPENAPI_DIR / "facts.yaml"
_Q_CITED = re.compile(r"\bQ(\d{1,2})\b")
IMPORTS = ("ImportCustomers", "ImportCompanies")


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    quote: str
    operations: frozenset[str]


@dataclass(frozen=True)
class Attribution:
    facts: tuple[str, ...]
    choices: tuple[str, ...]  # "Q5", ...


@functools.cache
def load_facts(path: Path = FACTS_FILE) -> tuple[Fact, ...]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = []
    for raw in data.get("facts", []) if isinstance(data, dict) else []:
        if not isinstance(raw, dict) or not raw.get("id"):
            continue
        facts.append(
            Fact(
                str(raw["id"]),
                str(raw.get("text") or ""),
                str(raw.get("quote") or ""),
                frozenset(str(op) for op in raw.get("operations") or []),
            )
        )
    return tuple(facts)


def _get_star(operation: str) -> bool:
    return operation.startswith("Get") or operation in ("JobGet", "LoginAgreementAccount")


def _statuses(difference: Difference) -> set[str]:
    return {difference.tenant, difference.emulator} if difference.kind == "status" else set()


# (choice, does it decide this difference?)
CHOICE_RULES: tuple[tuple[str, Callable[[Difference], bool]], ...] = (
    ("Q1", lambda d: d.operation in IMPORTS and d.member in ("StatusCode", "Description", "JobId")),
    ("Q2", lambda d: d.operation in IMPORTS and d.kind in ("status", "body") and "BodyMalformed" in d.tenant),
    (
        "Q5",
        lambda d: (
            _get_star(d.operation)
            and (
                d.kind in ("body", "media")
                or bool(_statuses(d) & {"204", "404"})
                or (d.kind == "type" and d.path in ("", "JobDto"))
            )
        ),
    ),
    (
        "Q6",
        lambda d: d.operation in ("JobGetLog", "JobList") and d.kind in ("status", "type", "member", "body"),
    ),
    ("Q6", lambda d: d.operation == "JobGetLog" and d.member in ("ImportedRow", "Message", "SeverityId")),
    ("Q6", lambda d: d.operation == "JobGetLog" and d.kind == "items"),
    (
        "Q7",
        lambda d: (
            d.operation in IMPORTS
            and (
                bool(_statuses(d) & {"400", "413", "415"}) or d.kind in ("body", "media") or d.member == "Key"
            )
        ),
    ),
    ("Q8", lambda d: d.member in ("Messages", "Value") and d.operation in (*IMPORTS, "JobGetLog")),
    ("Q8", lambda d: d.operation == "JobGetLog" and d.member in ("ImportedRow", "Message")),
    ("Q9", lambda d: bool(_statuses(d) & {"401", "403"}) and d.test.find("application") >= 0),
    ("Q10", lambda d: bool(_statuses(d) & {"401", "403"}) or d.path == "WWW-Authenticate"),
    ("Q12", lambda d: bool(_statuses(d) & {"404", "400"}) and "unknown" in d.test.lower()),
    (
        "Q13",
        lambda d: d.operation == "JobGet" and (d.member in ("StatusId", "IsFinished") or d.kind == "timing"),
    ),
    ("Q13", lambda d: d.kind == "timing" and d.path == "job"),
    ("Q16", lambda d: d.operation in ("JobGet", "JobGetLog") and "long" in d.test.lower()),
    (
        "Q17",
        lambda d: (
            d.operation in ("JobGet", *IMPORTS)
            and d.member in ("Fail", "NrOfValidationFailures", "Inserts", "Updates")
        ),
    ),
)


def _terms(difference: Difference) -> list[str]:
    terms = [str(status) for status in _statuses(difference)]
    if difference.kind in ("member", "type", "value", "items", "order") and difference.member:
        terms.append(difference.member)
    if difference.kind == "header":
        terms.append(difference.path)
    if difference.kind == "media":
        terms += [difference.tenant, difference.emulator]
    if difference.kind == "retried":
        terms += ["429", "Retry-After"]
    if difference.kind == "timing" and difference.path == "job":
        terms += ["IsFinished", "StatusId"]
    return [term for term in terms if term and term not in ("(none)", "(absent)")]


def _names(term: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text) is not None


def attribute(difference: Difference, facts: tuple[Fact, ...] | None = None) -> Attribution:
    catalogue = load_facts() if facts is None else facts
    terms = _terms(difference)
    touched = [
        fact
        for fact in catalogue
        if difference.operation in fact.operations
        and any(_names(term, fact.text) or _names(term, fact.quote) for term in terms)
    ]
    choices = {f"Q{number}" for fact in touched for number in _Q_CITED.findall(fact.text)}
    choices |= {choice for choice, decides in CHOICE_RULES if decides(difference)}
    return Attribution(tuple(fact.id for fact in touched), tuple(sorted(choices, key=lambda q: int(q[1:]))))
