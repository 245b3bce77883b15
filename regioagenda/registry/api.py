"""The register of joint bodies in the API: each body with its members over time, their yearly
contributions and the source of every fact."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router
from ninja.pagination import paginate

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.registry.models import MEMBER_ORDER, Contribution, JointBody, Participation

router = Router(tags=["Verbonden partijen"])


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


def _participation(participation: Participation) -> dict[str, Any]:
    municipality = participation.municipality
    return {
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
