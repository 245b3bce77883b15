"""Events: read the published ones (in schema.org Event terms where they fit), and submit and
change one's own with a token.

The schema.org names `startDate` and `endDate` are `start` and `end` here: the NL API Design
Rules reserve names ending in "Date" for plain dates, and these are moments with an offset.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from ninja import Field, Path, Query, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId, Text, text
from regioagenda.api.writing import References, audited, require
from regioagenda.core.recurrence import local_zone
from regioagenda.events import submission
from regioagenda.events.api.routing import (
    absolute,
    event_path,
    link,
    may_keep,
    may_submit,
    remember_viewer,
    router,
    viewer,
    viewer_of,
    visible_events,
)
from regioagenda.events.clashes import Clash, find_clashes
from regioagenda.events.models import Audience, Category, Event
from regioagenda.proposals.api.routing import limited_text, region_or_404
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

StatusCode = Annotated[
    Event.Status, WithJsonSchema({"type": "string", "enum": Event.Status.values})
]
ModerationCode = Annotated[
    Event.Moderation, WithJsonSchema({"type": "string", "enum": Event.Moderation.values})
]

SCHEMA_ORG_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.RESCHEDULED: "https://schema.org/EventRescheduled",
}
EventStatusUri = Annotated[
    str, WithJsonSchema({"type": "string", "enum": list(SCHEMA_ORG_STATUS.values())})
]
ClashRule = Annotated[
    str,
    WithJsonSchema(
        {"type": "string", "enum": ["zelfde-locatie", "grote-drukte", "zelfde-weekend"]}
    ),
]

TEXT_LIMIT = 50_000
MAX_ID = 2**31 - 1


# Reading --------------------------------------------------------------------------------------


class LabelOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    name: Text


class MunicipalityRef(ApiSchema):
    code: str = Field(description="CBS-code, zoals GM0546.")
    name: str


class LocationOut(ApiSchema):
    name: str = Field(description="Naam van de locatie.")
    address: str | None = Field(description="Adres van de locatie.")
    municipality: MunicipalityRef | None = Field(
        description="De gemeente van de regio waarin de locatie ligt; leeg buiten de regio."
    )
    place: str | None = Field(description="De plaats, als de locatie buiten de regio ligt.")
    outside_region: bool = Field(description="Waar als de locatie buiten de regio ligt.")


class OrganizerOut(ApiSchema):
    name: str = Field(description="Naam van de organisator (nooit het e-mailadres).")


class ImageOut(ApiSchema):
    url: str = Field(description="Volledig adres van de afbeelding.")
    alt: str = Field(description="Tekstalternatief van de afbeelding.")


class EventLinks(ApiSchema):
    self_: str = Field(alias="self", description="Dit evenement in de API.")
    html: str = Field(description="De pagina van het evenement op de website.")


class EventOut(ApiSchema):
    id: int
    name: str = Field(description="Titel (schema.org name).")
    description: str = Field(
        description="Omschrijving als HTML met alleen veilige opmaak (p, br, strong, em, lijsten, "
        "links, h2, h3)."
    )
    start: datetime.datetime = Field(
        description="Begin, ISO 8601 met verschil ten opzichte van UTC (schema.org startDate)."
    )
    end: datetime.datetime = Field(
        description="Einde, ISO 8601 met verschil ten opzichte van UTC (schema.org endDate)."
    )
    all_day: bool = Field(description="Waar voor een evenement dat de hele dag duurt.")
    recurrence: str | None = Field(
        description="Herhaling volgens RFC 5545 (RRULE), zoals FREQ=WEEKLY;COUNT=4; leeg voor "
        "een eenmalig evenement."
    )
    status: StatusCode = Field(description="gepland, afgelast, uitgesteld of verplaatst.")
    event_status: EventStatusUri = Field(description="De status als schema.org EventStatusType.")
    location: LocationOut
    organizer: OrganizerOut
    about: list[LabelOut] = Field(description="Thema's van de toekomstvisie.")
    audience: list[LabelOut] = Field(description="Doelgroepen.")
    keywords: list[LabelOut] = Field(description="Categorieën.")
    expected_visitors: int | None = Field(description="Verwacht aantal bezoekers.")
    accessibility_summary: str | None = Field(description="Over de toegankelijkheid.")
    url: str | None = Field(description="Website van het evenement.")
    image: ImageOut | None = Field(description="Afbeelding met tekstalternatief, als die er is.")
    is_regional: bool = Field(description="Waar voor een regio-evenement (door de regio gekozen).")
    moderation: ModerationCode | None = Field(
        description="De beoordeling (onbevestigd, te-beoordelen, gepubliceerd, afgewezen); alleen "
        "voor de organisator en wie het evenement mag beoordelen, anders leeg."
    )
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    # Read from the resolver under its own name, written as HAL's "_links".
    links: EventLinks = Field(validation_alias="links", serialization_alias="_links")

    @staticmethod
    def resolve_name(event: Event) -> str:
        return event.title

    @staticmethod
    def resolve_start(event: Event) -> datetime.datetime:
        return timezone.localtime(event.start, local_zone())

    @staticmethod
    def resolve_end(event: Event) -> datetime.datetime:
        return timezone.localtime(event.end, local_zone())

    @staticmethod
    def resolve_recurrence(event: Event) -> str | None:
        return event.recurrence or None

    @staticmethod
    def resolve_event_status(event: Event) -> str:
        return SCHEMA_ORG_STATUS[Event.Status(event.status)]

    @staticmethod
    def resolve_location(event: Event) -> LocationOut:
        municipality = event.municipality
        return LocationOut(
            name=event.venue,
            address=event.address or None,
            municipality=MunicipalityRef(code=municipality.code, name=municipality.name)
            if municipality
            else None,
            place=event.place_outside_region or None,
            outside_region=event.outside_region,
        )

    @staticmethod
    def resolve_organizer(event: Event) -> OrganizerOut:
        return OrganizerOut(name=event.organiser_name)

    @staticmethod
    def resolve_about(event: Event) -> list[LabelOut]:
        return [
            LabelOut(slug=theme.slug, name=text(theme, "title")) for theme in _all(event, "themes")
        ]

    @staticmethod
    def resolve_audience(event: Event) -> list[LabelOut]:
        return [
            LabelOut(slug=item.slug, name=text(item, "name")) for item in _all(event, "audiences")
        ]

    @staticmethod
    def resolve_keywords(event: Event) -> list[LabelOut]:
        return [
            LabelOut(slug=item.slug, name=text(item, "name")) for item in _all(event, "categories")
        ]

    @staticmethod
    def resolve_accessibility_summary(event: Event) -> str | None:
        return event.accessibility or None

    @staticmethod
    def resolve_url(event: Event) -> str | None:
        return event.url or None

    @staticmethod
    def resolve_image(event: Event) -> ImageOut | None:
        url = image_url(event)
        return ImageOut(url=url, alt=event.image_alt) if url else None

    @staticmethod
    def resolve_is_regional(event: Event) -> bool:
        return event.regional

    @staticmethod
    def resolve_moderation(event: Event, context: Any) -> str | None:
        user = viewer_of(context["request"])
        return event.moderation if user is not None and may_keep(user, event) else None

    @staticmethod
    def resolve_links(event: Event) -> dict[str, str]:
        return {"self_": link(event_path(event)), "html": absolute(event.get_absolute_url())}


def _all(event: Event, relation: str) -> list[Any]:
    return list(getattr(event, relation).all())


def image_url(event: Event) -> str | None:
    """The absolute address of the website's image view, which serves the image of a published
    event (and of an unpublished one to those who may see it); None without an image."""
    if not event.image:
        return None
    try:
        return absolute(reverse("events:image", kwargs={"pk": event.pk}))
    except NoReverseMatch:  # the view is not routed (yet): no public address
        return None


class ClashEventOut(ApiSchema):
    id: int
    name: str
    start: datetime.datetime = Field(
        description="Begin, ISO 8601 met verschil ten opzichte van UTC."
    )

    @staticmethod
    def resolve_name(event: Event) -> str:
        return event.title

    @staticmethod
    def resolve_start(event: Event) -> datetime.datetime:
        return timezone.localtime(event.start, local_zone())


class ClashOut(ApiSchema):
    event: ClashEventOut = Field(description="Het andere evenement.")
    rule: ClashRule = Field(description="De regel: zelfde-locatie, grote-drukte of zelfde-weekend.")
    reasons: list[str] = Field(description="Waarom de evenementen botsen.")


class EventWrittenOut(EventOut):
    clashes: list[ClashOut] = Field(
        description="Andere evenementen die ermee botsen: een waarschuwing, geen weigering."
    )

    @staticmethod
    def resolve_clashes(event: Event) -> list[Clash]:
        return list(getattr(event, "api_clashes", []))


def event_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("region", "municipality").prefetch_related(
        "categories", "audiences", "themes"
    )


class EventFilter(ApiSchema):
    municipality: str | None = Field(
        None, description="CBS-code van de gemeente van de locatie, zoals GM0546."
    )
    category: str | None = Field(None, description="Korte naam van een categorie.")
    audience: str | None = Field(None, description="Korte naam van een doelgroep.")
    theme: str | None = Field(None, description="Korte naam van een thema van de toekomstvisie.")
    regional: bool | None = Field(
        None, description="Waar: alleen regio-evenementen; onwaar: alleen de andere."
    )
    starts_from: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen evenementen die op of na deze dag nog bezig zijn (een herhaalde reeks "
        "telt vanaf haar eerste keer).",
        json_schema_extra={"format": "date"},
    )
    starts_until: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen evenementen die op of voor deze dag beginnen.",
        json_schema_extra={"format": "date"},
    )
    status: StatusCode | None = Field(
        None, description="gepland, afgelast, uitgesteld of verplaatst."
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=local_zone())


@router.get(
    "/regions/{region}/events",
    response=list[EventOut],
    by_alias=True,
    operation_id="listEvents",
    summary="Evenementen in een regio",
    description="Gepubliceerde evenementen, vroegste eerst. Met een API-sleutel (Authorization: "
    "Bearer …) ook de eigen evenementen die nog niet gepubliceerd zijn, en die welke de "
    "sleutel mag beoordelen.",
)
@paginate(Pagination)
def list_events(request: HttpRequest, region: str, filters: Query[EventFilter]) -> QuerySet[Event]:
    user = remember_viewer(request, viewer(request))
    found = visible_events(user, event_queryset()).filter(region=region_or_404(region))
    if filters.municipality:
        found = found.filter(municipality__code=filters.municipality.strip().upper())
    if filters.category:
        found = found.filter(categories__slug=filters.category)
    if filters.audience:
        found = found.filter(audiences__slug=filters.audience)
    if filters.theme:
        found = found.filter(themes__slug=filters.theme)
    if filters.regional is not None:
        found = found.filter(regional=filters.regional)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.starts_from:
        # A recurring series may still run into the window after its first occurrence ended.
        found = found.filter(Q(end__gte=_day_start(filters.starts_from)) | ~Q(recurrence=""))
    if filters.starts_until:
        next_day = filters.starts_until + datetime.timedelta(days=1)
        found = found.filter(start__lt=_day_start(next_day))
    return found.distinct().order_by("start", "title", "pk")


@router.get(
    "/regions/{region}/events/{id}",
    response=EventOut,
    by_alias=True,
    operation_id="getEvent",
    summary="Eén evenement",
)
def get_event(request: HttpRequest, region: str, id: Path[ItemId]) -> Event:
    user = remember_viewer(request, viewer(request))
    return get_object_or_404(visible_events(user, event_queryset()), region__slug=region, pk=id)


# Writing --------------------------------------------------------------------------------------

MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
FIRST_YEAR, LAST_YEAR = 1970, 2200
MOMENT_MESSAGE = "moet een tijdstip zijn, zoals 2026-10-03T20:00:00+02:00"


def _moment(value: Any) -> Any:
    """An ISO 8601 moment; without an offset it is meant in Dutch time."""
    if isinstance(value, str) and MOMENT.match(value):
        try:
            value = datetime.datetime.fromisoformat(value.upper())
        except ValueError:
            raise PydanticCustomError("moment_format", MOMENT_MESSAGE) from None
    if not isinstance(value, datetime.datetime):
        raise PydanticCustomError("moment_format", MOMENT_MESSAGE)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value


Moment = Annotated[
    datetime.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def required_text(limit: int) -> Any:
    """A text that is more than spaces, with Dutch refusals; surrounding space dropped."""
    checked = limited_text(limit).func

    def check(value: Any) -> Any:
        value = checked(value)
        if not value:
            raise PydanticCustomError("string_too_short", "mag niet leeg zijn")
        return value

    return BeforeValidator(check)


Slugs = list[Annotated[str, limited_text(100), Field(max_length=100)]]
# At least one character that is not a space, by every reading of "space" involved (JSON
# Schema's ECMAScript \s, and Python's str.strip, which also takes \x1c-\x1f and \x85): a name
# of spaces only is none.
SOMETHING = r"[^\s\x1c-\x1f\x85\ufeff]"


class LocationIn(ApiSchema):
    name: Annotated[str, required_text(200)] = Field(
        min_length=1, max_length=200, pattern=SOMETHING, description="Naam van de locatie."
    )
    address: Annotated[str, limited_text(300)] = Field("", max_length=300)
    municipality: Annotated[str, limited_text(10)] | None = Field(
        None,
        max_length=10,
        description="CBS-code van een gemeente van de regio; leeg als de locatie buiten de regio "
        "ligt (geef dan de plaats).",
    )
    place: Annotated[str, limited_text(200)] = Field(
        "", max_length=200, description="De plaats buiten de regio."
    )


class OrganizerIn(ApiSchema):
    name: Annotated[str, required_text(200)] = Field(
        min_length=1, max_length=200, pattern=SOMETHING
    )
    email: Annotated[str, limited_text(254)] | None = Field(
        None,
        max_length=254,
        description="E-mailadres voor vragen van de redactie; nooit gepubliceerd. Leeg: dat van "
        "de gebruiker van de sleutel (bij een wijziging: het bekende).",
    )


# Other fields (an id, the moderation, the organiser's account) are ignored: the API decides.
class EventIn(ApiSchema):
    name: Annotated[str, required_text(200)] = Field(
        min_length=1, max_length=200, pattern=SOMETHING, description="Titel."
    )
    description: Annotated[str, limited_text(submission.DESCRIPTION_LIMIT)] = Field(
        "",
        max_length=submission.DESCRIPTION_LIMIT,
        description="HTML; alleen veilige opmaak blijft over, de rest wordt verwijderd.",
    )
    start: Moment = Field(description="Begin, ISO 8601; zonder verschil: Nederlandse tijd.")
    end: Moment = Field(description="Einde, ISO 8601; niet voor het begin.")
    all_day: bool = False
    recurrence: Annotated[str, limited_text(300)] | None = Field(
        None, max_length=300, description="Herhaling (RRULE), zoals FREQ=WEEKLY;COUNT=4."
    )
    location: LocationIn
    organizer: OrganizerIn
    about: Slugs = Field([], max_length=50, description="Korte namen van thema's.")
    audience: Slugs = Field([], max_length=50, description="Korte namen van doelgroepen.")
    keywords: Slugs = Field([], max_length=50, description="Korte namen van categorieën.")
    expected_visitors: int | None = Field(None, ge=0, le=MAX_ID)
    accessibility_summary: Annotated[str, limited_text(TEXT_LIMIT)] = Field(
        "", max_length=TEXT_LIMIT
    )
    url: Annotated[str, limited_text(500)] | None = Field(
        None, max_length=500, description="Website van het evenement (http of https)."
    )
    status: StatusCode = Field(Event.Status.SCHEDULED, description="Standaard: gepland.")


class EventChange(EventIn):
    version: int = Field(ge=1, le=MAX_ID, description="De versie waarop de wijziging is gebaseerd.")


# The payload's name for each field of the model that a refusal can name.
PAYLOAD_NAMES = {
    "title": "name",
    "venue": "location.name",
    "address": "location.address",
    "municipality": "location.municipality",
    "place_outside_region": "location.place",
    "organiser_name": "organizer.name",
    "organiser_email": "organizer.email",
    "categories": "keywords",
    "audiences": "audience",
    "themes": "about",
    "accessibility": "accessibilitySummary",
    # Dutch names, should a refusal use the form's labels.
    "titel": "name",
    "begin": "start",
    "einde": "end",
    "gemeente": "location.municipality",
    "locatie": "location.name",
}
# A check constraint's message (a non-field error) goes to the field it is about.
CONSTRAINT_FIELDS = {
    str(constraint.violation_error_message): "end"
    for constraint in Event._meta.constraints
    if constraint.name == "event_ends_after_it_starts"
}


@contextmanager
def refusals() -> Iterator[None]:
    """A refusal by the write functions as 400, naming the payload's (camelCase) fields."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ValidationError({"verzoek": error.messages}) from error
        named: dict[str, list[str]] = {}
        for name, messages in error.message_dict.items():
            for message in messages:
                field = name
                if name == NON_FIELD_ERRORS:
                    field = CONSTRAINT_FIELDS.get(message, "verzoek")
                payload = PAYLOAD_NAMES.get(field) or to_camel(field)
                named.setdefault(payload, []).append(message)
        raise ValidationError(named) from error


def _check_moments(data: EventIn) -> None:
    """Moments far from now are a mistake (and may not fit a database's range); checked after
    the region, as every other check of the payload's meaning."""
    wrong = {
        name: [f"{label}: kies een tijdstip tussen {FIRST_YEAR} en {LAST_YEAR}."]
        for name, label in (("start", "Begin"), ("end", "Einde"))
        if not FIRST_YEAR <= getattr(data, name).year <= LAST_YEAR
    }
    if wrong:
        raise ValidationError(wrong)


def _values(region: Region, data: EventIn, *, email: str) -> dict[str, Any]:
    """The model's values for the payload; unknown names refused, all at once."""
    _check_moments(data)
    references = References()
    code = (data.location.municipality or "").strip().upper()
    municipality = references.find(
        Municipality.objects.all(), "location.municipality", code, code=code
    )
    categories = references.find_all(
        Category.objects.filter(region=region), "keywords", "slug", data.keywords
    )
    audiences = references.find_all(
        Audience.objects.filter(region=region), "audience", "slug", data.audience
    )
    themes = references.find_all(Theme.objects.filter(region=region), "about", "slug", data.about)
    references.check()
    return {
        "title": data.name,
        "description": data.description,
        "start": data.start,
        "end": data.end,
        "all_day": data.all_day,
        "recurrence": data.recurrence or "",
        "venue": data.location.name,
        "address": data.location.address,
        "municipality": municipality,
        "place_outside_region": data.location.place,
        "organiser_name": data.organizer.name,
        "organiser_email": data.organizer.email or email,
        "expected_visitors": data.expected_visitors,
        "accessibility": data.accessibility_summary,
        "url": data.url or "",
        "status": data.status,
        "categories": categories,
        "audiences": audiences,
        "themes": themes,
    }


def _written(request: HttpRequest, event: Event) -> Event:
    """The event as stored, with its clashes, for the one who wrote it."""
    remember_viewer(request, request.user)
    stored = get_object_or_404(event_queryset(), pk=event.pk)
    stored.api_clashes = find_clashes(stored, published_only=True)  # type: ignore[attr-defined]
    return stored


@router.post(
    "/regions/{region}/events",
    response={201: EventWrittenOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createEvent",
    summary="Evenement aanmelden",
    description="Voor partners, redacteuren en de coördinator van de regio. Het evenement wacht "
    "op beoordeling voordat het gepubliceerd wordt. Het antwoord noemt evenementen die ermee "
    "botsen (clashes): een waarschuwing, geen weigering. Afbeeldingen gaan (nog) niet via de API.",
)
def create_event(request: HttpRequest, region: str, data: EventIn) -> Status[Event]:
    found = region_or_404(region)
    require(may_submit(request.user, found))
    values = _values(found, data, email=getattr(request.user, "email", "") or "")
    values.update({"image": None, "image_alt": ""})
    with audited(request), refusals():
        event = submission.submit_event(
            found, values, user=request.user, address=request.META.get("REMOTE_ADDR", "")
        )
    return Status(201, _written(request, event))


@router.put(
    "/regions/{region}/events/{id}",
    response=EventWrittenOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateEvent",
    summary="Evenement wijzigen (met versie)",
    description="Voor de organisator (de gebruiker van de sleutel) en wie het evenement mag "
    "beoordelen. Een wezenlijke wijziging (wanneer, waar, wat) van een gepubliceerd evenement "
    "gaat opnieuw ter beoordeling. De afbeelding blijft zoals ze is.",
)
def update_event(request: HttpRequest, region: str, id: Path[ItemId], data: EventChange) -> Event:
    event = get_object_or_404(
        visible_events(request.user, event_queryset()), region__slug=region, pk=id
    )
    require(may_keep(request.user, event))
    values = _values(event.region, data, email=event.organiser_email)
    with audited(request), refusals():
        event, _sent_back = submission.update_event(
            event, values, user=request.user, expected_version=data.version
        )
    return _written(request, event)
