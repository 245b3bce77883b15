"""An editor registers a proposal and fills in its regional check from the suggestions, in real
headless Chromium, with the check form checked by axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.proposals.models import ImpactCheck, Proposal
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser

TEXT = (
    "Samen met Leiderdorp bouwt Leiden 300 woningen in de sociale huur aan de rand van de "
    "Oostvlietpolder. De woningcorporaties bouwen betaalbare sociale huurwoningen voor "
    "starters en senioren."
)


def test_editor_registers_a_proposal_confirms_suggestions_and_submits_the_check(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    make_user(
        "redacteur-leiden",
        Membership.Role.EDITOR,
        password="leiden-wachtwoord-1",
        municipality=leiden,
    )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-leiden", "leiden-wachtwoord-1", button="Inloggen")
    visit(page, live_server.url + "/voorstellen/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw voorstel")
    page.get_by_label("Orgaan").select_option(label="gemeenteraad")
    page.get_by_label("Nummer", exact=True).fill("RV 26.0100")
    page.get_by_label("Titel", exact=True).fill("Sociale huur in de Oostvlietpolder")
    page.get_by_label("Datum van het voorstel").fill("2026-10-01")
    page.get_by_label("Status").select_option(label="in procedure")
    page.get_by_label(re.compile(r"^Tekst")).fill(TEXT)
    assert_accessible(page, "proposal form")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Regionale toets: Sociale huur in de Oostvlietpolder"
    )
    in_region = page.get_by_role("group", name="Andere gemeenten in de regio")
    leiderdorp = in_region.get_by_role("checkbox", name="Leiderdorp", exact=True)
    expect(leiderdorp).to_be_checked()
    expect(in_region.get_by_role("checkbox", name="Oegstgeest", exact=True)).not_to_be_checked()
    # Each suggestion says why: here the passage naming Leiderdorp.
    why = page.locator(f"#{leiderdorp.get_attribute('aria-describedby')}")
    expect(why).to_contain_text("Leiderdorp: ")
    expect(why).to_contain_text("Samen met Leiderdorp")
    expect(page.locator(".ra-badge", has_text="voorgesteld").first).to_be_visible()
    expect(page.locator("#regionaal-voorstel")).to_contain_text("Leiderdorp")
    assert_accessible(page, "check form with suggestions")

    # The editor confirms Leiderdorp, rejects the first suggested topic and completes the rest.
    topics = page.locator("#id_topics input[type=checkbox]:checked")
    expect(topics).not_to_have_count(0)
    rejected = topics.first.get_attribute("value")
    topics.first.uncheck()
    page.get_by_label("Effect voor Leiderdorp").select_option(label="positief")
    page.get_by_label("Past in de strategische en uitvoeringsagenda", exact=False).first.check()
    page.get_by_label("Ja, regionaal", exact=False).check()
    page.get_by_label(re.compile(r"^Regionale gevolgen")).fill(
        "Meer sociale huur voor de hele regio."
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De toets is opgeslagen als concept.")).to_be_visible()

    check = ImpactCheck.objects.get(proposal__number="RV 26.0100")
    assert check.state == "concept" and check.regional is True
    assert list(check.affected.values_list("code", "effect")) == [("GM0547", "positief")]
    assert str(rejected) not in {str(pk) for pk in check.topics.values_list("pk", flat=True)}
    expect(in_region.get_by_role("checkbox", name="Leiderdorp", exact=True)).to_be_checked()

    page.get_by_role("button", name="Toets indienen").click()
    proposal = Proposal.objects.get(number="RV 26.0100")
    expect(page).to_have_url(live_server.url + proposal.get_absolute_url())
    visit(page, live_server.url + f"/voorstellen/{proposal.pk}/toets/")
    expect(page.get_by_text("kan niet meer worden gewijzigd")).to_be_visible()
    expect(page.get_by_role("button", name="Nieuwe herziening")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page, "submitted check")
    check.refresh_from_db()
    assert check.state == "ingediend"
