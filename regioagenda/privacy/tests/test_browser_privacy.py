"""No page makes the browser contact another host; the privacy statement names the periods.

Run once, on SQLite (`-m browser`); needs Debian's chromium at /usr/bin/chromium.
"""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.privacy import inventory

pytestmark = pytest.mark.browser

MAIN_PAGES = [
    "/privacy/",
    "/",
    "/uitvoeringsagenda/",
    "/monitor/",
    "/evenementen/",
    "/vergaderingen/",
    "/initiatieven/",
]


def test_resident_browses_the_main_pages_without_her_browser_contacting_another_host(
    page: Page, live_server, region
):
    requested: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    page.on("request", note)
    for path in MAIN_PAGES:
        visit(page, live_server.url + path)
        # Charts and scripts may fetch more after the load event.
        page.wait_for_load_state("networkidle")

    host = urlparse(live_server.url).netloc
    elsewhere = [
        url
        for url in requested
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != host
    ]
    assert elsewhere == []
    assert len(requested) > len(MAIN_PAGES)  # the assets were seen too, not just the pages
    assert page.problems == []  # type: ignore[attr-defined]


def test_privacy_statement_names_the_retention_periods_of_the_inventory(
    page: Page, live_server, region
):
    visit(page, live_server.url + "/privacy/")
    text = page.locator("main").inner_text()
    for period in (
        inventory.EVENT_CONTACT_AFTER_END,
        inventory.UNCONFIRMED_EVENT,
        inventory.MEETING_CONTACT_AFTER_END,
        inventory.INITIATIVE_CONTACT_AFTER_CLOSING,
        inventory.LOGIN_RECORDS,
    ):
        assert f"{period.days} dagen" in text
    assert_accessible(page, "privacy")
