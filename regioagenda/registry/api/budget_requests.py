"""Budgets sent to the councils for their views, and what each council decided."""

import datetime
from typing import Annotated, Any, Literal

import rules
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId
from regioagenda.api.writing import References, audited, delete, payload_checks, require
from regioagenda.regions.models import Municipality
from regioagenda.registry.api.routing import (
    CHECKED_FIELDS,
    body_path,
    links,
    municipality_path,
    router,
)
from regioagenda.registry.budgets import (
    add_budget_request,
    change_budget_request,
    participants_in,
    record_budget_view,
)
from regioagenda.registry.models import (
    BudgetRequest,
    BudgetView,
    JointBody,
    Participation,
)

# Budget requests and the councils' views on them ---------------------------------------------


# Inline enums: several models have a `Kind` or `Outcome`, and OpenAPI components by that name
# would overwrite one another.
RequestKind = Annotated[
    BudgetRequest.Kind, WithJsonSchema({"type": "string", "enum": BudgetRequest.Kind.values})
]
ViewOutcome = Annotated[
    BudgetView.Outcome, WithJsonSchema({"type": "string", "enum": BudgetView.Outcome.values})
]


class BudgetViewLinks(ApiSchema):
    self_: str = Field(alias="self")
    budget_request: str
    municipality: str


class BudgetViewOut(ApiSchema):
    id: int
    budget_request: int = Field(description="Id van de begroting ter zienswijze.")
    municipality: str = Field(description="CBS-code van de gemeente wier raad besloot.")
    outcome: ViewOutcome
    decided_on: datetime.date = Field(json_schema_extra={"format": "date"})
    summary: str
    url: str | None = Field(description="Adres van het raadsbesluit.")
    version: int = Field(description="Versie; stuur die mee bij een correctie.")
    links: BudgetViewLinks

    @staticmethod
    def resolve_budget_request(view: BudgetView) -> int:
        return view.request_id

    @staticmethod
    def resolve_municipality(view: BudgetView) -> str:
        return view.municipality.code

    @staticmethod
    def resolve_url(view: BudgetView) -> str | None:
        return view.url or None

    @staticmethod
    def resolve_links(view: BudgetView) -> dict[str, str | None]:
        return links(
            self_=f"/budget-requests/{view.request_id}/budget-views/{view.municipality.code}",
            budget_request=f"/budget-requests/{view.request_id}",
            municipality=municipality_path(view.municipality),
        )


class BudgetRequestLinks(ApiSchema):
    self_: str = Field(alias="self")
    joint_body: str


def _is_open(budget: BudgetRequest) -> bool:
    return budget.adopted_on is None and budget.views_due_on >= timezone.localdate()


class BudgetRequestOut(ApiSchema):
    id: int
    region: str
    joint_body: str = Field(description="Korte naam van de verbonden partij.")
    kind: RequestKind
    year: int = Field(description="Begrotingsjaar.")
    title: str
    sent_on: datetime.date = Field(json_schema_extra={"format": "date"})
    views_due_on: datetime.date = Field(
        description="Uiterste datum voor zienswijzen.", json_schema_extra={"format": "date"}
    )
    adopted_on: datetime.date | None = Field(json_schema_extra={"format": "date"})
    url: str | None
    is_open: bool = Field(description="Nog niet vastgesteld en de termijn loopt nog.")
    views: list[BudgetViewOut]
    pending_municipalities: list[str] = Field(
        description="CBS-codes van deelnemende gemeenten van de regio die nog niet besloten."
    )
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: BudgetRequestLinks

    @staticmethod
    def resolve_region(budget: BudgetRequest) -> str:
        return budget.body.region.slug

    @staticmethod
    def resolve_joint_body(budget: BudgetRequest) -> str:
        return budget.body.slug

    @staticmethod
    def resolve_url(budget: BudgetRequest) -> str | None:
        return budget.url or None

    @staticmethod
    def resolve_is_open(budget: BudgetRequest) -> bool:
        return _is_open(budget)

    @staticmethod
    def resolve_views(budget: BudgetRequest) -> list[BudgetView]:
        return list(budget.views.all())

    @staticmethod
    def resolve_pending_municipalities(budget: BudgetRequest) -> list[str]:
        decided = {view.municipality_id for view in budget.views.all()}
        return sorted(
            m.code for m in participants_in(budget.body, budget.year) if m.pk not in decided
        )

    @staticmethod
    def resolve_links(budget: BudgetRequest) -> dict[str, str | None]:
        return links(self_=f"/budget-requests/{budget.pk}", joint_body=body_path(budget.body))


class BudgetRequestFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    joint_body: str | None = Field(None, description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(
        None,
        description="CBS-code: alleen begrotingen van partijen waaraan de gemeente in het "
        "begrotingsjaar deelnam.",
    )
    status: Literal["open", "closed"] | None = Field(
        None, description="open: de termijn loopt nog; closed: vastgesteld of termijn voorbij."
    )


class BudgetRequestIn(ApiSchema):
    region: str = Field(description="Code van de regio.")
    joint_body: str = Field(description="Korte naam van de verbonden partij.")
    kind: RequestKind = BudgetRequest.Kind.DRAFT_BUDGET
    year: int = Field(ge=1900, le=9999, description="Begrotingsjaar.")
    title: str
    sent_on: IsoDate = Field(json_schema_extra={"format": "date"})
    views_due_on: IsoDate | None = Field(
        None,
        description="Uiterste datum voor zienswijzen; leeg: twaalf weken na verzending (Wgr).",
        json_schema_extra={"format": "date"},
    )
    adopted_on: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    url: str = ""


class BudgetRequestChange(BudgetRequestIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


def _budget_requests() -> QuerySet[BudgetRequest]:
    return (
        BudgetRequest.objects.select_related("body__region")
        .prefetch_related(
            Prefetch(
                "views",
                queryset=BudgetView.objects.select_related("municipality").order_by(
                    "municipality__code"
                ),
            ),
            Prefetch(
                "body__participations",
                queryset=Participation.objects.select_related("municipality"),
            ),
        )
        .order_by("-views_due_on", "body__slug", "pk")
    )


def _budget_request_values(data: BudgetRequestIn) -> dict[str, Any]:
    references = References()
    region = references.region(data.region)
    values = data.model_dump(
        include={"kind", "year", "title", "sent_on", "views_due_on", "adopted_on", "url"}
    )
    values["body"] = references.find(
        JointBody.objects.filter(region=region),
        "jointBody",
        data.joint_body,
        where=" in deze regio",
        slug=data.joint_body,
    )
    references.check()
    return values


@router.get(
    "/budget-requests",
    response=list[BudgetRequestOut],
    by_alias=True,
    operation_id="listBudgetRequests",
    summary="Begrotingen ter zienswijze, met de besluiten van de raden",
)
@paginate(Pagination)
def list_budget_requests(
    request: HttpRequest, filters: Query[BudgetRequestFilter]
) -> QuerySet[BudgetRequest]:
    budgets = _budget_requests()
    if filters.region:
        budgets = budgets.filter(body__region__slug=filters.region)
    if filters.joint_body:
        budgets = budgets.filter(body__slug=filters.joint_body)
    if filters.status:
        still_open = Q(adopted_on__isnull=True, views_due_on__gte=timezone.localdate())
        budgets = budgets.filter(still_open if filters.status == "open" else ~still_open)
    if filters.municipality:
        code = filters.municipality.upper()
        candidates = BudgetRequest.objects.filter(
            body__participations__municipality__code=code
        ).prefetch_related(
            Prefetch(
                "body__participations",
                queryset=Participation.objects.filter(municipality__code=code),
            )
        )
        budgets = budgets.filter(
            pk__in=[
                budget.pk
                for budget in candidates.distinct()
                if any(p.covers_year(budget.year) for p in budget.body.participations.all())
            ]
        )
    return budgets


@router.get(
    "/budget-requests/{id}",
    response=BudgetRequestOut,
    by_alias=True,
    operation_id="getBudgetRequest",
    summary="Eén begroting ter zienswijze",
)
def get_budget_request(request: HttpRequest, id: Path[ItemId]) -> BudgetRequest:
    return get_object_or_404(_budget_requests(), pk=id)


@router.post(
    "/budget-requests",
    response={201: BudgetRequestOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createBudgetRequest",
    summary="Begroting ter zienswijze toevoegen",
)
def post_budget_request(request: HttpRequest, data: BudgetRequestIn) -> Status[BudgetRequest]:
    values = _budget_request_values(data)
    with audited(request), payload_checks(BudgetRequest, checks=CHECKED_FIELDS):
        budget = add_budget_request(by=request.user, values=values)
    return Status(201, get_object_or_404(_budget_requests(), pk=budget.pk))


@router.put(
    "/budget-requests/{id}",
    response=BudgetRequestOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateBudgetRequest",
    summary="Begroting ter zienswijze wijzigen (met versie)",
)
def put_budget_request(
    request: HttpRequest, id: Path[ItemId], data: BudgetRequestChange
) -> BudgetRequest:
    budget = get_object_or_404(BudgetRequest.objects.select_related("body"), pk=id)
    require(rules.has_perm("registry.change_budgetrequest", request.user, budget))
    values = _budget_request_values(data)
    with audited(request), payload_checks(BudgetRequest, checks=CHECKED_FIELDS):
        change_budget_request(budget, by=request.user, expected_version=data.version, values=values)
    return get_object_or_404(_budget_requests(), pk=id)


@router.delete(
    "/budget-requests/{id}",
    response={204: None},
    auth=token_auth,
    operation_id="deleteBudgetRequest",
    summary="Begroting ter zienswijze verwijderen, met de besluiten erover",
)
def delete_budget_request(request: HttpRequest, id: Path[ItemId]) -> Status[None]:
    budget = get_object_or_404(BudgetRequest.objects.select_related("body"), pk=id)
    require(rules.has_perm("registry.delete_budgetrequest", request.user, budget))
    delete(request, budget)
    return Status(204, None)


class BudgetViewIn(ApiSchema):
    outcome: ViewOutcome
    decided_on: IsoDate = Field(json_schema_extra={"format": "date"})
    summary: str = ""
    url: str = Field("", description="Adres van het raadsbesluit.")
    version: int | None = Field(
        None,
        description="Bij een correctie: de versie waarop die is gebaseerd; leeg bij een nieuw "
        "besluit.",
        ge=1,
    )


VIEW_PATH = "/budget-requests/{id}/budget-views/{municipality}"


def _view_of(id: int, municipality: str) -> BudgetView:
    return get_object_or_404(
        BudgetView.objects.select_related("municipality", "request__body"),
        request_id=id,
        municipality__code=municipality.upper(),
    )


@router.get(
    VIEW_PATH,
    response=BudgetViewOut,
    by_alias=True,
    operation_id="getBudgetView",
    summary="Wat de raad van een gemeente over een begroting besloot",
)
def get_budget_view(request: HttpRequest, id: Path[ItemId], municipality: str) -> BudgetView:
    return _view_of(id, municipality)


@router.put(
    VIEW_PATH,
    response=BudgetViewOut,
    by_alias=True,
    auth=token_auth,
    operation_id="recordBudgetView",
    summary="Besluit van de raad van een gemeente over een begroting vastleggen of corrigeren",
)
def put_budget_view(
    request: HttpRequest, id: Path[ItemId], municipality: str, data: BudgetViewIn
) -> BudgetView:
    budget = get_object_or_404(BudgetRequest.objects.select_related("body"), pk=id)
    council = get_object_or_404(Municipality, code=municipality.upper())
    with audited(request), payload_checks(BudgetView, checks=CHECKED_FIELDS):
        record_budget_view(
            budget,
            council,
            by=request.user,
            values=data.model_dump(exclude={"version"}),
            expected_version=data.version,
        )
    return _view_of(id, municipality)


@router.delete(
    VIEW_PATH,
    response={204: None},
    auth=token_auth,
    operation_id="deleteBudgetView",
    summary="Besluit van de raad van een gemeente over een begroting verwijderen",
)
def delete_budget_view(request: HttpRequest, id: Path[ItemId], municipality: str) -> Status[None]:
    view = _view_of(id, municipality)
    require(rules.test_rule("registry.record_budget_view", request.user, view))
    delete(request, view)
    return Status(204, None)
