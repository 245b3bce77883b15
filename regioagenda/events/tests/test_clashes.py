"""Clash detection: the three rules, their switches and thresholds, what does not count, and one
query for all candidates."""

import datetime as dt

import pytest

from regioagenda.events.clashes import (
    LARGE_NEARBY,
    SAME_VENUE,
    SAME_WEEKEND,
    find_clashes,
    local_days,
    same_venue,
)
from regioagenda.events.models import ClashRules, Event, Neighbour
from regioagenda.events.tests.factories import local, make_audience, make_category, make_event
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db

SATURDAY = (2026, 10, 3)


@pytest.fixture
def rules(leidse_regio) -> ClashRules:
    rules, _ = ClashRules.objects.get_or_create(region=leidse_regio)
    rules.large_attendance = 2000
    rules.venue_similarity = 90
    rules.save()
    return rules


@pytest.fixture
def zoeterwoude(leidse_regio):
    return Municipality.objects.get(code="GM0638")


@pytest.fixture
def voorschoten(leidse_regio):
    return Municipality.objects.get(code="GM0626")


@pytest.fixture
def neighbours(leiden, zoeterwoude):
    for a, b in ((leiden, zoeterwoude), (zoeterwoude, leiden)):
        Neighbour.objects.get_or_create(municipality=a, neighbour=b)


def unsaved(region, municipality, **kw):
    values = {
        "title": "Nieuw evenement",
        "start": local(*SATURDAY, 14),
        "end": local(*SATURDAY, 16),
        "venue": "Stadsgehoorzaal",
        "organiser_name": "X",
        "organiser_email": "x@example.org",
        "moderation": Event.Moderation.PENDING,
    }
    return Event(region=region, municipality=municipality, **(values | kw))


def test_same_day_same_venue_after_normalising(leidse_regio, leiden, rules):
    other = make_event(
        leidse_regio, "Concert", local(*SATURDAY, 20), municipality=leiden, venue="STADSGEHOORZAAL!"
    )
    [clash] = find_clashes(unsaved(leidse_regio, leiden))
    assert clash.event == other and clash.rule == SAME_VENUE
    assert clash.reasons == ["Zelfde dag (za 3 oktober) en zelfde locatie (STADSGEHOORZAAL!)"]


def test_similar_venue_names_count_by_threshold(leidse_regio, leiden, rules):
    make_event(
        leidse_regio,
        start=local(*SATURDAY, 20),
        municipality=leiden,
        venue="De Stadsgehoorzaal Leiden",
    )
    assert [c.rule for c in find_clashes(unsaved(leidse_regio, leiden))] == [SAME_VENUE]
    assert same_venue("Stadsgehoorzaal", "Stadsgehoorzal", 90)
    assert not same_venue("Stadsgehoorzaal", "Stadsgehoorzal", 97)
    assert not same_venue("Pieterskerk", "Hooglandse Kerk", 90)


def test_same_venue_other_day_or_other_municipality_is_no_clash(
    leidse_regio, leiden, voorschoten, rules
):
    make_event(leidse_regio, start=local(2026, 10, 4, 0, 0), municipality=leiden)
    make_event(leidse_regio, start=local(*SATURDAY, 20), municipality=voorschoten)
    assert find_clashes(unsaved(leidse_regio, leiden)) == []


def test_multi_day_event_counts_on_every_day(leidse_regio, leiden, rules):
    festival = make_event(
        leidse_regio,
        "Festival",
        start=local(2026, 10, 1, 10),
        end=local(2026, 10, 5, 23),
        municipality=leiden,
    )
    [clash] = find_clashes(unsaved(leidse_regio, leiden))
    assert clash.event == festival


def test_an_end_at_midnight_does_not_cover_the_next_day():
    days = local_days(local(2026, 10, 2, 20), local(2026, 10, 3, 0))
    assert days == [dt.date(2026, 10, 2)]
    # Late at night in Amsterdam is the next day in UTC terms only for later hours.
    assert local_days(local(2026, 10, 3, 23, 30), local(2026, 10, 3, 23, 45)) == [
        dt.date(2026, 10, 3)
    ]


def test_large_attendance_in_a_neighbouring_municipality(
    leidse_regio, leiden, zoeterwoude, voorschoten, neighbours, rules
):
    big = make_event(
        leidse_regio,
        "Kermis",
        local(*SATURDAY, 10),
        municipality=leiden,
        venue="Beestenmarkt",
        expected_visitors=5000,
    )
    make_event(  # Voorschoten does not border Zoeterwoude
        leidse_regio,
        "Markt",
        local(*SATURDAY, 10),
        municipality=voorschoten,
        venue="Plein",
        expected_visitors=5000,
    )
    [clash] = find_clashes(unsaved(leidse_regio, zoeterwoude, venue="Dorpshuis"))
    assert clash.event == big and clash.rule == LARGE_NEARBY
    assert "aangrenzende gemeente (Leiden)" in clash.reasons[0]
    assert "2.000 of meer" in clash.reasons[0]
    rules.large_attendance = 6000
    rules.save()
    assert find_clashes(unsaved(leidse_regio, zoeterwoude, venue="Dorpshuis")) == []
    # The submitted event itself may be the big one.
    event = unsaved(leidse_regio, zoeterwoude, venue="Dorpshuis", expected_visitors=7000)
    assert [c.event for c in find_clashes(event)] == [big]


def test_same_weekend_same_category_and_audience(leidse_regio, leiden, voorschoten, rules):
    music = make_category(leidse_regio, "muziek", "Muziek")
    youth = make_audience(leidse_regio, "jongeren", "Jongeren")
    elderly = make_audience(leidse_regio, "ouderen", "Ouderen")
    sunday = make_event(
        leidse_regio,
        "Popconcert",
        local(2026, 10, 4, 15),
        municipality=voorschoten,
        venue="Elders",
        categories=[music],
        audiences=[youth],
    )
    make_event(
        leidse_regio,
        "Koor",
        local(2026, 10, 4, 15),
        municipality=voorschoten,
        venue="Elders",
        categories=[music],
        audiences=[elderly],
    )
    make_event(  # next weekend
        leidse_regio,
        "Later",
        local(2026, 10, 10, 15),
        municipality=voorschoten,
        venue="Elders",
        categories=[music],
        audiences=[youth],
    )
    event = unsaved(leidse_regio, leiden, venue="Pieterskerk")
    [clash] = find_clashes(event, categories=[music], audiences=[youth])
    assert clash.event == sunday and clash.rule == SAME_WEEKEND
    assert clash.reasons == [
        "Zelfde weekend (za 3 oktober – zo 4 oktober), zelfde categorie (Muziek) "
        "en doelgroep (Jongeren)"
    ]
    assert find_clashes(event, categories=[music], audiences=[]) == []
    # A saved event uses its own categories and audiences.
    saved = make_event(
        leidse_regio,
        "Opgeslagen",
        local(*SATURDAY, 11),
        municipality=leiden,
        venue="Pieterskerk",
        categories=[music],
        audiences=[youth],
    )
    assert [c.event for c in find_clashes(saved)] == [sunday]


def test_switched_off_rules_find_nothing(leidse_regio, leiden, rules):
    make_event(
        leidse_regio, start=local(*SATURDAY, 20), municipality=leiden, expected_visitors=9000
    )
    assert find_clashes(unsaved(leidse_regio, leiden))
    rules.same_venue = rules.large_nearby = rules.same_weekend = False
    rules.save()
    assert find_clashes(unsaved(leidse_regio, leiden)) == []


def test_rules_are_created_with_defaults(leidse_regio, leiden):
    ClashRules.objects.filter(region=leidse_regio).delete()
    make_event(leidse_regio, start=local(*SATURDAY, 20), municipality=leiden)
    assert find_clashes(unsaved(leidse_regio, leiden))
    assert ClashRules.objects.get(region=leidse_regio).large_attendance == 2000


@pytest.mark.parametrize(
    "kw",
    [
        {"moderation": Event.Moderation.UNCONFIRMED},
        {"moderation": Event.Moderation.REJECTED},
        {"status": Event.Status.CANCELLED},
    ],
)
def test_unconfirmed_rejected_and_cancelled_events_do_not_count(leidse_regio, leiden, rules, kw):
    make_event(leidse_regio, start=local(*SATURDAY, 20), municipality=leiden, **kw)
    assert find_clashes(unsaved(leidse_regio, leiden)) == []


def test_pending_counts_and_the_event_itself_does_not(leidse_regio, leiden, rules):
    pending = make_event(
        leidse_regio,
        start=local(*SATURDAY, 20),
        municipality=leiden,
        moderation=Event.Moderation.PENDING,
    )
    assert find_clashes(pending) == []
    assert [c.event for c in find_clashes(unsaved(leidse_regio, leiden))] == [pending]


def test_events_of_another_region_do_not_count(leidse_regio, kustregio, leiden, rules):
    elsewhere = Municipality.objects.filter(region=kustregio).first()
    make_event(kustregio, start=local(*SATURDAY, 20), municipality=elsewhere)
    assert find_clashes(unsaved(leidse_regio, leiden)) == []


def test_outside_region_events_clash_on_the_same_place(leidse_regio, rules):
    make_event(
        leidse_regio,
        start=local(*SATURDAY, 20),
        place_outside_region="Den Haag",
        venue="Paard",
    )
    event = unsaved(leidse_regio, None, place_outside_region="den haag", venue="Paard")
    assert [c.rule for c in find_clashes(event)] == [SAME_VENUE]


def test_one_clash_per_event_with_all_reasons(leidse_regio, leiden, rules):
    make_event(
        leidse_regio, start=local(*SATURDAY, 20), municipality=leiden, expected_visitors=3000
    )
    [clash] = find_clashes(unsaved(leidse_regio, leiden))
    assert clash.rule == SAME_VENUE and len(clash.reasons) == 2
    assert clash.reasons[1].startswith("Zelfde dag (za 3 oktober) in dezelfde gemeente (Leiden)")


def test_queries_do_not_grow_with_candidates(
    leidse_regio, leiden, rules, django_assert_max_num_queries
):
    music = make_category(leidse_regio, "muziek")
    youth = make_audience(leidse_regio, "jongeren")
    for number in range(30):
        make_event(
            leidse_regio,
            f"Evenement {number}",
            local(*SATURDAY, 10),
            municipality=leiden,
            venue=f"Zaal {number}",
            categories=[music],
            audiences=[youth],
        )
    event = unsaved(leidse_regio, leiden, venue="Zaal 1")
    with django_assert_max_num_queries(5):
        clashes = find_clashes(event, categories=[music], audiences=[youth])
    assert len(clashes) == 30


def test_an_organiser_is_shown_only_published_clashes(leidse_regio, leiden, rules):
    published = make_event(
        leidse_regio,
        "Gepubliceerd",
        start=local(*SATURDAY, 10),
        end=local(*SATURDAY, 12),
        municipality=leiden,
        venue="Stadsgehoorzaal",
    )
    make_event(
        leidse_regio,
        "Nog in beoordeling",
        start=local(*SATURDAY, 18),
        end=local(*SATURDAY, 20),
        municipality=leiden,
        venue="Stadsgehoorzaal",
        moderation=Event.Moderation.PENDING,
    )
    event = unsaved(leidse_regio, leiden)

    for_moderators = [c.event.title for c in find_clashes(event)]
    for_organiser = [c.event for c in find_clashes(event, published_only=True)]

    assert for_moderators == ["Gepubliceerd", "Nog in beoordeling"]
    assert for_organiser == [published]
