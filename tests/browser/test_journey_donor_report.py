"""In chromium, from the home page: a director writes a period's narrative and downloads the donor report."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_director_writes_the_narrative_imports_a_value_and_downloads_the_donor_report(page, framework, tmp_path):
    """Can a director, following only links, open a project, write this period's narrative, add a value through
    the logframe workbook, and download the XLSX and PDF donor report with the page's figures and the narrative?"""
    year = str(date.today().year)
    log_in(page, framework["director"].email)
    page.get_by_role("link", name="Directorate").click()
    page.get_by_role("link", name="KE-DATA").first.click()
    page.wait_for_url("**/projects/KE-DATA")

    # The period's page: its figures, and the narrative form.
    page.get_by_role("link", name=f"Narrative and figures for {year}").click()
    page.wait_for_url(f"**/projects/KE-DATA/periods/{year}")
    figures = page.locator("#logframe")
    manual_row = figures.locator(f"tr[data-ref='IND-{framework['manual']}']")
    assert "31" in manual_row.inner_text() and "42 %" in manual_row.inner_text()
    page.get_by_label("Summary").fill("The pilot runs in two offices.")
    page.get_by_label("Challenges and how they were met").fill("Two analysts left; a second cohort starts in January.")
    page.get_by_role("button", name="Save the narrative").click()
    page.get_by_text(f"The narrative for {year} is saved.").wait_for()

    # A new value through the logframe: download it, type the value in its row, upload it.
    page.get_by_role("link", name="KE-DATA").click()
    page.get_by_role("link", name="Import indicator values (XLSX)").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the logframe for {year} (XLSX)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book["Logical framework"]
    header = {cell.value: cell.column for cell in sheet[2]}
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == f"IND-{framework['manual']}")
    sheet.cell(row, header["Current value"]).value = 35
    sheet.cell(row, header["Measured on"]).value = date.today()
    sheet.cell(row, header["Source of the value"]).value = "Quarterly review"
    filled = tmp_path / "logframe.xlsx"
    book.save(filled)
    page.get_by_label("Logframe workbook (XLSX)").set_input_files(str(filled))
    page.get_by_role("button", name="Import the values").click()
    page.get_by_text("1 new value imported.").wait_for()

    # The donor report, from the project page's links: the figures of the period's page, and the narrative.
    page.get_by_role("link", name=f"Narrative and figures for {year}").click()
    shown = page.locator(f"#logframe tr[data-ref='IND-{framework['manual']}']").inner_text()
    assert "35" in shown and "50 %" in shown
    with page.expect_download() as download:
        page.get_by_role("link", name="Logframe (XLSX)").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()))["Logical framework"]
    header = [cell.value for cell in sheet[2]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)]
    manual = next(r for r in rows if r["Ref."] == f"IND-{framework['manual']}")
    expected = (35, 50, "Quarterly review")
    assert (manual["Current value"], manual["Progress %"], manual["Source of the value"]) == expected
    assert manual["Light"] in shown
    with page.expect_download() as download:
        page.get_by_role("link", name="Progress report (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Progress report for {year}" in text
    assert "The pilot runs in two offices." in text and "Two analysts left" in text
    assert "Declarations selected by a model" in text and "50 %" in text
