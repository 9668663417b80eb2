"""Installed from a wheel (not editable), `norce-contracts run` works from any directory: the suite, the
vendored descriptions and the emulator travel with the package, and nothing is read from a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_an_installed_wheel_runs_the_suite_from_any_directory(tmp_path: Path) -> None:
    wheels, site, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, capture_output=True
    )
    (wheel,) = wheels.glob("norce_contracts-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, capture_output=True
    )
    # The dependencies come from this environment; the project's own code only from the installed copy
    # (PYTHONPATH comes before the editable install's finder).
    env = {**os.environ, "PYTHONPATH": str(site)}
    for name in ("NORCE_TARGET", "NORCE_EMULATOR_APP", "NORCE_EMULATOR_HTTP_PROTOCOL"):
        env.pop(name, None)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import contracts, emulator, openapi; print(contracts.__file__, openapi.__file__)",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.count(str(site)) == 2, where.stdout
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "contracts.cli",
            "run",
            "--max-examples",
            "1",
            "-k",
            "schemathesis and reads and GetCustomerByCode",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
    assert (elsewhere / "reports" / "summary.md").is_file()
    assert not list(site.rglob(".pytest_cache"))  # nothing written next to the installed suite
