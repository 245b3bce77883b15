"""A visitor explores the register in real headless Chromium, each page checked with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from regioagenda.core.browser_testing import assert_accessible, visit

pytestmark = pytest.mark.browser


def test_visitor_filters_the_register_opens_a_body_and_reads_the_matrix(
    page: Page, live_server, region
):
    visit(page, live_server.url + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verbonden partijen"
    ).click()
    page.get_by_label("Vorm").select_option(label="bedrijfsvoeringsorganisatie")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="Servicepunt71")).to_be_visible()
    assert_accessible(page, "lijst")

    page.get_by_role("link", name="Servicepunt71").click()
    expect(page.get_by_role("heading", name="Servicepunt71", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Deelnemers door de tijd")).to_be_visible()
    assert_accessible(page, "partij")

    visit(page, live_server.url + "/verbonden-partijen/matrix/")
    expect(page.get_by_role("table").get_by_role("rowheader", name="Voorschoten")).to_be_visible()
    assert_accessible(page, "matrix")
