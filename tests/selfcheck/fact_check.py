"""The fact-fault phase of `make selfcheck`: every fault that names a fact (emulator/fact_faults, and the
faults of emulator/faults.py given a `fact`) is run at its level, in tenant mode (the emulator served over
HTTP, `norce-contracts run --target http://127.0.0.1:PORT --allow-writes --strictness LEVEL`), and must be
caught by its own fact's judgement on the operations it bends.

Each run is narrowed to the tests that reach the batch's operations: the fault-free baseline run records
which operations every test sends requests to (junit `operations_called`), and a test that reaches none of a
batch's operations can neither catch its faults by their own judgements (a catch must be made on one of the
fault's operations) nor be disturbed by them. A batch with a fault that names no operation runs every test.
Faults with disjoint operations share a run (tests/selfcheck/batches.py), without `-x` so each can fail;
every fault a batch did not cleanly catch (missed, accidental, or a run with no verdict) is run again alone,
because one fault's breakage can hide another's, and only that solo verdict counts. Faults that bend an
operation never sent to a tenant (price-list writes, contracts/transport/tenant_policy.py NOT_SENT) run on
the embedded emulator and are reported as such. A fault-free run per place and level is the baseline: if it
fails, no verdict of that place and level counts.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from contracts.cli import TENANT_WORKERS
from contracts.oracle.facts import fact
from contracts.transport.tenant_policy import NOT_SENT
from emulator import faults as catalogue
from emulator.fault_types import Fault
from tests.selfcheck.attribution import CAUGHT, MISSED, Aim, Attribution, attribute
from tests.selfcheck.batches import EMBEDDED, Batch, Planned, plan_batches, where_to_run
from tests.selfcheck.runner import CONTRACT_SUITE, RunPlan, SuiteRun, run_many, run_suite
from tests.selfcheck.tenant import Tenant, TenantPlan, run_against, served

# A full tenant-mode run with writes takes 70-90 s with 4 workers on the 2-core machine (519 tests, 174 s of
# test time, half of it the 1.1 Schemathesis tests). With one fault per observable fact, ~60% of the faults
# bend ImportCustomers or ImportCompanies, which no two faults of a batch may share, so no batch size gets
# the plan below ~200 runs: 1 gives 431 runs, 2: 246, 4: 200, 6 and more: 199. 6 reaches that floor and
# keeps a batch's failures readable; a larger size would only make solo re-runs likelier.
DEFAULT_BATCH_SIZE = 6
TENANT_RUN_TIMEOUT = 1800.0
FEW_TESTS = 40  # a run narrowed to this many tests or fewer uses one worker


def aim_of(fault: Fault) -> Aim:
    """What attributes the fault's catch: its fact's judgements (KeyError for an unknown fact id)."""
    judgements = frozenset(fact(fault.fact).judgements) if fault.fact else frozenset()
    return Aim(fault.name, fault.fact, judgements, frozenset(fault.operations))


def planned(fault: Fault) -> Planned:
    return Planned(aim_of(fault), fault.level, where_to_run(fault.operations, NOT_SENT))


def fact_faults(names: Sequence[str]) -> list[str]:
    """The names of those faults that name a fact."""
    return [name for name in names if catalogue.CATALOGUE[name].fact]


@dataclass(frozen=True)
class FactRunPlan:
    seed: int = 0
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = 2  # runs side by side
    tenant_workers: int = TENANT_WORKERS  # pytest workers per tenant run
    timeout: float = TENANT_RUN_TIMEOUT
    paths: Sequence[str] = CONTRACT_SUITE  # the embedded runs' suite (machinery tests narrow it)
    keyword: str | None = None  # a -k expression for every run (machinery tests only)
    scoped: bool = True  # narrow each run to the tests that reach its batch's operations


# A batch, the plan, and the pytest node ids to leave out of its run.
RunBatch = Callable[[Batch, FactRunPlan, Sequence[str]], SuiteRun]


def run_batch(batch: Batch, plan: FactRunPlan, skip: Sequence[str] = ()) -> SuiteRun:
    """One suite run with the batch's faults on, at the batch's level, without -x, less the tests `skip`."""
    deselect = tuple(arg for node in skip for arg in ("--deselect", node))
    if batch.where == EMBEDDED:
        suite = RunPlan(
            paths=tuple(plan.paths),
            keyword=plan.keyword,
            stop_first=False,
            timeout=plan.timeout,
            strictness=batch.level,
            extra_args=deselect,
        )
        return run_suite(batch.faults, seed=plan.seed, plan=suite)
    tenant = Tenant(faults=batch.faults)
    tenant_plan = TenantPlan(
        allow_writes=True,
        strictness=batch.level,
        workers=plan.tenant_workers,
        keyword=plan.keyword,
        timeout=plan.timeout,
        extra_args=("--", *deselect) if deselect else (),  # after --: pytest's, not norce-contracts'
    )
    with tempfile.TemporaryDirectory(prefix="fact-faults-") as scratch, served(tenant) as base:
        return run_against(base, tenant_plan, seed=plan.seed, report_dir=Path(scratch), tenant=tenant).run


@dataclass(frozen=True)
class FactVerdict:
    fault: str
    fact: str
    level: str
    where: str  # tenant | embedded
    attribution: Attribution
    seconds: float  # wall time of the run that decided the verdict
    batch: str  # that run's batch id ("B004", or "B004/solo" for a re-run alone)
    error: str | None = None  # that run produced no verdict (timeout, crash, no tests)
    tests: int = 0  # test cases that run ran (narrowed to those reaching the batch's operations)

    @property
    def verdict(self) -> str:
        return "error" if self.error else self.attribution.verdict

    @property
    def label(self) -> str:
        return f"error: {self.error}" if self.error else self.attribution.label


@dataclass(frozen=True)
class FactPhase:
    verdicts: tuple[FactVerdict, ...]
    baselines: tuple[tuple[Batch, SuiteRun], ...]
    batches: int  # batch runs (solo re-runs not counted)
    reruns: int

    def baseline_failed(self, where: str, level: str) -> SuiteRun | None:
        for batch, run in self.baselines:
            if batch.where == where and batch.level == level and run.verdict != "pass":
                return run
        return None

    def counts(self, verdict: str) -> int:
        return sum(1 for v in self.verdicts if v.verdict == verdict and self.valid(v))

    def valid(self, verdict: FactVerdict) -> bool:
        return self.baseline_failed(verdict.where, verdict.level) is None

    @property
    def holds(self) -> bool:
        return all(v.verdict == CAUGHT and self.valid(v) for v in self.verdicts)


def out_of_reach(batch: Batch, baseline: SuiteRun | None) -> list[str]:
    """The tests of the fault-free run that sent no request to any of the batch's operations (none when a
    fault of the batch names no operation, or without a passing baseline to tell)."""
    if baseline is None or baseline.verdict != "pass" or any(not aim.operations for aim in batch.aims):
        return []
    operations = frozenset(op for aim in batch.aims for op in aim.operations)
    return [node for node, called in baseline.reach if not operations.intersection(called)]


def _verdicts(batch: Batch, run: SuiteRun, label: str) -> list[FactVerdict]:
    out = []
    for aim in batch.aims:
        attribution = Attribution(MISSED) if run.error else attribute(aim, run.failures, batch.aims)
        out.append(
            FactVerdict(
                aim.fault,
                aim.fact,
                batch.level,
                batch.where,
                attribution,
                run.seconds,
                label,
                run.error,
                run.tests_run,
            )
        )
    return out


def _say(line: str) -> None:
    print(line, flush=True)  # a long phase shows where it is, also when the output is a file


def check_facts(
    names: Sequence[str],
    plan: FactRunPlan,
    *,
    run: RunBatch = run_batch,
    progress: Callable[[str], None] | None = None,
) -> FactPhase:
    """Plan the batches, run the baselines and the batches, then each not cleanly caught fault alone."""
    batches = plan_batches(
        [planned(catalogue.CATALOGUE[name]) for name in names], plan.batch_size, catalogue.LEVELS
    )
    places = sorted({(batch.where, batch.level) for batch in batches})
    baselines = [Batch(f"baseline-{where}-{level}", where, level, ()) for where, level in places]
    lock, done = threading.Lock(), [0]
    say = progress or _say

    def one(batch: Batch, total: int, stage: str) -> SuiteRun:
        baseline = baseline_runs.get((batch.where, batch.level)) if plan.scoped else None
        skip = out_of_reach(batch, baseline) if batch.faults else []
        kept = len(baseline.reach) - len(skip) if baseline is not None and skip else None
        # A worker's start-up (collecting the suite, loading the schemas) outweighs a handful of tests.
        narrow = kept is not None and kept <= FEW_TESTS
        result = run(batch, replace(plan, tenant_workers=1) if narrow else plan, skip)
        with lock:
            done[0] += 1
            what = ", ".join(batch.faults) or "no fault"
            say(
                f"selfcheck: facts {stage} [{done[0]}/{total}] {batch.id} ({batch.where}, {batch.level}; "
                f"{what}): {len(result.failures)} failure(s) of {result.tests_run} test(s) in "
                f"{result.seconds:.0f}s" + (f" ({result.error})" if result.error else "")
            )
        return result

    baseline_runs: dict[tuple[str, str], SuiteRun] = {}
    first = run_many(baselines, lambda b: one(b, len(baselines), "baseline"), plan.workers)
    for batch, result in zip(baselines, first, strict=True):
        baseline_runs[(batch.where, batch.level)] = result
    done[0] = 0
    results = run_many(batches, lambda batch: one(batch, len(batches), "batch"), plan.workers)
    verdicts = {
        v.fault: v
        for batch, result in zip(batches, results, strict=True)
        for v in _verdicts(batch, result, batch.id)
    }
    solo = [
        Batch(f"{batch.id}/solo", batch.where, batch.level, (aim,))
        for batch in batches
        if len(batch.aims) > 1
        for aim in batch.aims
        if verdicts[aim.fault].verdict != CAUGHT
    ]
    done[0] = 0
    for batch, result in zip(
        solo, run_many(solo, lambda b: one(b, len(solo), "solo"), plan.workers), strict=True
    ):
        for v in _verdicts(batch, result, batch.id):
            verdicts[v.fault] = v
    baseline_pairs = tuple((batch, baseline_runs[(batch.where, batch.level)]) for batch in baselines)
    ordered = tuple(verdicts[name] for name in names if name in verdicts)
    return FactPhase(ordered, baseline_pairs, len(batches), len(solo))
