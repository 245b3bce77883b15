"""Targets: what the region and its municipalities aim for, with where each one stands."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, ItemId, Text, text
from regioagenda.monitor.api.routing import (
    TrajectoryCode,
    figure,
    indicator_path,
    links,
    router,
)
from regioagenda.monitor.models import Indicator, Target
from regioagenda.monitor.series import RegionFigures, target_status

StatusCode = Annotated[
    Literal["gehaald", "op-koers", "niet-op-koers", "onbekend"],
    WithJsonSchema(
        {"type": "string", "enum": ["gehaald", "op-koers", "niet-op-koers", "onbekend"]}
    ),
]
Scope = Annotated[
    Literal["regio", "gemeente"], WithJsonSchema({"type": "string", "enum": ["regio", "gemeente"]})
]


class TargetStatusOut(ApiSchema):
    status: StatusCode = Field(description="gehaald, op-koers, niet-op-koers of onbekend.")
    label: str = Field(description="De status in woorden.")
    latest_period: str | None = Field(description="De periode van het laatste cijfer.")
    latest_value: Decimal | None = Field(description="Het laatste cijfer.")
    projected_value: Decimal | None = Field(
        description="De waarde in het doeljaar bij de huidige trend; leeg zonder trend."
    )
    method: str = Field(description="Hoe de trend berekend is.")
    explanation: str = Field(description="Waarom het doel deze status heeft.")


class TargetSourceOut(ApiSchema):
    title: str = Field(description="Naam van de bron van het doel.")
    section: str | None = Field(description="Paragraaf in de bron.")
    url: str | None = Field(description="Adres van de bron.")


class TargetLinks(ApiSchema):
    self_: str = Field(alias="self")
    indicator: str
    municipality: str | None


class TargetOut(ApiSchema):
    id: int
    indicator: str = Field(description="Korte naam van de indicator.")
    municipality: str | None = Field(
        description="CBS-code van de gemeente van het doel; leeg: een doel van de hele regio."
    )
    year: int = Field(description="Het doeljaar.")
    value: Decimal = Field(description="De doelwaarde.")
    base_year: int | None = Field(description="Het basisjaar.")
    base_value: Decimal | None = Field(
        description="De waarde in het basisjaar; leeg: het cijfer van dat jaar telt."
    )
    trajectory: TrajectoryCode = Field(
        description="Het pad naar het doel: lineair (rechte lijn van het basisjaar naar het doel) "
        "of procentueel (via de tussendoelen)."
    )
    milestones: dict[str, float] = Field(
        description="Bij een procentueel pad: per jaar de verandering in procenten ten opzichte "
        "van het basisjaar."
    )
    description: Text
    source: TargetSourceOut
    version: int = Field(description="Versie van het doel.")
    status: TargetStatusOut = Field(
        description="Waar de regio (of de gemeente) staat ten opzichte van het doel, berekend "
        "uit de huidige cijfers."
    )
    links: TargetLinks

    @staticmethod
    def resolve_indicator(target: Target) -> str:
        return target.indicator.slug

    @staticmethod
    def resolve_municipality(target: Target) -> str | None:
        return target.municipality.code if target.municipality else None

    @staticmethod
    def resolve_value(target: Target) -> Decimal | None:
        return figure(target.value)

    @staticmethod
    def resolve_base_value(target: Target) -> Decimal | None:
        return figure(target.base_value)

    @staticmethod
    def resolve_milestones(target: Target) -> dict[str, float]:
        milestones = target.milestones if isinstance(target.milestones, dict) else {}
        return {
            str(year): float(change)
            for year, change in milestones.items()
            if isinstance(change, (int, float)) and not isinstance(change, bool)
        }

    @staticmethod
    def resolve_description(target: Target) -> Text:
        return text(target, "description")

    @staticmethod
    def resolve_source(target: Target) -> TargetSourceOut:
        return TargetSourceOut(
            title=target.source_title,
            section=target.source_section or None,
            url=target.source_url or None,
        )

    @staticmethod
    def resolve_status(target: Target, context: Any) -> TargetStatusOut:
        region = target.indicator.region
        # One read of the region's figures per request, however many targets the page lists.
        read = context["request"].__dict__.setdefault("_region_figures", {})
        if region.pk not in read:
            read[region.pk] = RegionFigures.read(region, Indicator.objects.filter(region=region))
        status = target_status(target, region, figures=read[region.pk])
        latest = status.latest
        return TargetStatusOut(
            status=status.status,  # type: ignore[arg-type]  # one of the four codes of series.Status
            label=status.label,
            latest_period=latest.period_label if latest is not None else None,
            latest_value=figure(latest.value) if latest is not None else None,
            projected_value=figure(status.projected_value),
            method=status.method,
            explanation=status.explanation,
        )

    @staticmethod
    def resolve_links(target: Target) -> dict[str, str | None]:
        municipality = target.municipality
        return links(
            self_=f"/regions/{target.indicator.region.slug}/targets/{target.pk}",
            indicator=indicator_path(target.indicator),
            municipality=f"/municipalities/{municipality.code}" if municipality else None,
        )


class TargetFilter(ApiSchema):
    indicator: str | None = Field(None, description="Korte naam van de indicator.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    scope: Scope | None = Field(
        None,
        description="regio: alleen doelen van de hele regio; gemeente: alleen die van gemeenten.",
    )


def targets() -> QuerySet[Target]:
    return Target.objects.select_related(
        "indicator__region",
        "indicator__weight",
        "indicator__numerator",
        "indicator__denominator",
        "municipality",
    ).order_by(
        "indicator__position",
        "indicator__name",
        "indicator_id",
        # The region's own targets first, on every database.
        F("municipality__code").asc(nulls_first=True),
        "year",
        "pk",
    )


@router.get(
    "/regions/{region}/targets",
    response=list[TargetOut],
    by_alias=True,
    operation_id="listTargets",
    summary="Doelen van de regio en haar gemeenten, met hun status",
)
@paginate(Pagination)
def list_targets(
    request: HttpRequest, region: str, filters: Query[TargetFilter]
) -> QuerySet[Target]:
    found = targets().filter(indicator__region__slug=region)
    if filters.indicator:
        found = found.filter(indicator__slug=filters.indicator)
    if filters.municipality:
        found = found.filter(municipality__code=filters.municipality.upper())
    if filters.scope == "regio":
        found = found.filter(municipality__isnull=True)
    elif filters.scope == "gemeente":
        found = found.filter(municipality__isnull=False)
    return found


@router.get(
    "/regions/{region}/targets/{id}",
    response=TargetOut,
    by_alias=True,
    operation_id="getTarget",
    summary="Eén doel, met zijn status",
)
def get_target(request: HttpRequest, region: str, id: Path[ItemId]) -> Target:
    return get_object_or_404(targets(), indicator__region__slug=region, pk=id)
