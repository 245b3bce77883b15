"""A visitor without an account submits an event that clashes with one already in the agenda:
they see the warning (not a refusal) and the event waits, unconfirmed, for the e-mail
confirmation. Real headless Chromium; the form and the warning are checked with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_event
from regioagenda.initiatives import submission as form_guards

pytestmark = pytest.mark.browser


def test_visitor_submits_a_clashing_event_and_sees_the_warning(
    page: Page, live_server, region, monkeypatch
):
    # A person needs a few seconds to fill in the form; the test browser does not.
    monkeypatch.setattr(form_guards, "MIN_SECONDS", 0)
    leiden = region.municipalities.get(code="GM0546")
    make_event(region, "Jazz in de zaal", local(2026, 10, 3, 20), municipality=leiden)

    visit(page, live_server.url + "/evenementen/aanmelden/")
    assert_accessible(page, "aanmelden")
    page.get_by_label("Titel").fill("Herfstmarkt")
    page.get_by_label("Begindatum").fill("2026-10-03")
    page.get_by_label("Begintijd").fill("10:00")
    page.get_by_label("Einddatum").fill("2026-10-03")
    page.get_by_label("Eindtijd").fill("17:00")
    page.get_by_label("Locatie", exact=True).fill("Stadsgehoorzaal")
    page.get_by_label("Gemeente", exact=True).select_option(label="Leiden")
    page.get_by_label("Organisator", exact=True).fill("Marktvereniging")
    page.get_by_label("E-mailadres van de organisator").fill("markt@example.org")
    page.get_by_role("button", name="Evenement aanmelden").click()

    expect(page.get_by_role("heading", name="Evenement aangemeld")).to_be_visible()
    warning = page.get_by_role("status").filter(has_text="Let op")
    expect(warning).to_contain_text("Jazz in de zaal")
    expect(warning).to_contain_text("Zelfde dag (za 3 oktober) en zelfde locatie")
    assert_accessible(page, "aangemeld met waarschuwing")

    event = Event.objects.get(title="Herfstmarkt")
    assert event.moderation == Event.Moderation.UNCONFIRMED
    assert event.start == local(2026, 10, 3, 10)
