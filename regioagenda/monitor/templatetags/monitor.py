"""Template tags of the monitor.

- `{{ value|figure:indicator }}`: a figure with the indicator's decimals, the way the language
  writes numbers (1.234,5 in Dutch).
- `{% indicators_for theme %}` (or a topic): the indicators of a theme or topic, each with its
  latest value and the status of its target.
- `{% figures_for municipality %}`: the municipality's latest figures beside the region's value
  for the same period.

Both read the figures of all their indicators at once (`RegionFigures`), so that a page costs the
same number of queries however many indicators it shows.
"""

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Prefetch
from django.utils.formats import number_format

from regioagenda.monitor.figures import headline_series, tile_for
from regioagenda.monitor.models import Indicator, Target
from regioagenda.monitor.series import RegionFigures, TargetStatus
from regioagenda.regions.models import Municipality

register = template.Library()


@register.filter
def figure(value: Decimal | float | None, indicator: Indicator | None = None) -> str:
    if value is None:
        return ""
    decimals = indicator.decimals if indicator is not None else 0
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _indicators() -> Any:
    return Indicator.objects.select_related("weight", "numerator", "denominator").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("year"))
    )


@register.inclusion_tag("monitor/includes/indicator_list.html")
def indicators_for(item: Any) -> dict[str, Any]:
    """The indicators of a theme or a topic (anything with an `indicators` relation)."""
    indicators = list(
        _indicators().filter(pk__in=item.indicators.values("pk")).order_by("position")
    )
    region = item.region if hasattr(item, "region") else item.theme.region
    figures = RegionFigures.read(region, indicators)
    return {
        "tiles": [tile_for(indicator, region, figures=figures) for indicator in indicators],
        "item": item,
    }


@register.inclusion_tag("monitor/includes/municipality_figures.html")
def figures_for(municipality: Municipality) -> dict[str, Any]:
    """Per indicator with figures for the municipality: its latest figure and the region's."""
    region = municipality.region
    indicators = list(
        Indicator.objects.filter(region=region, no_data_note="")
        .select_related("weight", "numerator", "denominator")
        .order_by("position")
    )
    figures = RegionFigures.read(region, indicators)
    rows = []
    for indicator in indicators:
        own_figures = figures.of_municipality(indicator, municipality.pk)
        if not own_figures:
            continue
        own = own_figures[-1]
        regional = next(
            (
                value
                for value in headline_series(indicator, region, figures=figures)
                if (value.period_start, value.period_end) == (own.period_start, own.period_end)
            ),
            None,
        )
        rows.append({"indicator": indicator, "own": own, "regional": regional})
    return {"rows": rows, "municipality": municipality}


@register.filter
def path_rows(status: TargetStatus) -> list[tuple[int, Decimal | None, Decimal | None]]:
    """A target's path and projection side by side, year by year, for the table under the chart."""
    path = dict(status.trajectory)
    projection = dict(status.projection)
    return [(year, path.get(year), projection.get(year)) for year in sorted({*path, *projection})]
