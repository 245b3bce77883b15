"""A council member reads the monitor's annual report in Chromium, checked with axe-core
(WCAG 2.1 A and AA), and opens its PDF."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.monitor.dataset import load_monitor
from regioagenda.vision.dataset import LoadReport

pytestmark = pytest.mark.browser

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"


def test_council_member_reads_the_annual_report_and_opens_its_pdf(page: Page, live_server, region):
    load_monitor(region, LEIDSE_REGIO, LoadReport(region=region))

    visit(page, live_server.url + "/monitor/")
    page.get_by_role("link", name="Jaarverslag van de monitor").click()
    expect(
        page.get_by_role("heading", level=1, name="Jaarverslag van de monitor 2026")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Samenvatting")).to_be_visible()
    inhabitants = page.get_by_role("article", name="Inwoners")
    expect(inhabitants).to_contain_text("220.726")
    expect(inhabitants).to_contain_text("gehaald")
    # Vega has drawn the chart (under the strict CSP), with the table of its figures beside it.
    expect(
        page.get_by_role("figure", name="Lijngrafiek van Inwoners voor de regio").locator("svg")
    ).to_have_count(1)
    expect(page.get_by_role("table", name="Inwoners per gemeente, 1 januari 2026")).to_be_visible()
    assert_accessible(page, "jaarverslag")

    link = page.get_by_role("link", name="Jaarverslag 2026 als PDF")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    expect(response).to_be_ok()
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
