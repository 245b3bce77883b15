import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda.models import Action
from regioagenda.agenda.tests.factories import make_action
from regioagenda.prioritisation.models import AdoptedPriority, Ballot, BallotEntry
from regioagenda.prioritisation.results import adopt_ordering, round_result
from regioagenda.prioritisation.tests.factories import make_round
from regioagenda.prioritisation.voting import BallotChoices, cast_ballot
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(leidse_regio):
    return {
        m.code: make_user(f"redacteur-{m.slug}", Membership.Role.EDITOR, municipality=m)
        for m in leidse_regio.municipalities.all()
    }


def rank(*places: int) -> BallotChoices:
    """Places for the candidates in list order: rank(2, 1) puts candidate 2 first."""
    return BallotChoices(ranks={position: place for position, place in enumerate(places, 1)})


def vote(round, editors, code, choices, reference="Raadsbesluit 2026/1"):  # type: ignore[no-untyped-def]
    municipality = Municipality.objects.get(code=code)
    return cast_ballot(
        round,
        municipality=municipality,
        by=editors[code],
        choices=choices,
        decision_reference=reference,
    )


def close(round):  # type: ignore[no-untyped-def]
    return time_machine.travel(round.deadline + datetime.timedelta(minutes=1), tick=False)


def test_a_ballot_is_stored_with_the_population_as_its_weight(leidse_regio, editors):
    round = make_round(leidse_regio)
    ballot = vote(round, editors, "GM0546", rank(2, 1, 4, 3))
    assert ballot.weight == Decimal(130328)
    assert "03759ned" in ballot.weight_source
    assert dict(
        BallotEntry.objects.filter(ballot=ballot).values_list("candidate__position", "rank")
    ) == {1: 2, 2: 1, 3: 4, 4: 3}


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (rank(1, 1, 2, 3), "Twee kandidaten hebben dezelfde plaats"),
        (BallotChoices(), "leeg"),
        (BallotChoices(ranks={9: 1}), "staat niet op de lijst"),
    ],
)
def test_bad_ranking_ballots_are_refused_and_nothing_is_stored(
    leidse_regio, editors, choices, message
):
    round = make_round(leidse_regio)
    with pytest.raises(ValidationError) as error:
        vote(round, editors, "GM0546", choices)
    assert any(message in text for text in error.value.messages), error.value.messages
    assert not Ballot.objects.exists()


def test_scores_out_of_range_are_refused(leidse_regio, editors):
    round = make_round(leidse_regio, ballot_type="scores", rule="score-mean")
    with pytest.raises(ValidationError) as error:
        vote(round, editors, "GM0546", BallotChoices(scores={1: Decimal(11), 2: Decimal(5)}))
    assert any("0" in text and "10" in text for text in error.value.messages)
    assert not Ballot.objects.exists()


def test_a_second_ballot_from_the_same_municipality_is_refused(leidse_regio, editors):
    round = make_round(leidse_regio)
    vote(round, editors, "GM0546", rank(1, 2, 3, 4))
    with pytest.raises(ValidationError) as error:
        vote(round, editors, "GM0546", rank(4, 3, 2, 1))
    assert "Leiden heeft in deze ronde al gestemd" in error.value.messages[0]
    assert Ballot.objects.count() == 1


def test_a_ballot_after_the_deadline_or_before_opening_is_refused(leidse_regio, editors):
    round = make_round(leidse_regio)
    with close(round), pytest.raises(ValidationError) as late:
        vote(round, editors, "GM0546", rank(1, 2, 3, 4))
    assert "De termijn is verstreken" in late.value.messages[0]
    upcoming = make_round(leidse_regio, slug="later", opened_days_ago=-2)
    with pytest.raises(ValidationError) as early:
        vote(upcoming, editors, "GM0546", rank(1, 2, 3, 4))
    assert "nog niet geopend" in early.value.messages[0]
    assert not Ballot.objects.exists()


def test_only_an_editor_of_the_municipality_casts_its_ballot(leidse_regio, editors, coordinator):
    round = make_round(leidse_regio)
    leiden = Municipality.objects.get(code="GM0546")
    for user in (editors["GM0579"], coordinator):
        with pytest.raises(PermissionDenied):
            cast_ballot(
                round,
                municipality=leiden,
                by=user,
                choices=rank(1, 2, 3, 4),
                decision_reference="x",
            )


def test_a_municipality_outside_the_round_cannot_vote(leidse_regio, editors):
    round = make_round(leidse_regio)
    round.participants.remove(Municipality.objects.get(code="GM0638"))
    with pytest.raises(ValidationError) as error:
        vote(round, editors, "GM0638", rank(1, 2, 3, 4))
    assert "Zoeterwoude doet niet mee" in error.value.messages[0]


def test_ballots_stay_secret_until_the_round_closes(client: Client, leidse_regio, editors):
    round = make_round(leidse_regio)
    vote(round, editors, "GM0546", rank(1, 2, 3, 4), reference="Geheim besluit 77")
    page = client.get(round.get_absolute_url()).content.decode()
    assert "Leiden: gestemd op" in page
    assert "Geheim besluit 77" not in page and "plaats 1" not in page
    with pytest.raises(PermissionDenied):
        round_result(round)

    with close(round):
        closed = client.get(round.get_absolute_url()).content.decode()
    assert "Geheim besluit 77" in closed and "plaats 1" in closed


def test_result_shows_the_declared_rule_first_and_every_other_rule_beside_it(
    client, leidse_regio, editors
):
    round = make_round(leidse_regio, rule="borda-weighted")
    # Leiden (130k inhabitants) wants candidate 4 first; the four others want candidate 1.
    vote(round, editors, "GM0546", rank(4, 3, 2, 1))
    for code in ("GM0547", "GM0579", "GM0626", "GM0638"):
        vote(round, editors, code, rank(1, 2, 3, 4))

    with close(round):
        result = round_result(round)
        page = client.get(round.get_absolute_url()).content.decode()

    assert result.rules[0].value == "borda-weighted"
    weighted = [c.topic.slug for _, c, _ in result.outcome_rows()]
    assert weighted[0] == "lucht-en-waterkwaliteit"  # population weighting lets Leiden decide
    borda = {
        row.candidate.topic.slug: row.ranks[result.rules.index("borda")]
        for row in result.comparison
    }
    assert borda["woningbouwprogramma"] == 1  # one municipality, one vote
    assert page.index("Uitslag volgens de vastgelegde telregel") < page.index("Hoeveel maakte")
    assert "Waar de gemeenten verschillen" in page


def test_disagreement_names_the_most_divided_candidates(leidse_regio, editors):
    round = make_round(leidse_regio)
    vote(round, editors, "GM0546", rank(4, 2, 3, 1))
    vote(round, editors, "GM0547", rank(1, 2, 3, 4))
    with close(round):
        result = round_result(round)
    assert {c.topic.slug for c in result.most_divisive[:2]} == {
        "woningbouwprogramma",
        "lucht-en-waterkwaliteit",
    }
    assert [(p.first, p.second) for p in result.pairs] == [("Leiden", "Leiderdorp")]
    assert result.pairs[0].agreement < 0.5


def test_coordinator_adopts_the_outcome_as_the_agenda_order(
    client, leidse_regio, editors, coordinator
):
    leiden = Municipality.objects.get(code="GM0546")
    housing = make_action(leiden, topic="woningbouwprogramma", title="Woondeal")
    heat = make_action(leiden, topic="stadswarmtenet", title="Warmtenet")
    round = make_round(leidse_regio)
    for code in editors:
        vote(round, editors, code, rank(3, 2, 1, 4))
    with close(round):
        with pytest.raises(PermissionDenied):
            adopt_ordering(round, by=editors["GM0546"])
        client.force_login(coordinator)
        response = client.post(reverse("prioritisation:adopt", args=[round.slug]))
        assert response.status_code == 302
        with pytest.raises(ValidationError):
            adopt_ordering(round, by=coordinator)

    housing.refresh_from_db()
    heat.refresh_from_db()
    assert (heat.priority, housing.priority) == (1, 3)
    assert AdoptedPriority.objects.filter(round=round).count() == 2
    assert list(Action.objects.order_by("priority").values_list("title", flat=True))[:2] == [
        "Warmtenet",
        "Woondeal",
    ]


def test_the_declared_counting_cannot_change_once_voting_opened(leidse_regio):
    round = make_round(leidse_regio)
    round.rule = "schulze"
    with pytest.raises(ValidationError) as error:
        round.full_clean()
    assert "liggen vast" in str(error.value)
    upcoming = make_round(leidse_regio, slug="later", opened_days_ago=-3)
    upcoming.rule = "schulze"
    upcoming.full_clean()  # before opening, the coordinator may still change it


def test_the_rule_must_fit_the_ballot_and_consensus_needs_a_threshold(leidse_regio):
    round = make_round(leidse_regio, slug="later", opened_days_ago=-3)
    round.rule = "approval"
    with pytest.raises(ValidationError):
        round.full_clean()
    round.rule = "consensus"
    with pytest.raises(ValidationError) as error:
        round.full_clean()
    assert "consensus_threshold" in error.value.message_dict


def test_ballot_form_refuses_a_score_above_ten(client: Client, leidse_regio, editors):
    round = make_round(leidse_regio, ballot_type="scores", rule="score-mean")
    client.force_login(editors["GM0579"])
    response = client.post(
        reverse("prioritisation:vote", args=[round.slug]),
        {
            "municipality": Municipality.objects.get(code="GM0579").pk,
            "decision_reference": "Collegebesluit 12",
            "kandidaat_1": "11",
            "kandidaat_2": "7",
        },
    )
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_editor_votes_through_the_form(client: Client, leidse_regio, editors):
    round = make_round(leidse_regio, ballot_type="approval", rule="approval")
    client.force_login(editors["GM0579"])
    url = reverse("prioritisation:vote", args=[round.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "municipality": Municipality.objects.get(code="GM0579").pk,
            "decision_reference": "Raadsbesluit 2026-44",
            "kandidaat_2": "on",
            "kandidaat_3": "on",
            "weight": "999999999",
        },
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.weight == 26095  # the posted weight is ignored
    assert set(
        ballot.entries.filter(approved=True).values_list("candidate__position", flat=True)
    ) == {2, 3}
    assert client.get(url).status_code == 403  # nothing left to vote for


def test_round_pages_keep_their_query_count(
    client, leidse_regio, editors, django_assert_max_num_queries
):
    round = make_round(leidse_regio)
    for code in editors:
        vote(round, editors, code, rank(1, 2, 3, 4))
    with close(round), django_assert_max_num_queries(16):
        assert client.get(round.get_absolute_url()).status_code == 200
    assert timezone.now() < round.deadline


def test_an_adopted_action_links_back_to_its_round(client, leidse_regio, editors, coordinator):
    leiden = Municipality.objects.get(code="GM0546")
    heat = make_action(leiden, topic="stadswarmtenet", title="Warmtenet")
    round = make_round(leidse_regio)
    for code in editors:
        vote(round, editors, code, rank(3, 2, 1, 4))
    with close(round):
        adopt_ordering(round, by=coordinator)
    page = client.get(heat.get_absolute_url()).content.decode()
    assert "Prioriteit" in page and round.get_absolute_url() in page
