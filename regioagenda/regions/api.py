"""Read endpoints for regions and municipalities."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router
from ninja.pagination import paginate

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.regions.models import Municipality, Region

router = Router(tags=["Regio's en gemeenten"])


class SourceOut(ApiSchema):
    title: str
    publisher: str
    url: str | None


class AmbitionOut(ApiSchema):
    title: Text
    summary: Text
    source_section: str


class RegionOut(ApiSchema):
    slug: str = Field(description="Vaste code van de regio, zoals leidse-regio.")
    name: Text
    summary: Text
    ambition: AmbitionOut
    source: SourceOut
    municipalities: list[str] = Field(description="CBS-codes van de gemeenten.")

    @staticmethod
    def resolve_name(region: Region) -> Text:
        return text(region, "name")

    @staticmethod
    def resolve_summary(region: Region) -> Text:
        return text(region, "summary")

    @staticmethod
    def resolve_ambition(region: Region) -> AmbitionOut:
        return AmbitionOut(
            title=text(region, "ambition_title"),
            summary=text(region, "ambition"),
            source_section=region.ambition_section,
        )

    @staticmethod
    def resolve_source(region: Region) -> SourceOut:
        return SourceOut(
            title=region.source_title,
            publisher=region.source_publisher,
            url=region.source_url or None,
        )

    @staticmethod
    def resolve_municipalities(region: Region) -> list[str]:
        return [m.code for m in region.municipalities.all()]


class PopulationOut(ApiSchema):
    value: int = Field(description="Aantal inwoners.")
    # The format stands beside the anyOf as well, where the NL API linter looks for it.
    reference_date: datetime.date | None = Field(
        description="Peildatum.", json_schema_extra={"format": "date"}
    )
    source: str
    source_url: str | None


class MunicipalityOut(ApiSchema):
    code: str = Field(description="CBS-gemeentecode, zoals GM0546.")
    name: str
    slug: str
    region: str = Field(description="Code van de regio.")
    tooi_uri: str = Field(description="Identificatie in TOOI, het register van overheden.")
    population: PopulationOut | None
    summary: Text
    website: str | None

    @staticmethod
    def resolve_region(municipality: Municipality) -> str:
        return municipality.region.slug

    @staticmethod
    def resolve_population(municipality: Municipality) -> PopulationOut | None:
        if municipality.population is None:
            return None
        return PopulationOut(
            value=municipality.population,
            reference_date=municipality.population_date,
            source=municipality.population_source,
            source_url=municipality.population_source_url or None,
        )

    @staticmethod
    def resolve_summary(municipality: Municipality) -> Text:
        return text(municipality, "summary")

    @staticmethod
    def resolve_website(municipality: Municipality) -> str | None:
        return municipality.website or None


class MunicipalityFilter(ApiSchema):
    region: str | None = Field(None, description="Alleen gemeenten van deze regio (code).")


@router.get(
    "/regions",
    response=list[RegionOut],
    by_alias=True,
    operation_id="listRegions",
    summary="Regio's",
)
@paginate(Pagination)
def list_regions(request: HttpRequest) -> QuerySet[Region]:
    return Region.objects.prefetch_related("municipalities").order_by("slug")


@router.get(
    "/regions/{region}",
    response=RegionOut,
    by_alias=True,
    operation_id="getRegion",
    summary="Eén regio",
)
def get_region(request: HttpRequest, region: str) -> Region:
    return get_object_or_404(Region.objects.prefetch_related("municipalities"), slug=region)


@router.get(
    "/municipalities",
    response=list[MunicipalityOut],
    by_alias=True,
    operation_id="listMunicipalities",
    summary="Gemeenten",
)
@paginate(Pagination)
def list_municipalities(
    request: HttpRequest, filters: Query[MunicipalityFilter]
) -> QuerySet[Municipality]:
    municipalities = Municipality.objects.select_related("region").order_by("code")
    if filters.region:
        municipalities = municipalities.filter(region__slug=filters.region)
    return municipalities


@router.get(
    "/municipalities/{code}",
    response=MunicipalityOut,
    by_alias=True,
    operation_id="getMunicipality",
    summary="Eén gemeente",
)
def get_municipality(request: HttpRequest, code: str) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("region"), code=code.upper())
