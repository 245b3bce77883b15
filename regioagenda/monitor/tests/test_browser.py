"""A visitor follows an ambition from the dashboard to its charts and map, under the strict CSP."""

import pytest
from playwright.sync_api import Page, expect

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.monitor.tests.conftest import clear_monitor
from regioagenda.monitor.tests.factories import make_indicator, make_observation, make_target
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.browser

POPULATION = {
    2019: {"GM0546": 124306, "GM0547": 27197, "GM0579": 25220, "GM0626": 25474, "GM0638": 8166},
    2022: {"GM0546": 126000, "GM0547": 27500, "GM0579": 26000, "GM0626": 25800, "GM0638": 8400},
    2026: {"GM0546": 130328, "GM0547": 27973, "GM0579": 27000, "GM0626": 26900, "GM0638": 8525},
}


def test_visitor_reads_an_ambition_on_the_dashboard_and_its_charts(page: Page, live_server, region):
    clear_monitor()  # the figures below, not the data set's
    municipalities = {m.code: m for m in Municipality.objects.in_region(region)}
    inhabitants = make_indicator(
        region, "inwoners", name="Inwoners", unit="inwoners", direction="hoger"
    )
    for year, values in POPULATION.items():
        for code, value in values.items():
            make_observation(inhabitants, municipalities[code], year, value)
    make_target(inhabitants, 2032, 230000, base_year=2019)
    waste = make_indicator(region, "restafval", name="Restafval", unit="kg per inwoner")
    make_observation(waste, municipalities["GM0546"], 2023, 180, whole_year=True)
    make_indicator(region, "luchtkwaliteit", name="Luchtkwaliteit", no_data_note="Nog niets.")

    visit(page, live_server.url + "/monitor/")
    tile = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Inwoners"))
    expect(tile).to_contain_text("220.726")
    expect(tile).to_contain_text("Doel:")
    expect(page.get_by_text("nog geen cijfers")).to_be_visible()
    expect(page.get_by_text("Zoeterwoude ontbreken", exact=False)).to_have_count(1)
    assert_accessible(page, "dashboard")

    page.get_by_role("link", name="Inwoners").click()
    expect(page.get_by_role("heading", level=1, name="Inwoners")).to_be_visible()
    for name in (
        "Lijngrafiek van Inwoners voor de regio",
        "Lijngrafiek van Inwoners per gemeente",
        "Staafdiagram: Inwoners per gemeente",
        "Kaart van de gemeenten van de regio",
    ):
        # Vega has drawn the chart as SVG (the script ran under the CSP, without eval).
        expect(page.get_by_role("figure", name=name).locator("svg")).to_have_count(1)
    # The map: the region's municipalities coloured, the neighbours in grey, all named.
    map_svg = page.get_by_role("figure", name="Kaart van de gemeenten").locator("svg")
    expect(map_svg.locator("path")).not_to_have_count(0)
    expect(map_svg.locator("text").get_by_text("Wassenaar", exact=True)).to_have_count(1)
    expect(map_svg.locator("text").get_by_text("Zoeterwoude", exact=True)).to_have_count(1)
    expect(page.get_by_role("table", name="per gemeente, 1 januari 2026")).to_be_visible()
    assert_accessible(page, "indicatorpagina")  # includes: no CSP violations, no console errors
