"""A council's decision recorded in real headless Chromium, each page checked with axe-core."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda.tests.factories import make_action
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.dossiers.tests.factories import decide, make_dossier
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser


def test_editor_records_that_her_council_rejected_and_the_dossier_shows_the_divergence(
    page: Page, live_server, region
):
    dossier = make_dossier(region, title="Regionale woonagenda")
    voorschoten = Municipality.objects.get(code="GM0626")
    last_week = datetime.date.today() - datetime.timedelta(days=7)
    others = Municipality.objects.in_region(region).exclude(pk=voorschoten.pk)
    for municipality in others:
        decide(dossier, municipality, on=last_week)
    leiden = others.get(code="GM0546")
    action = make_action(leiden, title="Regionale woningbouwcoalitie")
    action.participants.set(others.exclude(pk=leiden.pk))
    dossier.actions.add(action)
    make_user(
        "redacteur-voorschoten",
        Membership.Role.EDITOR,
        password="voorschoten-wachtwoord-1",
        municipality=voorschoten,
    )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-voorschoten", "voorschoten-wachtwoord-1", button="Inloggen")
    visit(page, live_server.url + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Dossiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionale dossiers")
    expect(page.get_by_role("cell", name="4 van 5")).to_be_visible()
    assert_accessible(page, "dossier list")

    page.get_by_role("link", name="Regionale woonagenda").click()
    expect(
        page.get_by_text(
            "4 van de 5 raden hebben het voorstel aangenomen; Voorschoten heeft nog niet besloten."
        )
    ).to_be_visible()
    assert_accessible(page, "dossier before Voorschoten decided")

    page.get_by_role("row", name="Voorschoten").get_by_role(
        "link", name="Raadsbesluit vastleggen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Besluit van de gemeenteraad van Voorschoten"
    )
    assert_accessible(page, "decision form")
    page.get_by_label("Titel van het voorstel").fill("Regionale woonagenda 2026-2030")
    page.get_by_label("Link naar het voorstel").fill("https://voorschoten.raadsinformatie.nl/rv-88")
    page.get_by_label("Datum van de vergadering").fill(last_week.isoformat())
    page.get_by_label("Uitkomst", exact=True).select_option(label="verworpen")
    page.locator("#id_documenten-0-kind").select_option(label="amendement")
    page.locator("#id_documenten-0-title").fill("Minder hoogbouw langs de Vliet")
    page.locator("#id_documenten-0-result").select_option(label="verworpen")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_have_text("Het besluit van Voorschoten is vastgelegd.")
    expect(
        page.get_by_text(
            "4 van de 5 raden hebben het voorstel aangenomen; Voorschoten heeft het verworpen."
        )
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Alleen Leiden, Leiderdorp, Oegstgeest en Zoeterwoude doen mee aan actie "
            "“Regionale woningbouwcoalitie”; Voorschoten verwierp het voorstel."
        )
    ).to_be_visible()
    row = page.get_by_role("row", name="Voorschoten")
    assert row.get_by_role("link", name="Minder hoogbouw langs de Vliet").count() == 0  # no URL
    expect(row.get_by_text("Minder hoogbouw langs de Vliet — verworpen")).to_be_visible()
    expect(row.get_by_role("link", name="Regionale woonagenda 2026-2030")).to_be_visible()
    assert_accessible(page, "dossier with the divergence")

    # Another municipality's decision is not hers to change.
    visit(page, live_server.url + dossier.get_absolute_url() + "besluit/GM0546/raad/", status=403)
