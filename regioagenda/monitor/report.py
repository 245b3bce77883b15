"""The monitor's annual report: where the region stood against each ambition in a year.

The report of year Y uses the figures of periods that start in or before Y. Per theme (in the
dashboard's order) each dashboard indicator shows the region's latest value up to Y, the value
five years before it and the change, the main target and its status, how the region's value was
computed, the municipalities' figures of that period, its chart and its sources. Indicators
without figures are listed apart, with the reason.

The figures and targets come from `figures.figures_of` (and so from `series`); this module
only picks the part up to Y. A status is `series.target_status(..., until=Y)`: where the region
stood at the end of Y, its projection fitted on the figures up to then, so that the report of an
earlier year says what could be known at the time.

Charts are the indicator page's regional Vega-Lite chart; for the PDF `chart_svg` draws one on
the server with vl-convert, text as SVG text, from inline data only.
"""

import base64
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import vl_convert
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from regioagenda.monitor import charts
from regioagenda.monitor.figures import IndicatorFigures, Source, figures_of, main_target
from regioagenda.monitor.models import Indicator, Observation, Target
from regioagenda.monitor.series import (
    RegionalValue,
    RegionFigures,
    Status,
    TargetStatus,
    status_labels,
    target_status,
)
from regioagenda.monitor.templatetags.monitor import figure
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

# How far back the report looks for the value to compare the latest one with.
COMPARE_YEARS = 5


def dashboard_indicators(region: Region) -> list[Indicator]:
    """The dashboard's indicators, in its order, with what `figures_of` and tiles read."""
    return list(
        Indicator.objects.filter(region=region, on_dashboard=True)
        .select_related("weight", "numerator", "denominator")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position")),
            Prefetch("targets", queryset=Target.objects.order_by("year")),
        )
        .order_by("position", "name")
    )


def report_years(region: Region) -> list[int]:
    """The years that have a report: those in which a period of a dashboard figure starts."""
    dates = Observation.objects.filter(
        indicator__region=region, indicator__on_dashboard=True, indicator__no_data_note=""
    ).dates("period_start", "year")
    return [day.year for day in dates]


@dataclass
class Entry:
    """One indicator in the report of a year."""

    indicator: Indicator
    values: list[RegionalValue]  # the region's values up to the year, oldest first
    latest: RegionalValue | None  # the latest with a value; None when none could be computed
    earlier: RegionalValue | None
    status: TargetStatus | None
    municipal_period: str
    municipal: list[tuple[Municipality, Observation | None]]
    sources: list[Source]
    chart: dict[str, Any] | None
    chart_alt: str
    # The chart drawn on the server, as a data: URI for an <img> (see `draw_charts`).
    chart_image: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.earlier is None or self.latest is None:
            return None
        if self.earlier.value is None or self.latest.value is None:
            return None
        return self.latest.value - self.earlier.value

    @property
    def last(self) -> RegionalValue | None:
        """The last period up to the year, with or without a value (it says why not)."""
        return self.values[-1] if self.values else None

    @property
    def change_percent(self) -> Decimal | None:
        change = self.change
        if change is None or not self.earlier or not self.earlier.value:
            return None
        return change / abs(self.earlier.value) * 100


@dataclass
class Missing:
    """An indicator of the dashboard without figures up to the year, and why."""

    indicator: Indicator
    note: str


@dataclass
class Summary:
    """How many ambitions with a target were reached, on track, off track or unknown."""

    counts: dict[str, int]
    without_target: int

    def rows(self) -> list[tuple[str, str, int]]:
        labels = status_labels()
        return [(status, labels[status], count) for status, count in self.counts.items()]


@dataclass
class Report:
    region: Region
    year: int
    years: list[int]
    chapters: list[tuple[Theme | None, list[Entry]]]
    missing: list[Missing]
    summary: Summary
    entries: list[Entry] = field(default_factory=list)


def annual_report(region: Region, year: int) -> Report | None:
    """The report of `year`, or None when no dashboard figure has a period starting then."""
    years = report_years(region)
    if year not in years:
        return None
    groups: dict[Theme | None, list[Entry]] = defaultdict(list)
    missing: list[Missing] = []
    counts: Counter[str] = Counter()
    without_target = 0
    indicators = dashboard_indicators(region)
    # One read of every indicator's figures, so the report costs the same few queries however
    # many ambitions it covers.
    read = RegionFigures.read(region, [i for i in indicators if not i.no_data_note])
    for indicator in indicators:
        entry = None if indicator.no_data_note else _entry(indicator, region, year, read)
        if entry is None:
            note = indicator.no_data_note or _("Geen cijfers tot en met %(year)d.") % {"year": year}
            missing.append(Missing(indicator, note))
            # An ambition with a target but without figures counts as unknown.
            if _region_targets(indicator):
                counts[Status.UNKNOWN] += 1
            else:
                without_target += 1
            continue
        if entry.status is not None:
            counts[entry.status.status] += 1
        else:
            without_target += 1
        # An indicator of several themes is shown once, under its first (as on the dashboard).
        theme = next(iter(indicator.themes.all()), None)
        groups[theme].append(entry)
    themes = sorted(groups, key=lambda theme: (theme is None, theme.position if theme else 0))
    order = [Status.REACHED, Status.ON_TRACK, Status.OFF_TRACK, Status.UNKNOWN]
    return Report(
        region=region,
        year=year,
        years=years,
        chapters=[(theme, groups[theme]) for theme in themes],
        missing=missing,
        summary=Summary({status: counts[status] for status in order}, without_target),
        entries=[entry for theme in themes for entry in groups[theme]],
    )


def _region_targets(indicator: Indicator) -> list[Target]:
    return [t for t in indicator.targets.all() if t.municipality_id is None]


def _entry(indicator: Indicator, region: Region, year: int, read: RegionFigures) -> Entry | None:
    figures = figures_of(indicator, region, figures=read)
    values = [v for v in figures.headline if v.year <= year]
    known = [v for v in values if v.value is not None]
    period, municipal = _municipal_figures(figures, known[-1] if known else None, year)
    if not known and not any(cell for _m, cell in municipal):
        return None
    latest = known[-1] if known else None
    # Where the region stood at the end of the year, not where it stands today.
    statuses = [target_status(s.target, region, figures=read, until=year) for s in figures.statuses]
    target = main_target(_region_targets(indicator), latest)
    status = next((s for s in statuses if target is not None and s.target.pk == target.pk), None)
    chart, alt = _chart(indicator, figures, values, statuses, status) if known else (None, "")
    return Entry(
        indicator=indicator,
        values=values,
        latest=latest,
        earlier=_earlier(known, latest) if latest else None,
        status=status,
        municipal_period=period,
        municipal=municipal,
        sources=_sources(figures, year),
        chart=chart,
        chart_alt=alt,
    )


def _earlier(known: list[RegionalValue], latest: RegionalValue) -> RegionalValue | None:
    """The value COMPARE_YEARS before the latest: the same day of the year where there is one."""
    candidates = [v for v in known if v.year == latest.year - COMPARE_YEARS]
    same_day = [
        v
        for v in candidates
        if (v.period_start.month, v.period_start.day)
        == (latest.period_start.month, latest.period_start.day)
    ]
    chosen = same_day or candidates
    return chosen[-1] if chosen else None


def _municipal_figures(
    figures: IndicatorFigures, latest: RegionalValue | None, year: int
) -> tuple[str, list[tuple[Municipality, Observation | None]]]:
    """The municipalities' figures of the region's latest period, else their last up to then."""
    periods = [p for p in figures.periods if p[0].year <= year]
    if not periods:
        return "", []
    index = next(
        (
            figures.periods.index(p)
            for p in periods
            if latest is not None and (p[0], p[1]) == (latest.period_start, latest.period_end)
        ),
        figures.periods.index(periods[-1]),
    )
    return figures.periods[index][2], [(m, cells[index]) for m, cells in figures.table]


def _sources(figures: IndicatorFigures, year: int) -> list[Source]:
    shown = [o for observations in figures.municipal.values() for o in observations]
    shown += figures.areas
    return sorted(
        {
            Source(o.source_title, o.source_table, o.source_url, o.retrieved_on)
            for o in shown
            if o.period_start.year <= year
        },
        key=lambda s: (s.title, s.table, s.retrieved_on, s.url),
    )


def _chart(
    indicator: Indicator,
    figures: IndicatorFigures,
    values: list[RegionalValue],
    statuses: list[TargetStatus],
    main: TargetStatus | None,
) -> tuple[dict[str, Any] | None, str]:
    """The indicator page's regional chart up to the year, and its text alternative."""
    label = figures.areas[0].area if figures.areas and not figures.has_municipal_figures else None
    spec = charts.regional_chart(indicator, values, statuses, series_label=label)
    known = [v for v in values if v.value is not None]
    first, last = known[0], known[-1]
    what = {
        "name": indicator.translated_name,
        "unit": indicator.translated_unit,
        "first": figure(first.value, indicator),
        "first_period": first.period_label,
        "last": figure(last.value, indicator),
        "last_period": last.period_label,
    }
    if last is first:
        alt = _("Grafiek van %(name)s (%(unit)s): %(first)s (%(first_period)s).") % what
    else:
        alt = (
            _(
                "Lijngrafiek van %(name)s (%(unit)s), van %(first)s (%(first_period)s) "
                "tot %(last)s (%(last_period)s)."
            )
            % what
        )
    if main is not None:
        alt += " " + _("Doel: %(value)s in %(year)d.") % {
            "value": figure(main.target.value, indicator),
            "year": main.target.year,
        }
    return spec, alt


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart drawn as SVG on the server; the spec may carry its data inline only."""
    return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])


def draw_charts(report: Report) -> None:
    """Draw every entry's chart for the PDF, which has no script to draw them."""
    for entry in report.entries:
        if entry.chart:
            svg = chart_svg(entry.chart).encode()
            entry.chart_image = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
