"""summary.html in a real headless browser (Debian's Chromium driven by Playwright): the failures, the
deviations and the fact coverage render as tables and headings a person can read, and each failure links to
its failure file, which opens.

`make setup` installs Chromium (apt) and Playwright (pip); Playwright drives the system's Chromium, it never
downloads a browser of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from contracts.oracle.facts import facts
from contracts.reports.events import CheckEvent, DeviationEvent, FailedTestEvent, ItemStatusEvent, JudgedEvent
from contracts.reports.render import write_reports
from contracts.reports.summary import RunMeta, summarize

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # the machine's network is closed: no update or sync calls
    "--disable-component-update",
    "--disable-sync",
]
SUITE = "contracts/suite/test_import_read_back.py::test_everything_imported_reads_back"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("Chromium is not installed: `make setup` installs it (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def a_red_run(report_dir: Path) -> None:
    fact = next(f for f in facts() if f.observable and f.operations)
    events = [
        FailedTestEvent(
            test_id=f"{SUITE}[ImportCustomers-json-body]",
            test_name="test_everything_imported_reads_back[ImportCustomers-json-body]",
            message="IMP-READ-BACK (documented: ...): InvoiceAddress.Zip: sent 'SE-211 40', read None",
            operation="ImportCustomers",
            rule_id="IMP-READ-BACK",
            curl="curl -X POST http://127.0.0.1/commerce/connect/4.0/Customer/ImportCustomers",
            chain="1. POST http://127.0.0.1/commerce/connect/4.0/Customer/ImportCustomers [ImportCustomers]",
        ),
        CheckEvent("GetCustomer", "xml", "xml_xsd_conformance", False, "XSD-CUSTOMER-SERVICE", "bad order"),
        DeviationEvent("SCHEMA-DRIFT", "GetCustomer", "json", "a member the description does not know", 3),
        JudgedEvent(fact.judgements[0], fact.operations[0], SUITE, 1),
        ItemStatusEvent(SUITE, "ran"),
    ]
    summary = summarize(events, RunMeta(seed=7, target="emulator", duration=2.0, strictness="documented"))
    write_reports(summary, report_dir)


def test_the_summary_renders_its_tables_and_links_to_the_failure_files(
    browser: Browser, tmp_path: Path
) -> None:
    a_red_run(tmp_path)
    page = browser.new_page()
    page.goto((tmp_path / "summary.html").as_uri())
    headings = page.locator("h2, h3").all_inner_texts()
    assert headings[0] == "Failures (2)", headings  # failures come first
    assert any(h.startswith("1. IMP-READ-BACK — ImportCustomers [-] — test_everything") for h in headings)
    assert any(h.startswith("Deviations (3)") for h in headings)
    assert any(h.startswith("Fact coverage (") for h in headings)
    deviation_row = page.locator("tr", has_text="SCHEMA-DRIFT").first
    assert deviation_row.is_visible() and "GetCustomer" in deviation_row.inner_text()
    coverage = page.locator("table", has_text="not observable").first
    assert coverage.is_visible() and "exercised" in coverage.inner_text()
    links = page.locator("a[href^='failures/']")
    assert links.count() == 2
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("failures/001-IMP-READ-BACK-ImportCustomers.txt")
    text = page.inner_text("body")
    assert "judgement: IMP-READ-BACK" in text and "reproduce the request that broke the contract:" in text
    page.close()
