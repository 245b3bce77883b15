"""Turn the councils' ballots in a prioritisation round into an ordering of the candidate items.

Each municipality casts one ballot per round: a ranking, scores from 0 to 10, or approvals. The
round declares one aggregation rule in advance; the result page shows that rule's ordering next
to the ordering under every other rule that fits the ballot type, plus a view of where the
councils disagree. This module holds only that arithmetic: no models, no database.

Every rule gives each item a score and orders the items by it. Equal scores are separated by the
item's position in the round's list of candidates (earlier first), so an ordering is always
complete and reproducible; the score stays in the result so a tie remains visible.

Scores are computed with exact fractions and converted to floats only at the end. Population
weights are floats, and float sums depend on the order of addition: an exact sum keeps a tie a
tie whatever the order of the ballots, so the tie-break is applied consistently.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from itertools import combinations

from django.utils.translation import gettext_lazy as _

SCORE_MIN = 0
SCORE_MAX = 10

Tiers = tuple[frozenset[str], ...]


class BallotType(StrEnum):
    RANKING = "ranking"
    SCORES = "scores"
    APPROVAL = "approval"


class Rule(StrEnum):
    BORDA = "borda"
    BORDA_WEIGHTED = "borda-weighted"
    SCORE_MEAN = "score-mean"
    SCORE_MEAN_WEIGHTED = "score-mean-weighted"
    SCHULZE = "schulze"
    APPROVAL = "approval"
    CONSENSUS = "consensus"


@dataclass(frozen=True)
class Ballot:
    """One municipality's ballot; only the field matching the round's ballot type is read."""

    voter: str
    weight: float = 1.0
    ranking: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    approvals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Placement:
    item: str
    rank: int
    score: float | None


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    placements: tuple[Placement, ...]
    passing: frozenset[str] | None


@dataclass(frozen=True)
class Disagreement:
    """Where the councils' own orderings differ, independent of any aggregation rule."""

    positions: dict[str, dict[str, int]]
    spread: dict[str, int]
    most_divisive: tuple[str, ...]
    pair_agreement: dict[tuple[str, str], float]


# Lazy texts, translated when shown; typed by inference since they are promises, not str.
RULE_EXPLANATIONS = {
    Rule.BORDA: _(
        "Elke gemeente zet de onderwerpen op volgorde. Een onderwerp krijgt van een gemeente "
        "één punt voor elk onderwerp dat lager staat, en een half punt voor elk onderwerp dat "
        "gelijk staat. De punten van alle gemeenten worden opgeteld. Elke gemeente telt even "
        "zwaar, groot of klein."
    ),
    Rule.BORDA_WEIGHTED: _(
        "Elke gemeente geeft punten zoals bij de gewone puntentelling: één punt voor elk "
        "onderwerp dat lager staat, een half punt voor elk onderwerp dat gelijk staat. Daarna "
        "tellen de punten mee naar het aantal inwoners. Een gemeente met twee keer zoveel "
        "inwoners telt twee keer zo zwaar."
    ),
    Rule.SCORE_MEAN: _(
        "Elke gemeente geeft elk onderwerp een cijfer van 0 tot en met 10. Een onderwerp zonder "
        "cijfer krijgt een 0. Per onderwerp nemen we het gemiddelde cijfer van alle gemeenten. "
        "Elke gemeente telt even zwaar, groot of klein."
    ),
    Rule.SCORE_MEAN_WEIGHTED: _(
        "Elke gemeente geeft elk onderwerp een cijfer van 0 tot en met 10; zonder cijfer telt "
        "een 0. Per onderwerp nemen we het gemiddelde cijfer, maar gemeenten met meer inwoners "
        "tellen zwaarder mee. Een gemeente met twee keer zoveel inwoners telt twee keer zo zwaar."
    ),
    Rule.SCHULZE: _(
        "We vergelijken de onderwerpen steeds twee aan twee: hoeveel gemeenten zetten A boven B, "
        "en hoeveel B boven A? Wint A niet rechtstreeks van B, dan kan A toch winnen via een "
        "keten van sterkere overwinningen, bijvoorbeeld A wint van C en C wint van B. Een "
        "onderwerp staat hoger naarmate het van meer andere onderwerpen wint. Elke gemeente telt "
        "even zwaar, groot of klein."
    ),
    Rule.APPROVAL: _(
        "Elke gemeente kruist de onderwerpen aan die zij steunt; hoeveel maakt niet uit. Per "
        "onderwerp tellen we hoeveel gemeenten het hebben aangekruist. Het onderwerp met de "
        "meeste steun staat bovenaan. Elke gemeente telt even zwaar, groot of klein."
    ),
    Rule.CONSENSUS: _(
        "Per gemeente kijken we welke onderwerpen in de bovenste helft van haar volgorde staan. "
        "Staan onderwerpen gelijk op de grens, dan tellen ze mee als hun groep in de bovenste "
        "helft begint. Een onderwerp haalt de lat als het bij minstens het vooraf afgesproken "
        "aantal gemeenten in de bovenste helft staat. Elke gemeente telt even zwaar, groot of "
        "klein."
    ),
}

TIE_BREAK_EXPLANATION = _(
    "Hebben twee onderwerpen precies dezelfde uitkomst, dan gaat het onderwerp voor dat eerder "
    "op de lijst van deze ronde staat. Die lijst lag vast voordat er gestemd werd, dus de "
    "uitkomst is altijd na te rekenen. De score blijft zichtbaar, zodat u ziet dat het een "
    "gelijke stand was."
)

_APPLICABLE_RULES: dict[BallotType, tuple[Rule, ...]] = {
    BallotType.RANKING: (Rule.BORDA, Rule.BORDA_WEIGHTED, Rule.SCHULZE, Rule.CONSENSUS),
    BallotType.SCORES: (
        Rule.SCORE_MEAN,
        Rule.SCORE_MEAN_WEIGHTED,
        Rule.BORDA,
        Rule.BORDA_WEIGHTED,
        Rule.SCHULZE,
        Rule.CONSENSUS,
    ),
    BallotType.APPROVAL: (Rule.APPROVAL,),
}


def applicable_rules(ballot_type: BallotType) -> tuple[Rule, ...]:
    return _APPLICABLE_RULES[ballot_type]


def induced_ranking(ballot: Ballot, ballot_type: BallotType, items: Sequence[str]) -> Tiers:
    """The ballot as tiers of equally preferred items, best first, covering all of `items`."""
    known = set(items)
    if ballot_type is BallotType.RANKING:
        listed = list(dict.fromkeys(item for item in ballot.ranking if item in known))
        unlisted = frozenset(known - set(listed))
        tiers = [frozenset({item}) for item in listed]
        return tuple([*tiers, unlisted] if unlisted else tiers)
    if ballot_type is BallotType.SCORES:
        by_score: dict[Fraction, set[str]] = {}
        for item in items:
            by_score.setdefault(Fraction(ballot.scores.get(item, 0)), set()).add(item)
        return tuple(frozenset(by_score[score]) for score in sorted(by_score, reverse=True))
    approved = frozenset(ballot.approvals & known)
    return tuple(tier for tier in (approved, frozenset(known - approved)) if tier)


def validate_ballot(ballot: Ballot, ballot_type: BallotType, items: Sequence[str]) -> list[str]:
    known = set(items)
    problems: list[str] = []
    if not _is_number(ballot.weight) or not math.isfinite(ballot.weight) or ballot.weight <= 0:
        problems.append(str(_("Het gewicht van de stem moet een getal groter dan 0 zijn.")))
    if ballot_type is BallotType.RANKING:
        problems += _unknown_items(ballot.ranking, known)
        seen: set[str] = set()
        for item in ballot.ranking:
            if item in seen:
                problems.append(_("%(item)s staat twee keer in de rangorde.") % {"item": item})
            seen.add(item)
        filled = bool(ballot.ranking)
    elif ballot_type is BallotType.SCORES:
        problems += _unknown_items(ballot.scores, known)
        for item, score in ballot.scores.items():
            if not _is_number(score) or math.isnan(score):
                problems.append(_("De score voor %(item)s is geen getal.") % {"item": item})
            elif not SCORE_MIN <= score <= SCORE_MAX:
                problems.append(
                    _("De score voor %(item)s moet tussen 0 en 10 liggen.") % {"item": item}
                )
        filled = bool(ballot.scores)
    else:
        problems += _unknown_items(sorted(ballot.approvals), known)
        filled = bool(ballot.approvals)
    if not filled:
        problems.append(str(_("De stem is leeg.")))
    return problems


def aggregate(
    rule: Rule,
    ballot_type: BallotType,
    items: Sequence[str],
    ballots: Sequence[Ballot],
    *,
    consensus_threshold: int | None = None,
) -> Outcome:
    if rule not in applicable_rules(ballot_type):
        raise ValueError(f"Rule {rule!r} does not apply to {ballot_type!r} ballots.")
    _check_round(ballot_type, items, ballots)
    threshold = (
        _consensus_threshold(consensus_threshold, len(ballots)) if rule is Rule.CONSENSUS else None
    )
    scores = _SCORING[rule](ballot_type, items, ballots)
    passing = None
    if threshold is not None:
        passing = frozenset(item for item in items if scores[item] >= threshold)
    return Outcome(rule=rule, placements=_place(items, scores), passing=passing)


def compare_rules(
    ballot_type: BallotType,
    items: Sequence[str],
    ballots: Sequence[Ballot],
    *,
    consensus_threshold: int | None = None,
) -> dict[Rule, Outcome]:
    """The outcome under every rule that fits the ballot type.

    CONSENSUS is left out when no threshold is given: without one it has no passing set, and a
    round that declared another rule need not have agreed on a threshold.
    """
    return {
        rule: aggregate(rule, ballot_type, items, ballots, consensus_threshold=consensus_threshold)
        for rule in applicable_rules(ballot_type)
        if rule is not Rule.CONSENSUS or consensus_threshold is not None
    }


def schulze_winners(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> frozenset[str]:
    """The items no other item beats. The Schulze ordering puts one of them first; there can be
    more than one, because two items whose strongest paths are equally strong do not beat each
    other."""
    _check_round(ballot_type, items, ballots)
    beats = _schulze_beats(ballot_type, items, ballots)
    return frozenset(item for item in items if not any(item in beaten for beaten in beats.values()))


def disagreement(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> Disagreement:
    _check_round(ballot_type, items, ballots)
    rankings = {ballot.voter: induced_ranking(ballot, ballot_type, items) for ballot in ballots}
    tier_starts = {voter: _tier_starts(tiers) for voter, tiers in rankings.items()}
    positions = {item: {voter: tier_starts[voter][item] for voter in rankings} for item in items}
    spread = {
        item: max(by_voter.values()) - min(by_voter.values()) if by_voter else 0
        for item, by_voter in positions.items()
    }
    index = {item: position for position, item in enumerate(items)}
    most_divisive = tuple(sorted(items, key=lambda item: (-spread[item], index[item])))
    pair_agreement = {
        (first, second): _kendall_agreement(tier_starts[first], tier_starts[second], items)
        for first, second in combinations(sorted(rankings), 2)
    }
    return Disagreement(positions, spread, most_divisive, pair_agreement)


def _is_number(value: object) -> bool:
    # bool is an int subclass, but True is not a score someone meant to give.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unknown_items(listed: Iterable[str], known: set[str]) -> list[str]:
    return [
        _("%(item)s staat niet op de lijst van deze ronde.") % {"item": item}
        for item in dict.fromkeys(listed)
        if item not in known
    ]


def _check_round(ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]) -> None:
    problems: list[str] = []
    if len(set(items)) != len(items):
        problems.append("An item appears more than once in the round's list of items.")
    voters = [ballot.voter for ballot in ballots]
    for voter in sorted({voter for voter in voters if voters.count(voter) > 1}):
        problems.append(f"{voter}: more than one ballot in this round.")
    for ballot in ballots:
        problems += [
            f"{ballot.voter}: {problem}" for problem in validate_ballot(ballot, ballot_type, items)
        ]
    if problems:
        raise ValueError("Invalid ballots:\n" + "\n".join(problems))


def _consensus_threshold(threshold: int | None, ballot_count: int) -> int:
    if threshold is None:
        raise ValueError("The consensus rule needs a consensus_threshold (number of councils).")
    # With no ballots yet there is no M to check against; the result is simply that nothing passes.
    upper = ballot_count if ballot_count else threshold
    if not 1 <= threshold <= upper:
        raise ValueError(
            f"consensus_threshold must be between 1 and the number of ballots ({ballot_count}), "
            f"not {threshold}."
        )
    return threshold


def _kendall_agreement(
    first: Mapping[str, int], second: Mapping[str, int], items: Sequence[str]
) -> float:
    """1 minus the normalised Kendall tau distance between two tiered rankings.

    `first` and `second` map each item to its tier start, so equal values mean a tie. A pair
    ordered oppositely is a full disagreement; a pair tied in one ranking but not in the other
    is half of one, since the tie sits halfway between the two strict orders.
    """
    pairs = list(combinations(items, 2))
    if not pairs:
        return 1.0
    distance = Fraction(0)
    for a, b in pairs:
        one = (first[a] > first[b]) - (first[a] < first[b])
        other = (second[a] > second[b]) - (second[a] < second[b])
        distance += Fraction(abs(one - other), 2)
    return float(1 - distance / len(pairs))


def _place(items: Sequence[str], scores: Mapping[str, Fraction]) -> tuple[Placement, ...]:
    index = {item: position for position, item in enumerate(items)}
    ordered = sorted(items, key=lambda item: (-scores[item], index[item]))
    return tuple(
        Placement(item=item, rank=rank, score=float(scores[item]))
        for rank, item in enumerate(ordered, start=1)
    )


def _tier_starts(tiers: Tiers) -> dict[str, int]:
    """1-based position at which each item's tier starts."""
    starts: dict[str, int] = {}
    position = 1
    for tier in tiers:
        starts.update(dict.fromkeys(tier, position))
        position += len(tier)
    return starts


def _borda_points(tiers: Tiers) -> dict[str, Fraction]:
    # Ties share the points they would have split between them: the "average rank" treatment,
    # so a ballot hands out the same total whatever its ties.
    points: dict[str, Fraction] = {}
    below = sum(len(tier) for tier in tiers)
    for tier in tiers:
        below -= len(tier)
        points.update(dict.fromkeys(tier, below + Fraction(len(tier) - 1, 2)))
    return points


def _borda(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot], weighted: bool
) -> dict[str, Fraction]:
    totals = dict.fromkeys(items, Fraction(0))
    for ballot in ballots:
        weight = Fraction(ballot.weight) if weighted else Fraction(1)
        for item, points in _borda_points(induced_ranking(ballot, ballot_type, items)).items():
            totals[item] += weight * points
    return totals


def _score_mean(
    items: Sequence[str], ballots: Sequence[Ballot], weighted: bool
) -> dict[str, Fraction]:
    weights = [Fraction(ballot.weight) if weighted else Fraction(1) for ballot in ballots]
    total_weight = sum(weights, Fraction(0))
    if not total_weight:
        return dict.fromkeys(items, Fraction(0))
    return {
        item: sum(
            (w * Fraction(b.scores.get(item, 0)) for w, b in zip(weights, ballots, strict=True)),
            Fraction(0),
        )
        / total_weight
        for item in items
    }


def _schulze_beats(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> dict[str, set[str]]:
    """For each item, the items it beats by the Schulze (beatpath) method."""
    preferred = {a: dict.fromkeys(items, 0) for a in items}
    for ballot in ballots:
        starts = _tier_starts(induced_ranking(ballot, ballot_type, items))
        for a in items:
            for b in items:
                if starts[a] < starts[b]:
                    preferred[a][b] += 1
    # Strength of a direct link is the winning side's vote count ("winning votes"); a lost or
    # tied pairing gives no link at all.
    strength = {
        a: {b: preferred[a][b] if preferred[a][b] > preferred[b][a] else 0 for b in items}
        for a in items
    }
    # Widest paths (Floyd-Warshall): a path is as strong as its weakest link.
    for via in items:
        for a in items:
            if a == via:
                continue
            for b in items:
                if b not in (a, via):
                    strength[a][b] = max(strength[a][b], min(strength[a][via], strength[via][b]))
    return {a: {b for b in items if b != a and strength[a][b] > strength[b][a]} for a in items}


def _schulze(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> dict[str, Fraction]:
    # The beat relation is transitive, so counting the items an item beats gives an ordering
    # consistent with it: whoever beats an item also beats everything that item beats.
    return {
        item: Fraction(len(beaten))
        for item, beaten in _schulze_beats(ballot_type, items, ballots).items()
    }


def _approval(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> dict[str, Fraction]:
    return {item: Fraction(sum(item in ballot.approvals for ballot in ballots)) for item in items}


def _consensus(
    ballot_type: BallotType, items: Sequence[str], ballots: Sequence[Ballot]
) -> dict[str, Fraction]:
    top_half = math.ceil(len(items) / 2)
    counts = dict.fromkeys(items, Fraction(0))
    for ballot in ballots:
        # A tie tier straddling the boundary counts if it starts inside the top half: the council
        # rates those items as highly as the one at the start, and splitting the tier would mean
        # picking favourites the council did not pick.
        for item, start in _tier_starts(induced_ranking(ballot, ballot_type, items)).items():
            if start <= top_half:
                counts[item] += 1
    return counts


_SCORING: dict[
    Rule, Callable[[BallotType, Sequence[str], Sequence[Ballot]], dict[str, Fraction]]
] = {
    Rule.BORDA: lambda t, items, ballots: _borda(t, items, ballots, weighted=False),
    Rule.BORDA_WEIGHTED: lambda t, items, ballots: _borda(t, items, ballots, weighted=True),
    Rule.SCORE_MEAN: lambda t, items, ballots: _score_mean(items, ballots, weighted=False),
    Rule.SCORE_MEAN_WEIGHTED: lambda t, items, ballots: _score_mean(items, ballots, weighted=True),
    Rule.SCHULZE: _schulze,
    Rule.APPROVAL: _approval,
    Rule.CONSENSUS: _consensus,
}
