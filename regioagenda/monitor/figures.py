"""What the monitor's pages show of an indicator: its headline series, its tile, and the tables
of its page, assembled from `series` so that the page, its charts and its downloads agree.

For an indicator with a regional rule the headline is the region's value per period; for one
without (such as jobs at the Bio Science Park) it is the figure of its one named area.

Every function takes the page's `RegionFigures` as `figures=`; without it, it reads the figures
of the one indicator itself.
"""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from regioagenda.monitor.charts import Sparkline, sparkline
from regioagenda.monitor.models import Aggregation, Indicator, Observation, Target
from regioagenda.monitor.series import (
    RegionalValue,
    RegionFigures,
    TargetStatus,
    current_observations,
    municipal_series,
    regional_series,
    target_status,
)
from regioagenda.regions.models import Municipality, Region

Period = tuple[datetime.date, datetime.date, str]


def area_observations(
    indicator: Indicator, *, figures: RegionFigures | None = None
) -> list[Observation]:
    """Current figures of named areas without a CBS code (the Bio Science Park)."""
    if figures is not None:
        return figures.of_areas(indicator)
    return list(
        current_observations(indicator).filter(municipality__isnull=True, place__isnull=True)
    )


def headline_series(
    indicator: Indicator,
    region: Region,
    areas: list[Observation] | None = None,
    *,
    figures: RegionFigures | None = None,
) -> list[RegionalValue]:
    if indicator.aggregation != Aggregation.NONE:
        return regional_series(indicator, region, figures=figures)
    areas = area_observations(indicator, figures=figures) if areas is None else areas
    if len({o.area_key for o in areas}) != 1:
        return []
    return [
        RegionalValue(
            o.period_start,
            o.period_end,
            o.period_label,
            o.value,
            complete=True,
            explanation=_("Cijfer voor %(area)s; de gemeenten worden niet opgeteld.")
            % {"area": o.area},
        )
        for o in areas
    ]


def region_targets(indicator: Indicator) -> list[Target]:
    # Uses a prefetched `targets` where the caller made one.
    return [t for t in indicator.targets.all() if t.municipality_id is None]


def main_target(targets: list[Target], latest: RegionalValue | None) -> Target | None:
    """The target a tile shows: the first one still ahead, else the last one."""
    if not targets:
        return None
    now = latest.period_start.year if latest else datetime.date.today().year
    ahead = [t for t in targets if t.year >= now]
    return min(ahead, key=lambda t: t.year) if ahead else max(targets, key=lambda t: t.year)


@dataclass
class Tile:
    indicator: Indicator
    values: list[RegionalValue]
    status: TargetStatus | None
    trend: Sparkline | None

    @property
    def latest(self) -> RegionalValue | None:
        return self.values[-1] if self.values else None

    @property
    def latest_known(self) -> RegionalValue | None:
        return next((v for v in reversed(self.values) if v.value is not None), None)

    @property
    def first_known(self) -> RegionalValue | None:
        return next((v for v in self.values if v.value is not None), None)


def tile_for(indicator: Indicator, region: Region, *, figures: RegionFigures | None = None) -> Tile:
    if indicator.no_data_note:
        return Tile(indicator, [], None, None)
    figures = figures if figures is not None else RegionFigures.read(region, [indicator])
    values = headline_series(indicator, region, figures=figures)
    known = [v for v in values if v.value is not None]
    target = main_target(region_targets(indicator), known[-1] if known else None)
    status = target_status(target, region, figures=figures) if target else None
    return Tile(indicator, values, status, sparkline(values))


@dataclass
class Revision:
    area: str
    period_label: str
    previous: Decimal
    current: Decimal
    revision: int
    retrieved_on: datetime.date


@dataclass(frozen=True)
class Source:
    title: str
    table: str
    url: str
    retrieved_on: datetime.date


@dataclass
class IndicatorFigures:
    indicator: Indicator
    municipal: dict[Municipality, list[Observation]]
    areas: list[Observation]
    headline: list[RegionalValue]
    statuses: list[TargetStatus]
    municipal_targets: list[Target]
    periods: list[Period] = field(default_factory=list)
    table: list[tuple[Municipality, list[Observation | None]]] = field(default_factory=list)
    comparison_period: str = ""
    comparison: list[tuple[Municipality, Observation | None]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @property
    def has_municipal_figures(self) -> bool:
        return any(self.municipal.values())


def figures_of(
    indicator: Indicator, region: Region, *, figures: RegionFigures | None = None
) -> IndicatorFigures:
    read = figures if figures is not None else RegionFigures.read(region, [indicator])
    municipal = municipal_series(indicator, region, figures=read)
    areas = area_observations(indicator, figures=read)
    headline = headline_series(indicator, region, areas, figures=read)
    targets = list(indicator.targets.select_related("municipality").order_by("year"))
    for target in targets:
        # The indicator in hand, so that a status costs no query for it.
        target.indicator = indicator
    result = IndicatorFigures(
        indicator=indicator,
        municipal=municipal,
        areas=areas,
        headline=headline,
        statuses=[
            target_status(t, region, figures=read) for t in targets if t.municipality_id is None
        ],
        municipal_targets=[t for t in targets if t.municipality_id is not None],
    )
    shown = [o for observations in municipal.values() for o in observations] + areas
    periods = sorted({(o.period_start, o.period_end, o.period_label) for o in shown})
    municipal_periods = sorted(
        {(o.period_start, o.period_end, o.period_label) for obs in municipal.values() for o in obs}
    )
    result.periods = municipal_periods
    for municipality, observations in municipal.items():
        by_period = {(o.period_start, o.period_end, o.period_label): o for o in observations}
        result.table.append((municipality, [by_period.get(p) for p in municipal_periods]))
    if municipal_periods:
        last = municipal_periods[-1]
        result.comparison_period = last[2]
        index = len(municipal_periods) - 1
        result.comparison = [(m, cells[index]) for m, cells in result.table]
    result.sources = sorted(
        {Source(o.source_title, o.source_table, o.source_url, o.retrieved_on) for o in shown},
        key=lambda s: (s.title, s.table, s.retrieved_on, s.url),
    )
    result.revisions = _revisions(indicator, shown) if periods else []
    return result


def _revisions(indicator: Indicator, shown: list[Observation]) -> list[Revision]:
    """Each figure shown that replaced an earlier release, with the value it replaced."""
    revised = [o for o in shown if o.revision > 1]
    if not revised:
        return []
    history: dict[tuple[str, datetime.date, datetime.date], list[Observation]] = defaultdict(list)
    for o in Observation.objects.filter(
        indicator=indicator, area_key__in={o.area_key for o in revised}
    ).order_by("revision"):
        history[(o.area_key, o.period_start, o.period_end)].append(o)
    revisions = []
    for o in revised:
        rows = history[(o.area_key, o.period_start, o.period_end)]
        for older, newer in itertools.pairwise(rows):
            revisions.append(
                Revision(
                    area=o.area_name,
                    period_label=newer.period_label,
                    previous=older.value,
                    current=newer.value,
                    revision=newer.revision,
                    retrieved_on=newer.retrieved_on,
                )
            )
    return sorted(revisions, key=lambda r: (r.area, r.period_label, r.revision))
