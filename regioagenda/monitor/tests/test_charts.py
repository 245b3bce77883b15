"""The chart specifications: figures in, Vega-Lite out; the map's geometry as Vega needs it."""

import datetime
import itertools
import json
from decimal import Decimal

import pytest
from django.utils import translation

from regioagenda.monitor import charts
from regioagenda.monitor.series import RegionalValue
from regioagenda.monitor.tests.conftest import clear_monitor
from regioagenda.monitor.tests.factories import make_indicator, make_observation
from regioagenda.regions.models import Municipality


@pytest.fixture
def region(leidse_regio):
    """The Leidse regio without the data set's indicators: these tests make their own."""
    clear_monitor()
    return leidse_regio


def _value(year: int, value: int | None) -> RegionalValue:
    day = datetime.date(year, 1, 1)
    return RegionalValue(
        day, day, f"1 januari {year}", None if value is None else Decimal(value), value is not None
    )


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 1, 1), 2026.0),
        (datetime.date(2024, 7, 2), 2024.5),  # a leap year: day 184 of 366
        (datetime.date(2023, 12, 31), 2023.997),
    ],
)
def test_a_date_becomes_a_decimal_year(day, year):
    assert charts.decimal_year(day) == year


def test_sparkline_runs_from_left_to_right_and_skips_missing_values():
    line = charts.sparkline([_value(2019, 100), _value(2020, None), _value(2026, 200)])
    assert line is not None
    assert line.points == "3.0,29.0 117.0,3.0"
    assert (line.last_x, line.last_y) == ("117.0", "3.0")


def test_sparkline_needs_two_values():
    assert charts.sparkline([_value(2019, 100), _value(2020, None)]) is None


def test_every_outer_ring_of_the_copied_boundaries_runs_clockwise(leidse_regio):
    boundaries = charts.boundaries_of(leidse_regio)
    assert boundaries is not None
    codes = set(Municipality.objects.in_region(leidse_regio).values_list("code", flat=True))
    assert codes <= {f["id"] for f in boundaries["features"]}
    for feature in boundaries["features"]:
        for ring in charts._rings(feature["geometry"]):
            area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
            assert area < 0, feature["id"]  # negative shoelace area: clockwise


def test_regional_chart_leaves_incomplete_periods_out_of_the_line(region):
    indicator = make_indicator(region, "inwoners", decimals=0)
    spec = charts.regional_chart(indicator, [_value(2019, 100), _value(2020, None)], [])
    assert [row["jaar"] for row in spec["datasets"]["lijnen"]] == [2019.0]
    assert spec["datasets"]["onvolledig"] == [{"jaar": 2020.0, "periode": "1 januari 2020"}]
    json.dumps(spec)  # what json_script will do


def test_charts_use_dutch_number_format_on_dutch_pages(region):
    indicator = make_indicator(region, "inwoners", decimals=1)
    with translation.override("nl"):
        spec = charts.regional_chart(indicator, [_value(2019, 100)], [])
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ",.1f"
    with translation.override("en"):
        assert "locale" not in charts.regional_chart(indicator, [], [])["config"]


def test_map_colours_measured_municipalities_and_outlines_the_unmeasured(region):
    indicator = make_indicator(region, "restafval")
    municipalities = list(Municipality.objects.in_region(region).order_by("name"))
    leiden = next(m for m in municipalities if m.code == "GM0546")
    observation = make_observation(indicator, leiden, 2023, 180, whole_year=True)
    comparison = charts.Comparison(
        "2023", [(m, observation if m == leiden else None) for m in municipalities]
    )
    boundaries = charts.boundaries_of(region)
    assert boundaries is not None
    spec = charts.map_chart(indicator, comparison, boundaries)
    neighbours, measured, unmeasured, labels = spec["layer"]
    assert [f["id"] for f in measured["data"]["values"]["features"]] == ["GM0546"]
    assert len(unmeasured["data"]["values"]["features"]) == len(municipalities) - 1
    assert unmeasured["mark"]["fill"] == "#ffffff"
    assert neighbours["mark"]["clip"] is True
    assert {row["naam"] for row in labels["data"]["values"]} >= {"Leiden", "Wassenaar"}
    # The projection centres on the region (about 4.5° E, 52.15° N), not on the neighbours.
    longitude, latitude = spec["projection"]["center"]
    assert 4.4 < longitude < 4.6 and 52.1 < latitude < 52.2
