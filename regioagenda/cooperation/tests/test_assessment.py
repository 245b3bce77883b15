import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda import aggregation
from regioagenda.cooperation.assessment import comparison_result, record_assessment
from regioagenda.cooperation.models import Assessment, Comparison, Criterion, Score
from regioagenda.cooperation.tests.factories import grid, make_comparison
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db

GOOD = grid((8, 6, 4), (6, 7, 5), (3, 9, 9))


@pytest.fixture
def editors(leidse_regio):
    return {
        m.code: make_user(f"redacteur-{m.slug}", Membership.Role.EDITOR, municipality=m)
        for m in leidse_regio.municipalities.all()
    }


def assess(comparison, editors, code, scores=GOOD, reference="Raadsbesluit 2026/7"):  # type: ignore[no-untyped-def]
    return record_assessment(
        comparison,
        municipality=Municipality.objects.get(code=code),
        by=editors[code],
        scores=scores,
        decision_reference=reference,
    )


def close(comparison):  # type: ignore[no-untyped-def]
    return time_machine.travel(comparison.closes_at + datetime.timedelta(minutes=1), tick=False)


def messages_of(error: pytest.ExceptionInfo) -> str:
    return " | ".join(error.value.messages)


def test_an_assessment_is_stored_with_every_score_and_the_population_as_weight(
    leidse_regio, editors
):
    comparison = make_comparison(leidse_regio)
    assessment = assess(comparison, editors, "GM0546")
    assert assessment.weight == Decimal(130328)
    assert "03759ned" in assessment.weight_source
    stored = {
        (s.option.position, s.criterion.position): s.value
        for s in Score.objects.filter(assessment=assessment).select_related("option", "criterion")
    }
    assert stored == GOOD


def test_a_missing_score_is_refused_naming_option_and_criterion(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    scores = dict(GOOD)
    del scores[(1, 1)]
    with pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0546", scores)
    assert "Geef een cijfer voor “Convenant — democratische legitimiteit”." in messages_of(error)
    assert not Assessment.objects.exists() and not Score.objects.exists()


def test_a_score_of_eleven_is_refused(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    scores = {**GOOD, (3, 2): Decimal(11)}
    with pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0546", scores)
    assert (
        "Het cijfer voor “Centrumgemeente — bestuurlijke drukte” moet tussen 0 en 10 liggen."
        in messages_of(error)
    )
    assert not Assessment.objects.exists() and not Score.objects.exists()


def test_a_score_for_an_unknown_option_is_refused(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    with pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0546", {**GOOD, (9, 1): Decimal(5)})
    assert "niet in deze vergelijking staat" in messages_of(error)
    assert not Assessment.objects.exists()


def test_an_assessment_after_closing_is_refused(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    with close(comparison), pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0546")
    assert "De termijn is verstreken: de vergelijking is gesloten." in messages_of(error)
    assert not Assessment.objects.exists()


def test_a_second_assessment_from_the_same_municipality_is_refused(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    assess(comparison, editors, "GM0546")
    with pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0546", grid((1, 1, 1), (1, 1, 1), (1, 1, 1)))
    assert "Leiden heeft deze vergelijking al beoordeeld" in messages_of(error)
    assert Assessment.objects.count() == 1 and Score.objects.count() == 9


def test_a_municipality_that_does_not_take_part_is_refused(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    comparison.participants.remove(Municipality.objects.get(code="GM0638"))
    with pytest.raises(ValidationError) as error:
        assess(comparison, editors, "GM0638")
    assert "Zoeterwoude doet niet mee aan deze vergelijking." in messages_of(error)
    assert not Assessment.objects.exists()


def test_editor_of_another_municipality_cannot_enter_leidens_assessment(
    leidse_regio, editors, coordinator
):
    comparison = make_comparison(leidse_regio)
    for user in (editors["GM0579"], coordinator):
        with pytest.raises(PermissionDenied) as error:
            record_assessment(
                comparison,
                municipality=Municipality.objects.get(code="GM0546"),
                by=user,
                scores=GOOD,
                decision_reference="Raadsbesluit",
            )
        assert "Alleen een redacteur van Leiden" in str(error.value)
    assert not Assessment.objects.exists()


def test_the_outcome_is_not_available_before_closing(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    assess(comparison, editors, "GM0546")
    with pytest.raises(PermissionDenied):
        comparison_result(comparison)


def test_outcome_equals_the_shared_counting_of_the_weighted_means_computed_by_hand(
    leidse_regio, editors
):
    comparison = make_comparison(leidse_regio, rule="score-mean-weighted")
    # Criterion weights 3, 2, 1: overall = (3a + 2b + c) / 6.
    assess(comparison, editors, "GM0546", grid((8, 6, 4), (6, 7, 5), (3, 9, 9)))
    assess(comparison, editors, "GM0579", grid((2, 4, 6), (9, 9, 3), (6, 3, 0)))
    by_hand = {
        "Leiden": {"o1": Fraction(40, 6), "o2": Fraction(37, 6), "o3": Fraction(36, 6)},
        "Oegstgeest": {"o1": Fraction(20, 6), "o2": Fraction(48, 6), "o3": Fraction(24, 6)},
    }
    population = {m.name: m.population for m in Municipality.objects.all()}
    ballots = [
        aggregation.Ballot(
            voter=name,
            weight=float(population[name]),
            scores={key: float(value) for key, value in scores.items()},
        )
        for name, scores in by_hand.items()
    ]
    expected = aggregation.compare_rules(aggregation.BallotType.SCORES, ["o1", "o2", "o3"], ballots)

    with close(comparison):
        result = comparison_result(comparison)

    assert result.rules[0] == aggregation.Rule.SCORE_MEAN_WEIGHTED
    assert result.outcomes == expected
    assert set(result.rules) == set(expected)
    # Oegstgeest's strong preference for the joint arrangement outweighs Leiden's slight one for
    # the covenant, even weighted by population: 130328 · 3/6 < 26095 · 28/6.
    assert result.ranking[0].option.title == "Gemeenschappelijke regeling"
    assert result.by_municipality[1].values == pytest.approx([37 / 6, 8.0])
    assert result.by_criterion[0].values == pytest.approx([5.0, 5.0, 5.0])
    assert [(p.first, p.second) for p in result.pairs] == [("Leiden", "Oegstgeest")]
    assert {o.title for o in result.most_divisive} >= {"Convenant", "Gemeenschappelijke regeling"}


def test_criterion_weights_are_locked_after_the_first_assessment(leidse_regio, editors):
    comparison = make_comparison(leidse_regio)
    criterion = Criterion.objects.get(comparison=comparison, position=1)
    criterion.weight = 5
    criterion.full_clean()  # before anyone scored, the weight may still change
    assess(comparison, editors, "GM0546")

    criterion.weight = 7
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "het gewicht van de criteria ligt vast" in messages_of(error)
    comparison.rule = "borda"
    with pytest.raises(ValidationError) as declared:
        comparison.full_clean()
    assert "telregel en sluitingsdatum liggen vast" in messages_of(declared)
    assert Comparison.objects.get(pk=comparison.pk).rule == "score-mean"


def test_coordinator_can_no_longer_change_criteria_in_the_back_office_once_assessed(
    client, leidse_regio, editors, coordinator
):
    comparison = make_comparison(leidse_regio)
    client.force_login(coordinator)
    url = f"/beheer/cooperation/comparison/{comparison.pk}/change/"
    assert 'name="criteria-0-weight"' in client.get(url).content.decode()
    assess(comparison, editors, "GM0546")
    page = client.get(url).content.decode()
    assert 'name="criteria-0-weight"' not in page
    assert 'name="rule"' not in page
