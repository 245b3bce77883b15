"""Casting a ballot: once per municipality per round, while the round is open, on behalf of the
council or college that fixed it. Every problem is refused with a Dutch message and nothing is
stored."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda import aggregation
from regioagenda.prioritisation.models import Ballot, BallotEntry, Candidate, Round
from regioagenda.regions.models import Municipality


@dataclass
class BallotChoices:
    """What the form or the API hands in, keyed by candidate position on the round's list."""

    ranks: dict[int, int] = field(default_factory=dict)  # position → place (1 = first)
    scores: dict[int, Decimal] = field(default_factory=dict)  # position → 0..10
    approvals: set[int] = field(default_factory=set)  # positions supported


def municipalities_that_may_vote(user: Any, round: Round) -> list[Municipality]:
    """The user's municipalities that take part in the round and have not voted yet."""
    editor_of = roles_of(user).editor_of
    return list(
        round.participants.filter(pk__in=editor_of).exclude(ballots__round=round).order_by("name")
    )


def as_aggregation_ballot(
    ballot_type: str,
    candidates: list[Candidate],
    choices: BallotChoices,
    *,
    voter: str,
    weight: float = 1.0,
) -> aggregation.Ballot:
    by_position = {candidate.position: candidate.key for candidate in candidates}
    if ballot_type == aggregation.BallotType.RANKING:
        ranked = sorted(choices.ranks.items(), key=lambda pair: pair[1])
        return aggregation.Ballot(
            voter=voter,
            weight=weight,
            ranking=tuple(by_position.get(position, f"?{position}") for position, _ in ranked),
        )
    if ballot_type == aggregation.BallotType.SCORES:
        return aggregation.Ballot(
            voter=voter,
            weight=weight,
            scores={by_position.get(p, f"?{p}"): float(s) for p, s in choices.scores.items()},
        )
    return aggregation.Ballot(
        voter=voter,
        weight=weight,
        approvals=frozenset(by_position.get(p, f"?{p}") for p in choices.approvals),
    )


def _check_ranks(choices: BallotChoices) -> list[str]:
    places = list(choices.ranks.values())
    problems = []
    if len(places) != len(set(places)):
        problems.append(_("Twee kandidaten hebben dezelfde plaats; geef elke plaats één keer."))
    if any(place < 1 for place in places):
        problems.append(_("Een plaats is 1 of hoger."))
    return problems


@transaction.atomic
def cast_ballot(
    round: Round,
    *,
    municipality: Municipality,
    by: Any,
    choices: BallotChoices,
    decision_reference: str,
    decision_url: str = "",
) -> Ballot:
    # Lock the round so that two submissions for one municipality cannot both pass the checks.
    round = Round.objects.select_for_update().get(pk=round.pk)
    if municipality.pk not in roles_of(by).editor_of:
        raise PermissionDenied
    now = timezone.now()
    if not round.is_open(now):
        if round.is_closed(now):
            raise ValidationError(_("De termijn is verstreken: de ronde is gesloten."))
        raise ValidationError(_("Het stemmen is nog niet geopend."))
    if not round.participants.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(name)s doet niet mee aan deze ronde.") % {"name": municipality.name}
        )
    if Ballot.objects.filter(round=round, municipality=municipality).exists():
        raise ValidationError(
            _(
                "%(name)s heeft in deze ronde al gestemd; een stembiljet kan niet opnieuw worden "
                "ingediend."
            )
            % {"name": municipality.name}
        )
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Noem het besluit van raad of college.")})
    if municipality.population is None:
        raise ValidationError(
            _("Van %(name)s is geen inwonertal bekend; het gewicht kan niet worden bepaald.")
            % {"name": municipality.name}
        )
    candidates = list(round.candidates.all())
    problems = _check_ranks(choices) if round.ballot_type == aggregation.BallotType.RANKING else []
    counted = as_aggregation_ballot(round.ballot_type, candidates, choices, voter=municipality.code)
    problems += aggregation.validate_ballot(
        counted, aggregation.BallotType(round.ballot_type), [c.key for c in candidates]
    )
    if problems:
        labels = {candidate.key: str(candidate) for candidate in candidates}
        raise ValidationError([_replace_keys(problem, labels) for problem in problems])

    try:
        ballot = Ballot.objects.create(
            round=round,
            municipality=municipality,
            cast_by=by,
            decision_reference=decision_reference.strip(),
            decision_url=decision_url,
            weight=Decimal(municipality.population),
            weight_source=_("%(source)s, peildatum %(date)s")
            % {
                "source": municipality.population_source or _("inwonertal"),
                "date": municipality.population_date or "?",
            },
        )
    except IntegrityError as error:  # the unique constraint, should the lock not hold
        raise ValidationError(_("Deze gemeente heeft in deze ronde al gestemd.")) from error
    by_position = {candidate.position: candidate for candidate in candidates}
    BallotEntry.objects.bulk_create(
        BallotEntry(
            ballot=ballot,
            candidate=candidate,
            rank=choices.ranks.get(position),
            score=choices.scores.get(position),
            approved=position in choices.approvals,
        )
        for position, candidate in by_position.items()
    )
    return ballot


def _replace_keys(problem: str, labels: dict[str, str]) -> str:
    # Longest keys first, so that "c12" is not read as "c1" followed by "2".
    for key in sorted(labels, key=len, reverse=True):
        problem = problem.replace(key, f"“{labels[key]}”")
    return problem
