"""The monitor's charts as Vega-Lite specifications (plain dicts), and the dashboard's sparklines.

Each specification carries its data inline, so that the page needs no second request and the same
spec can later be rendered to SVG for the PDF report. Numbers go into the spec as floats; the
page's table beside every chart holds the exact, Dutch-formatted figures. Colours are never the
only carrier of meaning: series differ in line dash or point shape as well, and every chart has
a text alternative (`description`) and a table.

The dashboard's trend lines are drawn here, on the server, as an SVG polyline: a tile needs no
axes, legend or interaction, and thirty Vega views would cost far more script time than thirty
small paths. They are decorative (the tile states the first and the latest figure in words).
"""

import datetime
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regioagenda.monitor.models import Indicator, Observation
from regioagenda.monitor.series import RegionalValue, TargetStatus
from regioagenda.regions.models import Municipality, Region

WIDTH = 560
HEIGHT = 300
MAP_WIDTH = 560
MAP_HEIGHT = 420
FONT = "Noto Sans, sans-serif"
REGION_COLOUR = "#01689b"
TARGET_COLOUR = "#000000"
PATH_COLOUR = "#5c5c5c"
PROJECTION_COLOUR = "#a64b00"
NEIGHBOUR_FILL = "#d9d9d9"
# Five or six municipalities: dark enough against white for the 3:1 that WCAG asks of graphics,
# and told apart by point shape as well.
MUNICIPALITY_COLOURS = ["#01689b", "#a64b00", "#2e7d32", "#7b1fa2", "#000000", "#8a6d00", "#c2185b"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right"]

# Vega formats numbers with d3-format; this locale gives 1.234,5 on Dutch pages.
DUTCH_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}


def decimal_year(day: datetime.date) -> float:
    """A date as a year with a fraction, so that 1 January 2026 is 2026 and 1 July about 2026.5."""
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return round(day.year + (day - start).days / length, 3)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _format(indicator: Indicator) -> str:
    return f",.{indicator.decimals}f"


def _config() -> dict[str, Any]:
    config: dict[str, Any] = {
        # The chart is one image to assistive technology, named by its description; the table
        # beside it gives the figures. Marks and guides are hidden (aria-hidden): Vega's own
        # roles for them would otherwise announce unnamed images, for an empty layer say.
        "aria": False,
        "mark": {"aria": False},
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#000000"},
        "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
    }
    if (get_language() or "nl").startswith("nl"):
        config["locale"] = {"number": DUTCH_NUMBERS}
    return config


def _year_axis(title: str) -> dict[str, Any]:
    return {
        "field": "jaar",
        "type": "quantitative",
        "title": title,
        "scale": {"zero": False, "nice": False},
        "axis": {"format": "d", "tickMinStep": 1},
    }


def _value_axis(indicator: Indicator) -> dict[str, Any]:
    return {
        "field": "waarde",
        "type": "quantitative",
        "title": indicator.translated_unit,
        "scale": {"zero": False},
        "axis": {"format": _format(indicator)},
    }


def regional_chart(
    indicator: Indicator,
    values: Sequence[RegionalValue],
    statuses: Sequence[TargetStatus],
    *,
    series_label: str | None = None,
) -> dict[str, Any]:
    """The region's values as a line, with each target's path, projection and target point.

    `series_label` names the line when it is not the region's (a named area's figures)."""
    region_label = series_label or _("Regio")
    path_label = _("Pad naar het doel")
    projection_label = _("Projectie van de trend")
    lines = [
        {"reeks": region_label, "jaar": decimal_year(v.period_start), "waarde": float(v.value)}
        for v in values
        if v.value is not None
    ]
    for status in statuses:
        lines += [
            {"reeks": path_label, "doel": status.target.year, "jaar": y, "waarde": float(v)}
            for y, v in status.trajectory
        ]
        lines += [
            {"reeks": projection_label, "doel": status.target.year, "jaar": y, "waarde": float(v)}
            for y, v in status.projection
        ]
    targets = [
        {
            "jaar": status.target.year,
            "waarde": float(status.target.value),
            "label": _("doel %(year)d") % {"year": status.target.year},
        }
        for status in statuses
    ]
    incomplete = [
        {"jaar": decimal_year(v.period_start), "periode": v.period_label}
        for v in values
        if v.value is None
    ]
    styles = {
        region_label: (REGION_COLOUR, [1, 0]),
        path_label: (PATH_COLOUR, [2, 3]),
        projection_label: (PROJECTION_COLOUR, [6, 4]),
    }
    # Only the lines drawn appear in the legend.
    series = [name for name in styles if any(row["reeks"] == name for row in lines)]
    colour = {
        "field": "reeks",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": [styles[name][0] for name in series]},
        "legend": {"orient": "bottom", "direction": "horizontal"},
    }
    layers: list[dict[str, Any]] = [
        {
            "data": {"name": "lijnen"},
            "mark": {"type": "line", "point": {"filled": True, "size": 40}, "strokeWidth": 2},
            "encoding": {
                "x": _year_axis(_("Jaar")),
                "y": _value_axis(indicator),
                "color": colour,
                "strokeDash": {
                    "field": "reeks",
                    "type": "nominal",
                    "scale": {"domain": series, "range": [styles[name][1] for name in series]},
                    "legend": None,
                },
                "detail": {"field": "doel", "type": "ordinal"},
            },
        }
    ]
    if targets:
        layers += [
            {
                "data": {"name": "doelen"},
                "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": True},
                "encoding": {
                    "x": {"field": "jaar", "type": "quantitative"},
                    "y": {"field": "waarde", "type": "quantitative"},
                    "color": {"value": TARGET_COLOUR},
                },
            },
            {
                "data": {"name": "doelen"},
                "mark": {"type": "text", "dy": -14, "fontSize": 12, "color": TARGET_COLOUR},
                "encoding": {
                    "x": {"field": "jaar", "type": "quantitative"},
                    "y": {"field": "waarde", "type": "quantitative"},
                    "text": {"field": "label", "type": "nominal"},
                },
            },
        ]
    if incomplete:
        # A period without a regional value is marked on the axis, not drawn as zero.
        layers.append(
            {
                "data": {"name": "onvolledig"},
                "mark": {"type": "rule", "strokeDash": [2, 2], "color": PATH_COLOUR},
                "encoding": {"x": {"field": "jaar", "type": "quantitative"}},
            }
        )
    return {
        "description": regional_description(indicator, values, statuses),
        "width": WIDTH,
        "height": HEIGHT,
        "datasets": {"lijnen": lines, "doelen": targets, "onvolledig": incomplete},
        "config": _config(),
        "layer": layers,
    }


def regional_description(
    indicator: Indicator, values: Sequence[RegionalValue], statuses: Sequence[TargetStatus]
) -> str:
    known = [v for v in values if v.value is not None]
    if not known:
        return _("Lijngrafiek van %(name)s voor de regio: nog geen regionale waarden.") % {
            "name": indicator.translated_name
        }
    text = _(
        "Lijngrafiek van %(name)s voor de regio, van %(first)s tot %(last)s, "
        "met het pad naar het doel en de projectie van de trend."
    ) % {
        "name": indicator.translated_name,
        "first": known[0].period_label,
        "last": known[-1].period_label,
    }
    return text + " " + _("De tabel eronder geeft dezelfde cijfers.")


def municipal_chart(
    indicator: Indicator, series: dict[Municipality, list[Observation]]
) -> dict[str, Any]:
    """One line per municipality, told apart by colour and by point shape."""
    names = [m.name for m in series]
    rows = [
        {
            "gemeente": municipality.name,
            "jaar": decimal_year(o.period_start),
            "waarde": float(o.value),
        }
        for municipality, observations in series.items()
        for o in observations
    ]
    legend = {"orient": "bottom", "direction": "horizontal", "title": None}
    return {
        "description": _(
            "Lijngrafiek van %(name)s per gemeente. De tabel eronder geeft dezelfde cijfers."
        )
        % {"name": indicator.translated_name},
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": rows},
        "config": _config(),
        "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
        "encoding": {
            "x": _year_axis(_("Jaar")),
            "y": _value_axis(indicator),
            "color": {
                "field": "gemeente",
                "type": "nominal",
                "scale": {"domain": names, "range": MUNICIPALITY_COLOURS[: len(names)] or None},
                "legend": legend,
            },
            "shape": {
                "field": "gemeente",
                "type": "nominal",
                "scale": {"domain": names, "range": SHAPES[: len(names)] or None},
                "legend": legend,
            },
        },
    }


@dataclass
class Comparison:
    """The municipalities' figures for one period, for the bar chart, the map and their table."""

    period_label: str
    rows: list[tuple[Municipality, Observation | None]]


def comparison_chart(indicator: Indicator, comparison: Comparison) -> dict[str, Any]:
    rows = [
        {"gemeente": m.name, "waarde": float(o.value)} for m, o in comparison.rows if o is not None
    ]
    return {
        "description": _(
            "Staafdiagram: %(name)s per gemeente in %(period)s. De tabel ernaast geeft dezelfde "
            "cijfers."
        )
        % {"name": indicator.translated_name, "period": comparison.period_label},
        "width": WIDTH,
        "data": {"values": rows},
        "config": _config(),
        "encoding": {
            "y": {"field": "gemeente", "type": "nominal", "sort": "-x", "title": None},
            "x": {
                "field": "waarde",
                "type": "quantitative",
                "title": indicator.translated_unit,
                "axis": {"format": _format(indicator)},
            },
        },
        "layer": [
            {"mark": {"type": "bar", "color": REGION_COLOUR}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": "#000000"},
                "encoding": {
                    "text": {
                        "field": "waarde",
                        "type": "quantitative",
                        "format": _format(indicator),
                    }
                },
            },
        ],
    }


@cache
def _boundaries(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def boundaries_of(region: Region) -> dict[str, Any] | None:
    """The region's 2024 municipality boundaries with their neighbours, from its data set."""
    folder = Path(settings.BASE_DIR) / "regioagenda" / "data" / "regions" / region.slug / "geo"
    return _boundaries(folder / "gemeenten_2024.geojson")


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for polygon in polygons:
        yield polygon[0]


def _centroid(geometry: dict[str, Any]) -> tuple[float, float]:
    """The area-weighted centroid of the outer rings, where the name is written."""
    area = cx = cy = 0.0
    for ring in _rings(geometry):
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    if not area:
        x, y = next(iter(_rings(geometry)))[0]
        return x, y
    return cx / (3 * area), cy / (3 * area)


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def _projection(features: list[dict[str, Any]], width: int, height: int) -> dict[str, Any]:
    """A Mercator projection that fits the region's municipalities, not their neighbours:
    the neighbours are drawn for orientation and cut off at the frame (`clip`)."""
    points = [point for f in features for ring in _rings(f["geometry"]) for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    top, bottom = _mercator_y(north), _mercator_y(south)
    scale = 0.85 * min(width / math.radians(east - west), height / (top - bottom))
    middle = math.degrees(2 * math.atan(math.exp((top + bottom) / 2)) - math.pi / 2)
    return {
        "type": "mercator",
        "center": [round((west + east) / 2, 6), round(middle, 6)],
        "scale": round(scale, 1),
        "translate": [width / 2, height / 2],
    }


def map_chart(
    indicator: Indicator, comparison: Comparison, boundaries: dict[str, Any]
) -> dict[str, Any]:
    """A choropleth of the region's municipalities, the neighbours in grey, names on the map."""
    values = {m.code: o for m, o in comparison.rows}
    names = {m.code: m.name for m, _o in comparison.rows}
    inside = [f for f in boundaries["features"] if f["id"] in values]
    neighbours = [f for f in boundaries["features"] if f["id"] not in values]

    def shaped(feature: dict[str, Any], value: float | None) -> dict[str, Any]:
        name = names.get(feature["id"], feature["properties"]["statnaam"])
        return {
            "type": "Feature",
            "id": feature["id"],
            "geometry": feature["geometry"],
            "properties": {"naam": name, "waarde": value},
        }

    measured = [
        shaped(f, float(values[f["id"]].value))  # type: ignore[union-attr]
        for f in inside
        if values[f["id"]] is not None
    ]
    unmeasured = [shaped(f, None) for f in inside if values[f["id"]] is None]
    labels = []
    for feature in inside + neighbours:
        longitude, latitude = _centroid(feature["geometry"])
        labels.append(
            {
                "naam": names.get(feature["id"], feature["properties"]["statnaam"]),
                "lengte": round(longitude, 5),
                "breedte": round(latitude, 5),
                "buur": feature["id"] not in values,
            }
        )
    geojson = {"type": "json", "property": "features"}
    projection = _projection(inside, MAP_WIDTH, MAP_HEIGHT)
    layers: list[dict[str, Any]] = [
        {
            "data": {
                "values": {"type": "FeatureCollection", "features": neighbours},
                "format": geojson,
            },
            # Orientation only, cut at the frame; hidden from assistive technology (a clipped
            # group would be announced as an unnamed image).
            "mark": {
                "type": "geoshape",
                "fill": NEIGHBOUR_FILL,
                "stroke": "#ffffff",
                "clip": True,
                "aria": False,
            },
        },
        {
            "data": {
                "values": {"type": "FeatureCollection", "features": measured},
                "format": geojson,
            },
            "mark": {"type": "geoshape", "stroke": "#000000", "strokeWidth": 1.2},
            "encoding": {
                "color": {
                    "field": "properties.waarde",
                    "type": "quantitative",
                    "title": indicator.translated_unit,
                    # Light to middle blue only, so that black names stay readable on every fill.
                    "scale": {"scheme": {"name": "blues", "extent": [0.1, 0.6]}, "zero": False},
                    "legend": {"format": _format(indicator), "orient": "bottom-right"},
                }
            },
        },
    ]
    if unmeasured:
        layers.append(
            {
                "data": {
                    "values": {"type": "FeatureCollection", "features": unmeasured},
                    "format": geojson,
                },
                "mark": {
                    "type": "geoshape",
                    "fill": "#ffffff",
                    "stroke": "#000000",
                    "strokeDash": [4, 3],
                },
            }
        )
    layers.append(
        {
            "data": {"values": labels},
            "mark": {"type": "text", "fontSize": 12, "clip": True, "aria": False},
            "encoding": {
                "longitude": {"field": "lengte", "type": "quantitative"},
                "latitude": {"field": "breedte", "type": "quantitative"},
                "text": {"field": "naam", "type": "nominal"},
                "color": {
                    "field": "buur",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": ["#000000", "#4a4a4a"]},
                    "legend": None,
                },
                "fontStyle": {
                    "field": "buur",
                    "type": "nominal",
                    "scale": {"domain": [False, True], "range": ["normal", "italic"]},
                    "legend": None,
                },
            },
        }
    )
    return {
        "description": _(
            "Kaart van de gemeenten van de regio, gekleurd naar %(name)s in %(period)s; "
            "de buurgemeenten staan in grijs. De tabel ernaast geeft dezelfde cijfers."
        )
        % {"name": indicator.translated_name, "period": comparison.period_label},
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "projection": projection,
        "config": _config(),
        "layer": layers,
    }


@dataclass
class Sparkline:
    """A trend line for a tile: `points` for an SVG polyline in a WIDTH by HEIGHT view box."""

    points: str
    # Strings, so that templates do not write them with a decimal comma.
    last_x: str
    last_y: str

    WIDTH = 120
    HEIGHT = 32


def sparkline(values: Sequence[RegionalValue]) -> Sparkline | None:
    known = [(decimal_year(v.period_start), float(v.value)) for v in values if v.value is not None]
    if len(known) < 2:
        return None
    xs = [x for x, _v in known]
    ys = [y for _x, y in known]
    low, high = min(ys), max(ys)
    pad = 3
    width, height = Sparkline.WIDTH - 2 * pad, Sparkline.HEIGHT - 2 * pad
    x_span = (xs[-1] - xs[0]) or 1
    y_span = (high - low) or 1
    coordinates = [
        (
            round(pad + (x - xs[0]) / x_span * width, 1),
            round(pad + height - (y - low) / y_span * height, 1),
        )
        for x, y in known
    ]
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y in coordinates),
        last_x=str(coordinates[-1][0]),
        last_y=str(coordinates[-1][1]),
    )
