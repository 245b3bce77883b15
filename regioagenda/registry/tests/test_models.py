import datetime

import pytest
from django.core.exceptions import ValidationError

from regioagenda.registry.models import Contribution, JointBody, Participation
from regioagenda.registry.tests.factories import contribute, join, make_body

pytestmark = pytest.mark.django_db


def test_overlapping_periods_of_one_member_are_refused_and_nothing_is_stored(leidse_regio, leiden):
    body = make_body(leidse_regio)
    join(body, leiden, started_on=datetime.date(2020, 1, 1))

    with pytest.raises(ValidationError) as error:
        join(body, leiden, started_on=datetime.date(2022, 1, 1), ended_on=datetime.date(2024, 1, 1))

    assert error.value.messages == [
        "Leiden neemt al deel aan Testregeling van 1 januari 2020 tot heden; de periode "
        "1 januari 2022 tot 1 januari 2024 overlapt daarmee."
    ]
    assert Participation.objects.filter(body=body).count() == 1


def test_overlap_is_found_for_a_member_outside_the_region_by_name(leidse_regio):
    body = make_body(leidse_regio)
    join(body, outside_name="Katwijk", ended_on=datetime.date(2019, 1, 1))

    with pytest.raises(ValidationError) as error:
        join(body, outside_name="katwijk", started_on=datetime.date(2018, 6, 1))

    assert "Katwijk neemt al deel aan Testregeling van onbekend tot 1 januari 2019" in str(
        error.value
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((None, datetime.date(2020, 1, 1)), (datetime.date(2020, 1, 1), None)),
        ((datetime.date(2015, 1, 1), datetime.date(2016, 1, 1)), (datetime.date(2017, 1, 1), None)),
    ],
)
def test_consecutive_periods_of_one_member_are_accepted(leidse_regio, leiden, first, second):
    body = make_body(leidse_regio)
    join(body, leiden, started_on=first[0], ended_on=first[1])
    join(body, leiden, started_on=second[0], ended_on=second[1])
    assert body.participations.count() == 2


def test_a_contribution_outside_the_participation_is_refused_and_nothing_is_stored(
    leidse_regio, oegstgeest
):
    body = make_body(leidse_regio)
    participation = join(
        body, oegstgeest, started_on=datetime.date(2012, 1, 1), ended_on=datetime.date(2023, 1, 1)
    )
    contribute(participation, 2022, "1250.50")

    with pytest.raises(ValidationError) as error:
        contribute(participation, 2023, "1300")

    assert error.value.message_dict["year"] == [
        "Oegstgeest nam in 2023 niet deel aan Testregeling (deelname: 1 januari 2012 tot "
        "1 januari 2023); een bijdrage kan alleen in een jaar van deelname."
    ]
    assert list(Contribution.objects.values_list("year", flat=True)) == [2022]


def test_a_negative_contribution_is_refused(leidse_regio, leiden):
    participation = join(make_body(leidse_regio), leiden)
    with pytest.raises(ValidationError):
        contribute(participation, 2024, "-1")


def test_a_member_is_a_municipality_or_a_name_never_both(leidse_regio, leiden):
    with pytest.raises(ValidationError):
        join(make_body(leidse_regio), leiden, outside_name="Katwijk")


def test_an_ended_body_is_not_active(leidse_regio):
    ended = make_body(leidse_regio, "sp71", name="SP71", ended_on=datetime.date(2023, 1, 1))
    running = make_body(leidse_regio, "loopt", name="Loopt")

    assert ended.has_ended
    mine = JointBody.objects.filter(slug__in=["sp71", "loopt"])
    assert list(mine.active()) == [running]
    assert list(mine.ended()) == [ended]
    assert JointBody.objects.ended().filter(slug="servicepunt71").exists()


def test_a_body_cannot_end_before_it_started(leidse_regio):
    body = JointBody(
        region=leidse_regio,
        slug="omgekeerd",
        name="Omgekeerd",
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2019, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "De einddatum ligt na de begindatum." in error.value.messages
