"""A visitor looks for events in Leiden, browses the month, opens an event and finds how to put
it in their own calendar, under the strict CSP and without failing axe."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_category, make_event
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser


def test_visitor_filters_events_browses_the_month_and_opens_an_event(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    music = make_category(region, "muziek", "Muziek")
    day = timezone.localdate() + dt.timedelta(days=3)
    concert = make_event(
        region,
        "Kinderconcert in de Hooglandse Kerk",
        start=local(day.year, day.month, day.day, 15),
        municipality=leiden,
        categories=[music],
        regional=True,
        description="<p>Een <strong>vrolijk</strong> concert.</p>",
        accessibility="Rolstoeltoegankelijk.",
    )
    make_event(
        region,
        "Voetbaltoernooi",
        start=local(day.year, day.month, day.day, 10),
        municipality=oegstgeest,
        status=Event.Status.CANCELLED,
    )

    visit(page, live_server.url + "/evenementen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evenementen in de regio")
    expect(page.get_by_role("link", name="Voetbaltoernooi")).to_be_visible()
    assert_accessible(page, "lijst")

    page.get_by_label("Gemeente", exact=True).select_option(leiden.slug)
    page.get_by_label("Muziek").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name=concert.title)).to_be_visible()
    expect(page.get_by_role("link", name="Voetbaltoernooi")).to_have_count(0)
    subscribe = page.get_by_label("Adres om te abonneren (kopieer het in uw agenda-app)")
    expect(subscribe).to_have_value(
        f"http://127.0.0.1:8000/evenementen/agenda.ics?gemeente={leiden.slug}&categorie=muziek"
    )
    assert_accessible(page, "lijst met filters")

    page.get_by_role("link", name="Maandoverzicht").click()
    # The "Ga naar maand" form works without script and keeps the filters.
    page.get_by_label("Maand", exact=True).select_option(str(day.month))
    page.get_by_label("Jaar").fill(str(day.year))
    page.get_by_role("button", name="Ga naar maand").click()
    expect(page).to_have_url(
        f"{live_server.url}/evenementen/maand/{day.year}/{day.month}/"
        f"?gemeente={leiden.slug}&categorie=muziek"
    )
    expect(page.get_by_label("Muziek")).to_be_checked()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader").first).to_have_text("ma")
    expect(table.get_by_role("link", name=concert.title)).to_be_visible()
    expect(table.get_by_role("link", name="Voetbaltoernooi")).to_have_count(0)
    assert_accessible(page, "maand")

    visit(page, live_server.url + concert.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(concert.title)
    expect(page.get_by_text("Regio-evenement")).to_be_visible()
    expect(page.get_by_role("link", name="Zet in mijn agenda")).to_have_attribute(
        "href", f"/evenementen/{concert.pk}.ics"
    )
    assert_accessible(page, "evenement")
