"""Meetings and the bodies that meet, read-only.

Everyone sees public meetings and their public agenda items. With a token, the region's staff
and council members also see closed meetings and closed items (`meetings.see_closed`, the same
people as on the website). A document is a link: to the website's download (which checks the
same permission) or to the address it points to.
"""

import datetime
from typing import Annotated, Any

import rules
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId, Text, text
from regioagenda.core.recurrence import local_zone
from regioagenda.events.api.routing import absolute, link, viewer
from regioagenda.meetings.api.routing import router
from regioagenda.meetings.models import (
    AgendaItem,
    Body,
    BodyKind,
    FollowUp,
    Meeting,
    MeetingKind,
    MeetingQuerySet,
)
from regioagenda.proposals.api.routing import region_or_404
from regioagenda.proposals.models import Proposal

BodyKindCode = Annotated[BodyKind, WithJsonSchema({"type": "string", "enum": BodyKind.values})]
MeetingKindCode = Annotated[
    MeetingKind, WithJsonSchema({"type": "string", "enum": MeetingKind.values})
]
MeetingStatusCode = Annotated[
    Meeting.Status, WithJsonSchema({"type": "string", "enum": Meeting.Status.values})
]


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, local_zone())


# Bodies ---------------------------------------------------------------------------------------


class MunicipalityRef(ApiSchema):
    code: str = Field(description="CBS-code, zoals GM0546.")
    name: str


class BodyLinks(ApiSchema):
    meetings: str = Field(description="De vergaderingen van dit orgaan in de API.")
    html: str = Field(description="De agenda van dit orgaan op de website.")


class BodyOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    name: Text
    kind: BodyKindCode = Field(
        description="raad, college, regio (regionaal overleg) of verbonden-partij (bestuur)."
    )
    municipality: MunicipalityRef | None = Field(
        description="De gemeente van een raad of college; leeg voor andere organen."
    )
    joint_body: str | None = Field(
        description="Korte naam van de verbonden partij van een bestuur; anders leeg."
    )
    links: BodyLinks = Field(validation_alias="links", serialization_alias="_links")

    @staticmethod
    def resolve_name(body: Body) -> Text:
        return text(body, "name")

    @staticmethod
    def resolve_municipality(body: Body) -> MunicipalityRef | None:
        municipality = body.municipality
        if municipality is None:
            return None
        return MunicipalityRef(code=municipality.code, name=municipality.name)

    @staticmethod
    def resolve_joint_body(body: Body) -> str | None:
        return body.joint_body.slug if body.joint_body else None

    @staticmethod
    def resolve_links(body: Body) -> dict[str, str]:
        return {
            "meetings": link(f"/regions/{body.region.slug}/meetings?body={body.slug}"),
            "html": absolute(body.get_absolute_url()),
        }


@router.get(
    "/regions/{region}/bodies",
    response=list[BodyOut],
    by_alias=True,
    operation_id="listBodies",
    summary="Organen die vergaderen",
    description="De raden en colleges van de gemeenten, de regionale overleggen en de besturen "
    "van verbonden partijen, met hun korte naam (voor het filter body van de vergaderingen).",
)
@paginate(Pagination)
def list_bodies(request: HttpRequest, region: str) -> QuerySet[Body]:
    found = region_or_404(region)
    return (
        Body.objects.filter(region=found)
        .select_related("region", "municipality", "joint_body")
        .order_by("kind", "name", "pk")
    )


# Meetings -------------------------------------------------------------------------------------


class LabelOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    name: Text


class BodyRef(ApiSchema):
    slug: str
    name: Text
    kind: BodyKindCode

    @staticmethod
    def resolve_name(body: Body) -> Text:
        return text(body, "name")


class MeetingLinks(ApiSchema):
    self_: str = Field(alias="self", description="Deze vergadering in de API.")
    html: str = Field(description="De pagina van de vergadering op de website.")
    ics: str = Field(description="De vergadering als iCalendar-bestand (voor de eigen agenda).")


class MeetingOut(ApiSchema):
    id: int
    title: Text
    description: str
    kind: MeetingKindCode = Field(
        description="themabijeenkomst, raadsconferentie, netwerkbijeenkomst of werksessie."
    )
    start: datetime.datetime = Field(
        description="Begin, ISO 8601 met verschil ten opzichte van UTC."
    )
    end: datetime.datetime = Field(description="Einde, ISO 8601 met verschil ten opzichte van UTC.")
    recurrence: str | None = Field(
        description="Herhaling volgens RFC 5545 (RRULE); leeg voor een eenmalige vergadering."
    )
    status: MeetingStatusCode = Field(description="gepland of afgelast.")
    location: str | None = Field(description="Plaats van de vergadering.")
    online_url: str | None = Field(description="Adres om online deel te nemen.")
    organiser: MunicipalityRef | None = Field(
        description="De organiserende gemeente; leeg als de regio organiseert."
    )
    bodies: list[BodyRef] = Field(description="De organen waarvan dit een vergadering is.")
    themes: list[LabelOut] = Field(description="Thema's van de toekomstvisie.")
    public: bool = Field(description="Openbaar (onwaar: besloten).")
    registration_open: bool = Field(description="Of aanmelden mogelijk is.")
    capacity: int | None = Field(description="Maximum aantal deelnemers, als dat er is.")
    links: MeetingLinks = Field(validation_alias="links", serialization_alias="_links")

    @staticmethod
    def resolve_title(meeting: Meeting) -> Text:
        return text(meeting, "title")

    @staticmethod
    def resolve_start(meeting: Meeting) -> datetime.datetime:
        return _local(meeting.start)

    @staticmethod
    def resolve_end(meeting: Meeting) -> datetime.datetime:
        return _local(meeting.end)

    @staticmethod
    def resolve_recurrence(meeting: Meeting) -> str | None:
        return meeting.recurrence or None

    @staticmethod
    def resolve_location(meeting: Meeting) -> str | None:
        return meeting.location or None

    @staticmethod
    def resolve_online_url(meeting: Meeting) -> str | None:
        return meeting.online_url or None

    @staticmethod
    def resolve_organiser(meeting: Meeting) -> MunicipalityRef | None:
        municipality = meeting.organiser
        if municipality is None:
            return None
        return MunicipalityRef(code=municipality.code, name=municipality.name)

    @staticmethod
    def resolve_bodies(meeting: Meeting) -> list[Body]:
        return list(meeting.bodies.all())

    @staticmethod
    def resolve_themes(meeting: Meeting) -> list[LabelOut]:
        return [
            LabelOut(slug=theme.slug, name=text(theme, "title")) for theme in meeting.themes.all()
        ]

    @staticmethod
    def resolve_links(meeting: Meeting) -> dict[str, str]:
        return {
            "self_": link(meeting_path(meeting)),
            "html": absolute(meeting.get_absolute_url()),
            "ics": absolute(reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk})),
        }


def meeting_path(meeting: Meeting) -> str:
    return f"/regions/{meeting.region.slug}/meetings/{meeting.pk}"


class DocumentOut(ApiSchema):
    title: str
    url: str = Field(description="Adres om het document te openen of te downloaden.")
    media_type: str | None = Field(description="Soort bestand, zoals application/pdf.")
    size: int | None = Field(description="Grootte in bytes.")


class LinkedOut(ApiSchema):
    id: int
    title: str
    link: str = Field(description="Het item in de API.")


class LinkedBySlugOut(ApiSchema):
    slug: str
    title: str
    link: str = Field(description="Het item in de API.")


class FollowUpOut(ApiSchema):
    action: int = Field(description="Id van de actie van de uitvoeringsagenda.")
    title: str = Field(description="Titel van de actie.")
    link: str = Field(description="De actie in de API.")


class ItemOut(ApiSchema):
    position: int = Field(description="Volgorde op de agenda.")
    title: str
    description: str
    public: bool = Field(description="Openbaar (onwaar: besloten, alleen met een sleutel).")
    themes: list[LabelOut]
    topics: list[str] = Field(description="Korte namen van onderwerpen van de toekomstvisie.")
    actions: list[LinkedOut] = Field(description="Acties van de uitvoeringsagenda.")
    proposals: list[LinkedOut] = Field(description="Raads- en collegevoorstellen.")
    dossiers: list[LinkedBySlugOut]
    documents: list[DocumentOut]
    minutes: str = Field(description="Wat er besproken is.")
    decision: str = Field(description="Wat er besloten is.")
    follow_ups: list[FollowUpOut] = Field(
        description="Afgesproken vervolg: de acties die eruit voortkwamen."
    )

    @staticmethod
    def resolve_themes(item: AgendaItem) -> list[LabelOut]:
        return [LabelOut(slug=theme.slug, name=text(theme, "title")) for theme in item.themes.all()]

    @staticmethod
    def resolve_topics(item: AgendaItem) -> list[str]:
        return [topic.slug for topic in item.topics.all()]

    @staticmethod
    def resolve_actions(item: AgendaItem) -> list[LinkedOut]:
        return [
            LinkedOut(id=action.pk, title=action.title, link=link(f"/actions/{action.pk}"))
            for action in item.actions.all()
        ]

    @staticmethod
    def resolve_proposals(item: AgendaItem) -> list[LinkedOut]:
        return [
            LinkedOut(id=proposal.pk, title=proposal.title, link=link(_proposal_path(proposal)))
            for proposal in item.proposals.all()
        ]

    @staticmethod
    def resolve_dossiers(item: AgendaItem) -> list[LinkedBySlugOut]:
        return [
            LinkedBySlugOut(
                slug=dossier.slug,
                title=dossier.title,
                link=link(f"/regions/{item.meeting.region.slug}/dossiers/{dossier.slug}"),
            )
            for dossier in item.dossiers.all()
        ]

    @staticmethod
    def resolve_documents(item: AgendaItem) -> list[DocumentOut]:
        return [
            DocumentOut(
                title=document.title,
                url=document.url
                or absolute(
                    reverse(
                        "meetings:document",
                        kwargs={"pk": item.meeting_id, "document_pk": document.pk},
                    )
                ),
                media_type=document.media_type or None,
                size=document.size,
            )
            for document in item.documents.all()
        ]

    @staticmethod
    def resolve_follow_ups(item: AgendaItem) -> list[FollowUpOut]:
        return [
            FollowUpOut(
                action=follow_up.action_id,
                title=follow_up.action.title,
                link=link(f"/actions/{follow_up.action_id}"),
            )
            for follow_up in item.follow_ups.all()
        ]


def _proposal_path(proposal: Proposal) -> str:
    return f"/regions/{proposal.municipality.region.slug}/proposals/{proposal.pk}"


class MeetingDetailOut(MeetingOut):
    items: list[ItemOut] = Field(
        description="De agenda: openbare punten, en met een sleutel die het mag ook de besloten."
    )

    @staticmethod
    def resolve_items(meeting: Meeting, context: Any) -> list[AgendaItem]:
        items = list(meeting.items.all())
        user = getattr(context["request"], "_meetings_viewer", None)
        if not rules.test_rule("meetings.see_closed", user, meeting):
            items = [item for item in items if item.public]
        return items


def meeting_queryset() -> MeetingQuerySet:
    return Meeting.objects.select_related("region", "organiser").prefetch_related(
        Prefetch("bodies", queryset=Body.objects.order_by("kind", "name")), "themes"
    )


def _visible(request: HttpRequest) -> MeetingQuerySet:
    user = viewer(request)
    request._meetings_viewer = user  # type: ignore[attr-defined]
    return meeting_queryset().visible_to(user)


class MeetingFilter(ApiSchema):
    body: str | None = Field(None, description="Korte naam van een orgaan (zie /bodies).")
    theme: str | None = Field(None, description="Korte naam van een thema van de toekomstvisie.")
    kind: MeetingKindCode | None = Field(
        None, description="themabijeenkomst, raadsconferentie, netwerkbijeenkomst of werksessie."
    )
    starts_from: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen vergaderingen die op of na deze dag nog bezig zijn (een herhaalde "
        "reeks telt vanaf haar eerste keer).",
        json_schema_extra={"format": "date"},
    )
    starts_until: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen vergaderingen die op of voor deze dag beginnen.",
        json_schema_extra={"format": "date"},
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=local_zone())


@router.get(
    "/regions/{region}/meetings",
    response=list[MeetingOut],
    by_alias=True,
    operation_id="listMeetings",
    summary="Vergaderingen in een regio",
    description="Openbare vergaderingen van raden, colleges en regionale overleggen, vroegste "
    "eerst; één vergadering van meerdere organen staat er één keer in. Met een API-sleutel "
    "(Authorization: Bearer …) zien medewerkers en raadsleden van de regio ook de besloten.",
)
@paginate(Pagination)
def list_meetings(
    request: HttpRequest, region: str, filters: Query[MeetingFilter]
) -> QuerySet[Meeting]:
    found = _visible(request).filter(region=region_or_404(region))
    if filters.body:
        found = found.filter(pk__in=Meeting.objects.filter(bodies__slug=filters.body).values("pk"))
    if filters.theme:
        found = found.filter(pk__in=Meeting.objects.filter(themes__slug=filters.theme).values("pk"))
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.starts_from:
        # A recurring series may still run into the window after its first meeting ended.
        found = found.filter(Q(end__gte=_day_start(filters.starts_from)) | ~Q(recurrence=""))
    if filters.starts_until:
        next_day = filters.starts_until + datetime.timedelta(days=1)
        found = found.filter(start__lt=_day_start(next_day))
    return found.order_by("start", "title", "pk")


@router.get(
    "/regions/{region}/meetings/{id}",
    response=MeetingDetailOut,
    by_alias=True,
    operation_id="getMeeting",
    summary="Eén vergadering, met haar agenda",
    description="Met de agendapunten, hun stukken (als link), besluiten en het afgesproken "
    "vervolg (acties van de uitvoeringsagenda).",
)
def get_meeting(request: HttpRequest, region: str, id: Path[ItemId]) -> Meeting:
    items = AgendaItem.objects.select_related("meeting__region").prefetch_related(
        "themes",
        "topics",
        "actions",
        Prefetch("proposals", queryset=Proposal.objects.select_related("municipality__region")),
        "dossiers",
        "documents",
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("action")),
    )
    return get_object_or_404(
        _visible(request).prefetch_related(Prefetch("items", queryset=items)),
        region__slug=region,
        pk=id,
    )
