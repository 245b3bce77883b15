"""Comparisons of forms of cooperation in the API: options, criteria and the declared rule at any
time; the scores and the outcome only after the comparison closes."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router
from ninja.pagination import paginate

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.cooperation.assessment import comparison_result
from regioagenda.cooperation.models import Comparison

router = Router(tags=["Samenwerkingsvormen"])


class OptionOut(ApiSchema):
    position: int
    title: Text
    description: Text


class CriterionOut(ApiSchema):
    position: int
    title: Text
    explanation: Text
    weight: int = Field(description="Gewicht van 1 tot en met 10.")


class PlacementOut(ApiSchema):
    rank: int
    position: int = Field(description="Plaats van de samenwerkingsvorm op de lijst.")
    score: float | None


class RuleOutcomeOut(ApiSchema):
    rule: str
    placements: list[PlacementOut]


class ScoreOut(ApiSchema):
    option: int = Field(description="Positie van de samenwerkingsvorm.")
    criterion: int = Field(description="Positie van het criterium.")
    value: float


class AssessmentOut(ApiSchema):
    municipality: str
    decision_reference: str
    weight: int
    overall: dict[str, float] = Field(
        description="Positie van de samenwerkingsvorm → gewogen gemiddelde over de criteria."
    )
    scores: list[ScoreOut]


class ComparisonOut(ApiSchema):
    slug: str
    region: str
    title: Text
    description: Text
    agreement: str | None = Field(description="De afspraak uit de visie waar dit bij hoort.")
    rule: str
    closes_at: str = Field(json_schema_extra={"format": "date-time"})
    closed: bool
    participants: list[str]
    assessed: list[str] = Field(description="Gemeenten die hebben beoordeeld (niet hoe).")
    options: list[OptionOut]
    criteria: list[CriterionOut]
    outcomes: list[RuleOutcomeOut] | None = Field(
        description="Alleen na sluiting: eerst de vastgelegde telregel, dan de andere."
    )
    assessments: list[AssessmentOut] | None = Field(description="Alleen na sluiting.")

    @staticmethod
    def build(comparison: Comparison) -> dict[str, Any]:
        data: dict[str, Any] = {
            "slug": comparison.slug,
            "region": comparison.region.slug,
            "title": text(comparison, "title"),
            "description": text(comparison, "description"),
            "agreement": comparison.agreement.slug if comparison.agreement else None,
            "rule": comparison.rule,
            "closes_at": comparison.closes_at.isoformat(),
            "closed": comparison.is_closed(),
            "participants": [m.code for m in comparison.participants.all()],
            "assessed": sorted(a.municipality.code for a in comparison.assessments.all()),
            "options": [
                {
                    "position": o.position,
                    "title": text(o, "title"),
                    "description": text(o, "description"),
                }
                for o in comparison.options.all()
            ],
            "criteria": [
                {
                    "position": c.position,
                    "title": text(c, "title"),
                    "explanation": text(c, "explanation"),
                    "weight": c.weight,
                }
                for c in comparison.criteria.all()
            ],
            "outcomes": None,
            "assessments": None,
        }
        if comparison.is_closed():
            result = comparison_result(comparison)
            position = {o.key: o.position for o in result.options}
            data["outcomes"] = [
                {
                    "rule": rule.value,
                    "placements": [
                        {"rank": p.rank, "position": position[p.item], "score": p.score}
                        for p in result.outcomes[rule].placements
                    ],
                }
                for rule in result.rules
            ]
            options = {o.pk: o.position for o in result.options}
            criteria = {c.pk: c.position for c in result.criteria}
            data["assessments"] = [
                {
                    "municipality": a.municipality.code,
                    "decision_reference": a.decision_reference,
                    "weight": int(a.weight),
                    "overall": {
                        str(row.option.position): row.values[index]
                        for row in result.by_municipality
                    },
                    "scores": [
                        {
                            "option": options[s.option_id],
                            "criterion": criteria[s.criterion_id],
                            "value": float(s.value),
                        }
                        for s in a.scores.all()
                    ],
                }
                for index, a in enumerate(result.assessments)
            ]
        return data


def _comparisons() -> QuerySet[Comparison]:
    return (
        Comparison.objects.select_related("region", "agreement")
        .prefetch_related("options", "criteria", "participants", "assessments__municipality")
        .order_by("-closes_at", "pk")
    )


@router.get(
    "/regions/{region}/cooperation-comparisons",
    response=list[ComparisonOut],
    by_alias=True,
    operation_id="listCooperationComparisons",
    summary="Vergelijkingen van samenwerkingsvormen",
)
@paginate(Pagination)
def list_comparisons(request: HttpRequest, region: str) -> list[dict[str, Any]]:
    return [ComparisonOut.build(c) for c in _comparisons().filter(region__slug=region)]


@router.get(
    "/regions/{region}/cooperation-comparisons/{slug}",
    response=ComparisonOut,
    by_alias=True,
    operation_id="getCooperationComparison",
    summary="Eén vergelijking, met cijfers en uitkomst na sluiting",
)
def get_comparison(request: HttpRequest, region: str, slug: str) -> dict[str, Any]:
    return ComparisonOut.build(get_object_or_404(_comparisons(), region__slug=region, slug=slug))
