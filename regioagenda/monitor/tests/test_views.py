"""The monitor's public pages: the dashboard, an indicator's page and its downloads."""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from regioagenda.monitor.dataset import load_monitor
from regioagenda.monitor.downloads import NAMES
from regioagenda.monitor.models import Aggregation, Indicator
from regioagenda.monitor.tests.conftest import clear_monitor
from regioagenda.monitor.tests.factories import make_indicator, make_observation, make_target
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.dataset import LoadReport
from regioagenda.vision.models import Theme

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"

# Figures made up for these tests, in the shape of CBS 03759ned (inhabitants on 1 January).
POPULATION = {
    2019: {"GM0546": 124306, "GM0547": 27197, "GM0579": 25220, "GM0626": 25474, "GM0638": 8166},
    2026: {"GM0546": 130328, "GM0547": 27973, "GM0579": 27000, "GM0626": 26900, "GM0638": 8525},
}


@pytest.fixture(autouse=True)
def no_monitor_data_set(request, leidse_regio):
    """These tests bring their own figures: the data set's indicators are taken out, except
    for tests that ask for them."""
    if "data_set_indicators" not in request.fixturenames:
        clear_monitor()


@pytest.fixture
def data_set_indicators(leidse_regio) -> list[Indicator]:
    load_monitor(leidse_regio, LEIDSE_REGIO, LoadReport(region=leidse_regio))
    return list(Indicator.objects.filter(region=leidse_regio))


@pytest.fixture
def municipalities(leidse_regio) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.in_region(leidse_regio)}


@pytest.fixture
def inhabitants(leidse_regio, municipalities):
    indicator = make_indicator(
        leidse_regio,
        "inwoners",
        name="Inwoners",
        name_en="Inhabitants",
        unit="inwoners",
        unit_en="inhabitants",
        direction="hoger",
        ambition="Groei naar 220.000 inwoners in vijftien jaar.",
        ambition_section="Wonen",
        position=1,
    )
    indicator.themes.add(Theme.objects.in_region(leidse_regio).order_by("position").first())
    for year, values in POPULATION.items():
        for code, value in values.items():
            make_observation(indicator, municipalities[code], year, value)
    make_target(
        indicator, 2032, 220000, base_year=2017, base_value=200000, description="220.000 in 2032"
    )
    return indicator


@pytest.fixture
def waste(leidse_regio, municipalities):
    """Residual waste: Zoeterwoude has no figure for 2023, so the region's value is incomplete."""
    indicator = make_indicator(
        leidse_regio, "restafval", name="Restafval", unit="kg per inwoner", position=2
    )
    for code, value in {"GM0546": 180, "GM0547": 150, "GM0579": 140, "GM0626": 130}.items():
        make_observation(indicator, municipalities[code], 2023, value, whole_year=True)
    return indicator


def test_dashboard_shows_a_tile_per_indicator_with_value_target_and_status(
    client, inhabitants, waste, leidse_regio
):
    make_indicator(
        leidse_regio,
        "luchtkwaliteit",
        name="Luchtkwaliteit",
        no_data_note="Geen meetpunt binnen de regio.",
        position=3,
    )
    response = client.get(reverse("monitor:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inwoners" in html
    # 210.363 in 2019, 220.726 in 2026: Dutch number format, period named.
    assert "220.726" in html and "1 januari 2026" in html and "210.363" in html
    assert "Doel:" in html and "220.000" in html
    assert "gehaald" in html  # in words, not by colour alone
    assert '<svg class="ra-sparkline"' in html
    # Restafval lacks Zoeterwoude: marked incomplete, never summed silently.
    assert "onvolledig" in html and "Zoeterwoude ontbreekt" in html
    assert "nog geen cijfers" in html and "Geen meetpunt binnen de regio." in html
    assert "style=" not in html


def test_dashboard_in_english(client, inhabitants):
    response = client.get("/en/monitor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Inhabitants" in html
    assert "220,726" in html  # English number format


def test_indicator_page_shows_definition_charts_tables_sources_and_downloads(client, inhabitants):
    response = client.get(reverse("monitor:indicator", kwargs={"slug": "inwoners"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Definitie van inwoners." in html
    assert "Groei naar 220.000 inwoners in vijftien jaar." in html and "Wonen" in html
    assert "Som van 5 gemeenten." in html
    for chart in ("grafiek-regio-spec", "grafiek-gemeenten-spec", "grafiek-vergelijking-spec"):
        assert f'id="{chart}"' in html
    assert 'id="kaart-spec"' in html
    for table in ("tabel-regio", "tabel-gemeenten", "tabel-vergelijking"):
        assert f'id="{table}"' in html
    assert "130.328" in html  # Leiden in 2026, Dutch format
    assert "opgehaald op 2 juli 2026" in html
    assert "lineaire trend (kleinste kwadraten)" in html
    assert reverse("monitor:metadata", kwargs={"slug": "inwoners"}) in html
    for fmt in ("csv", "xlsx", "ods"):
        assert reverse("monitor:download", kwargs={"slug": "inwoners", "format": fmt}) in html
    assert "style=" not in html
    assert f'nonce="{response.context["csp_nonce"]}"' in html


def test_indicator_page_map_draws_the_region_and_grey_neighbours(client, inhabitants):
    response = client.get(reverse("monitor:indicator", kwargs={"slug": "inwoners"}))
    spec = response.context["specs"]["kaart"]
    neighbours, measured = spec["layer"][0], spec["layer"][1]
    assert {f["id"] for f in measured["data"]["values"]["features"]} == set(POPULATION[2026])
    names = {f["properties"]["statnaam"] for f in neighbours["data"]["values"]["features"]}
    assert {"Katwijk", "Wassenaar"} <= names
    assert neighbours["mark"]["fill"] == "#d9d9d9"


def test_indicator_page_in_english(client, inhabitants):
    response = client.get("/en/monitor/inwoners/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inhabitants" in html
    assert "130,328" in html


def test_indicator_page_marks_an_incomplete_regional_value(client, waste):
    response = client.get(reverse("monitor:indicator", kwargs={"slug": "restafval"}))
    html = response.content.decode()
    assert "onvolledig" in html
    assert "Zoeterwoude ontbreekt" in html
    assert "geen cijfer" in html  # Zoeterwoude's cell in the municipality table


def test_indicator_page_of_an_ambition_without_data_says_so(client, leidse_regio):
    make_indicator(leidse_regio, "luchtkwaliteit", no_data_note="Geen meetpunt in de regio.")
    response = client.get(reverse("monitor:indicator", kwargs={"slug": "luchtkwaliteit"}))
    html = response.content.decode()
    assert "Nog geen cijfers" in html and "Geen meetpunt in de regio." in html
    assert "vega" not in html


def test_indicator_page_shows_revisions(client, inhabitants, municipalities):
    make_observation(
        inhabitants,
        municipalities["GM0546"],
        2026,
        130400,
        revision=2,
        retrieved_on=datetime.date(2026, 9, 1),
    )
    html = client.get(reverse("monitor:indicator", kwargs={"slug": "inwoners"})).content.decode()
    assert "herzien op 1 september 2026" in html
    assert "130.400" in html and "130.328" in html  # now, and before


def test_unknown_indicator_is_not_found(client, leidse_regio):
    assert (
        client.get(reverse("monitor:indicator", kwargs={"slug": "bestaat-niet"})).status_code == 404
    )
    url = reverse("monitor:download", kwargs={"slug": "bestaat-niet", "format": "csv"})
    assert client.get(url).status_code == 404
    assert client.get("/monitor/inwoners/cijfers.pdf").status_code == 404


def _csv_rows(client, slug: str) -> list[dict[str, str]]:
    response = client.get(reverse("monitor:download", kwargs={"slug": slug, "format": "csv"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_holds_exactly_the_figures_of_the_tables(client, inhabitants):
    rows = _csv_rows(client, "inwoners")
    municipal = {
        (row["gebied_code"], row["periode_begin"]): row["waarde"]
        for row in rows
        if row["gebied_soort"] == "gemeente"
    }
    assert municipal == {
        (code, f"{year}-01-01"): str(value)
        for year, values in POPULATION.items()
        for code, value in values.items()
    }
    regional = [row for row in rows if row["gebied_soort"] == "regio"]
    assert [(row["periode_begin"], row["waarde"], row["volledig"]) for row in regional] == [
        ("2019-01-01", "210363", "true"),
        ("2026-01-01", "220726", "true"),
    ]
    assert {row["bron_tabel"] for row in rows if row["gebied_soort"] == "gemeente"} == {"03759ned"}


def test_csv_marks_the_incomplete_regional_value(client, waste):
    rows = _csv_rows(client, "restafval")
    (regional,) = [row for row in rows if row["gebied_soort"] == "regio"]
    assert regional["waarde"] == ""
    assert regional["volledig"] == "false"
    assert regional["ontbrekend"] == "Zoeterwoude"


def test_csvw_metadata_describes_the_columns(client, inhabitants):
    response = client.get(reverse("monitor:metadata", kwargs={"slug": "inwoners"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/csvm+json")
    metadata = json.loads(response.content)
    assert "http://www.w3.org/ns/csvw" in metadata["@context"]
    assert metadata["url"].endswith("/monitor/inwoners/cijfers.csv")
    assert [column["name"] for column in metadata["tableSchema"]["columns"]] == NAMES
    header = _csv_rows(client, "inwoners")[0].keys()
    assert list(header) == NAMES


def test_spreadsheets_hold_the_same_rows_as_the_csv(client, inhabitants):
    expected = [[row[name] for name in NAMES] for row in _csv_rows(client, "inwoners")]

    xlsx = client.get(reverse("monitor:download", kwargs={"slug": "inwoners", "format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    xlsx_rows = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert xlsx_rows[0] == NAMES
    assert xlsx_rows[1:] == expected

    ods = client.get(reverse("monitor:download", kwargs={"slug": "inwoners", "format": "ods"}))
    table = load_ods(io.BytesIO(ods.content)).spreadsheet.getElementsByType(Table)[0]
    ods_rows = [
        [str(cell) for cell in row.getElementsByType(TableCell)]
        for row in table.getElementsByType(TableRow)
    ]
    assert ods_rows[0] == NAMES
    assert ods_rows[1:] == expected


def test_theme_and_municipality_tags_show_the_figures(inhabitants, waste, municipalities):
    theme = inhabitants.themes.get()
    html = Template("{% load monitor %}{% indicators_for theme %}").render(
        Context({"theme": theme})
    )
    assert "Inwoners" in html and "220.726" in html and "gehaald" in html
    html = Template("{% load monitor %}{% figures_for municipality %}").render(
        Context({"municipality": municipalities["GM0638"]})
    )
    assert "Inwoners" in html and "8.525" in html and "220.726" in html
    assert "Restafval" not in html  # Zoeterwoude has no figure for it


def test_indicator_without_regional_rule_shows_its_named_area(client, leidse_regio):
    jobs = make_indicator(
        leidse_regio,
        "banen-bio-science-park",
        name="Banen op het Bio Science Park",
        unit="banen",
        aggregation=Aggregation.NONE,
    )
    make_observation(jobs, "Leiden Bio Science Park", 2020, 20000, whole_year=True)
    make_observation(jobs, "Leiden Bio Science Park", 2024, 25000, whole_year=True)
    make_target(jobs, 2030, 27000, base_year=2020)
    html = client.get(jobs.get_absolute_url()).content.decode()
    assert "25.000" in html and "Leiden Bio Science Park" in html
    rows = _csv_rows(client, "banen-bio-science-park")
    assert [(row["gebied_soort"], row["waarde"]) for row in rows] == [
        ("gebied", "20000"),
        ("gebied", "25000"),
    ]


def test_every_indicator_of_the_data_set_has_a_page_and_downloads(client, data_set_indicators):
    assert data_set_indicators
    assert client.get(reverse("monitor:dashboard")).status_code == 200
    for indicator in data_set_indicators:
        response = client.get(indicator.get_absolute_url())
        assert response.status_code == 200, indicator.slug
        for spec in response.context["specs"].values():
            json.dumps(spec)
        for fmt in ("csv", "xlsx", "ods"):
            url = reverse("monitor:download", kwargs={"slug": indicator.slug, "format": fmt})
            assert client.get(url).status_code == 200, (indicator.slug, fmt)


# What a page costs ---------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, str]:
    """The number of queries of a request (after one to warm up) and the page."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _more_indicators(region, municipalities, theme, weight, count: int) -> list[Indicator]:
    """`count` summed indicators with figures and a target, and one of each computed kind
    (a mean weighted by `weight`, a ratio of two sums), all of `theme`."""
    made = []
    for n in range(count):
        indicator = make_indicator(region, f"extra-{n}", name=f"Extra {n}", position=10 + n)
        for year in (2022, 2023, 2024):
            for code, municipality in municipalities.items():
                make_observation(indicator, municipality, year, 100 + n + int(code[2:]) % 7)
        make_target(indicator, 2030, 1000, base_year=2022)
        made.append(indicator)
    mean = make_indicator(
        region,
        "extra-gemiddeld",
        name="Extra gemiddeld",
        aggregation=Aggregation.WEIGHTED_MEAN,
        weight=weight,
        position=50,
    )
    top = make_indicator(region, "extra-teller", name="Extra teller", position=51)
    bottom = make_indicator(region, "extra-noemer", name="Extra noemer", position=52)
    ratio = make_indicator(
        region,
        "extra-verhouding",
        name="Extra verhouding",
        aggregation=Aggregation.RATIO_OF_SUMS,
        numerator=top,
        denominator=bottom,
        unit="%",
        position=53,
    )
    for municipality in municipalities.values():
        make_observation(mean, municipality, 2026, 7)
        make_observation(top, municipality, 2026, 3)
        make_observation(bottom, municipality, 2026, 12)
    make_target(ratio, 2030, 30, base_year=2026, base_value=20)
    made += [mean, top, bottom, ratio]
    for indicator in made:
        indicator.themes.add(theme)
    return made


@pytest.mark.parametrize(
    "url",
    [
        reverse("monitor:dashboard"),
        "/themas/{theme}/",
        "/gemeenten/leiden/",
        reverse("monitor:indicator", kwargs={"slug": "inwoners"}),
    ],
    ids=["dashboard", "theme", "municipality", "indicator"],
)
def test_page_query_count_does_not_grow_with_indicators(
    client, url, leidse_regio, inhabitants, waste, municipalities
):
    theme = inhabitants.themes.get()
    url = url.format(theme=theme.slug)
    few, html = _queries(client, url)
    assert "Inwoners" in html

    _more_indicators(leidse_regio, municipalities, theme, inhabitants, count=6)
    # More targets of the page's own indicator, measured on the same figures.
    make_target(inhabitants, 2040, 240000, base_year=2019)
    make_target(inhabitants, 2045, 250000, base_year=2019)
    many, html = _queries(client, url)

    if "inwoners" not in url:
        # The new indicators are on the page (a theme lists them, Leiden has figures for them).
        assert "Extra 5" in html and "Extra gemiddeld" in html
    assert many == few


def _other_region(size: int) -> list[Municipality]:
    region = Region.objects.create(
        slug="bollenstreek",
        name="Bollenstreek",
        summary="Een andere regio.",
        ambition_title="Bloeien",
        ambition="Bloeien.",
        ambition_section="1",
        source_title="Visie",
        source_publisher="Bollenstreek",
    )
    return Municipality.objects.bulk_create(
        Municipality(region=region, code=f"GM{9100 + n}", name=f"Bol {n}", slug=f"bol-{n}")
        for n in range(size)
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("monitor:dashboard"),
        reverse("monitor:indicator", kwargs={"slug": "inwoners"}),
        "/gemeenten/leiden/",
    ],
    ids=["dashboard", "indicator", "municipality"],
)
def test_page_query_count_does_not_grow_with_municipalities_outside_the_region(
    client, url, leidse_regio, inhabitants
):
    few, html = _queries(client, url)
    assert "220.726" in html

    # A national table: the same indicator with figures for the municipalities of another region.
    for municipality in _other_region(40):
        for year in POPULATION:
            make_observation(inhabitants, municipality, year, 50000)
    many, html = _queries(client, url)

    assert many == few
    assert "220.726" in html  # still the sum of the Leidse regio alone
    assert "Bol 1" not in html
