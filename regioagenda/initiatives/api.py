"""Initiatives in the API: the published ones to read, an anonymous way to submit one (with the
same checks as the site's form, minus the honeypot and the timing), and — with a coordinator's
token — the moderation steps, through the same functions as the site."""

import datetime
import uuid
from typing import Any

import ninja
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic.alias_generators import to_camel

from regioagenda.agenda.models import Action
from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.initiatives import submission
from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status
from regioagenda.initiatives.moderation import (
    LATER_STATUSES,
    publish_initiative,
    record_event,
    reject_initiative,
)
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Topic

router = Router(tags=["Initiatieven"])

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
LOCATION = {
    "Location": {
        "description": "Het adres van het nieuwe initiatief in de API.",
        "schema": {"type": "string"},
    }
}


class CompetenceRef(ApiSchema):
    domain: str = Field(description="Korte naam van het beleidsdomein.")
    decision: str
    scale: str
    authority: str = Field(description="Soort orgaan dat beslist.")
    authority_name: str
    joint_body: str | None = Field(description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(description="CBS-code, als het alleen in die gemeente geldt.")
    basis: str
    law: str
    article: str
    url: str
    since: datetime.date | None = Field(json_schema_extra={"format": "date"})


class InitiativeEventOut(ApiSchema):
    status: str
    happened_on: IsoDate = Field(json_schema_extra={"format": "date"})
    note: str


class InitiativeOut(ApiSchema):
    reference: uuid.UUID
    region: str
    title: str
    description: str
    submitter_kind: str
    submitter_name: str
    organisation: str
    status: str
    domain: str | None = Field(description="Korte naam van het beleidsdomein.")
    municipality: str | None = Field(description="CBS-code; leeg voor de hele regio.")
    place: str | None = Field(description="CBS-code van de wijk of buurt.")
    topic: str | None = Field(
        description="Korte naam van het onderwerp van de strategische agenda."
    )
    action: int | None = Field(description="Actie in de uitvoeringsagenda.")
    published_at: datetime.datetime | None
    competences: list[CompetenceRef] = Field(description="Waar het initiatief naartoe ging.")
    events: list[InitiativeEventOut] = Field(description="Openbare gebeurtenissen, oudste eerst.")


class SubmittedOut(ApiSchema):
    reference: uuid.UUID
    status: str


class InitiativeFilter(ApiSchema):
    status: str | None = Field(None, description="Een openbare status, zoals beantwoord.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    theme: str | None = Field(None, description="Korte naam van het thema.")


class InitiativeIn(ApiSchema):
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    submitter_kind: Initiative.Submitter = Initiative.Submitter.RESIDENT
    submitter_name: str = Field(min_length=1)
    organisation: str = ""
    submitter_email: str = Field(min_length=3, description="Wordt nooit getoond of uitgegeven.")
    domain: str | None = Field(None, description="Korte naam van het beleidsdomein.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    place: str | None = Field(None, description="CBS-code van de wijk of buurt.")


class InitiativeEventIn(ApiSchema):
    status: Status = Field(
        description="gepubliceerd of afgewezen voor een ingediend initiatief; daarna "
        "doorgestuurd, beantwoord, op-de-agenda (met action) of afgesloten."
    )
    happened_on: IsoDate = Field(json_schema_extra={"format": "date"})
    note: str = Field("", description="Openbaar, behalve bij afgewezen (dan de interne reden).")
    action: ItemId | None = Field(None, description="Actie in de uitvoeringsagenda.")
    domain: str | None = Field(None, description="Bij publiceren: verbeterd beleidsdomein.")
    topic: str | None = Field(None, description="Bij publiceren: verbeterd onderwerp.")
    municipality: str | None = Field(None, description="Bij publiceren: CBS-code van de gemeente.")
    place: str | None = Field(None, description="Bij publiceren: CBS-code van de wijk of buurt.")
    version: int = Field(ge=1, le=2**31 - 1, description="De versie waarop de stap is gebaseerd.")


def _competence(competence: Competence) -> dict[str, Any]:
    return {
        "domain": competence.domain.slug,
        "decision": competence.decision,
        "scale": competence.scale,
        "authority": competence.authority,
        "authority_name": competence.authority_name,
        "joint_body": competence.joint_body.slug if competence.joint_body else None,
        "municipality": competence.municipality.code if competence.municipality else None,
        "basis": competence.basis,
        "law": competence.law,
        "article": competence.article,
        "url": competence.url,
        "since": competence.since,
    }


def _initiative(initiative: Initiative) -> dict[str, Any]:
    # Never the submitter's e-mail address.
    return {
        "reference": initiative.reference,
        "region": initiative.region.slug,
        "title": initiative.title,
        "description": initiative.description,
        "submitter_kind": initiative.submitter_kind,
        "submitter_name": initiative.submitter_name,
        "organisation": initiative.organisation,
        "status": initiative.status,
        "domain": initiative.domain.slug if initiative.domain else None,
        "municipality": initiative.municipality.code if initiative.municipality else None,
        "place": initiative.place.code if initiative.place else None,
        "topic": initiative.topic.slug if initiative.topic else None,
        "action": initiative.action_id,
        "published_at": initiative.published_at,
        "competences": [_competence(c) for c in initiative.competences.all()],
        "events": [
            {"status": e.status, "happened_on": e.happened_on, "note": e.note}
            for e in initiative.events.all()
            if e.public
        ],
    }


def _published(region: str) -> QuerySet[Initiative]:
    return (
        Initiative.objects.public()
        .filter(region__slug=region)
        .select_related("region", "domain", "municipality", "place", "topic")
        .prefetch_related(
            "events",
            "competences__domain",
            "competences__joint_body",
            "competences__municipality",
        )
        .order_by("-published_at", "pk")
    )


@router.get(
    "/regions/{region}/initiatives",
    response=list[InitiativeOut],
    by_alias=True,
    operation_id="listInitiatives",
    summary="Gepubliceerde initiatieven van inwoners en partners",
)
@paginate(Pagination)
def list_initiatives(
    request: HttpRequest, region: str, filters: Query[InitiativeFilter]
) -> list[dict[str, Any]]:
    initiatives = _published(region)
    if filters.status:
        initiatives = initiatives.filter(status=filters.status)
    if filters.municipality:
        initiatives = initiatives.filter(municipality__code=filters.municipality.upper())
    if filters.theme:
        initiatives = initiatives.filter(topic__theme__slug=filters.theme)
    return [_initiative(i) for i in initiatives]


@router.get(
    "/regions/{region}/initiatives/{reference}",
    response=InitiativeOut,
    by_alias=True,
    operation_id="getInitiative",
    summary="Eén gepubliceerd initiatief, met waar het naartoe ging en wat er gebeurde",
)
def get_initiative(request: HttpRequest, region: str, reference: uuid.UUID) -> dict[str, Any]:
    return _initiative(get_object_or_404(_published(region), reference=reference))


def _find(model: Any, field: str, problems: dict[str, str], **lookup: Any) -> Any:
    found = model.objects.filter(**lookup).first()
    if found is None:
        problems[field] = "Bestaat niet in deze regio."
    return found


@router.post(
    "/regions/{region}/initiatives",
    response={201: SubmittedOut},
    by_alias=True,
    operation_id="submitInitiative",
    summary="Initiatief indienen (wacht op moderatie)",
    openapi_extra={
        "responses": {
            201: {"headers": LOCATION},
            429: {"description": "Te veel initiatieven vanaf dit adres.", "content": PROBLEM},
        }
    },
)
def submit(request: HttpRequest, region: str, data: InitiativeIn, response: HttpResponse) -> Any:
    the_region = get_object_or_404(Region, slug=region)
    problems: dict[str, str] = {}
    domain = (
        _find(PolicyDomain, "domain", problems, region=the_region, slug=data.domain)
        if data.domain
        else None
    )
    municipality = (
        _find(Municipality, "municipality", problems, region=the_region, code=data.municipality)
        if data.municipality
        else None
    )
    place = (
        _find(Place, "place", problems, municipality__region=the_region, code=data.place)
        if data.place
        else None
    )
    if problems:
        raise ValidationError(problems)
    try:
        initiative = submission.submit_initiative(
            the_region,
            submission.Submission(
                title=data.title,
                description=data.description,
                submitter_kind=data.submitter_kind,
                submitter_name=data.submitter_name,
                submitter_email=data.submitter_email,
                organisation=data.organisation,
                domain=domain,
                municipality=municipality,
                place=place,
            ),
            address=submission.client_address(request),
        )
    except submission.TooManySubmissions as refusal:
        raise HttpError(429, refusal.message) from refusal
    except ValidationError as error:
        # Name the fields as the API does (submitterName), not as the model does.
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {to_camel(name): messages for name, messages in error.message_dict.items()}
        ) from error
    response["Location"] = f"/api/v1/regions/{region}/initiatives/{initiative.reference}"
    return ninja.Status(201, {"reference": initiative.reference, "status": initiative.status})


@router.post(
    "/regions/{region}/initiatives/{reference}/events",
    response={201: InitiativeEventOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createInitiativeEvent",
    summary="Modereren: publiceren, afwijzen of een latere gebeurtenis vastleggen",
)
def post_event(
    request: HttpRequest, region: str, reference: uuid.UUID, data: InitiativeEventIn
) -> Any:
    initiative = get_object_or_404(
        Initiative.objects.select_related("region"), region__slug=region, reference=reference
    )
    user = request.user
    if not rules.test_rule("initiatives.moderate_initiative", user, initiative):
        raise PermissionDenied
    the_region = initiative.region
    if data.status == Status.PUBLISHED:
        problems: dict[str, str] = {}
        corrections = {
            "domain": _find(PolicyDomain, "domain", problems, region=the_region, slug=data.domain)
            if data.domain
            else None,
            "topic": _find(Topic, "topic", problems, region=the_region, slug=data.topic)
            if data.topic
            else None,
            "municipality": _find(
                Municipality, "municipality", problems, region=the_region, code=data.municipality
            )
            if data.municipality
            else None,
            "place": _find(
                Place, "place", problems, municipality__region=the_region, code=data.place
            )
            if data.place
            else None,
        }
        if problems:
            raise ValidationError(problems)
        saved = publish_initiative(
            initiative,
            by=user,
            expected_version=data.version,
            on=data.happened_on,
            note=data.note,
            **corrections,
        )
        event = saved.events.order_by("-pk").first()
    elif data.status == Status.REJECTED:
        saved = reject_initiative(
            initiative,
            by=user,
            expected_version=data.version,
            reason=data.note,
            on=data.happened_on,
        )
        event = saved.events.order_by("-pk").first()
    elif data.status in LATER_STATUSES:
        action = (
            _find(Action, "action", {}, region=the_region, pk=data.action) if data.action else None
        )
        if data.action and action is None:
            raise ValidationError({"action": "Bestaat niet in deze regio."})
        event = record_event(
            initiative,
            by=user,
            expected_version=data.version,
            status=data.status,
            on=data.happened_on,
            note=data.note,
            action=action,
        )
    else:
        raise ValidationError({"status": "Deze status kan niet worden vastgelegd."})
    if not isinstance(event, InitiativeEvent):  # publish and reject always record one
        raise HttpError(500, "De gebeurtenis is niet vastgelegd.")
    return ninja.Status(
        201, {"status": event.status, "happened_on": event.happened_on, "note": event.note}
    )
