"""The CBS client reads the recorded OData v4 responses as the live API gives them."""

import datetime
import json
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from regioagenda.monitor import cbs
from regioagenda.monitor.tests.factories import make_indicator

RECORDINGS = Path(__file__).parent / "data" / "cbs"
TODAY = datetime.date(2026, 7, 20)


@pytest.fixture
def client() -> cbs.CbsClient:
    return cbs.CbsClient(cbs.file_transport(RECORDINGS))


@pytest.fixture
def population(leidse_regio):
    return make_indicator(
        leidse_regio, "inwoners", source_table="03759ned", source_measure="M000352"
    )


@pytest.fixture
def average_population(leidse_regio):
    return make_indicator(
        leidse_regio, "gemiddelde-bevolking", source_table="03759ned", source_measure="M000365"
    )


@pytest.fixture
def house_price(leidse_regio):
    return make_indicator(
        leidse_regio, "woningprijs", source_table="83625NED", source_measure="M001534"
    )


# Each recorded resource --------------------------------------------------------------------


def test_properties_give_title_modified_date_and_licence(client):
    info = client.properties("03759ned")

    assert info.identifier == "03759ned"
    assert info.title == "Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio"
    assert info.modified == datetime.date(2026, 6, 23)
    assert info.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert client.properties("83625NED").title == (
        "Bestaande koopwoningen; gemiddelde verkoopprijzen, regio"
    )


def test_dimensions_name_the_region_and_period_dimensions(client):
    kinds = {d.identifier: d.kind for d in client.dimensions("03759ned")}

    assert kinds == {
        "BurgerlijkeStaat": "Dimension",
        "Geslacht": "Dimension",
        "Leeftijd": "Dimension",
        "RegioS": "GeoDimension",
        "Perioden": "TimeDimension",
    }
    assert [d.identifier for d in client.dimensions("83625NED")] == ["RegioS", "Perioden"]


def test_measure_codes_give_title_unit_and_decimals(client):
    measures = client.measures("03759ned")

    assert measures["M000352"].title == "Bevolking op 1 januari"
    assert measures["M000352"].unit == "aantal"
    assert measures["M000365"].decimals == 1
    assert client.measures("83625NED")["M001534"].unit == "euro"


@pytest.mark.parametrize(
    ("table", "dimension", "code", "title"),
    [
        ("03759ned", "RegioS", "GM0546", "Leiden"),
        ("03759ned", "Geslacht", "T001038", "Totaal mannen en vrouwen"),
        ("03759ned", "Leeftijd", "10000", "Totaal"),
        ("03759ned", "BurgerlijkeStaat", "T001019", "Totaal burgerlijke staat"),
        ("03759ned", "Perioden", "2024JJ00", "2024"),
        ("83625NED", "RegioS", "GM0638", "Zoeterwoude"),
        ("83625NED", "Perioden", "2015JJ00", "2015"),
    ],
)
def test_code_lists_map_codes_to_titles(client, table, dimension, code, title):
    dimensions = {d.identifier: d for d in client.dimensions(table)}

    codes = client.codes(dimensions[dimension])

    assert codes[code].title == title


def test_observations_are_read_in_long_format(client):
    rows = list(client.observations("83625NED", "Measure eq 'M001534'"))

    leiden_2015 = next(r for r in rows if r["RegioS"] == "GM0546" and r["Perioden"] == "2015JJ00")
    assert leiden_2015["Value"] == 236456
    assert leiden_2015["ValueAttribute"] == "None"
    assert len(rows) == 99


# Periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "title", "measure_title", "start", "end", "label"),
    [
        ("2024JJ00", "2024", "Gemiddelde verkoopprijs", "2024-01-01", "2024-12-31", "2024"),
        ("2024JJ00", "2024", "Bevolking op 1 januari", "2024-01-01", "2024-01-01",
         "1 januari 2024"),
        ("2023JJ00", "2023", "Woningvoorraad op 31 december", "2023-12-31", "2023-12-31",
         "31 december 2023"),
        ("2024KW02", "2024 2e kwartaal", "", "2024-04-01", "2024-06-30", "2024 2e kwartaal"),
        ("2024KW04", "", "", "2024-10-01", "2024-12-31", "2024KW04"),
        ("2024MM02", "2024 februari", "", "2024-02-01", "2024-02-29", "2024 februari"),
        ("2023MM12", "2023 december", "", "2023-12-01", "2023-12-31", "2023 december"),
    ],
)  # fmt: skip
def test_period_codes_become_dates(code, title, measure_title, start, end, label):
    period = cbs.period_of(code, title, measure_title=measure_title)

    assert period == cbs.Period(
        datetime.date.fromisoformat(start), datetime.date.fromisoformat(end), label
    )


@pytest.mark.parametrize("code", ["2024X000", "2024MM13", "2024KW05", "2020G900", "JJ00"])
def test_periods_the_monitor_does_not_hold_are_none(code):
    assert cbs.period_of(code) is None


def test_a_selection_names_the_measure_and_other_dimensions():
    assert cbs.Selection.parse("M000352") == cbs.Selection("M000352")
    assert cbs.Selection.parse("M000352 Geslacht=3000 Leeftijd=10000") == cbs.Selection(
        "M000352", {"Geslacht": "3000", "Leeftijd": "10000"}
    )
    with pytest.raises(cbs.CbsError, match="Dimensie=code"):
        cbs.Selection.parse("M000352 Geslacht")


# A table read for the region ---------------------------------------------------------------


def test_population_on_1_january_becomes_one_figure_per_municipality_and_day(
    client, leidse_regio, population
):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    rows = {(r.area, r.period_start): r for r in table.rows}
    assert len(rows) == 5 * 8  # five municipalities, 2019-2026
    leiden = rows[("GM0546", datetime.date(2019, 1, 1))]
    assert leiden.indicator == "inwoners"
    assert leiden.value == Decimal(124899)
    assert leiden.period_end == datetime.date(2019, 1, 1)
    assert leiden.period_label == "1 januari 2019"
    assert leiden.source_table == "03759ned"
    assert leiden.source_title == table.table.title
    assert leiden.retrieved_on == TODAY
    total_2026 = sum(r.value for r in table.rows if r.period_start.year == 2026)
    assert total_2026 == 220_726


def test_each_figure_links_the_query_for_exactly_that_figure(client, leidse_regio, population):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    row = next(r for r in table.rows if r.area == "GM0579" and r.period_start.year == 2024)
    assert row.source_url.startswith("https://datasets.cbs.nl/odata/v1/CBS/03759ned/Observations?")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(row.source_url).query)["$filter"][0]
    assert query == (
        "Measure eq 'M000352' and BurgerlijkeStaat eq 'T001019' and Geslacht eq 'T001038' and "
        "Leeftijd eq '10000' and (RegioS eq 'GM0579') and Perioden eq '2024JJ00'"
    )
    assert len(row.source_url) <= 500


def test_the_query_asks_for_the_measure_totals_and_the_region_codes(
    client, leidse_regio, population
):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY, since=2020)

    (query,) = table.queries
    text = urllib.parse.parse_qs(urllib.parse.urlsplit(query).query)["$filter"][0]
    assert "Measure eq 'M000352'" in text
    assert "Geslacht eq 'T001038'" in text
    assert "(RegioS eq 'GM0546' or RegioS eq 'GM0547' or RegioS eq 'GM0579'" in text
    assert "Perioden ge '2020'" in text
    assert min(r.period_start.year for r in table.rows) == 2020


def test_codes_outside_the_region_are_skipped_and_counted(client, leidse_regio, population):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    assert {r.area for r in table.rows} == {"GM0546", "GM0547", "GM0579", "GM0626", "GM0638"}
    # NL01, PV28, GM0575 and GM0599, eight years each.
    assert table.outside_region == 4 * 8
    assert "32 van gebieden buiten de regio overgeslagen" in table.summary()


def test_empty_values_are_skipped_with_their_value_attribute(
    client, leidse_regio, average_population
):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    # The average over 2026 is not yet known: CBS marks it "Impossible".
    assert table.empty == {"Impossible": 5}
    assert len(table.rows) == 5 * 7
    assert not any(r.period_start.year == 2026 for r in table.rows)
    leiden_2021 = next(r for r in table.rows if r.area == "GM0546" and r.period_label == "2021")
    assert (leiden_2021.period_start, leiden_2021.period_end) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
    )
    assert "zonder waarde overgeslagen (Impossible: 5)" in table.summary()


def test_two_indicators_of_one_table_each_get_their_measure(
    client, leidse_regio, population, average_population
):
    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    assert {r.indicator for r in table.rows} == {"inwoners", "gemiddelde-bevolking"}
    assert len(table.queries) == 2


def test_house_prices_are_read_per_year(client, leidse_regio, house_price):
    table = cbs.read_table(client, "83625NED", leidse_regio, today=TODAY)

    assert len(table.rows) == 5 * 11
    zoeterwoude = next(r for r in table.rows if r.area == "GM0638" and r.period_label == "2025")
    assert zoeterwoude.period_end == datetime.date(2025, 12, 31)
    assert zoeterwoude.source_title == "Bestaande koopwoningen; gemiddelde verkoopprijzen, regio"


def test_a_chosen_code_of_another_dimension_is_used(client, leidse_regio):
    make_indicator(
        leidse_regio, "mannen", source_table="03759ned", source_measure="M000352 Geslacht=3000"
    )

    table = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    # The recording holds only the totals, so no row is for men.
    assert table.rows == []
    assert "Geslacht eq '3000'" in urllib.parse.unquote(table.queries[0])


@pytest.mark.parametrize(
    ("source_measure", "message"),
    [
        ("M999999", "kent meetcode M999999 niet"),
        ("M000352 Kleur=rood", "heeft geen dimensie Kleur"),
        ("M000352 Geslacht=9999", "kent code 9999 niet"),
    ],
)
def test_what_a_table_lacks_stops_the_import_with_a_dutch_message(
    client, leidse_regio, source_measure, message
):
    make_indicator(leidse_regio, "fout", source_table="03759ned", source_measure=source_measure)

    with pytest.raises(cbs.CbsError, match=message):
        cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)


def test_a_table_no_indicator_reads_is_refused(client, leidse_regio):
    with pytest.raises(cbs.CbsError, match="Geen indicator van Leidse regio leest tabel 03759ned"):
        cbs.read_table(client, "03759ned", leidse_regio)


def test_tables_in_use_lists_each_table_once(leidse_regio, population, average_population):
    make_indicator(leidse_regio, "zonder-bron")
    make_indicator(leidse_regio, "prijs", source_table="83625NED", source_measure="M001534")

    assert cbs.tables_in_use(leidse_regio) == ["03759ned", "83625NED"]


def test_districts_and_neighbourhoods_become_places(tmp_path, leidse_regio, house_price):
    folder = tmp_path / "83625NED"
    shutil.copytree(RECORDINGS / "83625NED", folder)
    codes = json.loads((folder / "codes-RegioS.json").read_text())
    codes["value"].append({"Identifier": "WK054600", "Index": 900, "Title": "Binnenstad-Zuid"})
    (folder / "codes-RegioS.json").write_text(json.dumps(codes))
    page = json.loads((folder / "observations-page-1.json").read_text())
    page["value"].append(
        {
            "Id": 1,
            "Measure": "M001534",
            "ValueAttribute": "None",
            "Value": 412000,
            "StringValue": None,
            "RegioS": "WK054600",
            "Perioden": "2024JJ00",
        }
    )
    (folder / "observations-page-1.json").write_text(json.dumps(page))

    table = cbs.read_table(cbs.CbsClient(cbs.file_transport(tmp_path)), "83625NED", leidse_regio)

    (district,) = [r for r in table.rows if r.area.startswith("WK")]
    assert (district.area, district.value) == ("WK054600", Decimal(412000))
    assert "WK054600" in urllib.parse.unquote(table.queries[0])


# Paging, through the HTTP code the live client uses ---------------------------------------


class _RecordingServer:
    """Serves a folder of recordings over HTTP on 127.0.0.1, as CBS serves its API."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = f"{server.base}{self.path.removeprefix('/odata/v1/CBS')}"
                server.requests.append(url)
                try:
                    body = json.dumps(server.transport(url)).encode()
                except cbs.CbsError:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/odata/v1/CBS"
        self.transport = cbs.file_transport(folder)

    def __enter__(self) -> "_RecordingServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def split_into_pages(folder: Path, base: str, size: int) -> int:
    """Split the single recorded page into pages of `size` rows linked by `@odata.nextLink`."""
    first = folder / "observations-page-1.json"
    recorded = json.loads(first.read_text())
    chunks = [recorded["value"][i : i + size] for i in range(0, len(recorded["value"]), size)]
    for number, chunk in enumerate(chunks, start=1):
        page: dict[str, Any] = {"@odata.context": recorded["@odata.context"], "value": chunk}
        if number < len(chunks):
            page["@odata.nextLink"] = f"{base}/{folder.name}/Observations?$skip={number * size}"
        (folder / f"observations-page-{number}.json").write_text(json.dumps(page))
    return len(chunks)


@pytest.fixture
def paged_server(tmp_path) -> Iterator[_RecordingServer]:
    shutil.copytree(RECORDINGS / "03759ned", tmp_path / "03759ned")
    with _RecordingServer(tmp_path) as server:
        yield server


def test_paging_follows_next_links_over_http(paged_server, leidse_regio, population):
    pages = split_into_pages(paged_server.folder / "03759ned", paged_server.base, size=50)
    client = cbs.CbsClient(cbs.http_transport, base_url=paged_server.base)
    progress: list[tuple[int, int | None]] = []

    table = cbs.read_table(
        client, "03759ned", leidse_regio, today=TODAY, progress=lambda *a: progress.append(a)
    )

    assert pages == 3
    observation_requests = [u for u in paged_server.requests if "/Observations" in u]
    assert len(observation_requests) == 3
    assert observation_requests[1].endswith("/03759ned/Observations?$skip=50")
    assert observation_requests[2].endswith("/03759ned/Observations?$skip=100")
    assert len(table.rows) == 5 * 8
    assert table.read == 144
    assert [done for done, _ in progress] == [50, 100, 144]


def test_paged_and_single_page_reads_give_the_same_rows(
    paged_server, client, leidse_regio, population
):
    split_into_pages(paged_server.folder / "03759ned", paged_server.base, size=7)
    paged = cbs.read_table(
        cbs.CbsClient(cbs.http_transport, base_url=paged_server.base),
        "03759ned",
        leidse_regio,
        today=TODAY,
    )
    single = cbs.read_table(client, "03759ned", leidse_regio, today=TODAY)

    def key(rows):
        return sorted((r.area, r.period_start, r.value) for r in rows)

    assert key(paged.rows) == key(single.rows)


def test_a_page_linking_back_to_itself_stops_the_read(tmp_path):
    folder = tmp_path / "83625NED"
    shutil.copytree(RECORDINGS / "83625NED", folder)
    page = json.loads((folder / "observations-page-1.json").read_text())
    url = cbs.CbsClient().observations_url("83625NED", "Measure eq 'M001534'")
    page["@odata.nextLink"] = url
    (folder / "observations-page-1.json").write_text(json.dumps(page))
    (folder / "observations-page-2.json").write_text(json.dumps(page))
    client = cbs.CbsClient(cbs.file_transport(tmp_path))

    with pytest.raises(cbs.CbsError, match="kring"):
        list(client.observations("83625NED", "Measure eq 'M001534'"))


def test_http_transport_refuses_plain_http_to_other_hosts():
    with pytest.raises(cbs.CbsError, match="https"):
        cbs.http_transport("http://datasets.cbs.nl/odata/v1/CBS/03759ned/Properties")


def test_http_transport_reports_an_error_status_in_dutch(paged_server):
    with pytest.raises(cbs.CbsError, match="foutcode 404"):
        cbs.http_transport(f"{paged_server.base}/onbekend/Properties")
