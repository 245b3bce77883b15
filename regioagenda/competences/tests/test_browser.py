"""A resident asks who decides, in real headless Chromium, each page checked with axe-core."""

import pytest
from playwright.sync_api import Page, expect

from regioagenda.competences.models import Authority, Scale
from regioagenda.competences.tests.factories import make_competence, make_domain, make_place
from regioagenda.core.browser_testing import assert_accessible, visit

pytestmark = pytest.mark.browser


def test_resident_types_a_subject_picks_the_domain_and_reads_who_decides_in_her_neighbourhood(
    page: Page, live_server, region
):
    leiden = region.municipalities.get(code="GM0546")
    green = make_domain(region, "proefgroen", name="Proefgroen", keywords="plantsoenzorg")
    make_domain(region, "proefspeelplekken", name="Proefspeelplekken", parent=green)
    make_competence(green, Scale.MUNICIPALITY, Authority.COLLEGE, decision="Groenbeheer regelen")
    district = make_place(leiden, "WK999901", "Proefwijk")
    make_place(leiden, "BU99990101", "Proefbuurt", parent=district)

    visit(page, live_server.url + "/wie-beslist/")
    assert_accessible(page, "vraag")
    page.get_by_label("Of typ een onderwerp").fill("proef plantsoenzorg")
    page.get_by_label("Waar gaat het over?").select_option(label="Proefwijk › Proefbuurt")
    page.get_by_role("button", name="Zoek wie beslist").click()
    expect(page.get_by_role("heading", name="Welk onderwerp bedoelt u?")).to_be_visible()
    assert_accessible(page, "keuze")

    page.get_by_role("link", name="Proefgroen").click()
    expect(
        page.get_by_role("heading", name="Wie beslist over Proefgroen in Proefbuurt (Leiden)?")
    ).to_be_visible()
    expect(
        page.get_by_text("Voor een buurt is niets apart geregeld; de gemeente beslist.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Gemeentewet, artikel 160")).to_be_visible()
    expect(page.get_by_role("combobox", name="Onderwerp")).to_have_value("proefgroen")
    assert_accessible(page, "antwoord")

    page.get_by_role("link", name="Alle onderwerpen en bevoegdheden").click()
    expect(page.get_by_role("heading", name="Proefgroen", exact=True)).to_be_visible()
    assert_accessible(page, "register")

    page.get_by_role("link", name="Dien een initiatief in").click()
    expect(page.get_by_role("heading", name="Initiatief indienen", level=1)).to_be_visible()
