"""Suggestions for a proposal's regional check from its text: the same JSON as
`manage.py suggest_impact` (issue 6). Open to everyone; nothing is stored."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field

from regioagenda.api.problems import PROBLEM_CONTENT_TYPE, problem_response
from regioagenda.api.schemas import ApiSchema
from regioagenda.proposals.api.routing import router
from regioagenda.proposals.suggestions import THRESHOLD, suggest
from regioagenda.regions.models import Municipality, Region

# A long proposal is some tens of pages; the analysis of this much text takes about a second.
TEXT_LIMIT = 200_000

# As the API documents its other problem answers (api/urls.py, which imports this module).
NOT_FOUND = {
    "description": "De gemeente of de regio bestaat niet.",
    "headers": {
        "API-Version": {
            "description": "De volledige versie van de API (semantisch versienummer).",
            "schema": {"type": "string", "example": settings.API_VERSION},
        }
    },
    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

Score = Field(ge=0, le=1, description="Hoe sterk de tekst erop wijst, van 0 tot 1.")
Reasons = Field(description="De woorden of passages die overeenkwamen.")


class ImpactSuggestionsIn(ApiSchema):
    text: str = Field(
        max_length=TEXT_LIMIT,
        description=f"De tekst van het voorstel (hoogstens {TEXT_LIMIT} tekens).",
    )
    municipality: str = Field(
        pattern=r"^[Gg][Mm][0-9]{4}$",
        description="CBS-code van de gemeente van het voorstel, zoals GM0546; die gemeente "
        "staat nooit bij de geraakte gemeenten.",
    )
    region: str | None = Field(
        None,
        max_length=60,
        description="Code van de regio; leeg: de regio van de gemeente.",
    )


class ScoredSuggestionOut(ApiSchema):
    slug: str = Field(description="Korte naam van het thema of onderwerp.")
    score: float = Score
    reasons: list[str] = Reasons


class MunicipalitySuggestionOut(ApiSchema):
    code: str = Field(description="CBS-code van de gemeente, ook buiten de regio.")
    name: str
    reasons: list[str] = Reasons


class BodySuggestionOut(ApiSchema):
    name: str = Field(description="Naam van de verbonden partij in het register.")
    reasons: list[str] = Reasons


class RegionalSuggestionOut(ApiSchema):
    value: bool = Field(description="Waar: regionaal; onwaar: lokaal.")
    score: float = Score
    reasons: list[str] = Reasons


class ImpactSuggestionsOut(ApiSchema):
    themes: list[ScoredSuggestionOut] = Field(description="Geraakte thema's, sterkste eerst.")
    topics: list[ScoredSuggestionOut] = Field(description="Geraakte onderwerpen, sterkste eerst.")
    municipalities: list[MunicipalitySuggestionOut] = Field(
        description="Andere gemeenten die de tekst noemt, die van de regio eerst."
    )
    bodies: list[BodySuggestionOut] = Field(description="Verbonden partijen die de tekst noemt.")
    regional: RegionalSuggestionOut = Field(description="Regionaal of lokaal, met de redenen.")


@router.post(
    "/impact-suggestions",
    response=ImpactSuggestionsOut,
    by_alias=True,
    operation_id="suggestImpact",
    openapi_extra={"responses": {"404": NOT_FOUND}},
    summary="Suggesties voor de regionale toets uit de tekst van een voorstel",
    description="Welke thema's en onderwerpen de tekst raakt, welke andere gemeenten en "
    "verbonden partijen hij noemt, en of het voorstel regionaal of lokaal lijkt, elk met de "
    f"redenen; alleen suggesties met een score boven {THRESHOLD}. Dezelfde JSON als het "
    "commando suggest_impact. Er wordt niets opgeslagen; een redacteur bevestigt of verwerpt.",
)
def suggest_impact(request: HttpRequest, data: ImpactSuggestionsIn) -> Any:
    code = data.municipality.upper()
    region = Region.objects.filter(slug=data.region).first() if data.region else None
    if data.region and region is None:
        return _unknown(
            request, "region", _("Regio '%(slug)s' bestaat niet.") % {"slug": data.region}
        )
    municipalities = Municipality.objects.select_related("region").filter(code=code)
    if region is not None:
        municipalities = municipalities.filter(region=region)
    municipality = municipalities.order_by("pk").first()
    if municipality is None:
        return _unknown(
            request,
            "municipality",
            _("Gemeente '%(code)s' hoort niet bij regio '%(region)s'.")
            % {"code": code, "region": region.slug}
            if region is not None
            else _("Gemeente '%(code)s' bestaat niet in Regio-agenda.") % {"code": code},
        )
    chosen: Region = region or municipality.region  # type: ignore[assignment]
    return suggest(data.text, region=chosen, municipality=municipality).as_json()


def _unknown(request: HttpRequest, field: str, reason: str) -> HttpResponse:
    """A well-formed code or slug that names nothing: 404, naming the field.

    Not 400: the request is as the schema describes it; what it refers to is not there (and
    the API's schema tests hold every schema-valid request to a 2xx, 401, 403, 404 or 409).
    """
    return problem_response(request, 404, f"{field}: {reason}", [{"name": field, "reason": reason}])
