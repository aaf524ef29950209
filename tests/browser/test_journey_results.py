"""In chromium, from the home page: a director builds a project's results chain, enters an indicator value with
evidence, sees its light change by the stated rule, and adds a risk."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.helpers import YEAR1, YEAR2, YEAR3

pytestmark = pytest.mark.browser

SHOTS = None  # a folder (pathlib.Path) to keep screenshots of the walk in, when looking at it by eye


def _shot(page, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_director_enters_a_value_with_evidence_sees_the_light_change_and_adds_a_risk(page, project, tmp_path):
    """Can a director, following only links and buttons, give KE-DATA an impact and an indicator, see "No recent
    value", enter a value with a file, see the light turn "On track", and register a risk whose review is due?"""
    log_in(page, project["director"].email)
    page.get_by_role("link", name="Directorate").click()
    page.get_by_role("link", name="KE-DATA").first.click()
    page.wait_for_url("**/projects/KE-DATA")
    results = page.get_by_role("region", name="Results framework")
    assert "Not measured" in results.inner_text()
    results.get_by_role("link", name="Add the impact").click()
    page.get_by_label("Statement").fill("Customs decisions rest on data")
    page.get_by_role("button", name="Save the result").click()
    page.wait_for_url("**/projects/KE-DATA#results-h")
    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Name").fill("Share of inspections chosen by a risk model")
    page.get_by_label("Unit").select_option(label="Percent (0–100)")
    page.get_by_label("Baseline value").fill("10")
    page.get_by_label("Baseline date").fill(f"{YEAR1}-01-01")
    page.get_by_label("Target value").fill("60")
    page.get_by_label("Target date").fill(f"{YEAR3}-12-31")
    page.get_by_label("Milestones").fill(f"{YEAR1}: 20\n{YEAR2}: 40")
    page.get_by_label("Means of verification").fill("Risk management unit's yearly statistics")
    # A target equal to the baseline is refused by the form, nothing saved.
    page.get_by_label("Target value").fill("10")
    page.get_by_role("button", name="Save the indicator").click()
    expect(page.get_by_text("The target equals the baseline (10)").first).to_be_visible()
    page.get_by_label("Target value").fill("60")
    page.get_by_role("button", name="Save the indicator").click()
    page.wait_for_url("**/projects/KE-DATA#results-h")
    row = page.get_by_role("row", name="Share of inspections chosen by a risk model")
    assert "No recent value" in row.inner_text()
    _shot(page, "1-project-no-value")

    row.get_by_role("link", name="Share of inspections chosen by a risk model").click()
    page.get_by_role("link", name="Enter a value").click()
    evidence = tmp_path / f"selection-{YEAR2}.csv"
    evidence.write_text("port,share\nMombasa,47\n")
    page.get_by_label("Value", exact=True).fill("45")
    page.get_by_label("Measured on").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Source", exact=True).fill("Risk management unit statistics")
    page.get_by_label("Evidence: a file").set_input_files(str(evidence))
    _shot(page, "2-value-form")
    page.get_by_role("button", name="Save the value").click()
    page.get_by_text("Value saved.").wait_for()
    expect(page.get_by_role("link", name=f"selection-{YEAR2}.csv")).to_be_visible()
    # 45 is 70 % of the way from 10 to 60; between 20 % and 60 % is expected this year, the second of the
    # project's three (the line runs from last year's milestone, 20, to this year's, 40): on track whatever the day.
    expect(page.get_by_text("On track", exact=True).first).to_be_visible()
    expect(page.get_by_text("70 % of the way to the target")).to_be_visible()
    _shot(page, "3-indicator-history")

    page.get_by_role("link", name="KE-DATA").click()
    row = page.get_by_role("row", name="Share of inspections chosen by a risk model")
    assert "On track" in row.inner_text() and "70 %" in row.inner_text()
    page.get_by_role("region", name="Risks").get_by_role("link", name="Risk register").click()
    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Risk", exact=True).fill("Declarations data is not shared with the risk unit")
    page.get_by_label("Likelihood").fill("4")
    page.get_by_label("Impact").fill("5")
    page.get_by_label("Mitigation").fill("Data sharing agreement signed by the Commissioner")
    page.get_by_label("Owner").fill("Project lead")
    page.get_by_label("Next review").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save the risk").click()
    page.get_by_text("Risk saved.").wait_for()
    register = page.get_by_role("table", name="Risk register")
    assert "20 · Critical" in register.inner_text() and "review overdue" in register.inner_text()
    _shot(page, "4-risk-register")
    page.get_by_role("link", name="KE-DATA").click()
    expect(page.get_by_role("region", name="Risks")).to_contain_text("Reviews overdue: 1")
    _shot(page, "5-project")
