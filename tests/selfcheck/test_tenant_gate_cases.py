"""The tenant gate's selection and report (tests/selfcheck/tenant_gate.py), without serving anything."""

from __future__ import annotations

import pytest

from emulator import variants
from tests.selfcheck.runner import FailedCase, SuiteRun
from tests.selfcheck.tenant import Tenant, TenantRun
from tests.selfcheck.tenant_gate import (
    QUEUED_JOBS,
    READ_ONLY,
    WRITES,
    render_section,
    summary_line,
    tenant_cases,
)


def test_each_is_plain_both_ways_then_every_variant_alone_then_all() -> None:
    cases = tenant_cases("each")
    assert cases[:2] == [(Tenant(), READ_ONLY), (Tenant(), WRITES)]
    alone = [tenant.variants for tenant, _ in cases[2:-1]]
    assert alone == [(name,) for name in sorted(variants.CATALOGUE)]
    assert cases[-1] == (Tenant(variants=("all",)), QUEUED_JOBS)
    # Runs bound by waiting for queued jobs take the tenant default of 4 workers and a longer bound.
    plans = {tenant.variants: plan for tenant, plan in cases}
    assert plans[("slow-jobs",)] == QUEUED_JOBS and plans[("dates-dotnet",)] == WRITES
    assert QUEUED_JOBS.workers == 4 and QUEUED_JOBS.timeout > WRITES.timeout
    assert all(plan.allow_writes for _, plan in cases[1:])


def test_named_variants_keep_their_parameters_and_unknown_ones_are_refused() -> None:
    cases = tenant_cases("slow-jobs, prepopulated-tenant=300")
    assert [tenant.variants for tenant, _ in cases] == [("slow-jobs",), ("prepopulated-tenant=300",)]
    assert tenant_cases("none") == []
    with pytest.raises(variants.UnknownVariantError):
        tenant_cases("slow-jobs,no-such-variant")


def test_the_report_names_the_first_failure_of_a_failing_run() -> None:
    cases = tenant_cases("slow-jobs,dates-dotnet")
    good = TenantRun(cases[0][0], SuiteRun((), 0, 0, 75.0, 500), deviations=3)
    failure = FailedCase("contracts/suite/test_auth.py::test_x", "boom")
    bad = TenantRun(cases[1][0], SuiteRun((), 0, 1, 80.0, 500, (failure,)), deviations=0)
    assert "1/2 runs passed" in summary_line([good, bad]) and "FAIL" in summary_line([good, bad])
    table = "\n".join(render_section([good, bad], cases))
    assert "| `slow-jobs` | yes | pass | 500 | 3 | 75s | - |" in table
    assert "| `dates-dotnet` | yes | fail | 500 | 0 | 80s | contracts/suite/test_auth.py::test_x |" in table
