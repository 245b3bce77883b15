"""Proposals: read the public ones (with the check that holds now), and register and change
those of one's own municipality with a token."""

import datetime
from typing import Annotated, Any

import rules
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.accounts.models import User
from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import SOMETHING, WEB_ADDRESS, ApiSchema, IsoDate, ItemId
from regioagenda.api.writing import References, audited, payload_checks, require
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.proposals.api.impact_checks import CHECK_RELATIONS, CheckOut
from regioagenda.proposals.api.routing import (
    limited_text,
    link,
    proposal_path,
    region_or_404,
    router,
    viewer,
    visible_to,
)
from regioagenda.proposals.models import (
    GoverningBody,
    ImpactCheck,
    Proposal,
    ProposalLink,
    ProposalStatus,
)
from regioagenda.regions.models import Municipality, Region

# Inline: other apps' components could take these names too.
BodyCode = Annotated[
    GoverningBody, WithJsonSchema({"type": "string", "enum": GoverningBody.values})
]
StatusCode = Annotated[
    ProposalStatus, WithJsonSchema({"type": "string", "enum": ProposalStatus.values})
]

# The field each check constraint is about, to name it in a refusal.
CHECKED_FIELDS = {"proposal_decided_after_proposed": "decision_date"}
TEXT_LIMIT = 200_000


class SourceLinkOut(ApiSchema):
    title: str
    url: str


class DocumentOut(ApiSchema):
    name: str = Field(description="Bestandsnaam.")
    media_type: str = Field(description="Soort bestand, zoals application/pdf.")
    size: int = Field(description="Grootte in bytes.")
    pages: int | None = Field(description="Aantal pagina's, als bekend.")
    has_text: bool = Field(description="Of er tekst uit het document gehaald kon worden.")
    note: str | None = Field(description="Toelichting, zoals: gescande PDF zonder tekst.")

    @staticmethod
    def resolve_note(document: Any) -> str | None:
        return document.note or None


class ProposalLinks(ApiSchema):
    self_: str = Field(alias="self")
    checks: str = Field(description="De herzieningen van de regionale toets.")
    municipality: str
    page: str = Field(description="De pagina van het voorstel op de website.")


class ProposalOut(ApiSchema):
    id: int
    number: str = Field(description="Het nummer in het raadsinformatiesysteem.")
    title: str
    body: BodyCode = Field(description="raad of college.")
    municipality: str = Field(description="CBS-code van de gemeente.")
    date: datetime.date = Field(
        description="Datum van het voorstel.", json_schema_extra={"format": "date"}
    )
    decision_date: datetime.date | None = Field(
        description="Datum van het besluit.", json_schema_extra={"format": "date"}
    )
    status: StatusCode = Field(description="concept, in-procedure, besloten of ingetrokken.")
    summary: str
    decision: str = Field(description="Het besluit.")
    source_links: list[SourceLinkOut] = Field(
        description="Pagina's van het voorstel in het raadsinformatiesysteem van de gemeente."
    )
    documents: list[DocumentOut]
    check: CheckOut | None = Field(
        description="De regionale toets die nu geldt (de laatst ingediende); leeg zonder toets."
    )
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: ProposalLinks

    @staticmethod
    def resolve_municipality(proposal: Proposal) -> str:
        return proposal.municipality.code

    @staticmethod
    def resolve_source_links(proposal: Proposal) -> list[SourceLinkOut]:
        return [SourceLinkOut(title=item.title, url=item.url) for item in proposal.links.all()]

    @staticmethod
    def resolve_documents(proposal: Proposal) -> list[Any]:
        return list(proposal.documents.all())

    @staticmethod
    def resolve_check(proposal: Proposal) -> ImpactCheck | None:
        submitted = getattr(proposal, "submitted_checks", None)
        if submitted is None:
            submitted = list(
                proposal.checks.filter(state=ImpactCheck.State.SUBMITTED).order_by("-revision")
            )
        return submitted[0] if submitted else None

    @staticmethod
    def resolve_links(proposal: Proposal) -> dict[str, str]:
        path = proposal_path(proposal)
        return {
            "self_": link(path),
            "checks": link(f"{path}/checks"),
            "municipality": link(f"/municipalities/{proposal.municipality.code}"),
            "page": proposal.get_absolute_url(),
        }


def proposal_queryset() -> QuerySet[Proposal]:
    latest_first = (
        ImpactCheck.objects.filter(state=ImpactCheck.State.SUBMITTED)
        .select_related("proposal__municipality__region")
        .prefetch_related(*CHECK_RELATIONS)
        .order_by("-revision")
    )
    return Proposal.objects.select_related("municipality__region").prefetch_related(
        "links",
        "documents",
        Prefetch("checks", queryset=latest_first, to_attr="submitted_checks"),
    )


def current_checks() -> QuerySet[ImpactCheck]:
    """Each proposal's check as it holds now: its submitted revision with the highest number."""
    latest = (
        ImpactCheck.objects.filter(proposal=OuterRef("proposal"), state=ImpactCheck.State.SUBMITTED)
        .order_by("-revision")
        .values("pk")[:1]
    )
    return ImpactCheck.objects.filter(state=ImpactCheck.State.SUBMITTED, pk=Subquery(latest))


class ProposalFilter(ApiSchema):
    municipality: str | None = Field(None, description="CBS-code van de gemeente van het voorstel.")
    body: BodyCode | None = Field(None, description="raad of college.")
    status: StatusCode | None = None
    theme: str | None = Field(
        None, description="Korte naam van een thema dat de toets noemt (ook via een onderwerp)."
    )
    topic: str | None = Field(None, description="Korte naam van een onderwerp dat de toets noemt.")
    affected: str | None = Field(None, description="CBS-code van een geraakte gemeente.")
    joint_body: str | None = Field(None, description="Korte naam van een verbonden partij.")
    date_from: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen voorstellen van op of na deze dag.",
        json_schema_extra={"format": "date"},
    )
    date_to: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen voorstellen van op of voor deze dag.",
        json_schema_extra={"format": "date"},
    )
    regional: bool | None = Field(
        None, description="Waar: alleen voorstellen die de toets regionaal noemt; onwaar: lokaal."
    )


@router.get(
    "/regions/{region}/proposals",
    response=list[ProposalOut],
    by_alias=True,
    operation_id="listProposals",
    summary="Raads- en collegevoorstellen van de gemeenten van een regio, met hun toets",
    description="Nieuwste eerst. Thema, onderwerp, geraakte gemeente, verbonden partij en "
    "regionaal filteren op de toets die nu geldt. Concepten ziet alleen wie ze mag schrijven, "
    "met een API-sleutel (Authorization: Bearer …).",
)
@paginate(Pagination)
def list_proposals(
    request: HttpRequest, region: str, filters: Query[ProposalFilter]
) -> QuerySet[Proposal]:
    user = viewer(request)
    found = visible_to(user, proposal_queryset()).filter(municipality__region=region_or_404(region))
    if filters.municipality:
        found = found.filter(municipality__code=filters.municipality.upper())
    if filters.body:
        found = found.filter(body=filters.body)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.date_from:
        found = found.filter(date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(date__lte=filters.date_to)
    checks = current_checks()
    if filters.theme:
        checks = checks.filter(Q(themes__slug=filters.theme) | Q(topics__theme__slug=filters.theme))
    if filters.topic:
        checks = checks.filter(topics__slug=filters.topic)
    if filters.affected:
        checks = checks.filter(affected__code=filters.affected.upper())
    if filters.joint_body:
        checks = checks.filter(joint_bodies__slug=filters.joint_body)
    if filters.regional is not None:
        checks = checks.filter(regional=filters.regional)
    if any(
        value is not None and value != ""
        for value in (
            filters.theme,
            filters.topic,
            filters.affected,
            filters.joint_body,
            filters.regional,
        )
    ):
        found = found.filter(pk__in=checks.values("proposal_id"))
    return found.order_by("-date", "municipality__name", "number", "pk")


@router.get(
    "/regions/{region}/proposals/{id}",
    response=ProposalOut,
    by_alias=True,
    operation_id="getProposal",
    summary="Eén voorstel, met zijn toets",
)
def get_proposal(request: HttpRequest, region: str, id: Path[ItemId]) -> Proposal:
    user = viewer(request)
    return get_object_or_404(
        visible_to(user, proposal_queryset()), municipality__region__slug=region, pk=id
    )


# Writing --------------------------------------------------------------------------------------


class SourceLinkIn(ApiSchema):
    title: Annotated[str, limited_text(200)] = Field(
        min_length=1, max_length=200, pattern=SOMETHING
    )
    url: Annotated[str, limited_text(500)] = Field(
        min_length=1,
        max_length=500,
        pattern=WEB_ADDRESS,
        description="Adres van de pagina (http of https).",
    )


# Other fields (who registered it, an id, a version on creation) are ignored: the API decides.
class ProposalIn(ApiSchema):
    municipality: str = Field(description="CBS-code van de gemeente, zoals GM0546.")
    body: BodyCode = Field(description="raad of college.")
    number: Annotated[str, limited_text(60)] = Field(
        min_length=1, max_length=60, pattern=SOMETHING, description="Het nummer, zoals RV 26.0012."
    )
    title: Annotated[str, limited_text(500)] = Field(
        min_length=1, max_length=500, pattern=SOMETHING
    )
    date: IsoDate = Field(
        description="Datum van het voorstel.", json_schema_extra={"format": "date"}
    )
    decision_date: IsoDate | None = Field(
        None, description="Datum van het besluit.", json_schema_extra={"format": "date"}
    )
    status: StatusCode = Field(ProposalStatus.DRAFT, description="Standaard: concept.")
    summary: Annotated[str, limited_text(TEXT_LIMIT)] = Field("", max_length=TEXT_LIMIT)
    decision: Annotated[str, limited_text(TEXT_LIMIT)] = Field("", max_length=TEXT_LIMIT)
    text: Annotated[str, limited_text(TEXT_LIMIT)] = Field(
        "",
        max_length=TEXT_LIMIT,
        description="De tekst van het voorstel, als er geen document is (voor de suggesties).",
    )
    source_links: list[SourceLinkIn] = Field(
        [],
        max_length=50,
        description="Pagina's in het raadsinformatiesysteem; vervangen de bestaande.",
    )


class ProposalChange(ProposalIn):
    version: int = Field(
        ge=1, le=2**31 - 1, description="De versie waarop de wijziging is gebaseerd."
    )


SCALAR_FIELDS = (
    "body",
    "number",
    "title",
    "date",
    "decision_date",
    "status",
    "summary",
    "decision",
    "text",
)


def _values(region: Region, data: ProposalIn) -> dict[str, Any]:
    references = References()
    values: dict[str, Any] = {name: getattr(data, name) for name in SCALAR_FIELDS}
    values["municipality"] = references.find(
        Municipality.objects.in_region(region),
        "municipality",
        data.municipality,
        where=" in deze regio",
        code=data.municipality.strip().upper(),
    )
    references.check()
    return values


def _checked_links(data: ProposalIn) -> list[ProposalLink]:
    """The payload's links, each checked as the model checks it; a refusal names the link."""
    links = [ProposalLink(title=item.title, url=item.url) for item in data.source_links]
    problems: dict[str, list[str]] = {}
    for position, item in enumerate(links):
        try:
            item.full_clean(exclude=["proposal"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems.setdefault(f"sourceLinks.{position}.{name}", []).extend(messages)
    if problems:
        raise ValidationError(problems)
    return links


def _replace_links(proposal: Proposal, links: list[ProposalLink]) -> None:
    proposal.links.all().delete()
    for item in links:
        item.proposal = proposal
    ProposalLink.objects.bulk_create(links)


def _may_keep(request: HttpRequest, proposal: Proposal) -> None:
    require(rules.has_perm("proposals.change_proposal", request.user, proposal))


@router.post(
    "/regions/{region}/proposals",
    response={201: ProposalOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createProposal",
    summary="Voorstel registreren",
    description="Een redacteur registreert voorstellen van de eigen gemeente, de coördinator "
    "die van elke gemeente van de regio.",
)
def post_proposal(request: HttpRequest, region: str, data: ProposalIn) -> Status[Proposal]:
    found = region_or_404(region)
    values = _values(found, data)
    by = request.user if isinstance(request.user, User) else None
    proposal = Proposal(**values, created_by=by)
    _may_keep(request, proposal)
    links = _checked_links(data)
    with audited(request), payload_checks(Proposal, checks=CHECKED_FIELDS):
        proposal.full_clean()
        proposal.save()
        _replace_links(proposal, links)
    return Status(201, get_object_or_404(proposal_queryset(), pk=proposal.pk))


@router.put(
    "/regions/{region}/proposals/{id}",
    response=ProposalOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateProposal",
    summary="Voorstel wijzigen (met versie)",
)
def put_proposal(
    request: HttpRequest, region: str, id: Path[ItemId], data: ProposalChange
) -> Proposal:
    proposal = get_object_or_404(
        visible_to(request.user, Proposal.objects.select_related("municipality__region")),
        municipality__region__slug=region,
        pk=id,
    )
    _may_keep(request, proposal)
    values = _values(proposal.municipality.region, data)
    # The proposal as it would be afterwards must be the user's to keep too: an editor cannot
    # hand it to another municipality.
    _may_keep(request, Proposal(municipality=values["municipality"]))
    links = _checked_links(data)
    with audited(request), payload_checks(Proposal, checks=CHECKED_FIELDS):
        save_with_version_check(proposal, expected_version=data.version, changes=values)
        _replace_links(proposal, links)
    return get_object_or_404(proposal_queryset(), pk=proposal.pk)
