"""Who took part in which body when, and what each member paid in a year."""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any

import rules
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId
from regioagenda.api.writing import References, audited, delete, payload_checks, require
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.regions.models import Municipality
from regioagenda.registry.api.routing import (
    CHECKED_FIELDS,
    body_path,
    links,
    municipality_path,
    router,
)
from regioagenda.registry.models import (
    MEMBER_ORDER,
    Contribution,
    JointBody,
    Participation,
)

# Participations ------------------------------------------------------------------------------


class ParticipationLinks(ApiSchema):
    self_: str = Field(alias="self")
    joint_body: str
    municipality: str | None


class ParticipationOut(ApiSchema):
    id: int
    region: str
    joint_body: str = Field(description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(
        description="CBS-code, als de deelnemer een gemeente van de regio is."
    )
    outside_name: str | None = Field(description="Naam van een deelnemer buiten de regio.")
    outside_code: str | None = Field(description="CBS-code van een deelnemer buiten de regio.")
    name: str = Field(description="Naam van de deelnemer.")
    started_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    ended_on: datetime.date | None = Field(
        description="Eerste dag níet meer deelnemer.", json_schema_extra={"format": "date"}
    )
    source_title: str
    source_url: str | None
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: ParticipationLinks

    @staticmethod
    def resolve_region(participation: Participation) -> str:
        return participation.body.region.slug

    @staticmethod
    def resolve_joint_body(participation: Participation) -> str:
        return participation.body.slug

    @staticmethod
    def resolve_municipality(participation: Participation) -> str | None:
        return participation.municipality.code if participation.municipality else None

    @staticmethod
    def resolve_outside_name(participation: Participation) -> str | None:
        return participation.outside_name or None

    @staticmethod
    def resolve_outside_code(participation: Participation) -> str | None:
        return participation.outside_code or None

    @staticmethod
    def resolve_name(participation: Participation) -> str:
        return participation.member_name

    @staticmethod
    def resolve_source_url(participation: Participation) -> str | None:
        return participation.source_url or None

    @staticmethod
    def resolve_links(participation: Participation) -> dict[str, str | None]:
        return links(
            self_=f"/participations/{participation.pk}",
            joint_body=body_path(participation.body),
            municipality=municipality_path(participation.municipality),
        )


class ParticipationFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    joint_body: str | None = Field(None, description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    active_on: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen deelnames die op deze dag liepen.",
        json_schema_extra={"format": "date"},
    )


class ParticipationIn(ApiSchema):
    region: str = Field(description="Code van de regio.")
    joint_body: str = Field(description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(
        None, description="CBS-code van een gemeente van de regio; leeg voor wie erbuiten ligt."
    )
    outside_name: str = Field("", description="Naam van een deelnemer buiten de regio.")
    outside_code: str = Field("", description="CBS-code van een deelnemer buiten de regio.")
    started_on: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    ended_on: IsoDate | None = Field(
        None, description="Eerste dag níet meer deelnemer.", json_schema_extra={"format": "date"}
    )
    source_title: str = ""
    source_url: str = ""


class ParticipationChange(ParticipationIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


def _participations() -> QuerySet[Participation]:
    return Participation.objects.select_related("body__region", "municipality").order_by(
        "body__region__slug", *MEMBER_ORDER, "pk"
    )


def _participation_values(data: ParticipationIn) -> dict[str, Any]:
    references = References()
    region = references.region(data.region)
    values = data.model_dump(
        include={
            "outside_name",
            "outside_code",
            "started_on",
            "ended_on",
            "source_title",
            "source_url",
        }
    )
    values["body"] = references.find(
        JointBody.objects.filter(region=region),
        "jointBody",
        data.joint_body,
        where=" in deze regio",
        slug=data.joint_body,
    )
    values["municipality"] = references.find(
        Municipality.objects.in_region(region),
        "municipality",
        data.municipality,
        where=" in deze regio",
        code=data.municipality,
    )
    references.check()
    return values


@router.get(
    "/participations",
    response=list[ParticipationOut],
    by_alias=True,
    operation_id="listParticipations",
    summary="Deelnames aan verbonden partijen",
)
@paginate(Pagination)
def list_participations(
    request: HttpRequest, filters: Query[ParticipationFilter]
) -> QuerySet[Participation]:
    participations = _participations()
    if filters.region:
        participations = participations.filter(body__region__slug=filters.region)
    if filters.joint_body:
        participations = participations.filter(body__slug=filters.joint_body)
    if filters.municipality:
        participations = participations.filter(municipality__code=filters.municipality.upper())
    if filters.active_on:
        participations = participations.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=filters.active_on),
            Q(ended_on__isnull=True) | Q(ended_on__gt=filters.active_on),
        )
    return participations


@router.get(
    "/participations/{id}",
    response=ParticipationOut,
    by_alias=True,
    operation_id="getParticipation",
    summary="Eén deelname",
)
def get_participation(request: HttpRequest, id: Path[ItemId]) -> Participation:
    return get_object_or_404(_participations(), pk=id)


@router.post(
    "/participations",
    response={201: ParticipationOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createParticipation",
    summary="Deelname toevoegen",
)
def post_participation(request: HttpRequest, data: ParticipationIn) -> Status[Participation]:
    participation = Participation(**_participation_values(data))
    require(rules.has_perm("registry.change_participation", request.user, participation))
    with (
        audited(request),
        payload_checks(Participation, fallback="started_on", checks=CHECKED_FIELDS),
    ):
        participation.full_clean()
        participation.save()
    return Status(201, get_object_or_404(_participations(), pk=participation.pk))


@router.put(
    "/participations/{id}",
    response=ParticipationOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateParticipation",
    summary="Deelname wijzigen (met versie)",
)
def put_participation(
    request: HttpRequest, id: Path[ItemId], data: ParticipationChange
) -> Participation:
    participation = get_object_or_404(_participations(), pk=id)
    require(rules.has_perm("registry.change_participation", request.user, participation))
    values = _participation_values(data)
    require(
        rules.has_perm(
            "registry.change_participation", request.user, Participation(pk=id, **values)
        )
    )
    with (
        audited(request),
        payload_checks(Participation, fallback="started_on", checks=CHECKED_FIELDS),
    ):
        save_with_version_check(participation, expected_version=data.version, changes=values)
    return get_object_or_404(_participations(), pk=id)


@router.delete(
    "/participations/{id}",
    response={204: None},
    auth=token_auth,
    operation_id="deleteParticipation",
    summary="Deelname verwijderen, met haar bijdragen",
)
def delete_participation(request: HttpRequest, id: Path[ItemId]) -> Status[None]:
    participation = get_object_or_404(_participations(), pk=id)
    require(rules.has_perm("registry.delete_participation", request.user, participation))
    delete(request, participation)
    return Status(204, None)


# Contributions -------------------------------------------------------------------------------


class ContributionLinks(ApiSchema):
    self_: str = Field(alias="self")
    participation: str
    joint_body: str
    municipality: str | None


class ContributionOut(ApiSchema):
    id: int
    region: str
    joint_body: str = Field(description="Korte naam van de verbonden partij.")
    participation: int = Field(description="Id van de deelname.")
    municipality: str | None = Field(description="CBS-code, als de deelnemer een gemeente is.")
    name: str = Field(description="Naam van de deelnemer.")
    year: int
    amount_eur: Decimal = Field(description="Bedrag in euro.")
    source_title: str
    source_url: str | None
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: ContributionLinks

    @staticmethod
    def resolve_region(contribution: Contribution) -> str:
        return contribution.participation.body.region.slug

    @staticmethod
    def resolve_joint_body(contribution: Contribution) -> str:
        return contribution.participation.body.slug

    @staticmethod
    def resolve_participation(contribution: Contribution) -> int:
        return contribution.participation_id

    @staticmethod
    def resolve_municipality(contribution: Contribution) -> str | None:
        municipality = contribution.participation.municipality
        return municipality.code if municipality else None

    @staticmethod
    def resolve_name(contribution: Contribution) -> str:
        return contribution.participation.member_name

    @staticmethod
    def resolve_source_url(contribution: Contribution) -> str | None:
        return contribution.source_url or None

    @staticmethod
    def resolve_links(contribution: Contribution) -> dict[str, str | None]:
        participation = contribution.participation
        return links(
            self_=f"/contributions/{contribution.pk}",
            participation=f"/participations/{participation.pk}",
            joint_body=body_path(participation.body),
            municipality=municipality_path(participation.municipality),
        )


class ContributionFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    joint_body: str | None = Field(None, description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    year: int | None = Field(None, ge=1900, le=9999, description="Alleen dit jaar.")


# An amount given as text has the form the schema states; pydantic alone would also read
# "1e3" or " 5 ", and refuse other texts the schema allowed.
AMOUNT_TEXT = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"


def _amount(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, str) and not re.fullmatch(AMOUNT_TEXT, value)):
        raise PydanticCustomError("decimal_parsing", "moet een bedrag zijn, zoals 1234.50")
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": AMOUNT_TEXT}]}),
]


class ContributionIn(ApiSchema):
    participation: ItemId = Field(description="Id van de deelname.")
    # Not up to 9999: the check against the participation's period reads the next year too.
    year: int = Field(ge=1900, le=2200)
    amount_eur: Amount = Field(description="Bedrag in euro.")
    source_title: str
    source_url: str = ""


class ContributionChange(ContributionIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


def _contributions() -> QuerySet[Contribution]:
    return Contribution.objects.select_related(
        "participation__body__region", "participation__municipality"
    ).order_by("participation__body__region__slug", "participation__body__slug", "year", "pk")


def _contribution_values(data: ContributionIn) -> dict[str, Any]:
    references = References()
    values = data.model_dump(include={"year", "amount_eur", "source_title", "source_url"})
    values["participation"] = references.find(
        Participation.objects.select_related("body", "municipality"),
        "participation",
        data.participation,
        pk=data.participation,
    )
    references.check()
    return values


@router.get(
    "/contributions",
    response=list[ContributionOut],
    by_alias=True,
    operation_id="listContributions",
    summary="Bijdragen van deelnemers aan verbonden partijen",
)
@paginate(Pagination)
def list_contributions(
    request: HttpRequest, filters: Query[ContributionFilter]
) -> QuerySet[Contribution]:
    contributions = _contributions()
    if filters.region:
        contributions = contributions.filter(participation__body__region__slug=filters.region)
    if filters.joint_body:
        contributions = contributions.filter(participation__body__slug=filters.joint_body)
    if filters.municipality:
        contributions = contributions.filter(
            participation__municipality__code=filters.municipality.upper()
        )
    if filters.year:
        contributions = contributions.filter(year=filters.year)
    return contributions


@router.get(
    "/contributions/{id}",
    response=ContributionOut,
    by_alias=True,
    operation_id="getContribution",
    summary="Eén bijdrage",
)
def get_contribution(request: HttpRequest, id: Path[ItemId]) -> Contribution:
    return get_object_or_404(_contributions(), pk=id)


@router.post(
    "/contributions",
    response={201: ContributionOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createContribution",
    summary="Bijdrage toevoegen",
)
def post_contribution(request: HttpRequest, data: ContributionIn) -> Status[Contribution]:
    contribution = Contribution(**_contribution_values(data))
    require(rules.has_perm("registry.change_contribution", request.user, contribution))
    with audited(request), payload_checks(Contribution, fallback="year", checks=CHECKED_FIELDS):
        contribution.full_clean()
        contribution.save()
    return Status(201, get_object_or_404(_contributions(), pk=contribution.pk))


@router.put(
    "/contributions/{id}",
    response=ContributionOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateContribution",
    summary="Bijdrage wijzigen (met versie)",
)
def put_contribution(
    request: HttpRequest, id: Path[ItemId], data: ContributionChange
) -> Contribution:
    contribution = get_object_or_404(_contributions(), pk=id)
    require(rules.has_perm("registry.change_contribution", request.user, contribution))
    values = _contribution_values(data)
    require(
        rules.has_perm("registry.change_contribution", request.user, Contribution(pk=id, **values))
    )
    with audited(request), payload_checks(Contribution, fallback="year", checks=CHECKED_FIELDS):
        save_with_version_check(contribution, expected_version=data.version, changes=values)
    return get_object_or_404(_contributions(), pk=id)


@router.delete(
    "/contributions/{id}",
    response={204: None},
    auth=token_auth,
    operation_id="deleteContribution",
    summary="Bijdrage verwijderen",
)
def delete_contribution(request: HttpRequest, id: Path[ItemId]) -> Status[None]:
    contribution = get_object_or_404(_contributions(), pk=id)
    require(rules.has_perm("registry.delete_contribution", request.user, contribution))
    delete(request, contribution)
    return Status(204, None)
