"""Stateful workflow: import -> job -> read, as a Hypothesis state machine (the specs declare no OpenAPI
links, and the chain crosses Connect 4.0 and Customer Service 1.1, so `as_state_machine()` cannot find it).

Invariants after every step: each customer the model knows exists with the FirstName last imported, and
every finished job satisfies Totals = Inserts + Updates + Fail (docs/import-semantics.md).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from contracts.suite.flows import assert_job_counts, customer_by_code, customer_header, run_import
from contracts.transport.client import NorceClient
from contracts.transport.namespace import RunNamespace

# Each part waits for up to 2 x 5 jobs one after another.
pytestmark = [pytest.mark.contract, pytest.mark.writes, pytest.mark.generated, pytest.mark.job_chain(10)]

NAMES = st.sampled_from(["Alva", "Bo", "Cleo", "Dag"])


def make_machine(norce: NorceClient, ns: RunNamespace, seed: int) -> type[RuleBasedStateMachine]:
    class ImportWorkflow(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.first_names: dict[str, str] = {}

        @rule(first_name=NAMES)
        def insert(self, first_name: str) -> None:
            item = {
                "Code": ns.code("sm"),
                "FirstName": first_name,
                "LastName": "Machine",
                "EmailAddress": ns.email("sm"),
            }
            header = customer_header("Code", "FirstName", "LastName", "EmailAddress")
            outcome = run_import(norce, "ImportCustomers", [item], header, seed=seed)
            assert_job_counts(outcome, total=1, inserts=1, updates=0, fails=0)
            self.first_names[item["Code"]] = first_name

        @rule(data=st.data(), first_name=NAMES)
        def update(self, data: st.DataObject, first_name: str) -> None:
            if not self.first_names:
                return
            code = data.draw(st.sampled_from(sorted(self.first_names)))
            outcome = run_import(
                norce,
                "ImportCustomers",
                [{"Code": code, "FirstName": first_name}],
                customer_header("Code", "FirstName"),
                seed=seed,
            )
            assert_job_counts(outcome, total=1, inserts=0, updates=1, fails=0)
            self.first_names[code] = first_name

        @invariant()
        def reads_match_the_model(self) -> None:
            for code, first_name in self.first_names.items():
                customer = customer_by_code(norce, code, seed=seed)
                assert customer is not None and customer["FirstName"] == first_name, f"{code}: {customer}"

    return ImportWorkflow


# The machine's examples run in a few independent parts, so that workers run them side by side: each step
# waits for its job, and on a tenant whose jobs take seconds one machine of 5 x 5 steps was the run's longest
# test. Each part has its own seed (derived from the run's) and its own share of the examples.
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
def test_import_job_read_workflow(
    norce: NorceClient,
    run_namespace: RunNamespace,
    norce_seed: int,
    norce_max_examples: int | None,
    part: int,
) -> None:
    machine = make_machine(norce, run_namespace, norce_seed)
    test_case = machine.TestCase
    test_case.settings = settings(
        max_examples=-(-(norce_max_examples or 5) // PARTS),
        stateful_step_count=5,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
        # No shrinking: every step waits for a job, so on a tenant (or a job service that never finishes) a
        # shrink would replay step sequences for minutes. The failing step's request is printed as curl.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    hypothesis_seed(norce_seed * PARTS + part)(test_case.runTest)
    test_case("runTest").runTest()
