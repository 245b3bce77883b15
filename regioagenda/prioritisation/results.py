"""The outcome of a closed round: the declared rule first, every other rule beside it, and how
far the municipalities agree. Also adopting the outcome as the execution agenda's order."""

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda import aggregation
from regioagenda.agenda.models import Action
from regioagenda.prioritisation.models import AdoptedPriority, Ballot, Candidate, Round
from regioagenda.prioritisation.voting import BallotChoices, as_aggregation_ballot


@dataclass
class ComparisonRow:
    candidate: Candidate
    declared_rank: int
    ranks: list[int]  # one per rule, in the order of RoundResult.rules

    @property
    def subject(self) -> object:
        """What the shared rule-comparison table names in its first column."""
        return self.candidate


@dataclass
class PositionRow:
    candidate: Candidate
    positions: list[int | None]  # one per ballot, in the order of RoundResult.ballots
    spread: int


@dataclass
class PairRow:
    first: str
    second: str
    agreement: float


@dataclass
class RoundResult:
    round: Round
    candidates: list[Candidate]
    ballots: list[Ballot]
    declared: aggregation.Outcome
    rules: list[aggregation.Rule]
    outcomes: dict[aggregation.Rule, aggregation.Outcome]
    rule_labels: list[str]
    comparison: list[ComparisonRow]
    positions: list[PositionRow]
    most_divisive: list[Candidate]
    pairs: list[PairRow]
    explanations: dict[str, str]
    tie_break: str

    def outcome_rows(self) -> list[tuple[int, Candidate, float | None]]:
        by_key = {candidate.key: candidate for candidate in self.candidates}
        return [
            (placement.rank, by_key[placement.item], placement.score)
            for placement in self.declared.placements
        ]


def _choices(ballot: Ballot) -> BallotChoices:
    choices = BallotChoices()
    for entry in ballot.entries.all():
        position = entry.candidate.position
        if entry.rank is not None:
            choices.ranks[position] = entry.rank
        if entry.score is not None:
            choices.scores[position] = entry.score
        if entry.approved:
            choices.approvals.add(position)
    return choices


def round_result(round: Round) -> RoundResult:
    """Only for a closed round: before that, ballots are secret."""
    if not round.is_closed():
        raise PermissionDenied
    candidates = list(round.candidates.select_related("topic", "action"))
    ballots = list(
        round.ballots.select_related("municipality", "cast_by").prefetch_related(
            "entries__candidate"
        )
    )
    ballot_type = aggregation.BallotType(round.ballot_type)
    counted = [
        as_aggregation_ballot(
            round.ballot_type,
            candidates,
            _choices(ballot),
            voter=ballot.municipality.name,
            weight=float(ballot.weight),
        )
        for ballot in ballots
    ]
    items = [candidate.key for candidate in candidates]
    threshold = round.consensus_threshold
    if threshold and counted:
        threshold = min(threshold, len(counted))
    outcomes = aggregation.compare_rules(ballot_type, items, counted, consensus_threshold=threshold)
    declared = outcomes.get(aggregation.Rule(round.rule)) or aggregation.aggregate(
        aggregation.Rule(round.rule), ballot_type, items, counted, consensus_threshold=threshold
    )
    rule_order = [aggregation.Rule(round.rule)] + [
        rule for rule in outcomes if rule != aggregation.Rule(round.rule)
    ]
    rank_of = {
        rule: {placement.item: placement.rank for placement in outcome.placements}
        for rule, outcome in outcomes.items()
    }
    rank_of[aggregation.Rule(round.rule)] = {p.item: p.rank for p in declared.placements}
    by_key = {candidate.key: candidate for candidate in candidates}
    comparison = [
        ComparisonRow(
            candidate=by_key[placement.item],
            declared_rank=placement.rank,
            ranks=[rank_of[rule][placement.item] for rule in rule_order],
        )
        for placement in declared.placements
    ]
    spread = aggregation.disagreement(ballot_type, items, counted) if counted else None
    positions = []
    pairs = []
    most_divisive: list[Candidate] = []
    if spread is not None:
        positions = [
            PositionRow(
                candidate=candidate,
                positions=[
                    spread.positions[candidate.key].get(b.municipality.name) for b in ballots
                ],
                spread=spread.spread[candidate.key],
            )
            for candidate in candidates
        ]
        most_divisive = [by_key[key] for key in spread.most_divisive[:3]]
        pairs = [
            PairRow(first, second, agreement)
            for (first, second), agreement in sorted(spread.pair_agreement.items())
        ]
    return RoundResult(
        round=round,
        candidates=candidates,
        ballots=ballots,
        declared=declared,
        rules=rule_order,
        outcomes={**outcomes, aggregation.Rule(round.rule): declared},
        rule_labels=[str(Round.Rules(rule.value).label) for rule in rule_order],
        comparison=comparison,
        positions=positions,
        most_divisive=most_divisive,
        pairs=pairs,
        explanations={
            str(Round.Rules(rule.value).label): str(aggregation.RULE_EXPLANATIONS[rule])
            for rule in rule_order
        },
        tie_break=str(aggregation.TIE_BREAK_EXPLANATION),
    )


@transaction.atomic
def adopt_ordering(round: Round, *, by: Any) -> list[AdoptedPriority]:
    """Make the declared outcome the order of the execution agenda (the coordinator's call).

    An action candidate gets its own place; the actions under a topic candidate share the
    topic's place.
    """
    if not rules.test_rule("prioritisation.adopt_round", by, round):
        raise PermissionDenied
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.adopted_at:
        raise ValidationError(_("De volgorde van deze ronde is al vastgesteld."))
    result = round_result(round)
    adopted = []
    for rank, candidate, _score in result.outcome_rows():
        if candidate.action is not None:
            actions = [candidate.action]
        else:
            actions = list(Action.objects.filter(topic=candidate.topic))
        for action in actions:
            action.priority = rank
            action.version += 1
            action.save(update_fields=["priority", "version"])
            adopted.append(
                AdoptedPriority.objects.create(round=round, action=action, priority=rank)
            )
    round.adopted_at = timezone.now()
    round.adopted_by = by
    round.save(update_fields=["adopted_at", "adopted_by"])
    return adopted
