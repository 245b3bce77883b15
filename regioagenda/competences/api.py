"""Who decides what, in the API: the region's policy domains, the places below a municipality,
and the competences with their legal basis.

Everyone reads. With a token the region's coordinator keeps the policy domains and the
competences; a municipality's editor keeps the competences that hold in that municipality only
(its own mandates and delegations). Every write runs the model's own checks.
"""

import datetime
from typing import Annotated, Any

import rules
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId, Text, text
from regioagenda.api.writing import References, audited, delete, payload_checks, require
from regioagenda.competences.models import (
    Authority,
    Basis,
    Competence,
    Place,
    PolicyDomain,
    Scale,
)
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

router = Router(tags=["Bevoegdheden"])

API = "/api/v1"

# The field each check constraint is about, to name it in a refusal.
CHECKED_FIELDS = {"competence_joint_body_only_for_its_boards": "joint_body"}


def _link(path: str | None) -> str | None:
    return f"{API}{path}" if path else None


# Policy domains ------------------------------------------------------------------------------


class PolicyDomainLinks(ApiSchema):
    self_: str = Field(alias="self")
    parent: str | None
    competences: str


class PolicyDomainOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    region: str
    name: Text
    description: Text
    parent: str | None = Field(description="Korte naam van het domein waaronder dit valt.")
    keywords: list[str] = Field(description="Woorden waarmee mensen naar dit domein zoeken.")
    themes: list[str] = Field(description="Korte namen van de thema's.")
    topics: list[str] = Field(description="Korte namen van de onderwerpen.")
    position: int = Field(description="Volgorde.")
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: PolicyDomainLinks

    @staticmethod
    def resolve_region(domain: PolicyDomain) -> str:
        return domain.region.slug

    @staticmethod
    def resolve_name(domain: PolicyDomain) -> Text:
        return text(domain, "name")

    @staticmethod
    def resolve_description(domain: PolicyDomain) -> Text:
        return text(domain, "description")

    @staticmethod
    def resolve_parent(domain: PolicyDomain) -> str | None:
        return domain.parent.slug if domain.parent else None

    @staticmethod
    def resolve_keywords(domain: PolicyDomain) -> list[str]:
        return domain.keyword_list

    @staticmethod
    def resolve_themes(domain: PolicyDomain) -> list[str]:
        return sorted(theme.slug for theme in domain.themes.all())

    @staticmethod
    def resolve_topics(domain: PolicyDomain) -> list[str]:
        return sorted(topic.slug for topic in domain.topics.all())

    @staticmethod
    def resolve_links(domain: PolicyDomain) -> dict[str, str | None]:
        base = f"/regions/{domain.region.slug}/policy-domains"
        return {
            "self_": _link(f"{base}/{domain.slug}"),
            "parent": _link(f"{base}/{domain.parent.slug}") if domain.parent else None,
            "competences": _link(f"/competences?region={domain.region.slug}&domain={domain.slug}"),
        }


class PolicyDomainFilter(ApiSchema):
    parent: str | None = Field(None, description="Alleen domeinen direct onder dit domein.")
    theme: str | None = Field(None, description="Alleen domeinen bij dit thema (korte naam).")
    topic: str | None = Field(None, description="Alleen domeinen bij dit onderwerp (korte naam).")


class PolicyDomainIn(ApiSchema):
    slug: str = Field(description="Korte naam, uniek in de regio.")
    name: str
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    parent: str | None = Field(None, description="Korte naam van het domein waaronder dit valt.")
    keywords: list[str] = []
    themes: list[str] = Field([], description="Korte namen van de thema's.")
    topics: list[str] = Field([], description="Korte namen van de onderwerpen.")
    position: int = Field(0, ge=0, le=2**31 - 1)


class PolicyDomainChange(PolicyDomainIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


def _domains() -> QuerySet[PolicyDomain]:
    return PolicyDomain.objects.select_related("region", "parent").prefetch_related(
        "themes", "topics"
    )


def _domain_values(
    region: Region, data: PolicyDomainIn
) -> tuple[dict[str, Any], list[Theme], list[Topic]]:
    references = References()
    values = data.model_dump(
        include={"slug", "name", "name_en", "description", "description_en", "position"}
    )
    values["keywords"] = ", ".join(word.strip() for word in data.keywords if word.strip())
    values["parent"] = references.find(
        PolicyDomain.objects.filter(region=region),
        "parent",
        data.parent,
        where=" in deze regio",
        slug=data.parent,
    )
    themes = references.find_all(Theme.objects.filter(region=region), "themes", "slug", data.themes)
    topics = references.find_all(Topic.objects.filter(region=region), "topics", "slug", data.topics)
    references.check()
    return values, themes, topics


@router.get(
    "/regions/{region}/policy-domains",
    response=list[PolicyDomainOut],
    by_alias=True,
    operation_id="listPolicyDomains",
    summary="Beleidsdomeinen van een regio",
)
@paginate(Pagination)
def list_policy_domains(
    request: HttpRequest, region: str, filters: Query[PolicyDomainFilter]
) -> QuerySet[PolicyDomain]:
    domains = _domains().filter(region__slug=region)
    if filters.parent:
        domains = domains.filter(parent__slug=filters.parent)
    if filters.theme:
        domains = domains.filter(themes__slug=filters.theme)
    if filters.topic:
        domains = domains.filter(topics__slug=filters.topic)
    return domains.distinct().order_by("position", "name", "pk")


@router.get(
    "/regions/{region}/policy-domains/{slug}",
    response=PolicyDomainOut,
    by_alias=True,
    operation_id="getPolicyDomain",
    summary="Eén beleidsdomein",
)
def get_policy_domain(request: HttpRequest, region: str, slug: str) -> PolicyDomain:
    return get_object_or_404(_domains(), region__slug=region, slug=slug)


@router.post(
    "/regions/{region}/policy-domains",
    response={201: PolicyDomainOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createPolicyDomain",
    summary="Beleidsdomein toevoegen",
)
def post_policy_domain(
    request: HttpRequest, region: str, data: PolicyDomainIn
) -> Status[PolicyDomain]:
    found = get_object_or_404(Region, slug=region)
    domain = PolicyDomain(region=found)
    require(rules.has_perm("competences.change_policydomain", request.user, domain))
    values, themes, topics = _domain_values(found, data)
    for name, value in values.items():
        setattr(domain, name, value)
    with audited(request), payload_checks(PolicyDomain, checks=CHECKED_FIELDS):
        domain.full_clean()
        domain.save()
        domain.themes.set(themes)
        domain.topics.set(topics)
    return Status(201, get_object_or_404(_domains(), pk=domain.pk))


@router.put(
    "/regions/{region}/policy-domains/{slug}",
    response=PolicyDomainOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updatePolicyDomain",
    summary="Beleidsdomein wijzigen (met versie)",
)
def put_policy_domain(
    request: HttpRequest, region: str, slug: str, data: PolicyDomainChange
) -> PolicyDomain:
    domain = get_object_or_404(PolicyDomain, region__slug=region, slug=slug)
    require(rules.has_perm("competences.change_policydomain", request.user, domain))
    values, themes, topics = _domain_values(domain.region, data)
    with audited(request), payload_checks(PolicyDomain, checks=CHECKED_FIELDS):
        save_with_version_check(domain, expected_version=data.version, changes=values)
        domain.themes.set(themes)
        domain.topics.set(topics)
    return get_object_or_404(_domains(), pk=domain.pk)


@router.delete(
    "/regions/{region}/policy-domains/{slug}",
    response={204: None},
    auth=token_auth,
    operation_id="deletePolicyDomain",
    summary="Beleidsdomein verwijderen (zonder bevoegdheden of onderliggende domeinen)",
)
def delete_policy_domain(request: HttpRequest, region: str, slug: str) -> Status[None]:
    domain = get_object_or_404(PolicyDomain, region__slug=region, slug=slug)
    require(rules.has_perm("competences.delete_policydomain", request.user, domain))
    delete(request, domain)
    return Status(204, None)


# Places --------------------------------------------------------------------------------------


# Inline: several models have a `Kind`, and OpenAPI components by that name would collide.
PlaceKind = Annotated[Place.Kind, WithJsonSchema({"type": "string", "enum": Place.Kind.values})]


class PlaceOut(ApiSchema):
    code: str = Field(description="CBS-code, zoals WK054600 of BU05460000.")
    name: str
    kind: PlaceKind
    municipality: str = Field(description="CBS-code van de gemeente.")
    parent: str | None = Field(description="CBS-code van de wijk waarin de buurt ligt.")
    source: str

    @staticmethod
    def resolve_municipality(place: Place) -> str:
        return place.municipality.code

    @staticmethod
    def resolve_parent(place: Place) -> str | None:
        return place.parent.code if place.parent else None


class PlaceFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    municipality: str | None = Field(None, description="CBS-code van de gemeente.")
    kind: PlaceKind | None = None


@router.get(
    "/places",
    response=list[PlaceOut],
    by_alias=True,
    operation_id="listPlaces",
    summary="Wijken, dorpen en buurten",
)
@paginate(Pagination)
def list_places(request: HttpRequest, filters: Query[PlaceFilter]) -> QuerySet[Place]:
    places = Place.objects.select_related("municipality", "parent").order_by(
        "municipality__code", "code", "pk"
    )
    if filters.region:
        places = places.filter(municipality__region__slug=filters.region)
    if filters.municipality:
        places = places.filter(municipality__code=filters.municipality.upper())
    if filters.kind:
        places = places.filter(kind=filters.kind)
    return places


# Competences ---------------------------------------------------------------------------------


class CompetenceLinks(ApiSchema):
    self_: str = Field(alias="self")
    domain: str
    joint_body: str | None
    municipality: str | None


class CompetenceOut(ApiSchema):
    id: int
    region: str
    domain: str = Field(description="Korte naam van het beleidsdomein.")
    scale: Scale
    decision: Text = Field(description="Waarover wordt beslist.")
    authority: Authority = Field(description="Wie beslist.")
    joint_body: str | None = Field(
        description="Korte naam van de verbonden partij, als haar bestuur beslist."
    )
    municipality: str | None = Field(
        description="CBS-code van de enige gemeente waar dit geldt; leeg: in elke gemeente."
    )
    basis: Basis = Field(description="Soort grondslag.")
    law: str = Field(description="De wet, regeling of het besluit.")
    article: str | None
    url: str = Field(description="Adres van de grondslag.")
    since: datetime.date | None = Field(json_schema_extra={"format": "date"})
    note: Text
    version: int = Field(description="Versie; stuur die mee bij een wijziging.")
    links: CompetenceLinks

    @staticmethod
    def resolve_region(competence: Competence) -> str:
        return competence.region.slug

    @staticmethod
    def resolve_domain(competence: Competence) -> str:
        return competence.domain.slug

    @staticmethod
    def resolve_decision(competence: Competence) -> Text:
        return text(competence, "decision")

    @staticmethod
    def resolve_joint_body(competence: Competence) -> str | None:
        return competence.joint_body.slug if competence.joint_body else None

    @staticmethod
    def resolve_municipality(competence: Competence) -> str | None:
        return competence.municipality.code if competence.municipality else None

    @staticmethod
    def resolve_article(competence: Competence) -> str | None:
        return competence.article or None

    @staticmethod
    def resolve_note(competence: Competence) -> Text:
        return text(competence, "note")

    @staticmethod
    def resolve_links(competence: Competence) -> dict[str, str | None]:
        region = competence.region.slug
        body = competence.joint_body
        municipality = competence.municipality
        return {
            "self_": _link(f"/competences/{competence.pk}"),
            "domain": _link(f"/regions/{region}/policy-domains/{competence.domain.slug}"),
            "joint_body": _link(f"/regions/{region}/joint-bodies/{body.slug}") if body else None,
            "municipality": _link(f"/municipalities/{municipality.code}") if municipality else None,
        }


class CompetenceFilter(ApiSchema):
    region: str | None = Field(None, description="Code van de regio.")
    domain: str | None = Field(None, description="Korte naam van het beleidsdomein.")
    scale: Scale | None = None
    authority: Authority | None = None
    joint_body: str | None = Field(None, description="Korte naam van de verbonden partij.")
    municipality: str | None = Field(
        None,
        description="CBS-code: wat in deze gemeente geldt, dus haar eigen bevoegdheden en die "
        "voor elke gemeente van haar regio.",
    )


class CompetenceIn(ApiSchema):
    region: str = Field(description="Code van de regio.")
    domain: str = Field(description="Korte naam van het beleidsdomein.")
    scale: Scale
    decision: str = Field(description="Waarover wordt beslist.")
    decision_en: str = ""
    authority: Authority = Field(description="Wie beslist.")
    joint_body: str | None = Field(
        None, description="Korte naam van de verbonden partij; alleen als haar bestuur beslist."
    )
    municipality: str | None = Field(
        None, description="CBS-code van de enige gemeente waar dit geldt; leeg: in elke gemeente."
    )
    basis: Basis = Field(description="Soort grondslag.")
    law: str = Field(description="De wet, regeling of het besluit.")
    article: str = ""
    url: str = Field(description="Adres van de grondslag.")
    since: IsoDate | None = Field(None, json_schema_extra={"format": "date"})
    note: str = ""
    note_en: str = ""


class CompetenceChange(CompetenceIn):
    version: int = Field(description="De versie waarop de wijziging is gebaseerd.", ge=1)


COMPETENCE_FIELDS = [
    "domain",
    "scale",
    "decision",
    "decision_en",
    "authority",
    "joint_body",
    "municipality",
    "basis",
    "law",
    "article",
    "url",
    "since",
    "note",
    "note_en",
]


def _competences() -> QuerySet[Competence]:
    return Competence.objects.select_related(
        "region", "domain", "joint_body", "municipality"
    ).order_by("region__slug", "domain__position", "domain__name", "scale", "authority", "pk")


def _competence_values(data: CompetenceIn) -> tuple[Region, dict[str, Any]]:
    """The payload's values with its slugs and codes looked up. A domain, joint body or
    municipality of another region is looked up anyway, for the model to refuse by name."""
    references = References()
    region = references.region(data.region)
    mine = {"region": region}
    values = data.model_dump(
        include={
            "scale",
            "decision",
            "decision_en",
            "authority",
            "basis",
            "law",
            "article",
            "url",
            "since",
            "note",
            "note_en",
        }
    )
    values["domain"] = references.find(
        PolicyDomain.objects.all(), "domain", data.domain, preferred=mine, slug=data.domain
    )
    values["joint_body"] = references.find(
        JointBody.objects.all(), "jointBody", data.joint_body, preferred=mine, slug=data.joint_body
    )
    values["municipality"] = references.find(
        Municipality.objects.all(), "municipality", data.municipality, code=data.municipality
    )
    references.check()
    return region, values


@router.get(
    "/competences",
    response=list[CompetenceOut],
    by_alias=True,
    operation_id="listCompetences",
    summary="Bevoegdheden: wie beslist waarover, op welke schaal en op welke grondslag",
)
@paginate(Pagination)
def list_competences(
    request: HttpRequest, filters: Query[CompetenceFilter]
) -> QuerySet[Competence]:
    competences = _competences()
    if filters.region:
        competences = competences.filter(region__slug=filters.region)
    if filters.domain:
        competences = competences.filter(domain__slug=filters.domain)
    if filters.scale:
        competences = competences.filter(scale=filters.scale)
    if filters.authority:
        competences = competences.filter(authority=filters.authority)
    if filters.joint_body:
        competences = competences.filter(joint_body__slug=filters.joint_body)
    if filters.municipality:
        municipality = Municipality.objects.filter(code=filters.municipality.upper()).first()
        if municipality is None:
            return competences.none()
        competences = competences.filter(
            Q(municipality=municipality)
            | Q(municipality__isnull=True, region_id=municipality.region_id)
        )
    return competences


@router.get(
    "/competences/{id}",
    response=CompetenceOut,
    by_alias=True,
    operation_id="getCompetence",
    summary="Eén bevoegdheid",
)
def get_competence(request: HttpRequest, id: Path[ItemId]) -> Competence:
    return get_object_or_404(_competences(), pk=id)


@router.post(
    "/competences",
    response={201: CompetenceOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createCompetence",
    summary="Bevoegdheid toevoegen",
)
def post_competence(request: HttpRequest, data: CompetenceIn) -> Status[Competence]:
    region, values = _competence_values(data)
    competence = Competence(region=region, **values)
    require(rules.test_rule("competences.change_competence", request.user, competence))
    with audited(request), payload_checks(Competence, checks=CHECKED_FIELDS):
        competence.full_clean()
        competence.save()
    return Status(201, get_object_or_404(_competences(), pk=competence.pk))


@router.put(
    "/competences/{id}",
    response=CompetenceOut,
    by_alias=True,
    auth=token_auth,
    operation_id="updateCompetence",
    summary="Bevoegdheid wijzigen (met versie)",
)
def put_competence(request: HttpRequest, id: Path[ItemId], data: CompetenceChange) -> Competence:
    competence = get_object_or_404(Competence, pk=id)
    require(rules.test_rule("competences.change_competence", request.user, competence))
    region, values = _competence_values(data)
    # The competence as it would be afterwards must be the user's to keep too: an editor cannot
    # hand a mandate to another municipality or make it hold in every municipality.
    require(
        rules.test_rule(
            "competences.change_competence", request.user, Competence(region=region, **values)
        )
    )
    if region.pk != competence.region_id:
        values["region"] = region
    with audited(request), payload_checks(Competence, checks=CHECKED_FIELDS):
        save_with_version_check(competence, expected_version=data.version, changes=values)
    return get_object_or_404(_competences(), pk=id)


@router.delete(
    "/competences/{id}",
    response={204: None},
    auth=token_auth,
    operation_id="deleteCompetence",
    summary="Bevoegdheid verwijderen",
)
def delete_competence(request: HttpRequest, id: Path[ItemId]) -> Status[None]:
    competence = get_object_or_404(Competence, pk=id)
    require(rules.test_rule("competences.change_competence", request.user, competence))
    delete(request, competence)
    return Status(204, None)
