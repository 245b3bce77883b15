"""Joint bodies: read with their members, contributions and sources; kept by the coordinator."""

import datetime
from decimal import Decimal
from typing import Any

import rules
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Status
from ninja.pagination import paginate

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, Text, text
from regioagenda.api.writing import References, audited, delete, payload_checks, require
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.api.routing import (
    CHECKED_FIELDS,
    router,
)
from regioagenda.registry.models import (
    MEMBER_ORDER,
    Contribution,
    JointBody,
    LegalForm,
    Participation,
)
from regioagenda.vision.models import Theme


class JointBodySourceOut(ApiSchema):
    fact: str = Field(description="Het feit waarvoor dit de bron is, zoals members of tasks.")
    title: str
    url: str | None
    section: str | None = Field(description="Paragraaf van het brondocument, als die de bron is.")


class JointBodyContributionOut(ApiSchema):
    year: int
    amount_eur: Decimal = Field(description="Bedrag in euro.")
    source_title: str
    source_url: str | None


class JointBodyParticipationOut(ApiSchema):
    id: int
    municipality: str | None = Field(description="CBS-code, als de deelnemer een gemeente is.")
    name: str = Field(description="Naam van de deelnemer.")
    in_region: bool
    started_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    ended_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    source_title: str
    source_url: str | None
    contributions: list[JointBodyContributionOut]


class JointBodyOut(ApiSchema):
    slug: str
    region: str
    name: str
    abbreviations: list[str]
    legal_form: str | None
    summary: Text
    tasks: str
    powers: str
    lead_municipality: str | None = Field(description="CBS-code van de trekker.")
    lead_note: str
    started_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    ended_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    successor_note: str
    website: str | None
    themes: list[str]
    sources: list[JointBodySourceOut]
    participations: list[JointBodyParticipationOut]
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")


def _participation(participation: Participation) -> dict[str, Any]:
    municipality = participation.municipality
    return {
        "id": participation.pk,
        "municipality": municipality.code if municipality else participation.outside_code or None,
        "name": participation.member_name,
        "in_region": municipality is not None,
        "started_on": participation.started_on,
        "ended_on": participation.ended_on,
        "source_title": participation.source_title,
        "source_url": participation.source_url or None,
        "contributions": [
            {
                "year": c.year,
                "amount_eur": c.amount_eur,
                "source_title": c.source_title,
                "source_url": c.source_url or None,
            }
            for c in participation.contributions.all()
        ],
    }


def _body(body: JointBody) -> dict[str, Any]:
    return {
        "slug": body.slug,
        "region": body.region.slug,
        "name": body.name,
        "abbreviations": [a.strip() for a in body.abbreviations.split(",") if a.strip()],
        "legal_form": body.legal_form or None,
        "summary": text(body, "summary"),
        "tasks": body.tasks,
        "powers": body.powers,
        "lead_municipality": body.lead_municipality.code if body.lead_municipality else None,
        "lead_note": body.lead_note,
        "started_on": body.started_on,
        "ended_on": body.ended_on,
        "successor_note": body.successor_note,
        "website": body.website or None,
        "themes": [theme.slug for theme in body.themes.all()],
        "sources": [
            {
                "fact": s.fact,
                "title": s.title,
                "url": s.url or None,
                "section": s.section or None,
            }
            for s in body.sources.all()
        ],
        "participations": [_participation(p) for p in body.participations.all()],
        "version": body.version,
    }


def _bodies(region: str) -> QuerySet[JointBody]:
    return (
        JointBody.objects.filter(region__slug=region)
        .select_related("region", "lead_municipality")
        .prefetch_related(
            "themes",
            "sources",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("municipality")
                .prefetch_related(
                    Prefetch("contributions", queryset=Contribution.objects.order_by("year"))
                )
                .order_by(*MEMBER_ORDER),
            ),
        )
        .order_by("slug")
    )


@router.get(
    "/regions/{region}/joint-bodies",
    response=list[JointBodyOut],
    by_alias=True,
    operation_id="listJointBodies",
    summary="Verbonden partijen",
)
@paginate(Pagination)
def list_joint_bodies(request: HttpRequest, region: str) -> list[dict[str, Any]]:
    return [_body(b) for b in _bodies(region)]


@router.get(
    "/regions/{region}/joint-bodies/{slug}",
    response=JointBodyOut,
    by_alias=True,
    operation_id="getJointBody",
    summary="Eén verbonden partij met deelnemers en bijdragen",
)
def get_joint_body(request: HttpRequest, region: str, slug: str) -> dict[str, Any]:
    return _body(get_object_or_404(_bodies(region), slug=slug))


# Writing joint bodies ------------------------------------------------------------------------

JOINT_BODY_FIELDS = [
    "slug",
    "name",
    "abbreviations",
    "legal_form",
    "summary",
    "summary_en",
    "tasks",
    "powers",
    "lead_municipality",
    "lead_note",
    "started_on",
    "ended_on",
    "successor_note",
    "website",
]


class JointBodyIn(ApiSchema):
    slug: str = Field(description="Korte naam, uniek in de regio; komt in het webadres.")
    name: str
    abbreviations: list[str] = []
    legal_form: LegalForm | None = None
    summary: str = ""
    summary_en: str = ""
    tasks: str = ""
    powers: str = ""
    lead_municipality: str | None = Field(None, description="CBS-code van de trekker.")
    lead_note: str = ""
    started_on: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    ended_on: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    successor_note: str = ""
    website: str = ""
    themes: list[str] = Field([], description="Korte namen van de thema's.")


class JointBodyChange(JointBodyIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


def _joint_body_values(region: Region, data: JointBodyIn) -> tuple[dict[str, Any], list[Theme]]:
    references = References()
    lead = references.find(
        Municipality.objects.in_region(region),
        "leadMunicipality",
        data.lead_municipality,
        where=" in deze regio",
        code=data.lead_municipality,
    )
    themes = references.find_all(Theme.objects.filter(region=region), "themes", "slug", data.themes)
    references.check()
    values = data.model_dump(include=set(JOINT_BODY_FIELDS) - {"lead_municipality"})
    values["abbreviations"] = ", ".join(a.strip() for a in data.abbreviations if a.strip())
    values["legal_form"] = data.legal_form or ""
    values["lead_municipality"] = lead
    return values, themes


@router.post(
    "/regions/{region}/joint-bodies",
    response={201: JointBodyOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createJointBody",
    summary="Verbonden partij toevoegen",
)
def post_joint_body(request: HttpRequest, region: str, data: JointBodyIn) -> Status[dict[str, Any]]:
    found = get_object_or_404(Region, slug=region)
    body = JointBody(region=found)
    require(rules.test_rule("registry.change_joint_body", request.user, body))
    values, themes = _joint_body_values(found, data)
    for name, value in values.items():
        setattr(body, name, value)
    with audited(request), payload_checks(JointBody, checks=CHECKED_FIELDS):
        body.full_clean()
        body.save()
        body.themes.set(themes)
    return Status(201, _body(get_object_or_404(_bodies(region), pk=body.pk)))


@router.put(
    "/regions/{region}/joint-bodies/{slug}",
    response=JointBodyOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateJointBody",
    summary="Verbonden partij wijzigen (met versie)",
)
def put_joint_body(
    request: HttpRequest, region: str, slug: str, data: JointBodyChange
) -> dict[str, Any]:
    body = get_object_or_404(JointBody, region__slug=region, slug=slug)
    require(rules.test_rule("registry.change_joint_body", request.user, body))
    values, themes = _joint_body_values(body.region, data)
    with audited(request), payload_checks(JointBody, checks=CHECKED_FIELDS):
        save_with_version_check(body, expected_version=data.version, changes=values)
        body.themes.set(themes)
    return _body(get_object_or_404(_bodies(region), pk=body.pk))


@router.delete(
    "/regions/{region}/joint-bodies/{slug}",
    response={204: None},
    auth=token_auth,
    operation_id="deleteJointBody",
    summary="Verbonden partij verwijderen, met deelnames, bijdragen en begrotingen",
)
def delete_joint_body(request: HttpRequest, region: str, slug: str) -> Status[None]:
    body = get_object_or_404(JointBody, region__slug=region, slug=slug)
    require(rules.test_rule("registry.change_joint_body", request.user, body))
    delete(request, body)
    return Status(204, None)
