"""The network picture renders under the strict CSP, and an editor records a council's view."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.registry.models import BudgetView, JointBody
from regioagenda.registry.tests.factories import make_budget_request

pytestmark = pytest.mark.browser


def test_visitor_sees_the_network_and_an_editor_records_her_councils_view(
    page: Page, live_server, region
):
    # Record every CSP violation the page reports (besides the console errors the page fixture
    # collects), so a chart that only renders thanks to a loosened policy is caught.
    page.add_init_script(
        """window.cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) =>
            window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"""
    )
    visit(page, live_server.url + "/verbonden-partijen/netwerk/")
    figure = page.get_by_role("figure", name="Netwerkbeeld")
    expect(figure.locator("svg")).to_have_count(1)
    expect(figure.locator("svg text").get_by_text("Holland Rijnland", exact=True)).to_have_count(1)
    expect(
        page.get_by_role("table").get_by_role("rowheader", name="Holland Rijnland", exact=True)
    ).to_be_visible()
    assert_accessible(page, "netwerk")  # and no console errors, no failed requests
    assert page.evaluate("window.cspViolations") == []

    today = timezone.localdate()
    body = JointBody.objects.get(region=region, slug="holland-rijnland")
    make_budget_request(
        body,
        year=today.year + 1,
        title="Ontwerpbegroting Holland Rijnland",
        sent_on=today - datetime.timedelta(days=20),
    )
    oegstgeest = region.municipalities.get(code="GM0579")
    make_user(
        "redacteur-oegstgeest",
        Membership.Role.EDITOR,
        password="wachtwoord-oegstgeest-123",
        municipality=oegstgeest,
    )
    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-oegstgeest", "wachtwoord-oegstgeest-123", button="Inloggen")
    visit(page, live_server.url + "/verbonden-partijen/begrotingen/")
    assert_accessible(page, "begrotingen")
    page.get_by_role("link", name="besluit van Oegstgeest vastleggen").click()
    expect(page.get_by_role("heading", name="Besluit van de raad vastleggen")).to_be_visible()
    page.get_by_label("Uitkomst").select_option(label="zienswijze ingediend")
    page.get_by_label("Besloten op").fill(today.isoformat())
    page.get_by_label("Samenvatting").fill("Zorgen over de stijgende bijdrage.")
    assert_accessible(page, "zienswijze vastleggen")
    page.get_by_role("button", name="Besluit vastleggen").click()

    expect(
        page.get_by_text("Het besluit van de raad van Oegstgeest is vastgelegd.")
    ).to_be_visible()
    assert_accessible(page, "na vastleggen")
    view = BudgetView.objects.get(municipality=oegstgeest)
    assert view.outcome == BudgetView.Outcome.VIEW
    assert view.summary == "Zorgen over de stijgende bijdrage."
