"""A resident asks who decides and submits an idea; the coordinator publishes it and records
what happened; everyone reads it. Real headless Chromium, each page checked with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.competences.models import Authority, Scale
from regioagenda.competences.tests.factories import make_competence, make_domain, make_place
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.initiatives import submission
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.browser


def test_resident_submits_an_idea_the_coordinator_publishes_it_and_everyone_follows_it(
    page: Page, live_server, region, monkeypatch
):
    # A person needs a few seconds to fill in the form; the test browser does not.
    monkeypatch.setattr(submission, "MIN_SECONDS", 0)
    leiden = region.municipalities.get(code="GM0546")
    topic = Topic.objects.in_region(region).first()
    green = make_domain(
        region, "proefgroen", name="Proefgroen", keywords="wipwapje", topics=[topic]
    )
    make_competence(green, Scale.MUNICIPALITY, Authority.COLLEGE, decision="Speelplekken")
    district = make_place(leiden, "WK999901", "Proefwijk")
    make_place(leiden, "BU99990101", "Proefbuurt", parent=district)
    make_user(
        "coordinator-b", Membership.Role.COORDINATOR, password="coord-wachtwoord-1", region=region
    )

    visit(page, live_server.url + "/wie-beslist/?domein=proefgroen&plaats=leiden")
    expect(
        page.get_by_role("heading", name="Wie beslist over Proefgroen in Leiden?")
    ).to_be_visible()
    page.get_by_role("link", name="Dien een initiatief in").click()
    assert_accessible(page, "indienen")

    page.get_by_label("Titel").fill("Een nieuw wipwapje")
    page.get_by_label("Omschrijving").fill("Het oude wipwapje in de Proefbuurt is kapot.")
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill("anna@example.org")
    page.get_by_label("Gemeente, wijk of buurt").select_option(label="Proefwijk › Proefbuurt")
    page.get_by_role("button", name="Initiatief indienen").click()
    expect(page.get_by_role("heading", name="Bedankt voor uw initiatief")).to_be_visible()
    assert_accessible(page, "bedankt")

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "coordinator-b", "coord-wachtwoord-1", button="Inloggen")
    visit(page, live_server.url + "/initiatieven/moderatie/")
    assert_accessible(page, "wachtrij")
    page.get_by_role("link", name="Een nieuw wipwapje").click()
    expect(page.get_by_label("Beleidsdomein")).to_have_value(str(green.pk))
    assert_accessible(page, "modereren")
    page.get_by_label("Openbare toelichting").fill("Doorgezet naar de gemeente.")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Het initiatief is gepubliceerd.")).to_be_visible()

    page.get_by_role("link", name="Gebeurtenis vastleggen").click()
    page.get_by_label("Wat is er gebeurd?").select_option(label="doorgestuurd")
    page.get_by_label("Openbare toelichting").fill("Naar het college van Leiden.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De gebeurtenis is vastgelegd.")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    visit(page, live_server.url + "/initiatieven/")
    page.get_by_role("link", name="Een nieuw wipwapje").click()
    expect(page.get_by_role("heading", name="Een nieuw wipwapje", level=1)).to_be_visible()
    expect(page.get_by_text("Naar het college van Leiden.")).to_be_visible()
    expect(page.get_by_role("link", name="Gemeentewet, artikel 160")).to_be_visible()
    expect(page.get_by_role("link", name=topic.title)).to_be_visible()
    expect(page.get_by_text("anna@example.org")).to_have_count(0)
    assert_accessible(page, "initiatief")
