"""Rounds in the API: the declared rules and candidates at any time, the outcome and the
ballots only after the deadline; an editor's token casts the municipality's ballot."""

from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Status
from ninja.pagination import paginate

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.prioritisation.models import Round
from regioagenda.prioritisation.results import round_result
from regioagenda.prioritisation.voting import BallotChoices, cast_ballot
from regioagenda.regions.models import Municipality

router = Router(tags=["Gezamenlijke prioritering"])


class CandidateOut(ApiSchema):
    position: int
    topic: str | None
    action: int | None


class PlacementOut(ApiSchema):
    rank: int
    position: int = Field(description="Plaats van de kandidaat op de lijst van de ronde.")
    score: float | None


class RuleOutcomeOut(ApiSchema):
    rule: str
    placements: list[PlacementOut]


class BallotOut(ApiSchema):
    municipality: str
    decision_reference: str
    weight: int
    ranks: dict[str, int] = Field(description="Positie op de lijst → plaats.")
    scores: dict[str, float]
    approvals: list[int]


class RoundOut(ApiSchema):
    slug: str
    region: str
    title: Text
    ballot_type: str
    rule: str
    consensus_threshold: int | None
    opens_at: str = Field(json_schema_extra={"format": "date-time"})
    deadline: str = Field(json_schema_extra={"format": "date-time"})
    closed: bool
    participants: list[str]
    voted: list[str] = Field(description="Gemeenten die hebben gestemd (niet hoe).")
    candidates: list[CandidateOut]
    outcomes: list[RuleOutcomeOut] | None = Field(
        description="Alleen na sluiting: eerst de vastgelegde telregel, dan de andere."
    )
    ballots: list[BallotOut] | None = Field(description="Alleen na sluiting.")

    @staticmethod
    def build(round: Round) -> dict[str, Any]:
        candidates = list(round.candidates.all())
        data: dict[str, Any] = {
            "slug": round.slug,
            "region": round.region.slug,
            "title": text(round, "title"),
            "ballot_type": round.ballot_type,
            "rule": round.rule,
            "consensus_threshold": round.consensus_threshold,
            "opens_at": round.opens_at.isoformat(),
            "deadline": round.deadline.isoformat(),
            "closed": round.is_closed(),
            "participants": [m.code for m in round.participants.order_by("code")],
            "voted": sorted(
                b.municipality.code for b in round.ballots.select_related("municipality")
            ),
            "candidates": [
                {
                    "position": c.position,
                    "topic": c.topic.slug if c.topic else None,
                    "action": c.action_id,
                }
                for c in candidates
            ],
            "outcomes": None,
            "ballots": None,
        }
        if round.is_closed():
            result = round_result(round)
            position = {c.key: c.position for c in result.candidates}
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
            data["ballots"] = [
                {
                    "municipality": b.municipality.code,
                    "decision_reference": b.decision_reference,
                    "weight": int(b.weight),
                    "ranks": {
                        str(e.candidate.position): e.rank
                        for e in b.entries.all()
                        if e.rank is not None
                    },
                    "scores": {
                        str(e.candidate.position): float(e.score)
                        for e in b.entries.all()
                        if e.score is not None
                    },
                    "approvals": [e.candidate.position for e in b.entries.all() if e.approved],
                }
                for b in result.ballots
            ]
        return data


POSITION = r"^[1-9][0-9]{0,3}$"
# A number as JSON has it (not a text of one), from 0 to 10, as the schema says.
Score = Annotated[float, Field(ge=0, le=10, strict=True)]


class BallotIn(ApiSchema):
    municipality: str = Field(pattern=r"^GM\d{4}$")
    decision_reference: str = Field(min_length=1, max_length=300)
    decision_url: str = Field("", max_length=200)
    # JSON object keys are texts; these are positions on the round's list, so digits only.
    ranks: dict[int, int] = Field(
        {},
        description="Positie op de lijst → plaats (1 = eerst).",
        json_schema_extra={"propertyNames": {"pattern": POSITION}},
    )
    scores: dict[int, Score] = Field(
        {},
        description="Positie op de lijst → cijfer 0–10.",
        json_schema_extra={"propertyNames": {"pattern": POSITION}},
    )
    approvals: list[int] = Field([], description="Posities die de gemeente steunt.")


def _rounds() -> QuerySet[Round]:
    return (
        Round.objects.select_related("region")
        .prefetch_related("candidates", "participants")
        .order_by("-deadline", "pk")
    )


@router.get(
    "/regions/{region}/rounds",
    response=list[RoundOut],
    by_alias=True,
    operation_id="listRounds",
    summary="Prioriteringsrondes",
)
@paginate(Pagination)
def list_rounds(request: HttpRequest, region: str) -> list[dict[str, Any]]:
    return [RoundOut.build(r) for r in _rounds().filter(region__slug=region)]


@router.get(
    "/regions/{region}/rounds/{slug}",
    response=RoundOut,
    by_alias=True,
    operation_id="getRound",
    summary="Eén ronde, met uitslag na sluiting",
)
def get_round(request: HttpRequest, region: str, slug: str) -> dict[str, Any]:
    return RoundOut.build(get_object_or_404(_rounds(), region__slug=region, slug=slug))


@router.post(
    "/regions/{region}/rounds/{slug}/ballots",
    response={201: RoundOut},
    by_alias=True,
    auth=token_auth,
    operation_id="castBallot",
    summary="Stembiljet van een gemeente indienen",
)
def post_ballot(
    request: HttpRequest, region: str, slug: str, data: BallotIn
) -> Status[dict[str, Any]]:
    round = get_object_or_404(_rounds(), region__slug=region, slug=slug)
    municipality = get_object_or_404(Municipality, code=data.municipality)
    cast_ballot(
        round,
        municipality=municipality,
        by=request.user,
        choices=BallotChoices(
            ranks=dict(data.ranks),
            scores={key: Decimal(str(value)) for key, value in data.scores.items()},
            approvals=set(data.approvals),
        ),
        decision_reference=data.decision_reference,
        decision_url=data.decision_url,
    )
    return Status(201, RoundOut.build(round))
