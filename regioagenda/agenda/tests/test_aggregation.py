"""Tests for the aggregation rules: textbook examples, pref_voting as an oracle, and properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.profiles import Profile
from pref_voting.voting_methods import beat_path, borda

from regioagenda.agenda.aggregation import (
    Ballot,
    BallotType,
    Rule,
    aggregate,
    applicable_rules,
    compare_rules,
    disagreement,
    schulze_winners,
    validate_ballot,
)

RANKING = BallotType.RANKING
SCORES = BallotType.SCORES
APPROVAL = BallotType.APPROVAL

# Few examples per property keep the whole module to a few seconds.
quick = settings(max_examples=40, deadline=None)


def order(outcome) -> list[str]:
    return [placement.item for placement in outcome.placements]


def scores(outcome) -> dict[str, float | None]:
    return {placement.item: placement.score for placement in outcome.placements}


def winners(outcome) -> set[str]:
    best = outcome.placements[0].score
    return {placement.item for placement in outcome.placements if placement.score == best}


def ballots_from(spec: list[tuple[int, str]], items: list[str]) -> list[Ballot]:
    """One ballot per voter from (count, ranking) pairs; rankings use letter indexes into items."""
    letters = "ABCDEFGHIJ"
    return [
        Ballot(voter=f"V{group}-{copy}", ranking=tuple(items[letters.index(c)] for c in ranking))
        for group, (count, ranking) in enumerate(spec)
        for copy in range(count)
    ]


# Hypothesis strategies ----------------------------------------------------------------------


@st.composite
def strict_profiles(draw, min_items: int = 3, max_items: int = 6):
    """Items and 2-9 complete strict ranking ballots."""
    n = draw(st.integers(min_items, max_items))
    items = [f"item{i}" for i in range(n)]
    rankings = draw(st.lists(st.permutations(items), min_size=2, max_size=9))
    ballots = [Ballot(voter=f"GM{i:04d}", ranking=tuple(r)) for i, r in enumerate(rankings)]
    return items, ballots


@st.composite
def ranking_profiles(draw, weighted: bool = False):
    """Items and 2-9 ranking ballots, some of them partial (unlisted items tie at the bottom)."""
    n = draw(st.integers(3, 6))
    items = [f"item{i}" for i in range(n)]
    ballots = []
    for i in range(draw(st.integers(2, 9))):
        ranking = draw(st.permutations(items))
        length = draw(st.integers(1, n))
        weight = draw(st.floats(0.1, 1e6)) if weighted else 1.0
        ballots.append(Ballot(voter=f"GM{i:04d}", weight=weight, ranking=tuple(ranking[:length])))
    return items, ballots


@st.composite
def score_profiles(draw, weighted: bool = False):
    """Items and 2-9 score ballots with scores 0-10 (halves allowed); some items left unscored."""
    n = draw(st.integers(3, 6))
    items = [f"item{i}" for i in range(n)]
    score = st.integers(0, 20).map(lambda half_points: half_points / 2)
    ballots = []
    for i in range(draw(st.integers(2, 9))):
        given_scores = draw(st.dictionaries(st.sampled_from(items), score, min_size=1))
        weight = draw(st.floats(0.1, 1e6)) if weighted else 1.0
        ballots.append(Ballot(voter=f"GM{i:04d}", weight=weight, scores=given_scores))
    return items, ballots


def to_profile(items: list[str], ballots: list[Ballot]) -> Profile:
    index = {item: i for i, item in enumerate(items)}
    return Profile([[index[item] for item in ballot.ranking] for ballot in ballots])


# 1. Textbook examples -------------------------------------------------------------------------

TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
# Wikipedia, "Borda count": the share of voters living in each city and their preferences.
TENNESSEE_VOTES = [(42, "ABCD"), (26, "BCDA"), (15, "CDBA"), (17, "DCBA")]


def test_weighted_borda_elects_nashville_in_the_tennessee_example():
    ballots = [
        Ballot(voter=f"city{i}", weight=share, ranking=tuple(TENNESSEE["ABCD".index(c)] for c in r))
        for i, (share, r) in enumerate(TENNESSEE_VOTES)
    ]

    outcome = aggregate(Rule.BORDA_WEIGHTED, RANKING, TENNESSEE, ballots)

    # Nashville: 42*2 + 26*3 + 15*1 + 17*1 = 194; Chattanooga: 42 + 52 + 45 + 34 = 173;
    # Knoxville: 0 + 26 + 30 + 51 = 107; Memphis: 42*3 = 126.
    assert scores(outcome) == {
        "Nashville": 194.0,
        "Chattanooga": 173.0,
        "Memphis": 126.0,
        "Knoxville": 107.0,
    }
    assert order(outcome) == ["Nashville", "Chattanooga", "Memphis", "Knoxville"]


def test_schulze_elects_nashville_the_condorcet_winner_in_the_tennessee_example():
    ballots = ballots_from(TENNESSEE_VOTES, TENNESSEE)

    outcome = aggregate(Rule.SCHULZE, RANKING, TENNESSEE, ballots)

    # Nashville beats every city 58-42 or better; Chattanooga beats Knoxville and Memphis;
    # Knoxville beats Memphis 58-42.
    assert order(outcome) == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
    assert schulze_winners(RANKING, TENNESSEE, ballots) == {"Nashville"}


def test_schulze_reproduces_the_wikipedia_example_order():
    items = list("ABCDE")
    spec = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = ballots_from(spec, items)
    assert len(ballots) == 45

    outcome = aggregate(Rule.SCHULZE, RANKING, items, ballots)

    assert order(outcome) == ["E", "A", "C", "B", "D"]
    assert scores(outcome) == {"E": 4.0, "A": 3.0, "C": 2.0, "B": 1.0, "D": 0.0}


def test_schulze_builds_paths_from_won_pairings_only():
    items = ["a", "b", "c"]
    ballots = [
        Ballot(voter="GM1", ranking=("a",)),
        Ballot(voter="GM2", ranking=("c", "b", "a")),
        Ballot(voter="GM3", ranking=("a", "b")),
        Ballot(voter="GM4", ranking=("c", "b")),
    ]

    outcome = aggregate(Rule.SCHULZE, RANKING, items, ballots)

    # Pairings (unlisted items tie, and a tie is no preference): a-b 2:2, a-c 2:2, c-b 2:1.
    # Only c-b is won, so the only link is c->b (strength 2): c beats b, a and c are unbeaten.
    # Counting the drawn 2:2 pairings as links would give b a path b->a->c of strength 2 and
    # wrongly cancel c's win over b.
    assert schulze_winners(RANKING, items, ballots) == {"a", "c"}
    assert scores(outcome) == {"c": 1.0, "a": 0.0, "b": 0.0}
    assert order(outcome) == ["c", "a", "b"]


def test_approval_counts_the_councils_that_approve_each_item():
    items = ["fietsroutes", "woningbouw", "groen", "bereikbaarheid"]
    ballots = [
        Ballot(voter="GM0546", approvals=frozenset({"fietsroutes", "woningbouw"})),
        Ballot(voter="GM0579", approvals=frozenset({"woningbouw", "groen"})),
        Ballot(voter="GM0626", approvals=frozenset({"woningbouw"})),
        Ballot(voter="GM0638", approvals=frozenset({"fietsroutes", "groen", "bereikbaarheid"})),
    ]

    outcome = aggregate(Rule.APPROVAL, APPROVAL, items, ballots)

    # woningbouw 3; fietsroutes 2 and groen 2 (fietsroutes is listed first); bereikbaarheid 1.
    assert order(outcome) == ["woningbouw", "fietsroutes", "groen", "bereikbaarheid"]
    assert [p.score for p in outcome.placements] == [3.0, 2.0, 2.0, 1.0]
    assert [p.rank for p in outcome.placements] == [1, 2, 3, 4]
    assert outcome.passing is None


def test_consensus_counts_top_half_placements_and_passes_items_meeting_the_threshold():
    items = ["a", "b", "c", "d", "e"]
    ballots = [
        Ballot(voter="GM1", ranking=("a", "b", "c", "d", "e")),
        Ballot(voter="GM2", ranking=("e", "d", "c")),
        Ballot(voter="GM3", ranking=("b", "a")),
    ]

    outcome = aggregate(Rule.CONSENSUS, RANKING, items, ballots, consensus_threshold=3)

    # Top half of 5 items = the first ceil(5/2) = 3 positions.
    # GM1: a, b, c.  GM2: e, d, c; the unlisted tie {a, b} starts at position 4, so not.
    # GM3: b, a, and the unlisted tie {c, d, e} starts at position 3, so all three count.
    # Counts: a 2, b 2, c 3, d 2, e 2. Only c reaches 3 of 3.
    assert scores(outcome) == {"c": 3.0, "a": 2.0, "b": 2.0, "d": 2.0, "e": 2.0}
    assert order(outcome) == ["c", "a", "b", "d", "e"]
    assert outcome.passing == {"c"}


# 2. pref_voting as an oracle (strict rankings only) --------------------------------------------


@quick
@given(strict_profiles())
def test_borda_matches_pref_voting_on_strict_rankings(profile):
    items, ballots = profile
    pv = to_profile(items, ballots)

    outcome = aggregate(Rule.BORDA, RANKING, items, ballots)

    assert winners(outcome) == {items[i] for i in borda(pv)}
    assert scores(outcome) == {items[i]: float(s) for i, s in pv.borda_scores().items()}


@quick
@given(strict_profiles())
def test_schulze_winners_match_pref_voting_beat_path_on_strict_rankings(profile):
    items, ballots = profile
    expected = {items[i] for i in beat_path(to_profile(items, ballots))}

    assert schulze_winners(RANKING, items, ballots) == expected
    assert aggregate(Rule.SCHULZE, RANKING, items, ballots).placements[0].item in expected


# 3. Properties ---------------------------------------------------------------------------------


@quick
@given(ranking_profiles(weighted=True), st.data())
def test_unanimous_first_choice_wins_every_ranking_rule(profile, data):
    items, ballots = profile
    favourite = data.draw(st.sampled_from(items))
    ballots = [
        Ballot(
            voter=b.voter,
            weight=b.weight,
            ranking=(favourite, *(item for item in b.ranking if item != favourite)),
        )
        for b in ballots
    ]

    assert_unanimous_favourite_wins(RANKING, items, ballots, favourite)


@quick
@given(score_profiles(weighted=True), st.data())
def test_unanimous_first_choice_wins_every_score_rule(profile, data):
    items, ballots = profile
    favourite = data.draw(st.sampled_from(items))
    ballots = [
        Ballot(
            voter=b.voter,
            weight=b.weight,
            scores={
                **{item: min(score, 9.5) for item, score in b.scores.items()},
                favourite: 10.0,
            },
        )
        for b in ballots
    ]

    assert_unanimous_favourite_wins(SCORES, items, ballots, favourite)


def assert_unanimous_favourite_wins(ballot_type, items, ballots, favourite):
    outcomes = compare_rules(ballot_type, items, ballots, consensus_threshold=len(ballots))
    assert set(outcomes) == set(applicable_rules(ballot_type))
    for rule, outcome in outcomes.items():
        if rule is Rule.CONSENSUS:
            # Other items may also sit in every top half and be listed earlier, so under this rule
            # the favourite is guaranteed full support, not first place.
            assert scores(outcome)[favourite] == len(ballots)
            assert favourite in outcome.passing
        else:
            assert outcome.placements[0].item == favourite, rule
            assert winners(outcome) == {favourite}, rule


@quick
@given(strict_profiles())
def test_reversing_every_ballot_reverses_the_borda_scores(profile):
    items, ballots = profile
    reversed_ballots = [Ballot(voter=b.voter, ranking=b.ranking[::-1]) for b in ballots]

    forward = scores(aggregate(Rule.BORDA, RANKING, items, ballots))
    backward = scores(aggregate(Rule.BORDA, RANKING, items, reversed_ballots))

    most = (len(items) - 1) * len(ballots)
    assert backward == {item: most - score for item, score in forward.items()}


@quick
@given(ranking_profiles(), st.floats(0.1, 1e6))
def test_equal_weights_give_the_same_borda_order_weighted_and_unweighted(profile, weight):
    items, ballots = profile
    weighted = [Ballot(voter=b.voter, weight=weight, ranking=b.ranking) for b in ballots]

    assert order(aggregate(Rule.BORDA_WEIGHTED, RANKING, items, weighted)) == order(
        aggregate(Rule.BORDA, RANKING, items, ballots)
    )


@quick
@given(score_profiles(), st.floats(0.1, 1e6))
def test_equal_weights_give_the_same_score_mean_order_weighted_and_unweighted(profile, weight):
    items, ballots = profile
    weighted = [Ballot(voter=b.voter, weight=weight, scores=b.scores) for b in ballots]

    unweighted_outcome = aggregate(Rule.SCORE_MEAN, SCORES, items, ballots)
    weighted_outcome = aggregate(Rule.SCORE_MEAN_WEIGHTED, SCORES, items, weighted)

    assert order(weighted_outcome) == order(unweighted_outcome)
    assert scores(weighted_outcome) == pytest.approx(scores(unweighted_outcome))


@quick
@given(st.one_of(ranking_profiles(weighted=True), score_profiles(weighted=True)), st.data())
def test_the_result_does_not_depend_on_the_order_of_the_ballots(profile, data):
    items, ballots = profile
    ballot_type = RANKING if ballots[0].ranking else SCORES
    shuffled = data.draw(st.permutations(ballots))

    assert compare_rules(ballot_type, items, shuffled, consensus_threshold=1) == compare_rules(
        ballot_type, items, ballots, consensus_threshold=1
    )
    assert disagreement(ballot_type, items, shuffled) == disagreement(ballot_type, items, ballots)


def test_equal_support_goes_to_the_item_listed_first():
    ballots = [
        Ballot(voter="GM0546", ranking=("groen", "wonen", "fiets")),
        Ballot(voter="GM0579", ranking=("wonen", "groen", "fiets")),
    ]

    listed_groen_first = aggregate(Rule.BORDA, RANKING, ["groen", "wonen", "fiets"], ballots)
    listed_wonen_first = aggregate(Rule.BORDA, RANKING, ["wonen", "groen", "fiets"], ballots)

    assert order(listed_groen_first) == ["groen", "wonen", "fiets"]
    assert order(listed_wonen_first) == ["wonen", "groen", "fiets"]
    # The tie stays visible in the scores even though the ranks differ.
    assert scores(listed_groen_first) == {"groen": 3.0, "wonen": 3.0, "fiets": 0.0}


@quick
@given(ranking_profiles(), st.data())
def test_ties_are_broken_by_list_position_under_every_rule(profile, data):
    items, ballots = profile
    first, second = data.draw(st.lists(st.sampled_from(items), min_size=2, max_size=2, unique=True))
    swap = {first: second, second: first}
    # Adding each ballot's mirror image (first and second swapped) gives both equal support.
    mirrored = [
        Ballot(voter=f"{b.voter}-mirror", ranking=tuple(swap.get(item, item) for item in b.ranking))
        for b in ballots
    ]
    symmetric = ballots + mirrored
    swapped_items = [swap.get(item, item) for item in items]

    as_listed = compare_rules(RANKING, items, symmetric, consensus_threshold=1)
    swapped_listing = compare_rules(RANKING, swapped_items, symmetric, consensus_threshold=1)

    earlier, later = sorted((first, second), key=items.index)
    for rule in applicable_rules(RANKING):
        assert scores(as_listed[rule])[first] == scores(as_listed[rule])[second]
        assert order(as_listed[rule]).index(earlier) < order(as_listed[rule]).index(later)
        assert order(swapped_listing[rule]).index(later) < order(swapped_listing[rule]).index(
            earlier
        )


def test_no_ballots_leaves_every_score_zero_and_the_list_order():
    items = ["a", "b", "c"]

    outcomes = compare_rules(SCORES, items, [], consensus_threshold=2)

    for outcome in outcomes.values():
        assert order(outcome) == items
        assert set(scores(outcome).values()) == {0.0}
    assert outcomes[Rule.CONSENSUS].passing == frozenset()


def test_borda_gives_tied_items_half_a_point_for_each_other():
    ballots = [Ballot(voter="GM0546", ranking=("a",))]

    outcome = aggregate(Rule.BORDA, RANKING, ["a", "b", "c"], ballots)

    assert scores(outcome) == {"a": 2.0, "b": 0.5, "c": 0.5}


def test_scores_induce_an_order_with_ties_for_the_order_based_rules():
    ballots = [Ballot(voter="GM0546", scores={"a": 8, "b": 8, "c": 3})]

    outcome = aggregate(Rule.BORDA, SCORES, ["a", "b", "c", "d"], ballots)

    # a and b tie (8), then c (3), then the unscored d counts as 0.
    assert scores(outcome) == {"a": 2.5, "b": 2.5, "c": 1.0, "d": 0.0}


def test_weighted_score_mean_weighs_by_population():
    ballots = [
        Ballot(voter="GM0546", weight=3, scores={"a": 10, "b": 0}),
        Ballot(voter="GM0579", weight=1, scores={"a": 0, "b": 10}),
    ]

    unweighted = aggregate(Rule.SCORE_MEAN, SCORES, ["a", "b"], ballots)
    weighted = aggregate(Rule.SCORE_MEAN_WEIGHTED, SCORES, ["a", "b"], ballots)

    assert scores(unweighted) == {"a": 5.0, "b": 5.0}
    assert scores(weighted) == {"a": 7.5, "b": 2.5}


# 4. Ballot validation ------------------------------------------------------------------------

ITEMS = ["fietsroutes", "woningbouw", "groen"]


def test_validation_rejects_an_item_ranked_twice():
    ballot = Ballot(voter="GM0546", ranking=("groen", "woningbouw", "groen"))

    assert validate_ballot(ballot, RANKING, ITEMS) == ["groen staat twee keer in de rangorde."]


def test_validation_rejects_an_unknown_item_in_a_ranking():
    ballot = Ballot(voter="GM0546", ranking=("groen", "zwembad"))

    assert validate_ballot(ballot, RANKING, ITEMS) == [
        "zwembad staat niet op de lijst van deze ronde."
    ]


def test_validation_rejects_a_score_of_11():
    ballot = Ballot(voter="GM0546", scores={"groen": 11})

    assert validate_ballot(ballot, SCORES, ITEMS) == [
        "De score voor groen moet tussen 0 en 10 liggen."
    ]


def test_validation_rejects_a_score_of_minus_1():
    ballot = Ballot(voter="GM0546", scores={"woningbouw": -1})

    assert validate_ballot(ballot, SCORES, ITEMS) == [
        "De score voor woningbouw moet tussen 0 en 10 liggen."
    ]


def test_validation_rejects_a_score_that_is_not_a_number():
    ballot = Ballot(voter="GM0546", scores={"groen": "veel"})  # type: ignore[dict-item]

    assert validate_ballot(ballot, SCORES, ITEMS) == ["De score voor groen is geen getal."]


def test_validation_rejects_approval_of_an_unknown_item():
    ballot = Ballot(voter="GM0546", approvals=frozenset({"groen", "zwembad"}))

    assert validate_ballot(ballot, APPROVAL, ITEMS) == [
        "zwembad staat niet op de lijst van deze ronde."
    ]


@pytest.mark.parametrize("ballot_type", list(BallotType))
def test_validation_rejects_an_empty_ballot(ballot_type):
    assert validate_ballot(Ballot(voter="GM0546"), ballot_type, ITEMS) == ["De stem is leeg."]


def test_validation_rejects_a_weight_of_zero():
    ballot = Ballot(voter="GM0546", weight=0, ranking=("groen",))

    assert validate_ballot(ballot, RANKING, ITEMS) == [
        "Het gewicht van de stem moet een getal groter dan 0 zijn."
    ]


def test_validation_accepts_a_proper_ballot():
    ballot = Ballot(voter="GM0546", weight=125_000, scores={"groen": 7.5, "woningbouw": 0})

    assert validate_ballot(ballot, SCORES, ITEMS) == []


def test_aggregate_refuses_invalid_ballots_and_names_the_voter():
    ballots = [Ballot(voter="GM0546", ranking=("groen", "groen"))]

    with pytest.raises(ValueError, match="GM0546: groen staat twee keer in de rangorde"):
        aggregate(Rule.BORDA, RANKING, ITEMS, ballots)


def test_aggregate_refuses_two_ballots_from_one_council():
    ballots = [
        Ballot(voter="GM0546", ranking=("groen",)),
        Ballot(voter="GM0546", ranking=("groen",)),
    ]

    with pytest.raises(ValueError, match="GM0546: more than one ballot"):
        aggregate(Rule.BORDA, RANKING, ITEMS, ballots)


# 5. Disagreement -----------------------------------------------------------------------------


def test_identical_ballots_agree_completely():
    ballots = [
        Ballot(voter="GM0579", ranking=("groen", "fietsroutes", "woningbouw")),
        Ballot(voter="GM0546", ranking=("groen", "fietsroutes", "woningbouw")),
    ]

    result = disagreement(RANKING, ITEMS, ballots)

    assert result.pair_agreement == {("GM0546", "GM0579"): 1.0}
    assert set(result.spread.values()) == {0}


def test_reversed_ballots_disagree_completely():
    ballots = [
        Ballot(voter="GM0546", ranking=("groen", "fietsroutes", "woningbouw")),
        Ballot(voter="GM0579", ranking=("woningbouw", "fietsroutes", "groen")),
    ]

    assert disagreement(RANKING, ITEMS, ballots).pair_agreement == {("GM0546", "GM0579"): 0.0}


def test_a_tie_against_a_strict_preference_counts_as_half_a_disagreement():
    ballots = [
        Ballot(voter="GM0546", ranking=("groen", "fietsroutes", "woningbouw")),
        # fietsroutes and woningbouw are tied at the bottom: one of three pairs is half off.
        Ballot(voter="GM0579", ranking=("groen",)),
    ]

    result = disagreement(RANKING, ITEMS, ballots)

    assert result.pair_agreement[("GM0546", "GM0579")] == pytest.approx(1 - 0.5 / 3)
    assert result.positions["woningbouw"] == {"GM0546": 3, "GM0579": 2}


def test_the_item_first_for_one_council_and_last_for_another_is_most_divisive():
    items = ["a", "b", "c", "d", "e"]
    ballots = [
        Ballot(voter="GM1", ranking=("a", "b", "c", "d", "e")),
        Ballot(voter="GM2", ranking=("b", "c", "d", "e", "a")),
        Ballot(voter="GM3", ranking=("b", "a", "c", "d", "e")),
    ]

    result = disagreement(RANKING, items, ballots)

    assert result.positions["a"] == {"GM1": 1, "GM2": 5, "GM3": 2}
    assert result.spread == {"a": 4, "b": 1, "c": 1, "d": 1, "e": 1}
    assert result.most_divisive == ("a", "b", "c", "d", "e")


# 6. Rules that do not apply ----------------------------------------------------------------------


def test_a_rule_that_does_not_fit_the_ballot_type_is_refused():
    ballots = [Ballot(voter="GM0546", ranking=("groen",))]

    with pytest.raises(ValueError, match="does not apply"):
        aggregate(Rule.SCORE_MEAN, RANKING, ITEMS, ballots)


def test_approval_ballots_only_allow_the_approval_rule():
    assert applicable_rules(APPROVAL) == (Rule.APPROVAL,)


def test_consensus_without_a_threshold_is_refused():
    ballots = [Ballot(voter="GM0546", ranking=("groen",))]

    with pytest.raises(ValueError, match="consensus_threshold"):
        aggregate(Rule.CONSENSUS, RANKING, ITEMS, ballots)


@pytest.mark.parametrize("threshold", [0, 3])
def test_consensus_threshold_outside_one_to_the_number_of_ballots_is_refused(threshold):
    ballots = [Ballot(voter="GM0546", ranking=("groen",)), Ballot(voter="GM0579", ranking=("a",))]

    with pytest.raises(ValueError, match="consensus_threshold must be between 1 and"):
        aggregate(Rule.CONSENSUS, RANKING, ["groen", "a"], ballots, consensus_threshold=threshold)


def test_compare_rules_leaves_out_consensus_when_no_threshold_was_agreed():
    ballots = [Ballot(voter="GM0546", ranking=("groen",))]

    assert set(compare_rules(RANKING, ITEMS, ballots)) == {
        Rule.BORDA,
        Rule.BORDA_WEIGHTED,
        Rule.SCHULZE,
    }
