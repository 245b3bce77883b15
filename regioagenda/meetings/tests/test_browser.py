"""A coordinator plans a meeting of two councils and adds an item; a visitor finds it on both
councils' agendas, in real headless Chromium, with every page checked by axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.meetings.models import Meeting
from regioagenda.meetings.tests.factories import make_body
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser


def test_staff_plans_a_meeting_of_two_councils_and_a_visitor_sees_it_on_both_agendas(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    councils = [make_body(region, leiden), make_body(region, oegstgeest)]
    make_user(
        "coordinator-vergadering",
        Membership.Role.COORDINATOR,
        password="regio-wachtwoord-1",
        region=region,
    )
    day = (timezone.localtime() + datetime.timedelta(days=7)).date()

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "coordinator-vergadering", "regio-wachtwoord-1", button="Inloggen")
    visit(page, live_server.url + "/vergaderingen/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe vergadering")
    page.get_by_label("Soort").select_option(label="themabijeenkomst van raden en/of colleges")
    page.get_by_label("Titel", exact=True).fill("Themabijeenkomst bereikbaarheid")
    page.get_by_label("Begin").fill(f"{day.isoformat()}T19:30")
    page.get_by_label("Einde").fill(f"{day.isoformat()}T21:30")
    page.get_by_label("Plaats").fill("Stadhuis Leiden")
    page.get_by_label("Organiserende gemeente").select_option(label="Leiden")
    for council in councils:
        page.get_by_role("checkbox", name=council.name, exact=True).check()
    assert_accessible(page, "meeting form")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Themabijeenkomst bereikbaarheid")
    page.get_by_role("link", name="Agendapunt toevoegen").click()
    page.get_by_label("Onderwerp", exact=True).fill("Regionale fietsroutes")
    assert_accessible(page, "item form")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="1. Regionale fietsroutes")).to_be_visible()
    assert_accessible(page, "meeting page for staff")

    page.get_by_role("button", name="Uitloggen").click()
    meeting = Meeting.objects.get(title="Themabijeenkomst bereikbaarheid")
    assert set(meeting.bodies.all()) == set(councils)
    for council in councils:
        visit(page, live_server.url + council.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Vergaderingen: {council.name}")
        link = page.get_by_role("link", name="Themabijeenkomst bereikbaarheid")
        expect(link).to_have_count(1)
        assert_accessible(page, f"agenda of {council.name}")
    link.click()
    expect(page.get_by_role("heading", name="1. Regionale fietsroutes")).to_be_visible()
    expect(page.get_by_role("link", name="Zet in mijn agenda")).to_be_visible()
    assert_accessible(page, "meeting page for a visitor")
