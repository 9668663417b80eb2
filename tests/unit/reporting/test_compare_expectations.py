"""The compare bench's expectations (tests/selfcheck/compare_expectations.py) name every conforming variant
once: what it may change in a comparison, or why the observations cannot see it."""

from __future__ import annotations

from contracts.reports.compare import MEMBER_APPEARED, NEW_DEVIATION, NEW_FAILURE, Change
from emulator import variants
from tests.selfcheck.compare_expectations import COMBINED, EXPECTED, INVISIBLE, NEVER, unexplained


def test_every_variant_is_expected_to_show_or_said_to_be_invisible_never_both() -> None:
    assert set(EXPECTED) | set(INVISIBLE) == set(variants.CATALOGUE)
    assert not set(EXPECTED) & set(INVISIBLE)


def test_a_change_the_variant_does_not_make_is_unexplained() -> None:
    drift = Change(MEMBER_APPEARED, "GetCustomer json 200", "ExternalId")
    moved = Change(MEMBER_APPEARED, "GetCustomer json 200", "Email")
    assert unexplained("newer-release-members", [drift, moved]) == [moved]
    deviation = Change(NEW_DEVIATION, "CreateCustomer3", "SCHEMA-DRIFT")
    assert unexplained("newer-release-members", [deviation]) == []
    # The combined run may show what any variant shows, and still nothing else.
    assert unexplained(COMBINED, [drift, deviation]) == []
    assert NEW_FAILURE in NEVER  # a conforming variant breaks no documented rule
