"""A proposal's regional checks: the submitted revisions to read, and for those who may write
the check its draft to save and submit. Every write goes through proposals.checks."""

import datetime
from typing import Annotated, Any

import rules
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.agenda.models import Action
from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, ItemId
from regioagenda.api.writing import References, audited, payload_checks, require
from regioagenda.proposals import checks
from regioagenda.proposals.api.routing import (
    limited_text,
    link,
    proposal_path,
    router,
    viewer,
    visible_to,
)
from regioagenda.proposals.models import (
    Consistency,
    Effect,
    GazetteerEntry,
    ImpactCheck,
    Proposal,
)
from regioagenda.proposals.paragraph import regional_paragraph
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

# Inline: other apps' components could take these names too.
EffectCode = Annotated[Effect, WithJsonSchema({"type": "string", "enum": Effect.values})]
ConsistencyCode = Annotated[
    Consistency, WithJsonSchema({"type": "string", "enum": Consistency.values})
]
StateCode = Annotated[
    ImpactCheck.State, WithJsonSchema({"type": "string", "enum": ImpactCheck.State.values})
]

CHECK_RELATIONS = (
    "themes",
    "topics__theme",
    "joint_bodies",
    "actions",
    "coordinate_with",
    "affected",
)
NOTE_LIMIT = 20_000
LIST_LIMIT = 200


class AffectedOut(ApiSchema):
    code: str = Field(description="CBS-code van de gemeente, ook buiten de regio.")
    name: str
    effect: EffectCode = Field(description="positief, negatief, gemengd of onbekend.")
    explanation: str = Field(description="Korte toelichting op het effect.")


class CheckLinks(ApiSchema):
    self_: str = Field(alias="self", description="De herzieningen van de toets.")
    proposal: str


class CheckOut(ApiSchema):
    revision: int = Field(description="Volgnummer van de herziening; 1 voor de eerste.")
    state: StateCode = Field(description="concept of ingediend.")
    submitted_at: datetime.datetime | None = Field(
        description="Wanneer de toets is ingediend.", json_schema_extra={"format": "date-time"}
    )
    themes: list[str] = Field(description="Korte namen van de geraakte thema's.")
    topics: list[str] = Field(description="Korte namen van de geraakte onderwerpen.")
    affected: list[AffectedOut] = Field(description="De andere gemeenten die het voorstel raakt.")
    joint_bodies: list[str] = Field(description="Korte namen van de betrokken verbonden partijen.")
    actions: list[int] = Field(description="Ids van de acties van de uitvoeringsagenda.")
    consistency: ConsistencyCode = Field(
        description="Of het voorstel past in de strategische en de uitvoeringsagenda."
    )
    consistency_note: str
    regional: bool | None = Field(
        description="Waar: gevolgen buiten de gemeente; onwaar: lokaal; leeg: nog niet bepaald."
    )
    coordination_needed: bool = Field(
        description="Of regionale afstemming vóór het besluit nodig is."
    )
    coordinate_with: list[str] = Field(
        description="CBS-codes van de gemeenten om mee af te stemmen."
    )
    coordination_note: str
    consequences: str = Field(description="De regionale gevolgen.")
    paragraph: str = Field(
        description="De regionale paragraaf voor het aanbiedingsformulier, klaar om te plakken."
    )
    version: int = Field(description="Versie; stuur die mee bij het opslaan of indienen.")
    links: CheckLinks

    @staticmethod
    def resolve_themes(check: ImpactCheck) -> list[str]:
        return sorted(theme.slug for theme in check.themes.all())

    @staticmethod
    def resolve_topics(check: ImpactCheck) -> list[str]:
        return sorted(topic.slug for topic in check.topics.all())

    @staticmethod
    def resolve_affected(check: ImpactCheck) -> list[AffectedOut]:
        return [
            AffectedOut(
                code=affected.code,
                name=affected.name,
                effect=Effect(affected.effect),
                explanation=affected.explanation,
            )
            for affected in sorted(check.affected.all(), key=lambda a: (a.name, a.code))
        ]

    @staticmethod
    def resolve_joint_bodies(check: ImpactCheck) -> list[str]:
        return sorted(body.slug for body in check.joint_bodies.all())

    @staticmethod
    def resolve_actions(check: ImpactCheck) -> list[int]:
        return sorted(action.pk for action in check.actions.all())

    @staticmethod
    def resolve_coordinate_with(check: ImpactCheck) -> list[str]:
        return sorted(municipality.code for municipality in check.coordinate_with.all())

    @staticmethod
    def resolve_paragraph(check: ImpactCheck) -> str:
        return regional_paragraph(check)

    @staticmethod
    def resolve_links(check: ImpactCheck) -> dict[str, str]:
        proposal = proposal_path(check.proposal)
        return {"self_": link(f"{proposal}/checks"), "proposal": link(proposal)}


def check_queryset() -> QuerySet[ImpactCheck]:
    return ImpactCheck.objects.select_related("proposal__municipality__region").prefetch_related(
        *CHECK_RELATIONS
    )


def visible_proposal(user: Any, region: str, id: int) -> Proposal:
    """The proposal, if this user may see it; a draft of someone else's is not found."""
    proposals = Proposal.objects.select_related("municipality__region")
    return get_object_or_404(visible_to(user, proposals), municipality__region__slug=region, pk=id)


class CheckFilter(ApiSchema):
    include_draft: bool = Field(
        False,
        description="Ook het concept van de volgende herziening; alleen met een API-sleutel van "
        "iemand die de toets mag schrijven, anders telt deze parameter niet.",
    )


@router.get(
    "/regions/{region}/proposals/{id}/checks",
    response=list[CheckOut],
    by_alias=True,
    operation_id="listImpactChecks",
    summary="De ingediende herzieningen van de regionale toets van een voorstel",
    description="Nieuwste eerst; de eerste is de toets die nu geldt. Met een API-sleutel "
    "(Authorization: Bearer …) en includeDraft=true ziet wie de toets mag schrijven ook het "
    "concept.",
)
@paginate(Pagination)
def list_checks(
    request: HttpRequest, region: str, id: Path[ItemId], filters: Query[CheckFilter]
) -> QuerySet[ImpactCheck]:
    user = viewer(request)
    proposal = visible_proposal(user, region, id)
    found = check_queryset().filter(proposal=proposal)
    if not (filters.include_draft and rules.test_rule("proposals.write_check", user, proposal)):
        found = found.filter(state=ImpactCheck.State.SUBMITTED)
    return found.order_by("-revision")


# Writing the draft ----------------------------------------------------------------------------


class AffectedIn(ApiSchema):
    code: str = Field(
        pattern=r"^[Gg][Mm][0-9]{4}$",
        description="CBS-code van de gemeente, zoals GM0547; ook een buurgemeente buiten de regio.",
    )
    name: Annotated[str, limited_text(100)] = Field(
        "",
        max_length=100,
        description="Naam van de gemeente; leeg: de naam die Regio-agenda bij de code kent.",
    )
    effect: EffectCode = Field(
        Effect.UNKNOWN, description="positief, negatief, gemengd of onbekend."
    )
    explanation: Annotated[str, limited_text(NOTE_LIMIT)] = Field("", max_length=NOTE_LIMIT)


class CheckIn(ApiSchema):
    themes: list[str] = Field([], max_length=LIST_LIMIT, description="Korte namen van thema's.")
    topics: list[str] = Field([], max_length=LIST_LIMIT, description="Korte namen van onderwerpen.")
    affected: list[AffectedIn] = Field([], max_length=LIST_LIMIT)
    joint_bodies: list[str] = Field(
        [], max_length=LIST_LIMIT, description="Korte namen van verbonden partijen."
    )
    actions: list[ItemId] = Field(
        [], max_length=LIST_LIMIT, description="Ids van acties van de uitvoeringsagenda."
    )
    consistency: ConsistencyCode = Consistency.NOT_APPLICABLE
    consistency_note: Annotated[str, limited_text(NOTE_LIMIT)] = Field("", max_length=NOTE_LIMIT)
    regional: bool | None = Field(None, description="Leeg: nog niet bepaald.")
    coordination_needed: bool = False
    coordinate_with: list[str] = Field(
        [], max_length=LIST_LIMIT, description="CBS-codes van gemeenten van de regio."
    )
    coordination_note: Annotated[str, limited_text(NOTE_LIMIT)] = Field("", max_length=NOTE_LIMIT)
    consequences: Annotated[str, limited_text(NOTE_LIMIT)] = Field("", max_length=NOTE_LIMIT)
    version: int = Field(
        ge=1,
        le=2**31 - 1,
        description="De versie van het concept waarop de wijziging is gebaseerd; 1 als er nog "
        "geen concept is.",
    )


class VersionIn(ApiSchema):
    version: int = Field(ge=1, le=2**31 - 1, description="De versie van het concept dat u indient.")


def _name_of(code: str) -> str:
    """The name Regio-agenda knows for a CBS code: a municipality's, or a neighbour's from a
    gazetteer."""
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is not None:
        return municipality.name
    entry = GazetteerEntry.objects.filter(municipality_code=code).order_by("pk").first()
    return entry.municipality_name if entry is not None else ""


def _actions(references: References, region: Region, wanted: list[int]) -> list[Action]:
    # References.find_all compares strings; action ids are numbers.
    found = list(Action.objects.filter(region=region, pk__in=wanted))
    missing = sorted(set(wanted) - {action.pk for action in found})
    if missing:
        names = ", ".join(f"'{pk}'" for pk in missing)
        references.problems["actions"] = _("%(names)s bestaat niet in deze regio.") % {
            "names": names
        }
    return found


def _answers(proposal: Proposal, data: CheckIn) -> checks.CheckAnswers:
    """The payload's answers with its slugs, codes and ids looked up in the proposal's region;
    what is not there is a 400 naming the field."""
    region = proposal.municipality.region
    references = References()
    answers = checks.CheckAnswers(
        themes=references.find_all(
            Theme.objects.filter(region=region), "themes", "slug", data.themes
        ),
        topics=references.find_all(
            Topic.objects.filter(region=region), "topics", "slug", data.topics
        ),
        joint_bodies=references.find_all(
            JointBody.objects.filter(region=region), "jointBodies", "slug", data.joint_bodies
        ),
        actions=_actions(references, region, list(data.actions)),
        coordinate_with=references.find_all(
            Municipality.objects.in_region(region),
            "coordinateWith",
            "code",
            [code.strip().upper() for code in data.coordinate_with],
        ),
        affected=[
            checks.Affected(
                code=item.code.upper(),
                name=item.name or _name_of(item.code.upper()),
                effect=item.effect,
                explanation=item.explanation,
            )
            for item in data.affected
        ],
        consistency=data.consistency,
        consistency_note=data.consistency_note,
        regional=data.regional,
        coordination_needed=data.coordination_needed,
        coordination_note=data.coordination_note,
        consequences=data.consequences,
    )
    references.check()
    return answers


@router.put(
    "/regions/{region}/proposals/{id}/checks/draft",
    response=CheckOut,
    by_alias=True,
    auth=token_auth,
    operation_id="saveImpactCheckDraft",
    summary="Concept van de regionale toets opslaan (met versie)",
    description="Zonder concept begint een nieuwe herziening, met de antwoorden van de laatst "
    "ingediende toets; de antwoorden uit het verzoek vervangen die. Een redacteur schrijft de "
    "toets van voorstellen van de eigen gemeente, de coördinator die van de hele regio.",
)
def put_check_draft(
    request: HttpRequest, region: str, id: Path[ItemId], data: CheckIn
) -> ImpactCheck:
    proposal = visible_proposal(request.user, region, id)
    require(rules.test_rule("proposals.write_check", request.user, proposal))
    answers = _answers(proposal, data)
    with audited(request), payload_checks(ImpactCheck):
        draft = checks.draft_for(proposal, by=request.user)
        saved = checks.save_draft(draft, answers, version=data.version, by=request.user)
    return get_object_or_404(check_queryset(), pk=saved.pk)


@router.post(
    "/regions/{region}/proposals/{id}/checks/draft/submit",
    response=CheckOut,
    by_alias=True,
    auth=token_auth,
    operation_id="submitImpactCheckDraft",
    summary="Concept van de regionale toets indienen (met versie)",
    description="Het concept wordt de toets van het voorstel en verandert daarna niet meer; "
    "een wijziging is een nieuwe herziening.",
)
def submit_check_draft(
    request: HttpRequest, region: str, id: Path[ItemId], data: VersionIn
) -> ImpactCheck:
    proposal = visible_proposal(request.user, region, id)
    require(rules.test_rule("proposals.write_check", request.user, proposal))
    draft = proposal.checks.filter(state=ImpactCheck.State.DRAFT).first()
    if draft is None:
        raise Http404(_("Dit voorstel heeft geen concept van de toets."))
    with audited(request), payload_checks(ImpactCheck):
        submitted = checks.submit(draft, version=data.version, by=request.user)
    return get_object_or_404(check_queryset(), pk=submitted.pk)
