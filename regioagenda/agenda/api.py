"""The execution agenda in the API: actions and their progress to read, and — with a token —
the same writes as the site's forms, through the same functions."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Status
from ninja.pagination import paginate

from regioagenda.agenda.editing import create_action, update_action
from regioagenda.agenda.models import Action, ProgressUpdate
from regioagenda.agenda.progress import ProgressCalculator, record_progress
from regioagenda.agenda.status import change_status
from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import SOMETHING, ApiSchema, IsoDate, ItemId, Text, text
from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.vision.models import Agreement, Topic

router = Router(tags=["Uitvoeringsagenda"])


class ActionOut(ApiSchema):
    id: int
    region: str
    title: Text
    description: Text
    topic: str | None = Field(description="Korte naam van het onderwerp.")
    agreement: str | None = Field(description="Korte naam van de afspraak.")
    parent: int | None
    weight: int
    lead: str = Field(description="CBS-code van de trekker.")
    participants: list[str] = Field(description="CBS-codes van de deelnemende gemeenten.")
    partners: list[str]
    status: str
    priority: int | None
    progress_percent: float = Field(description="Voortgang; zie de regel op de actiepagina.")
    version: int

    @staticmethod
    def resolve_region(action: Action) -> str:
        return action.region.slug

    @staticmethod
    def resolve_title(action: Action) -> Text:
        return text(action, "title")

    @staticmethod
    def resolve_description(action: Action) -> Text:
        return text(action, "description")

    @staticmethod
    def resolve_topic(action: Action) -> str | None:
        return action.topic.slug if action.topic else None

    @staticmethod
    def resolve_agreement(action: Action) -> str | None:
        return action.agreement.slug if action.agreement else None

    @staticmethod
    def resolve_parent(action: Action) -> int | None:
        return action.parent_id

    @staticmethod
    def resolve_lead(action: Action) -> str:
        return action.lead.code

    @staticmethod
    def resolve_participants(action: Action) -> list[str]:
        return [m.code for m in action.participants.all()]

    @staticmethod
    def resolve_partners(action: Action) -> list[str]:
        return [o.slug for o in action.partners.all()]

    @staticmethod
    def resolve_progress_percent(action: Action, context: Any) -> float:
        calculators = context["request"].__dict__.setdefault("_progress", {})
        if action.region_id not in calculators:
            calculators[action.region_id] = ProgressCalculator(region_id=action.region_id)
        return calculators[action.region_id].of(action.pk).percent


class ProgressUpdateOut(ApiSchema):
    id: int
    reported_on: IsoDate = Field(json_schema_extra={"format": "date"})
    percent: int
    text: str
    municipality: str = Field(description="CBS-code van de gemeente namens wie gemeld is.")

    @staticmethod
    def resolve_municipality(update: ProgressUpdate) -> str:
        return update.municipality.code


class ActionFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    theme: str | None = Field(None, description="Korte naam van het thema.")
    municipality: str | None = Field(None, description="CBS-code: trekt of doet mee.")
    status: Action.Status | None = None


class ActionIn(ApiSchema):
    region: str = Field(description="Code van de regio.")
    title: str = Field(min_length=1, max_length=200, pattern=SOMETHING)
    title_en: str = Field("", max_length=200)
    description: str = ""
    description_en: str = ""
    topic: str | None = None
    agreement: str | None = None
    parent: ItemId | None = None
    weight: int = Field(1, ge=1, le=100)
    lead: str = Field(description="CBS-code van de trekker.", pattern=r"^GM\d{4}$")
    participants: list[str] = []
    partners: list[str] = []


class ActionChange(ActionIn):
    version: int = Field(
        description="De versie waarop de wijziging is gebaseerd.", ge=1, le=2**31 - 1
    )


class ProgressIn(ApiSchema):
    municipality: str = Field(pattern=r"^GM\d{4}$")
    reported_on: IsoDate = Field(json_schema_extra={"format": "date"})
    percent: int = Field(ge=0, le=100)
    text: str = Field(min_length=1, pattern=SOMETHING)


class StatusIn(ApiSchema):
    status: Action.Status
    changed_on: IsoDate = Field(json_schema_extra={"format": "date"})
    reason: str = ""


def _values(
    data: ActionIn,
) -> tuple[Region, dict[str, Any], list[Municipality], list[Organisation]]:
    region = Region.objects.filter(slug=data.region).first()
    if region is None:
        # A field of the payload, not the address, names the region: a bad request, not a 404.
        raise ValidationError({"region": f"'{data.region}' bestaat niet."})
    problems: dict[str, str] = {}

    def find(model: Any, field: str, wanted: Any, **lookup: Any) -> Any:
        found = model.objects.filter(region=region, **lookup).first()
        if found is None:
            problems[field] = f"'{wanted}' bestaat niet in deze regio."
        return found

    values: dict[str, Any] = {
        "title": data.title,
        "title_en": data.title_en,
        "description": data.description,
        "description_en": data.description_en,
        "weight": data.weight,
        "topic": find(Topic, "topic", data.topic, slug=data.topic) if data.topic else None,
        "agreement": find(Agreement, "agreement", data.agreement, slug=data.agreement)
        if data.agreement
        else None,
        "parent": find(Action, "parent", data.parent, pk=data.parent) if data.parent else None,
        "lead": find(Municipality, "lead", data.lead, code=data.lead),
    }
    participants = [
        find(Municipality, "participants", code, code=code) for code in data.participants
    ]
    partners = [find(Organisation, "partners", slug, slug=slug) for slug in data.partners]
    if problems:
        raise ValidationError(problems)
    return region, values, participants, partners


def _actions() -> QuerySet[Action]:
    return (
        Action.objects.select_related("region", "topic", "agreement", "lead")
        .prefetch_related("participants", "partners")
        .order_by("pk")
    )


@router.get(
    "/actions",
    response=list[ActionOut],
    by_alias=True,
    operation_id="listActions",
    summary="Acties van de uitvoeringsagenda",
)
@paginate(Pagination)
def list_actions(request: HttpRequest, filters: Query[ActionFilter]) -> QuerySet[Action]:
    actions = _actions()
    if filters.region:
        actions = actions.filter(region__slug=filters.region)
    if filters.theme:
        actions = actions.filter(topic__theme__slug=filters.theme)
    if filters.municipality:
        code = filters.municipality.upper()
        actions = actions.filter(
            pk__in=Action.objects.filter(lead__code=code)
            .values("pk")
            .union(Action.objects.filter(participants__code=code).values("pk"))
        )
    if filters.status:
        actions = actions.filter(status=filters.status)
    return actions


@router.get(
    "/actions/{id}",
    response=ActionOut,
    by_alias=True,
    operation_id="getAction",
    summary="Eén actie",
)
def get_action(request: HttpRequest, id: Path[ItemId]) -> Action:
    return get_object_or_404(_actions(), pk=id)


@router.get(
    "/actions/{id}/progress-updates",
    response=list[ProgressUpdateOut],
    by_alias=True,
    operation_id="listProgressUpdates",
    summary="Voortgangsberichten van een actie",
)
@paginate(Pagination)
def list_progress_updates(request: HttpRequest, id: Path[ItemId]) -> QuerySet[ProgressUpdate]:
    action = get_object_or_404(Action, pk=id)
    return action.progress_updates.select_related("municipality").order_by("reported_on", "pk")


@router.post(
    "/actions",
    response={201: ActionOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createAction",
    summary="Actie toevoegen",
)
def post_action(request: HttpRequest, data: ActionIn) -> Status[Action]:
    region, values, participants, partners = _values(data)
    action = create_action(
        region, by=request.user, values=values, participants=participants, partners=partners
    )
    return Status(201, get_object_or_404(_actions(), pk=action.pk))


@router.put(
    "/actions/{id}",
    response=ActionOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateAction",
    summary="Actie wijzigen (met versie)",
)
def put_action(request: HttpRequest, id: Path[ItemId], data: ActionChange) -> Action:
    action = get_object_or_404(Action, pk=id)
    _, values, participants, partners = _values(data)
    update_action(
        action,
        by=request.user,
        expected_version=data.version,
        values=values,
        participants=participants,
        partners=partners,
    )
    return get_object_or_404(_actions(), pk=id)


@router.post(
    "/actions/{id}/progress-updates",
    response={201: ProgressUpdateOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createProgressUpdate",
    summary="Voortgang melden",
)
def post_progress(
    request: HttpRequest, id: Path[ItemId], data: ProgressIn
) -> Status[ProgressUpdate]:
    action = get_object_or_404(Action, pk=id)
    municipality = get_object_or_404(Municipality, code=data.municipality)
    update = record_progress(
        action,
        by=request.user,
        municipality=municipality,
        reported_on=data.reported_on,
        text=data.text,
        percent=data.percent,
    )
    return Status(201, update)


@router.post(
    "/actions/{id}/status-changes",
    response={201: ActionOut},
    by_alias=True,
    auth=token_auth,
    operation_id="changeActionStatus",
    summary="Status wijzigen",
)
def post_status(request: HttpRequest, id: Path[ItemId], data: StatusIn) -> Status[Action]:
    action = get_object_or_404(Action, pk=id)
    change_status(action, to=data.status, by=request.user, on=data.changed_on, reason=data.reason)
    return Status(201, get_object_or_404(_actions(), pk=id))
