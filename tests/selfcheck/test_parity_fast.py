"""The fast parity proof in `make test`: a few tests recorded against the emulator served plain and with three
conforming variants, each cassette replayed with `norce-emulator parity` against the plain emulator. The plain
one shows no difference; each variant shows at least one, and only what it changes
(tests/selfcheck/parity_expectations.py). `make selfcheck --parity` runs every variant.

The tests chosen meet the three variants' surfaces: not-found answers of every 1.1 Get* (not-found-204),
dates in 1.1 customers, job DTOs, job logs and error bodies (dates-dotnet), and 401 answers
(auth-401-no-challenge).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.selfcheck.parity import PLAIN, prove

FAST_KEYWORD = " or ".join(
    (
        "test_get_not_found_answers_null",
        "test_include_companies_false",
        "test_401_body_is_in_the_negotiated_type",
    )
)
FAST_VARIANTS = (PLAIN, "not-found-204", "dates-dotnet", "auth-401-no-challenge")


@pytest.mark.parametrize("variant", FAST_VARIANTS)
def test_a_recorded_run_replays_as_exactly_the_variants_differences(variant: str, tmp_path: Path) -> None:
    outcome = prove(variant, keyword=FAST_KEYWORD, scratch=tmp_path)
    assert outcome.error is None, outcome.error
    assert outcome.recorded is not None and outcome.recorded.run.tests_run >= 10
    assert outcome.entries > 50, "the recording holds the run's exchanges"
    reported = "\n".join(outcome.reported())
    if variant == PLAIN:
        assert outcome.exit_code == 0 and outcome.differences == 0, f"the plain emulator differs:\n{reported}"
    else:
        assert outcome.exit_code == 1 and outcome.differences > 0, f"{variant} did not show up"
        assert outcome.unexplained == [], f"{variant}: differences it does not make: {outcome.unexplained}"
    assert outcome.replay_seconds < 60
