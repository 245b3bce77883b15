"""User stories in real headless Chromium, each page checked with axe-core (WCAG 2.1 A and AA).

Run once, on SQLite (`-m browser`); they need Debian's chromium at /usr/bin/chromium.
"""

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser


PUBLIC_PAGES = [
    "/",
    "/themas/",
    "/themas/duurzaamheid/",
    "/themas/krachten-verenigen/",
    "/onderwerpen/stadswarmtenet/",
    "/gemeenten/",
    "/gemeenten/zoeterwoude/",
    "/kwaliteiten/",
    "/samenwerking/",
    "/toegankelijkheid/",
    "/privacy/",
    "/contact/",
    "/inloggen/",
    "/en/",
    "/en/themas/economie/",
    "/en/onderwerpen/economie071/",
]


def test_resident_reads_every_public_page_type_without_accessibility_errors(
    page: Page, live_server, region
):
    for path in PUBLIC_PAGES:
        visit(page, live_server.url + path)
        assert_accessible(page, path)


def test_resident_who_mistypes_an_address_gets_a_helpful_404(page: Page, live_server, region):
    visit(page, live_server.url + "/onderwerpen/bestaat-niet/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    page.get_by_role("link", name="Naar de thema's").click()
    assert page.url == live_server.url + "/themas/"
    assert_accessible(page, "404")


def test_keyboard_user_skips_to_the_content_and_sees_where_focus_is(
    page: Page, live_server, region
):
    visit(page, live_server.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Direct naar de inhoud")
    assert skip_link.evaluate("element => element === document.activeElement")
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1  # visible when focused
    outline = skip_link.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.boxShadow] }"
    )
    assert outline[0] != "none" or outline[1] != "none", outline
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"

    # Every link in the main navigation shows a focus indicator.
    for link in page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").all():
        link.focus()
        style = link.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.boxShadow] }"
        )
        assert style[0] != "none" or style[1] != "none", style


def test_expat_switches_to_english_and_back(page: Page, live_server, region):
    visit(page, live_server.url + "/themas/wonen-en-groen/")
    page.get_by_role("link", name="English").click()
    assert page.url == live_server.url + "/en/themas/wonen-en-groen/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Housing and green space")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wonen en groen")


def test_editor_logs_in_edits_their_municipality_and_sees_the_history(
    page: Page, live_server, region
):
    zoeterwoude = Municipality.objects.get(code="GM0638")
    make_user(
        "redacteur-zoeterwoude",
        Membership.Role.EDITOR,
        password="een-lang-testwachtwoord",
        municipality=zoeterwoude,
    )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-zoeterwoude", "niet-goed", button="Inloggen")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "login with an error")

    log_in(page, "redacteur-zoeterwoude", "een-lang-testwachtwoord", button="Inloggen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    assert_accessible(page, "profile")

    visit(page, live_server.url + "/gemeenten/zoeterwoude/bewerken/")
    assert_accessible(page, "edit form")
    page.locator("#id_summary").fill("Weids, groen en ondernemend.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("De wijzigingen zijn opgeslagen.")
    expect(page.get_by_text("Weids, groen en ondernemend.").first).to_be_visible()
    expect(page.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    expect(page.get_by_role("cell", name="redacteur-zoeterwoude")).to_be_visible()
    assert_accessible(page, "municipality with history")

    visit(page, live_server.url + "/gemeenten/leiden/bewerken/", status=403)
    assert_accessible(page, "403")


def test_coordinator_edits_a_theme_in_the_back_office(page: Page, live_server, region):
    make_user(
        "coordinator-browser",
        Membership.Role.COORDINATOR,
        password="nog-een-lang-wachtwoord",
        region=region,
    )

    visit(page, live_server.url + "/beheer/")
    log_in(page, "coordinator-browser", "nog-een-lang-wachtwoord", button="Aanmelden")
    assert_accessible(page, "admin index")

    page.get_by_role("link", name="Thema's").first.click()
    page.get_by_role("link", name="Bereikbaarheid").click()
    assert_accessible(page, "admin change form")
    page.get_by_label("Ambitie:", exact=True).fill("Overal goed bereikbaar.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("met succes gewijzigd").first).to_be_visible()

    visit(page, live_server.url + "/themas/bereikbaarheid/")
    expect(page.get_by_text("Overal goed bereikbaar.").first).to_be_visible()
    expect(page.get_by_role("cell", name="coordinator-browser").first).to_be_visible()


def test_editor_puts_an_action_on_the_agenda_and_a_partner_reports_progress(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    make_user(
        "redacteur-leiden",
        Membership.Role.EDITOR,
        password="leiden-wachtwoord-1",
        municipality=leiden,
    )
    make_user(
        "redacteur-oegstgeest",
        Membership.Role.EDITOR,
        password="oegstgeest-wachtw-1",
        municipality=oegstgeest,
    )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-leiden", "leiden-wachtwoord-1", button="Inloggen")
    visit(page, live_server.url + "/uitvoeringsagenda/")
    assert_accessible(page, "empty agenda")
    page.get_by_role("link", name="Nieuwe actie").click()
    assert_accessible(page, "new action form")
    page.get_by_label("Titel", exact=True).fill("Gezamenlijke fietsroute Oude Rijn")
    page.get_by_label("Onderwerp").select_option(label="Gezamenlijke strategie voor bereikbaarheid")
    page.get_by_label("Trekker").select_option(label="Leiden")
    page.get_by_role("checkbox", name="Oegstgeest").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezamenlijke fietsroute Oude Rijn")
    assert_accessible(page, "action page")

    page.get_by_role("link", name="Status wijzigen").click()
    assert_accessible(page, "status form")
    page.get_by_label("Nieuwe status").select_option(label="in uitvoering")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Status: in uitvoering")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-oegstgeest", "oegstgeest-wachtw-1", button="Inloggen")
    visit(page, live_server.url + "/uitvoeringsagenda/?gemeente=oegstgeest")
    page.get_by_role("link", name="Gezamenlijke fietsroute Oude Rijn").click()
    assert page.get_by_role("link", name="Bewerken").count() == 0
    page.get_by_role("link", name="Voortgang melden").click()
    assert_accessible(page, "progress form")
    page.get_by_label("Percentage gereed").fill("35")
    page.get_by_label("Voortgang", exact=True).fill("Tracé in Oegstgeest verkend.")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Voortgang: 35%")).to_be_visible()
    expect(page.get_by_text("Tracé in Oegstgeest verkend.")).to_be_visible()

    for path in [
        "/uitvoeringsagenda/vastgelopen/",
        "/uitvoeringsagenda/tijdlijn/",
        "/gemeenten/oegstgeest/",
        "/themas/bereikbaarheid/",
    ]:
        visit(page, live_server.url + path)
        assert_accessible(page, path)
