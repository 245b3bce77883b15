"""Regional dossiers in the API: each council's decision and where they diverged; an editor's
token records its own council's or college's decision through the same function as the form."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Status
from ninja.pagination import paginate

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, Text, text
from regioagenda.dossiers.decisions import record_decision
from regioagenda.dossiers.divergence import divergence
from regioagenda.dossiers.models import CouncilDecision, DecisionBody, Dossier
from regioagenda.regions.models import Municipality

router = Router(tags=["Regionale dossiers"])


class DocumentOut(ApiSchema):
    kind: str
    title: str
    result: str
    url: str | None


class DecisionOut(ApiSchema):
    municipality: str = Field(description="CBS-code.")
    body: str = Field(description="raad of college.")
    proposal_title: str
    proposal_number: str
    proposal_url: str | None
    meeting_date: datetime.date | None = Field(json_schema_extra={"format": "date"})
    outcome: str
    outcome_note: str
    version: int
    documents: list[DocumentOut]


class DossierOut(ApiSchema):
    slug: str
    region: str
    title: Text
    summary: Text
    topic: str | None
    agreement: str | None
    actions: list[int]
    municipalities: list[str]
    decisions: list[DecisionOut]
    diverged: bool
    outcome_summary: str = Field(description="In gewone taal, in het Nederlands.")


def _decision(decision: CouncilDecision) -> dict[str, Any]:
    return {
        "municipality": decision.municipality.code,
        "body": decision.body,
        "proposal_title": decision.proposal_title,
        "proposal_number": decision.proposal_number,
        "proposal_url": decision.proposal_url or None,
        "meeting_date": decision.meeting_date,
        "outcome": decision.outcome,
        "outcome_note": decision.outcome_note,
        "version": decision.version,
        "documents": [
            {"kind": d.kind, "title": d.title, "result": d.result, "url": d.url or None}
            for d in decision.documents.all()
        ],
    }


def _dossier(dossier: Dossier) -> dict[str, Any]:
    decisions = list(dossier.decisions.select_related("municipality").prefetch_related("documents"))
    outcome = divergence(dossier.municipalities.all(), decisions)
    return {
        "slug": dossier.slug,
        "region": dossier.region.slug,
        "title": text(dossier, "title"),
        "summary": text(dossier, "summary"),
        "topic": dossier.topic.slug if dossier.topic else None,
        "agreement": dossier.agreement.slug if dossier.agreement else None,
        "actions": sorted(action.pk for action in dossier.actions.all()),
        "municipalities": sorted(m.code for m in dossier.municipalities.all()),
        "decisions": [_decision(d) for d in decisions],
        "diverged": outcome.diverged,
        "outcome_summary": str(outcome.summary),
    }


def _dossiers(region: str) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(region__slug=region)
        .select_related("region", "topic", "agreement")
        .prefetch_related("actions", "municipalities")
        .order_by("slug")
    )


class DocumentIn(ApiSchema):
    kind: str
    title: str = Field(min_length=1, max_length=300)
    result: str
    url: str = Field("", max_length=500)


class DecisionIn(ApiSchema):
    municipality: str = Field(pattern=r"^GM\d{4}$")
    body: DecisionBody
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="Versie waarop de wijziging is gebaseerd; leeg voor een nieuw besluit.",
    )
    proposal_title: str = Field(min_length=1, max_length=300)
    proposal_number: str = Field("", max_length=50)
    proposal_url: str = Field("", max_length=500)
    meeting_date: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    outcome: str
    outcome_note: str = ""
    documents: list[DocumentIn] = []


@router.get(
    "/regions/{region}/dossiers",
    response=list[DossierOut],
    by_alias=True,
    operation_id="listDossiers",
    summary="Regionale dossiers",
)
@paginate(Pagination)
def list_dossiers(request: HttpRequest, region: str) -> list[dict[str, Any]]:
    return [_dossier(d) for d in _dossiers(region)]


@router.get(
    "/regions/{region}/dossiers/{slug}",
    response=DossierOut,
    by_alias=True,
    operation_id="getDossier",
    summary="Eén dossier met de besluiten per raad",
)
def get_dossier(request: HttpRequest, region: str, slug: str) -> dict[str, Any]:
    return _dossier(get_object_or_404(_dossiers(region), slug=slug))


@router.post(
    "/regions/{region}/dossiers/{slug}/decisions",
    response={201: DossierOut},
    by_alias=True,
    auth=token_auth,
    operation_id="recordDecision",
    summary="Besluit van een raad of college vastleggen of wijzigen",
)
def post_decision(
    request: HttpRequest, region: str, slug: str, data: DecisionIn
) -> Status[dict[str, Any]]:
    dossier = get_object_or_404(_dossiers(region), slug=slug)
    municipality = get_object_or_404(Municipality, code=data.municipality)
    record_decision(
        dossier,
        municipality=municipality,
        body=data.body,
        by=request.user,
        expected_version=data.version,
        values={
            "proposal_title": data.proposal_title,
            "proposal_number": data.proposal_number,
            "proposal_url": data.proposal_url,
            "meeting_date": data.meeting_date,
            "outcome": data.outcome,
            "outcome_note": data.outcome_note,
        },
        documents=[d.model_dump() for d in data.documents],
    )
    return Status(201, _dossier(dossier))
