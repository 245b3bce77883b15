"""A visitor finds a regional proposal in the overview, compares it with another municipality's
proposal on the same topic, and reads its check and regional paragraph, under the strict CSP."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.proposals.checks import Affected
from regioagenda.proposals.models import Effect
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.proposals.tests.test_views import submitted
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.browser


def test_visitor_compares_proposals_on_a_topic_and_reads_the_regional_paragraph(
    page: Page, live_server, region
):
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    coordinator = make_user("coordinator-browser", Membership.Role.COORDINATOR, region=region)
    theme = Theme.objects.in_region(region).order_by("position")[0]
    topic = Topic.objects.filter(theme=theme).order_by("position")[0]
    cycle_route = make_proposal(leiden, "RV 26.0042", title="Fietsroute langs de Oude Rijn")
    submitted(
        cycle_route,
        coordinator,
        themes=[theme],
        topics=[topic],
        regional=True,
        consequences="Meer fietsers uit Oegstgeest",
        affected=[Affected("GM0579", "Oegstgeest", Effect.POSITIVE, "kortere reistijd")],
    )
    housing = make_proposal(oegstgeest, "OG 26.07", title="Woningen aan de Rijnzoom")
    submitted(housing, coordinator, themes=[theme], topics=[topic], regional=False)

    visit(page, live_server.url + "/voorstellen/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Wat besluiten de raden en colleges dat de regio raakt?"
    )
    expect(page.get_by_role("table", name="2 voorstellen")).to_be_visible()
    assert_accessible(page, "overzicht")

    page.get_by_label("Thema", exact=True).select_option(theme.slug)
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name=f"Feed: {theme.title}")).to_be_visible()
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_count(1)

    page.get_by_role("link", name=topic.title, exact=True).click()
    side_by_side = page.get_by_role("table", name=f"2 voorstellen over {topic.title}, per gemeente")
    expect(side_by_side.get_by_role("rowheader")).to_have_text(["Leiden", "Oegstgeest"])
    assert_accessible(page, "naast elkaar")

    side_by_side.get_by_role("link", name="RV 26.0042 — Fietsroute langs de Oude Rijn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fietsroute langs de Oude Rijn")
    expect(page.get_by_role("table", name="Geraakte gemeenten")).to_contain_text("kortere reistijd")
    paragraph = page.get_by_label("Tekst om te kopiëren")
    expect(paragraph).to_have_value(re.compile(r"^Regionale aspecten en consequenties\n\n"))
    expect(paragraph).to_have_value(re.compile(r"Meer fietsers uit Oegstgeest\.$"))
    expect(page.get_by_role("link", name="Downloaden als PDF")).to_have_attribute(
        "href", f"/voorstellen/{cycle_route.pk}/regionale-paragraaf.pdf"
    )
    assert_accessible(page, "voorstel")
