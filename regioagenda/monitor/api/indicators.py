"""Indicators: what the region's ambitions are measured on, and the region's series of each."""

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query
from ninja.pagination import paginate

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.monitor.api.routing import (
    AggregationCode,
    DirectionCode,
    figure,
    indicator_path,
    links,
    region_or_404,
    router,
)
from regioagenda.monitor.figures import headline_series
from regioagenda.monitor.models import Aggregation, Indicator
from regioagenda.monitor.series import RegionalValue


class RuleOut(ApiSchema):
    aggregation: AggregationCode = Field(
        description="Hoe de waarde van de regio uit die van de gemeenten volgt: som, "
        "gewogen-gemiddelde, verhouding-van-sommen, of geen (geen regionale waarde; dan telt "
        "het cijfer van het ene gebied zonder CBS-code, zoals het Bio Science Park)."
    )
    weight: str | None = Field(
        description="Bij een gewogen gemiddelde: korte naam van de indicator waarnaar gewogen "
        "wordt."
    )
    numerator: str | None = Field(
        description="Bij een verhouding van sommen: korte naam van de indicator van de teller."
    )
    denominator: str | None = Field(
        description="Bij een verhouding van sommen: korte naam van de indicator van de noemer."
    )


def rule_of(indicator: Indicator) -> RuleOut:
    def slug(other: Indicator | None) -> str | None:
        return other.slug if other is not None else None

    return RuleOut(
        aggregation=Aggregation(indicator.aggregation),
        weight=slug(indicator.weight),
        numerator=slug(indicator.numerator),
        denominator=slug(indicator.denominator),
    )


class IndicatorSourceOut(ApiSchema):
    title: str | None = Field(description="Naam van de bron.")
    table: str | None = Field(description="Tabel in de bron, zoals 03759ned.")
    measure: str | None = Field(description="Meetcode in de tabel, zoals M000352.")
    url: str | None = Field(description="Adres van de bron.")


class IndicatorLinks(ApiSchema):
    self_: str = Field(alias="self")
    observations: str
    regional_series: str
    targets: str
    page: str = Field(description="De pagina van de indicator op de website.")


class IndicatorOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    region: str
    name: Text
    definition: Text
    ambition: Text = Field(description="De ambitie van de visie die deze indicator meet.")
    ambition_section: str | None = Field(description="Waar in de visie de ambitie staat.")
    unit: Text
    decimals: int = Field(description="Met hoeveel decimalen de cijfers getoond worden.")
    direction: DirectionCode = Field(description="Of hoger of lager beter is.")
    rule: RuleOut = Field(description="Hoe de waarde van de regio berekend wordt.")
    source: IndicatorSourceOut
    no_data_note: str | None = Field(
        description="Waarom er (nog) geen cijfers zijn, bij een ambitie zonder open data."
    )
    themes: list[str] = Field(description="Korte namen van de thema's.")
    topics: list[str] = Field(description="Korte namen van de onderwerpen.")
    position: int = Field(description="Volgorde.")
    links: IndicatorLinks

    @staticmethod
    def resolve_region(indicator: Indicator) -> str:
        return indicator.region.slug

    @staticmethod
    def resolve_name(indicator: Indicator) -> Text:
        return text(indicator, "name")

    @staticmethod
    def resolve_definition(indicator: Indicator) -> Text:
        return text(indicator, "definition")

    @staticmethod
    def resolve_ambition(indicator: Indicator) -> Text:
        return text(indicator, "ambition")

    @staticmethod
    def resolve_ambition_section(indicator: Indicator) -> str | None:
        return indicator.ambition_section or None

    @staticmethod
    def resolve_unit(indicator: Indicator) -> Text:
        return text(indicator, "unit")

    @staticmethod
    def resolve_rule(indicator: Indicator) -> RuleOut:
        return rule_of(indicator)

    @staticmethod
    def resolve_source(indicator: Indicator) -> IndicatorSourceOut:
        return IndicatorSourceOut(
            title=indicator.source_title or None,
            table=indicator.source_table or None,
            measure=indicator.source_measure or None,
            url=indicator.source_url or None,
        )

    @staticmethod
    def resolve_no_data_note(indicator: Indicator) -> str | None:
        return indicator.no_data_note or None

    @staticmethod
    def resolve_themes(indicator: Indicator) -> list[str]:
        return sorted(theme.slug for theme in indicator.themes.all())

    @staticmethod
    def resolve_topics(indicator: Indicator) -> list[str]:
        return sorted(topic.slug for topic in indicator.topics.all())

    @staticmethod
    def resolve_links(indicator: Indicator) -> dict[str, str | None]:
        path = indicator_path(indicator)
        region = indicator.region.slug
        return {
            **links(
                self_=path,
                observations=f"/regions/{region}/observations?indicator={indicator.slug}",
                regional_series=f"{path}/regional-series",
                targets=f"/regions/{region}/targets?indicator={indicator.slug}",
            ),
            "page": indicator.get_absolute_url(),
        }


class IndicatorFilter(ApiSchema):
    theme: str | None = Field(None, description="Alleen indicatoren bij dit thema (korte naam).")
    topic: str | None = Field(
        None, description="Alleen indicatoren bij dit onderwerp (korte naam)."
    )


def indicators() -> QuerySet[Indicator]:
    return (
        Indicator.objects.select_related("region", "weight", "numerator", "denominator")
        .prefetch_related("themes", "topics")
        .order_by("position", "name", "pk")
    )


@router.get(
    "/regions/{region}/indicators",
    response=list[IndicatorOut],
    by_alias=True,
    operation_id="listIndicators",
    summary="Indicatoren van de monitor van een regio",
)
@paginate(Pagination)
def list_indicators(
    request: HttpRequest, region: str, filters: Query[IndicatorFilter]
) -> QuerySet[Indicator]:
    found = indicators().filter(region__slug=region)
    if filters.theme:
        found = found.filter(themes__slug=filters.theme)
    if filters.topic:
        found = found.filter(topics__slug=filters.topic)
    return found.distinct()


@router.get(
    "/regions/{region}/indicators/{slug}",
    response=IndicatorOut,
    by_alias=True,
    operation_id="getIndicator",
    summary="Eén indicator",
)
def get_indicator(request: HttpRequest, region: str, slug: str) -> Indicator:
    return get_object_or_404(indicators(), region__slug=region, slug=slug)


# The region's series ---------------------------------------------------------------------------


class RegionalValueOut(ApiSchema):
    period_start: datetime.date = Field(json_schema_extra={"format": "date"})
    period_end: datetime.date = Field(
        description="Gelijk aan het begin bij een peildatum.", json_schema_extra={"format": "date"}
    )
    period_label: str = Field(description="De periode zoals de bron haar noemt.")
    value: Decimal | None = Field(
        description="De waarde van de regio; leeg als die niet te berekenen is."
    )
    complete: bool = Field(description="Of alle gemeenten (en hun gewichten) meetellen.")
    missing: list[str] = Field(description="Namen van de gemeenten zonder cijfer.")
    explanation: str = Field(description="Hoe de waarde berekend is, of waarom niet.")


class RegionalSeriesLinks(ApiSchema):
    self_: str = Field(alias="self")
    indicator: str
    observations: str


class RegionalSeriesOut(ApiSchema):
    indicator: str = Field(description="Korte naam van de indicator.")
    region: str
    unit: Text
    rule: RuleOut = Field(description="Hoe de waarden berekend zijn.")
    values: list[RegionalValueOut] = Field(
        description="Per periode, oudste eerst: de waarde van de regio, berekend uit de huidige "
        "cijfers van de gemeenten (de hoogste herziening). Een periode waarin een gemeente "
        "ontbreekt heeft geen waarde en noemt wie ontbreekt. Bij regel 'geen': de cijfers van "
        "het ene gebied zonder CBS-code; leeg als er zo'n gebied niet precies één is."
    )
    links: RegionalSeriesLinks


def _value_out(value: RegionalValue) -> RegionalValueOut:
    return RegionalValueOut(
        period_start=value.period_start,
        period_end=value.period_end,
        period_label=value.period_label,
        value=figure(value.value),
        complete=value.complete,
        missing=value.missing,
        explanation=value.explanation,
    )


@router.get(
    "/regions/{region}/indicators/{slug}/regional-series",
    response=RegionalSeriesOut,
    by_alias=True,
    operation_id="getRegionalSeries",
    summary="De reeks van de regio: per periode de berekende waarde, met hoe en wie ontbreekt",
)
def get_regional_series(request: HttpRequest, region: str, slug: str) -> RegionalSeriesOut:
    found = region_or_404(region)
    indicator = get_object_or_404(indicators(), region=found, slug=slug)
    path = indicator_path(indicator)
    return RegionalSeriesOut(
        indicator=indicator.slug,
        region=found.slug,
        unit=text(indicator, "unit"),
        rule=rule_of(indicator),
        values=[_value_out(value) for value in headline_series(indicator, found)],
        links=RegionalSeriesLinks.model_validate(
            links(
                self_=f"{path}/regional-series",
                indicator=path,
                observations=f"/regions/{found.slug}/observations?indicator={indicator.slug}",
            )
        ),
    )
