"""The monitor's series: current figures per municipality, the region's value and a target's status.

The region's value is computed, never stored. `regional_series` applies the indicator's rule to
the municipalities' current figures (the highest revision of each); a period in which one
municipality has no figure gets no regional value: it is marked incomplete and names who is
missing, because a sum over four of five municipalities would silently understate the region.

`target_status` compares the latest figure with a target and its trajectory (a straight line
from the base year, or a percentage path through milestones) and projects the recent trend to
the target year with an ordinary least-squares line (`statistics.linear_regression`).

A page that shows many indicators reads their figures once, as `RegionFigures`, and passes it to
these functions as `figures=`: then its number of queries does not grow with its indicators.
Without it each function reads what it needs itself.
"""

import datetime
import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regioagenda.monitor.models import (
    Aggregation,
    Direction,
    Indicator,
    Observation,
    Target,
    Trajectory,
)
from regioagenda.regions.models import Municipality, Region

# How many of the most recent years the projection is fitted on.
TREND_YEARS = 5

Period = tuple[datetime.date, datetime.date]


def current(observations: QuerySet[Observation]) -> QuerySet[Observation]:
    """Only the current figures: the highest revision per indicator, area and period."""
    newer = Observation.objects.filter(
        indicator=OuterRef("indicator"),
        area_key=OuterRef("area_key"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        revision__gt=OuterRef("revision"),
    )
    return observations.filter(~Exists(newer))


def current_observations(indicator: Indicator) -> QuerySet[Observation]:
    """The indicator's current figures, for every area, ordered by period."""
    return current(Observation.objects.filter(indicator=indicator)).order_by(
        "period_start", "period_end", "area_key"
    )


class RegionFigures:
    """The current figures of a page's indicators in one region, read in one query.

    Holds the region's municipalities (by name) and, per indicator, its current figures for
    those municipalities and for named areas (such as the Bio Science Park), ordered by period
    and area as `current_observations` orders them; figures of districts and of municipalities
    of other regions are left out, so a national table costs nothing extra. The indicators an
    indicator is weighted by or computed from are read with it. An indicator not read up front
    is read when first asked for (one query more), so a page that forgets one stays correct."""

    def __init__(self, region: Region, municipalities: list[Municipality]) -> None:
        self.region = region
        self.municipalities = municipalities
        self._by_pk = {m.pk: m for m in municipalities}
        self._observations: dict[int, list[Observation]] = {}

    @classmethod
    def read(cls, region: Region, indicators: Iterable[Indicator]) -> "RegionFigures":
        figures = cls(region, list(Municipality.objects.filter(region=region).order_by("name")))
        figures._read(
            {
                pk
                for indicator in indicators
                for pk in (
                    indicator.pk,
                    indicator.weight_id,
                    indicator.numerator_id,
                    indicator.denominator_id,
                )
                if pk is not None
            }
        )
        return figures

    def _read(self, indicator_pks: set[int]) -> None:
        wanted = indicator_pks - self._observations.keys()
        if not wanted:
            return
        for pk in wanted:
            self._observations[pk] = []
        # The area key says "no district" (a municipality's code, or "gebied:" and a name), so
        # that the query names no `place`: SQLite would then pick the place index and read every
        # figure of the country; this way it reads only the region's municipalities'.
        observations = current(
            Observation.objects.filter(indicator_id__in=wanted).filter(
                Q(
                    municipality__in=self.municipalities,
                    area_key__in=[m.code for m in self.municipalities],
                )
                | Q(municipality__isnull=True, area_key__startswith="gebied:")
            )
        ).order_by("indicator_id", "period_start", "period_end", "area_key")
        for observation in observations:
            if observation.municipality_id is not None:
                # Shares the instance, so that `area_name` costs no query per figure.
                observation.municipality = self._by_pk[observation.municipality_id]
            self._observations[observation.indicator_id].append(observation)

    def of(self, indicator: Indicator) -> list[Observation]:
        """The indicator's current figures of the region's municipalities and named areas."""
        self._read({indicator.pk})
        observations = self._observations[indicator.pk]
        for observation in observations:
            observation.indicator = indicator
        return observations

    def municipal(self, indicator: Indicator) -> list[Observation]:
        return [o for o in self.of(indicator) if o.municipality_id is not None]

    def of_municipality(self, indicator: Indicator, municipality_pk: int) -> list[Observation]:
        return [o for o in self.of(indicator) if o.municipality_id == municipality_pk]

    def of_areas(self, indicator: Indicator) -> list[Observation]:
        """Figures of named areas without a CBS code."""
        return [o for o in self.of(indicator) if o.municipality_id is None]

    def holds(self, municipality_pk: int) -> bool:
        return municipality_pk in self._by_pk


def _figures_of(
    indicator: Indicator, region: Region, figures: RegionFigures | None
) -> RegionFigures:
    if figures is None:
        return RegionFigures.read(region, [indicator])
    if figures.region.pk != region.pk:
        raise ValueError(f"figures of {figures.region} asked for {region}")
    return figures


def municipal_series(
    indicator: Indicator, region: Region, *, figures: RegionFigures | None = None
) -> dict[Municipality, list[Observation]]:
    """Per municipality of the region (by name; also those without figures), its current
    figures ordered by period."""
    figures = _figures_of(indicator, region, figures)
    series: dict[Municipality, list[Observation]] = {m: [] for m in figures.municipalities}
    for observation in figures.municipal(indicator):
        # `municipal` keeps only figures with a municipality.
        series[observation.municipality].append(observation)  # type: ignore[index]
    return series


@dataclass
class RegionalValue:
    """The region's value for one period, with how it was computed and who is missing."""

    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    value: Decimal | None
    complete: bool
    missing: list[str] = field(default_factory=list)
    explanation: str = ""

    @property
    def year(self) -> int:
        return self.period_start.year


def _names(names: list[str]) -> str:
    """Zoeterwoude; Leiden en Zoeterwoude; Leiden, Oegstgeest en Zoeterwoude."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _missing_sentence(missing: list[str]) -> str:
    return ngettext("%(names)s ontbreekt", "%(names)s ontbreken", len(missing)) % {
        "names": _names(missing)
    }


def _values_by_period(
    indicator: Indicator, figures: RegionFigures
) -> dict[Period, dict[int, Observation]]:
    """Current municipal figures per period, keyed by municipality."""
    values: dict[Period, dict[int, Observation]] = defaultdict(dict)
    for observation in figures.municipal(indicator):
        period = (observation.period_start, observation.period_end)
        values[period][observation.municipality_id] = observation  # type: ignore[index]
    return values


def _weight_for(
    weights: dict[Period, dict[int, Observation]], period: Period, municipality_pk: int
) -> Observation | None:
    """The weight for the same period; else the latest one measured on a day within it, such
    as the population on 1 January of the year in which kilograms of waste were counted."""
    exact = weights.get(period, {}).get(municipality_pk)
    if exact is not None:
        return exact
    start, end = period
    within = [
        by_municipality[municipality_pk]
        for (weight_start, weight_end), by_municipality in weights.items()
        if weight_start == weight_end
        and start <= weight_start <= end
        and municipality_pk in by_municipality
    ]
    return min(within, key=lambda o: o.period_start) if within else None


def regional_series(
    indicator: Indicator, region: Region, *, figures: RegionFigures | None = None
) -> list[RegionalValue]:
    """The region's value per period by the indicator's rule; incomplete periods have no value."""
    if indicator.aggregation == Aggregation.NONE:
        return []
    figures = _figures_of(indicator, region, figures)
    municipalities = figures.municipalities
    if not municipalities:
        return []
    names = {m.pk: m.name for m in municipalities}
    if indicator.aggregation == Aggregation.RATIO_OF_SUMS:
        return _ratio_of_sums(indicator, figures, names)

    values = _values_by_period(indicator, figures)
    weight = indicator.weight if indicator.aggregation == Aggregation.WEIGHTED_MEAN else None
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and weight is None:
        return []
    weights = _values_by_period(weight, figures) if weight is not None else {}

    series = []
    for period in sorted(values):
        by_municipality = values[period]
        label = next(iter(by_municipality.values())).period_label
        missing = [names[m.pk] for m in municipalities if m.pk not in by_municipality]
        if weight is None:
            series.append(_sum(period, label, by_municipality, missing, len(municipalities)))
            continue
        series.append(
            _weighted_mean(
                period, label, by_municipality, missing, municipalities, names, weight, weights
            )
        )
    return series


def _sum(
    period: Period,
    label: str,
    by_municipality: dict[int, Observation],
    missing: list[str],
    count: int,
) -> RegionalValue:
    if missing:
        return RegionalValue(
            *period,
            label,
            None,
            complete=False,
            missing=missing,
            explanation=_("Som niet te berekenen: %(missing)s.")
            % {"missing": _missing_sentence(missing)},
        )
    total = sum((o.value for o in by_municipality.values()), Decimal(0))
    return RegionalValue(
        *period,
        label,
        total,
        complete=True,
        explanation=_("Som van %(count)d gemeenten.") % {"count": count},
    )


def _weighted_mean(
    period: Period,
    label: str,
    by_municipality: dict[int, Observation],
    missing: list[str],
    municipalities: list[Municipality],
    names: dict[int, str],
    weight: Indicator,
    weights: dict[Period, dict[int, Observation]],
) -> RegionalValue:
    used = {
        m.pk: _weight_for(weights, period, m.pk) for m in municipalities if m.pk in by_municipality
    }
    missing_weights = [names[pk] for pk, w in used.items() if w is None]
    weight_name = weight.name.lower()
    if missing or missing_weights:
        parts = [_("Gewogen naar %(weight)s") % {"weight": weight_name}]
        if missing:
            parts.append(_missing_sentence(missing))
        if missing_weights:
            parts.append(
                ngettext(
                    "het gewicht van %(names)s ontbreekt",
                    "de gewichten van %(names)s ontbreken",
                    len(missing_weights),
                )
                % {"names": _names(missing_weights)}
            )
        return RegionalValue(
            *period,
            label,
            None,
            complete=False,
            missing=sorted(set(missing) | set(missing_weights), key=str.casefold),
            explanation="; ".join(parts) + ".",
        )
    total_weight = sum((w.value for w in used.values() if w is not None), Decimal(0))
    if not total_weight:
        return RegionalValue(
            *period,
            label,
            None,
            complete=False,
            explanation=_("Gewogen naar %(weight)s; de gewichten zijn samen nul.")
            % {"weight": weight_name},
        )
    weighted = sum(
        (o.value * used[pk].value for pk, o in by_municipality.items()),  # type: ignore[union-attr]
        Decimal(0),
    )
    weight_periods = sorted({w.period_label for w in used.values() if w is not None})
    return RegionalValue(
        *period,
        label,
        weighted / total_weight,
        complete=True,
        explanation=_("Gemiddelde van %(count)d gemeenten, gewogen naar %(weight)s (%(when)s).")
        % {"count": len(by_municipality), "weight": weight_name, "when": ", ".join(weight_periods)},
    )


def _ratio_of_sums(
    indicator: Indicator, figures: RegionFigures, names: dict[int, str]
) -> list[RegionalValue]:
    if indicator.numerator is None or indicator.denominator is None:
        return []
    municipalities = figures.municipalities
    numerators = _values_by_period(indicator.numerator, figures)
    denominators = _values_by_period(indicator.denominator, figures)
    # A percentage is a ratio times a hundred; other units are the plain ratio.
    scale = Decimal(100) if indicator.unit.strip().startswith("%") else Decimal(1)
    series = []
    # A period in which only one of the two was measured has no ratio at all, not even an
    # incomplete one (the stock on 31 December when the area is known for 1 January).
    for period in sorted(set(numerators) & set(denominators)):
        top = numerators.get(period, {})
        bottom = denominators.get(period, {})
        label = next(iter({**bottom, **top}.values())).period_label
        missing = [names[m.pk] for m in municipalities if m.pk not in top or m.pk not in bottom]
        what = {
            "numerator": indicator.numerator.name.lower(),
            "denominator": indicator.denominator.name.lower(),
        }
        if missing:
            series.append(
                RegionalValue(
                    *period,
                    label,
                    None,
                    complete=False,
                    missing=missing,
                    explanation=_("Som van %(numerator)s gedeeld door som van %(denominator)s")
                    % what
                    + "; "
                    + _missing_sentence(missing)
                    + ".",
                )
            )
            continue
        total_bottom = sum((o.value for o in bottom.values()), Decimal(0))
        total_top = sum((o.value for o in top.values()), Decimal(0))
        if not total_bottom:
            series.append(
                RegionalValue(
                    *period,
                    label,
                    None,
                    complete=False,
                    explanation=_("De som van %(denominator)s is nul.") % what,
                )
            )
            continue
        series.append(
            RegionalValue(
                *period,
                label,
                total_top / total_bottom * scale,
                complete=True,
                explanation=_(
                    "Som van %(numerator)s gedeeld door som van %(denominator)s, "
                    "over %(count)d gemeenten."
                )
                % {**what, "count": len(municipalities)},
            )
        )
    return series


class Figure(Protocol):
    """What a status needs of a figure: a RegionalValue or an Observation."""

    period_start: datetime.date
    period_end: datetime.date
    period_label: str

    @property
    def value(self) -> Decimal | None: ...


@dataclass
class TargetStatus:
    target: Target
    status: str  # gehaald, op-koers, niet-op-koers, onbekend
    label: str
    latest: RegionalValue | Observation | None
    trajectory: list[tuple[int, Decimal]] = field(default_factory=list)
    projection: list[tuple[int, Decimal]] = field(default_factory=list)
    projected_value: Decimal | None = None
    method: str = ""
    base_value: Decimal | None = None
    explanation: str = ""


class Status:
    REACHED = "gehaald"
    ON_TRACK = "op-koers"
    OFF_TRACK = "niet-op-koers"
    UNKNOWN = "onbekend"


def status_labels() -> dict[str, str]:
    return {
        Status.REACHED: _("gehaald"),
        Status.ON_TRACK: _("op koers"),
        Status.OFF_TRACK: _("niet op koers"),
        Status.UNKNOWN: _("onbekend"),
    }


def target_figures(
    target: Target, region: Region, *, figures: RegionFigures | None = None
) -> list[RegionalValue] | list[Observation]:
    """The figures a target is measured on, oldest first, only those with a value.

    A municipality's target: its own current figures. The region's target: the region's
    complete values; for an indicator without a regional rule (such as jobs at the Bio Science
    Park), the figures of its one named area."""
    indicator = target.indicator
    if target.municipality_id:
        if figures is not None and figures.holds(target.municipality_id):
            return figures.of_municipality(indicator, target.municipality_id)
        return list(
            current_observations(indicator).filter(
                municipality_id=target.municipality_id, place__isnull=True
            )
        )
    figures = _figures_of(indicator, region, figures)
    if indicator.aggregation != Aggregation.NONE:
        return [
            v for v in regional_series(indicator, region, figures=figures) if v.value is not None
        ]
    named = figures.of_areas(indicator)
    if len({o.area_key for o in named}) != 1:
        return []
    return named


def _per_year(figures: Iterable[Figure]) -> dict[int, Decimal]:
    """One value per year: the last figure of each year (figures come oldest first)."""
    years: dict[int, Decimal] = {}
    for figure in figures:
        if figure.value is not None:
            years[figure.period_start.year] = figure.value
    return years


def _goes_up(target: Target, base_value: Decimal | None) -> bool | None:
    """Whether meeting the target means being at or above it (None: cannot tell)."""
    direction = target.indicator.direction
    if direction == Direction.UP:
        return True
    if direction == Direction.DOWN:
        return False
    if base_value is not None and base_value != target.value:
        return target.value > base_value
    return None


def _meets(value: Decimal, goal: Decimal, up: bool) -> bool:
    return value >= goal if up else value <= goal


def trajectory_for(target: Target, base_value: Decimal | None) -> list[tuple[int, Decimal]]:
    """The path year by year from the base year to the target year (empty without a base)."""
    if target.base_year is None or base_value is None or target.year <= target.base_year:
        return []
    if target.trajectory == Trajectory.PERCENTAGE_PATH and target.milestones:
        points = {target.base_year: Decimal(0)}
        for year, percent in target.milestones.items():
            if target.base_year < int(year) <= target.year:
                points[int(year)] = Decimal(str(percent))
        anchors = sorted(points.items())
        path = []
        for (start, start_pct), (end, end_pct) in itertools.pairwise(anchors):
            for year in range(start, end):
                pct = start_pct + (end_pct - start_pct) * (year - start) / (end - start)
                path.append((year, base_value * (1 + pct / 100)))
        last_year, last_pct = anchors[-1]
        path.append((last_year, base_value * (1 + last_pct / 100)))
        if last_year < target.year:
            # From the last milestone straight on to the target value.
            path.extend(_line(last_year, path[-1][1], target.year, target.value)[1:])
        return path
    return _line(target.base_year, base_value, target.year, target.value)


def _line(
    start: int, start_value: Decimal, end: int, end_value: Decimal
) -> list[tuple[int, Decimal]]:
    step = (end_value - start_value) / (end - start)
    return [(year, start_value + step * (year - start)) for year in range(start, end + 1)]


def _projection(
    years: dict[int, Decimal], target_year: int
) -> tuple[list[tuple[int, Decimal]], Decimal | None, str]:
    recent = sorted(years)[-TREND_YEARS:]
    if len(recent) < 2:
        return [], None, _("geen projectie: er zijn minder dan twee jaren met cijfers")
    slope, intercept = statistics.linear_regression(
        [float(year) for year in recent], [float(years[year]) for year in recent]
    )

    def fitted(year: int) -> Decimal:
        return Decimal(str(round(intercept + slope * year, 6)))

    last = recent[-1]
    projection = [(year, fitted(year)) for year in range(last, max(last, target_year) + 1)]
    method = _(
        "lineaire trend (kleinste kwadraten) over de laatste %(count)d jaar (%(first)d–%(last)d)"
    ) % {"count": len(recent), "first": recent[0], "last": last}
    return projection, fitted(max(last, target_year)), method


def target_status(
    target: Target,
    region: Region,
    *,
    figures: RegionFigures | None = None,
    until: int | None = None,
) -> TargetStatus:
    """Where the region (or the target's municipality) stands against the target; with `until`,
    where it stood at the end of that year (figures of later periods are left out, so that an
    annual report says what could be known then)."""
    labels = status_labels()
    measured: list[Figure] = [
        f
        for f in target_figures(target, region, figures=figures)
        if until is None or f.period_start.year <= until
    ]
    years = _per_year(measured)
    base_value = target.base_value
    if base_value is None and target.base_year is not None:
        base_value = years.get(target.base_year)
    trajectory = trajectory_for(target, base_value)
    latest = measured[-1] if measured else None
    projection, projected, method = _projection(years, target.year)

    def result(status: str, explanation: str) -> TargetStatus:
        return TargetStatus(
            target=target,
            status=status,
            label=labels[status],
            latest=latest,  # type: ignore[arg-type]
            trajectory=trajectory,
            projection=projection,
            projected_value=projected,
            method=method,
            base_value=base_value,
            explanation=explanation,
        )

    if latest is None or latest.value is None:
        return result(Status.UNKNOWN, _("Er zijn nog geen cijfers om het doel aan te toetsen."))
    up = _goes_up(target, base_value)
    if up is None:
        return result(Status.UNKNOWN, _("Onbekend of het doel een stijging of daling vraagt."))
    value = latest.value
    when = latest.period_label
    if _meets(value, target.value, up):
        return result(
            Status.REACHED,
            _("Het doel is gehaald: de laatste waarde (%(when)s) voldoet al.") % {"when": when},
        )
    if latest.period_start.year >= target.year:
        return result(Status.OFF_TRACK, _("Het doeljaar is voorbij en het doel is niet gehaald."))
    if projected is not None and _meets(projected, target.value, up):
        return result(
            Status.ON_TRACK,
            _("Bij de huidige trend wordt het doel in %(year)d gehaald.") % {"year": target.year},
        )
    # At the base year the path says nothing yet: every value is on it.
    on_path = (
        dict(trajectory).get(latest.period_start.year)
        if target.base_year is not None and latest.period_start.year > target.base_year
        else None
    )
    if on_path is not None and _meets(value, on_path, up):
        return result(
            Status.ON_TRACK,
            _("De laatste waarde (%(when)s) ligt op of voor het pad naar het doel.")
            % {"when": when},
        )
    if projected is None and on_path is None:
        return result(
            Status.UNKNOWN, _("Te weinig cijfers voor een trend en geen pad om aan te toetsen.")
        )
    return result(
        Status.OFF_TRACK,
        _("Bij de huidige trend wordt het doel in %(year)d niet gehaald.") % {"year": target.year},
    )
