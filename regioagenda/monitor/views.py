"""Public pages of the monitor: the dashboard of the ambitions, an indicator's page, and the
downloads of exactly the figures that page shows."""

import json
from collections import defaultdict

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from regioagenda.audit.records import record
from regioagenda.monitor import charts, downloads
from regioagenda.monitor.figures import IndicatorFigures, figures_of, tile_for
from regioagenda.monitor.models import Aggregation, Indicator, Target
from regioagenda.monitor.series import RegionFigures
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Region
from regioagenda.vision.models import Theme


def dashboard(request: HttpRequest) -> HttpResponse:
    region = current_region()
    indicators = list(
        Indicator.objects.filter(region=region, on_dashboard=True)
        .select_related("weight", "numerator", "denominator")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position")),
            Prefetch("targets", queryset=Target.objects.order_by("year")),
        )
        .order_by("position", "name")
    )
    # All the figures of all the tiles in one query, whatever the number of indicators.
    figures = RegionFigures.read(region, indicators)
    groups: dict[Theme | None, list] = defaultdict(list)
    for indicator in indicators:
        # An indicator of several themes is shown once, under its first.
        theme = next(iter(indicator.themes.all()), None)
        groups[theme].append(tile_for(indicator, region, figures=figures))
    themes = sorted(groups, key=lambda theme: (theme is None, theme.position if theme else 0))
    return render(
        request,
        "monitor/dashboard.html",
        {"groups": [(theme, groups[theme]) for theme in themes]},
    )


def _indicator(region: Region, slug: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.filter(region=region)
        .select_related("weight", "numerator", "denominator")
        .prefetch_related("themes", "topics"),
        slug=slug,
    )


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    indicator = _indicator(region, slug)
    figures = figures_of(indicator, region)
    specs = _specs(indicator, region, figures)
    return render(
        request,
        "monitor/indicator_detail.html",
        {
            "indicator": indicator,
            "figures": figures,
            "specs": specs,
            "downloads": [
                (fmt, reverse("monitor:download", kwargs={"slug": slug, "format": fmt}))
                for fmt in downloads.FORMATS
            ],
        },
    )


def _specs(indicator: Indicator, region: Region, figures: IndicatorFigures) -> dict[str, dict]:
    specs: dict[str, dict] = {}
    if indicator.no_data_note:
        return specs
    # A chart of only incomplete periods would be an empty frame: the table says it all then.
    if any(v.value is not None for v in figures.headline) or any(
        status.trajectory for status in figures.statuses
    ):
        label = (
            figures.areas[0].area if figures.areas and not figures.has_municipal_figures else None
        )
        specs["regio"] = charts.regional_chart(
            indicator, figures.headline, figures.statuses, series_label=label
        )
    if figures.has_municipal_figures:
        specs["gemeenten"] = charts.municipal_chart(indicator, figures.municipal)
        comparison = charts.Comparison(figures.comparison_period, figures.comparison)
        specs["vergelijking"] = charts.comparison_chart(indicator, comparison)
        boundaries = charts.boundaries_of(region)
        if boundaries is not None:
            specs["kaart"] = charts.map_chart(indicator, comparison, boundaries)
    return specs


def download(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    if format not in downloads.FORMATS:
        raise Http404(_("Dit bestandsformaat bestaat niet."))
    region = current_region()
    indicator = _indicator(region, slug)
    figures = figures_of(indicator, region)
    # Without a regional rule the headline is the named area's own figures, listed once.
    regional = figures.headline if indicator.aggregation != Aggregation.NONE else []
    rows = downloads.indicator_rows(
        indicator, region, figures.municipal, regional, areas=figures.areas
    )
    content_type, write = downloads.FORMATS[format]
    response = HttpResponse(write(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{indicator.slug}.{format}"'
    if request.user.is_authenticated:  # as agenda.views.export: staff exports only
        record("export", request=request, obj=indicator, detail={"format": format})
    if format == "csv":
        metadata = reverse("monitor:metadata", kwargs={"slug": slug})
        # CSVW: a link header points from the CSV to its description.
        response["Link"] = f'<{metadata}>; rel="describedby"; type="application/csvm+json"'
    return response


def metadata(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    indicator = _indicator(region, slug)
    description = downloads.csvw_metadata(
        indicator,
        csv_url=request.build_absolute_uri(
            reverse("monitor:download", kwargs={"slug": slug, "format": "csv"})
        ),
        page_url=request.build_absolute_uri(indicator.get_absolute_url()),
    )
    return HttpResponse(
        json.dumps(description, ensure_ascii=False, indent=2),
        content_type="application/csvm+json; charset=utf-8",
    )
