"""The progress report in headless Chromium, checked with axe-core (WCAG 2.1 A and AA)."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.agenda.models import BudgetLine
from regioagenda.agenda.tests.factories import make_action, milestone, report
from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser


def test_council_member_reads_the_progress_report_of_a_chosen_period(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    action = make_action(leiden, title="Warmtenet Zuid", topic="stadswarmtenet")
    report(action, make_user("verslaggever"), 30, datetime.date(2026, 3, 1))
    milestone(action, datetime.date(2026, 4, 1), title="Tracé bekend")
    BudgetLine.objects.create(action=action, year=2026, municipality=leiden, amount=12500)

    visit(page, live_server.url + "/uitvoeringsagenda/")
    page.get_by_role("link", name="Voortgangsrapportage").click()
    page.get_by_label("Van").fill("2026-06-30")
    page.get_by_label("Tot en met").fill("2026-01-01")
    page.get_by_role("button", name="Rapportage tonen").click()
    expect(
        page.get_by_role("alert").get_by_text("De begindatum ligt na de einddatum")
    ).to_be_visible()
    assert_accessible(page, "report with a reversed period")

    page.get_by_label("Van").fill("2026-01-01")
    page.get_by_label("Tot en met").fill("2026-06-30")
    page.get_by_role("button", name="Rapportage tonen").click()
    expect(page.get_by_role("heading", name="Warmtenet Zuid")).to_be_visible()
    expect(page.get_by_role("table", name="Voortgangsberichten in de periode")).to_be_visible()
    expect(page.get_by_text("te laat op 30 juni 2026")).to_be_visible()
    assert page.get_by_role("link", name="Deze rapportage als PDF").get_attribute("href") == (
        "/uitvoeringsagenda/rapportage.pdf?van=2026-01-01&tot=2026-06-30"
    )
    assert_accessible(page, "report")
