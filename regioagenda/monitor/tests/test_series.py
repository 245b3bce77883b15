import datetime
from decimal import Decimal

import pytest

from regioagenda.competences.models import Place
from regioagenda.competences.tests.factories import make_place
from regioagenda.monitor.models import Aggregation, Direction, Indicator, Target, Trajectory
from regioagenda.monitor.series import (
    RegionFigures,
    current_observations,
    municipal_series,
    regional_series,
    target_status,
    trajectory_for,
)
from regioagenda.monitor.tests.factories import make_indicator, make_observation, make_target
from regioagenda.regions.models import Municipality, Region

pytestmark = pytest.mark.django_db

# Inhabitants on 1 January (CBS 03759ned), by municipality.
POPULATION = {
    2019: {"GM0546": 124899, "GM0547": 27109, "GM0579": 24426, "GM0626": 25479, "GM0638": 8450},
    2026: {"GM0546": 130328, "GM0547": 27973, "GM0579": 26095, "GM0626": 25975, "GM0638": 10355},
}


@pytest.fixture
def municipalities(leidse_regio):
    return {m.code: m for m in Municipality.objects.filter(region=leidse_regio)}


@pytest.fixture
def inhabitants(leidse_regio):
    return make_indicator(
        leidse_regio, "inwoners", name="Inwoners", unit="inwoners", direction=Direction.UP
    )


def fill(indicator, municipalities, year, values, **options):
    for code, value in values.items():
        make_observation(indicator, municipalities[code], year, value, **options)


def test_current_observations_keep_only_the_highest_revision(inhabitants, leiden):
    make_observation(inhabitants, leiden, 2024, 100)
    make_observation(inhabitants, leiden, 2024, 110, revision=2)
    make_observation(inhabitants, leiden, 2025, 120)

    current = list(current_observations(inhabitants))

    assert [(o.period_label, o.value, o.revision) for o in current] == [
        ("1 januari 2024", Decimal(110), 2),
        ("1 januari 2025", Decimal(120), 1),
    ]


def test_current_observations_tell_areas_apart(inhabitants, leiden):
    make_observation(inhabitants, leiden, 2024, 100)
    make_observation(inhabitants, "Leiden Bio Science Park", 2024, 7)

    assert sorted(o.area_name for o in current_observations(inhabitants)) == [
        "Leiden",
        "Leiden Bio Science Park",
    ]


def test_municipal_series_lists_every_municipality_with_its_current_figures_in_order(
    leidse_regio, inhabitants, municipalities
):
    leiden, oegstgeest = municipalities["GM0546"], municipalities["GM0579"]
    make_observation(inhabitants, leiden, 2026, 130)
    make_observation(inhabitants, leiden, 2019, 120)
    make_observation(inhabitants, leiden, 2019, 125, revision=2)
    make_observation(inhabitants, oegstgeest, 2019, 24)
    make_observation(inhabitants, "Leiden Bio Science Park", 2019, 1)

    series = municipal_series(inhabitants, leidse_regio)

    assert [m.name for m in series] == [
        "Leiden",
        "Leiderdorp",
        "Oegstgeest",
        "Voorschoten",
        "Zoeterwoude",
    ]
    assert [(o.period_start.year, o.value) for o in series[leiden]] == [
        (2019, Decimal(125)),
        (2026, Decimal(130)),
    ]
    assert [o.value for o in series[oegstgeest]] == [Decimal(24)]
    assert series[municipalities["GM0638"]] == []


def test_regional_sum_adds_the_five_municipalities(leidse_regio, inhabitants, municipalities):
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    fill(inhabitants, municipalities, 2026, POPULATION[2026])

    series = regional_series(inhabitants, leidse_regio)

    assert [(v.period_start, v.value, v.complete) for v in series] == [
        (datetime.date(2019, 1, 1), Decimal(210363), True),
        (datetime.date(2026, 1, 1), Decimal(220726), True),
    ]
    assert series[0].explanation == "Som van 5 gemeenten."
    assert series[0].missing == []
    assert series[0].period_label == "1 januari 2019"


def test_regional_sum_uses_the_latest_revision(leidse_regio, inhabitants, municipalities):
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    make_observation(inhabitants, municipalities["GM0638"], 2019, 8451, revision=2)

    (value,) = regional_series(inhabitants, leidse_regio)

    assert value.value == Decimal(210364)


def test_a_missing_municipality_makes_the_period_incomplete_instead_of_a_smaller_sum(
    leidse_regio, inhabitants, municipalities
):
    partial = {code: v for code, v in POPULATION[2019].items() if code != "GM0638"}
    fill(inhabitants, municipalities, 2019, partial)
    fill(inhabitants, municipalities, 2026, POPULATION[2026])

    incomplete, complete = regional_series(inhabitants, leidse_regio)

    assert incomplete.value is None
    assert not incomplete.complete
    assert incomplete.missing == ["Zoeterwoude"]
    assert incomplete.explanation == "Som niet te berekenen: Zoeterwoude ontbreekt."
    assert complete.complete and complete.value == Decimal(220726)


def test_several_missing_municipalities_are_all_named(leidse_regio, inhabitants, municipalities):
    make_observation(inhabitants, municipalities["GM0546"], 2019, 1)
    make_observation(inhabitants, municipalities["GM0547"], 2019, 1)

    (value,) = regional_series(inhabitants, leidse_regio)

    assert value.missing == ["Oegstgeest", "Voorschoten", "Zoeterwoude"]
    assert "Oegstgeest, Voorschoten en Zoeterwoude ontbreken" in value.explanation


def test_weighted_mean_weighs_by_the_weight_indicator_in_the_same_period(
    leidse_regio, inhabitants, municipalities
):
    waste = make_indicator(
        leidse_regio,
        "restafval",
        unit="kg per inwoner",
        aggregation=Aggregation.WEIGHTED_MEAN,
        weight=inhabitants,
    )
    fill(inhabitants, municipalities, 2019, {"GM0546": 300, "GM0547": 100, "GM0579": 100})
    fill(inhabitants, municipalities, 2019, {"GM0626": 200, "GM0638": 300})
    fill(waste, municipalities, 2019, {"GM0546": 100, "GM0547": 200, "GM0579": 200})
    fill(waste, municipalities, 2019, {"GM0626": 150, "GM0638": 50})

    (value,) = regional_series(waste, leidse_regio)

    # (300·100 + 100·200 + 100·200 + 200·150 + 300·50) / 1000 = 115
    assert value.value == Decimal(115)
    assert value.complete
    assert value.explanation == (
        "Gemiddelde van 5 gemeenten, gewogen naar inwoners (1 januari 2019)."
    )


def test_weighted_mean_of_a_year_takes_the_weight_measured_on_a_day_within_it(
    leidse_regio, inhabitants, municipalities
):
    waste = make_indicator(
        leidse_regio, "restafval", aggregation=Aggregation.WEIGHTED_MEAN, weight=inhabitants
    )
    fill(inhabitants, municipalities, 2019, dict.fromkeys(POPULATION[2019], 100))
    fill(inhabitants, municipalities, 2020, dict.fromkeys(POPULATION[2019], 900))
    fill(waste, municipalities, 2019, {"GM0546": 10, "GM0547": 20}, whole_year=True)
    fill(waste, municipalities, 2019, {"GM0579": 30, "GM0626": 40, "GM0638": 50}, whole_year=True)

    (value,) = regional_series(waste, leidse_regio)

    assert value.value == Decimal(30)
    assert value.period_label == "2019"
    assert "(1 januari 2019)" in value.explanation


def test_weighted_mean_with_a_missing_weight_is_incomplete(
    leidse_regio, inhabitants, municipalities
):
    waste = make_indicator(
        leidse_regio, "restafval", aggregation=Aggregation.WEIGHTED_MEAN, weight=inhabitants
    )
    without_zoeterwoude = {c: v for c, v in POPULATION[2019].items() if c != "GM0638"}
    fill(inhabitants, municipalities, 2019, without_zoeterwoude)
    fill(waste, municipalities, 2019, dict.fromkeys(POPULATION[2019], 150))

    (value,) = regional_series(waste, leidse_regio)

    assert value.value is None
    assert not value.complete
    assert value.missing == ["Zoeterwoude"]
    assert value.explanation == ("Gewogen naar inwoners; het gewicht van Zoeterwoude ontbreekt.")


def test_weighted_mean_with_a_missing_value_names_the_municipality(
    leidse_regio, inhabitants, municipalities
):
    waste = make_indicator(
        leidse_regio, "restafval", aggregation=Aggregation.WEIGHTED_MEAN, weight=inhabitants
    )
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    fill(waste, municipalities, 2019, {c: 1 for c in POPULATION[2019] if c != "GM0638"})

    (value,) = regional_series(waste, leidse_regio)

    assert value.value is None
    assert value.explanation == "Gewogen naar inwoners; Zoeterwoude ontbreekt."


def test_ratio_of_sums_divides_the_sums_not_the_mean_of_ratios(
    leidse_regio, inhabitants, municipalities
):
    area = make_indicator(leidse_regio, "oppervlakte", name="Oppervlakte", unit="km²")
    density = make_indicator(
        leidse_regio,
        "dichtheid",
        unit="inwoners per km²",
        aggregation=Aggregation.RATIO_OF_SUMS,
        numerator=inhabitants,
        denominator=area,
    )
    fill(inhabitants, municipalities, 2024, {"GM0546": 1000, "GM0547": 100, "GM0579": 100})
    fill(inhabitants, municipalities, 2024, {"GM0626": 100, "GM0638": 100})
    fill(area, municipalities, 2024, {"GM0546": 1, "GM0547": 1, "GM0579": 1})
    fill(area, municipalities, 2024, {"GM0626": 1, "GM0638": 6})

    (value,) = regional_series(density, leidse_regio)

    assert value.value == Decimal(140)
    assert value.explanation == (
        "Som van inwoners gedeeld door som van oppervlakte, over 5 gemeenten."
    )


def test_ratio_of_sums_in_percent_is_multiplied_by_a_hundred(
    leidse_regio, inhabitants, municipalities
):
    heat = make_indicator(leidse_regio, "warmte")
    share = make_indicator(
        leidse_regio,
        "aandeel-warmte",
        unit="% van de woningen",
        aggregation=Aggregation.RATIO_OF_SUMS,
        numerator=heat,
        denominator=inhabitants,
    )
    fill(heat, municipalities, 2024, dict.fromkeys(POPULATION[2019], 1))
    fill(inhabitants, municipalities, 2024, dict.fromkeys(POPULATION[2019], 4))
    fill(heat, municipalities, 2025, {"GM0546": 1})
    fill(inhabitants, municipalities, 2025, dict.fromkeys(POPULATION[2019], 4))

    complete, incomplete = regional_series(share, leidse_regio)

    assert complete.value == Decimal(25)
    assert incomplete.value is None
    assert incomplete.missing == ["Leiderdorp", "Oegstgeest", "Voorschoten", "Zoeterwoude"]


def test_an_indicator_without_a_regional_rule_has_no_regional_series(leidse_regio, municipalities):
    jobs = make_indicator(leidse_regio, "banen-bsp", aggregation=Aggregation.NONE)
    make_observation(jobs, municipalities["GM0546"], 2024, 1)

    assert regional_series(jobs, leidse_regio) == []


# Targets ------------------------------------------------------------------------------------


def test_the_population_target_of_220000_is_reached(leidse_regio, inhabitants, municipalities):
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    fill(inhabitants, municipalities, 2026, POPULATION[2026])
    target = make_target(inhabitants, 2032, 220000, base_year=2017, base_value=200000)

    status = target_status(target, leidse_regio)

    assert status.status == "gehaald"
    assert status.label == "gehaald"
    assert status.latest.value == Decimal(220726)
    assert status.trajectory[0] == (2017, Decimal(200000))
    assert status.trajectory[-1] == (2032, Decimal(220000))
    assert len(status.trajectory) == 16
    assert status.method.startswith("lineaire trend (kleinste kwadraten) over de laatste 2 jaar")


def test_a_trend_that_reaches_the_target_in_time_is_on_track(leidse_regio, municipalities):
    homes = make_indicator(leidse_regio, "woningen", direction=Direction.UP)
    for year, total in ((2020, 100), (2021, 110), (2022, 120)):
        fill(homes, municipalities, year, dict.fromkeys(POPULATION[2019], total))
    target = make_target(homes, 2030, 1000, base_year=2020)  # base value: 500 observed

    status = target_status(target, leidse_regio)

    # Each year +50 for the region: 600 in 2022 → 1000 in 2030.
    assert status.status == "op-koers"
    assert status.projected_value == Decimal(1000)
    assert status.projection[0] == (2022, Decimal(600))
    assert status.projection[-1] == (2030, Decimal(1000))
    assert status.trajectory[0] == (2020, Decimal(500))
    assert "2020–2022" in status.method


def test_the_status_until_a_year_leaves_out_later_figures(leidse_regio, municipalities):
    homes = make_indicator(leidse_regio, "woningen", direction=Direction.UP)
    for year, total in ((2020, 100), (2021, 101), (2022, 102), (2023, 170)):
        fill(homes, municipalities, year, dict.fromkeys(POPULATION[2019], total))
    target = make_target(homes, 2030, 1000, base_year=2020, base_value=500)

    today = target_status(target, leidse_regio)
    then = target_status(target, leidse_regio, until=2022)

    # With the jump of 2023 the trend reaches the target; before it, it fell short.
    assert today.status == "op-koers"
    assert then.status == "niet-op-koers"
    assert then.latest.value == Decimal(510)
    assert then.projection[0] == (2022, Decimal(510))
    assert "2020–2022" in then.method


def test_a_trend_that_falls_short_is_off_track(leidse_regio, municipalities):
    homes = make_indicator(leidse_regio, "woningen", direction=Direction.UP)
    for year, total in ((2020, 100), (2021, 101), (2022, 102)):
        fill(homes, municipalities, year, dict.fromkeys(POPULATION[2019], total))
    target = make_target(homes, 2030, 1000, base_year=2020, base_value=500)

    status = target_status(target, leidse_regio)

    assert status.status == "niet-op-koers"
    assert status.label == "niet op koers"
    assert status.projected_value == Decimal(550)


def test_a_value_ahead_of_the_trajectory_is_on_track_even_if_the_trend_falls_short(
    leidse_regio, municipalities
):
    homes = make_indicator(leidse_regio, "woningen", direction=Direction.UP)
    for year in (2020, 2021, 2022):
        fill(homes, municipalities, year, dict.fromkeys(POPULATION[2019], 112))
    target = make_target(homes, 2040, 1000, base_year=2020, base_value=500)

    status = target_status(target, leidse_regio)

    # The path is at 550 in 2022 and the region at 560, though the flat trend stays at 560.
    assert dict(status.trajectory)[2022] == Decimal(550)
    assert status.projected_value == Decimal(560)
    assert status.status == "op-koers"


def test_percentage_path_interpolates_between_base_year_and_milestones(leidse_regio):
    co2 = make_indicator(leidse_regio, "co2", direction=Direction.DOWN)
    target = make_target(
        co2,
        2050,
        0,
        base_year=1990,
        base_value=1000,
        trajectory=Trajectory.PERCENTAGE_PATH,
        milestones={"2030": -49, "2050": -100},
    )

    path = dict(trajectory_for(target, Decimal(1000)))

    assert path[1990] == Decimal(1000)
    assert path[2010] == Decimal("755.0")
    assert path[2030] == Decimal(510)
    assert path[2040] == Decimal("255.0")
    assert path[2050] == Decimal(0)
    assert sorted(path) == list(range(1990, 2051))


def test_a_falling_indicator_on_its_percentage_path_is_on_track(leidse_regio, municipalities):
    gas = make_indicator(leidse_regio, "aardgas", direction=Direction.DOWN)
    fill(gas, municipalities, 2019, dict.fromkeys(POPULATION[2019], 200), whole_year=True)
    fill(gas, municipalities, 2023, dict.fromkeys(POPULATION[2019], 100), whole_year=True)
    target = make_target(
        gas,
        2050,
        0,
        base_year=2019,
        trajectory=Trajectory.PERCENTAGE_PATH,
        milestones={"2030": -49, "2050": -100},
    )

    status = target_status(target, leidse_regio)

    # From 1000 in 2019 to 500 in 2023: on course for zero before 2050.
    assert status.base_value == Decimal(1000)
    assert status.status == "op-koers"
    assert status.projected_value < 0


def test_a_falling_indicator_that_rises_is_off_track(leidse_regio, municipalities):
    gas = make_indicator(leidse_regio, "aardgas", direction=Direction.DOWN)
    fill(gas, municipalities, 2019, dict.fromkeys(POPULATION[2019], 200), whole_year=True)
    fill(gas, municipalities, 2023, dict.fromkeys(POPULATION[2019], 210), whole_year=True)
    target = make_target(
        gas,
        2030,
        510,
        base_year=2019,
        trajectory=Trajectory.PERCENTAGE_PATH,
        milestones={"2030": -49},
    )

    status = target_status(target, leidse_regio)

    assert status.status == "niet-op-koers"


def test_a_falling_indicator_below_its_target_has_reached_it(leidse_regio, municipalities):
    waste = make_indicator(leidse_regio, "restafval", direction=Direction.DOWN)
    fill(waste, municipalities, 2023, dict.fromkeys(POPULATION[2019], 20), whole_year=True)
    target = make_target(waste, 2030, 100)

    assert target_status(target, leidse_regio).status == "gehaald"


def test_without_figures_the_status_is_unknown(leidse_regio, inhabitants):
    target = make_target(inhabitants, 2032, 220000, base_year=2017, base_value=200000)

    status = target_status(target, leidse_regio)

    assert status.status == "onbekend"
    assert status.latest is None
    assert status.projection == []
    assert status.projected_value is None
    assert len(status.trajectory) == 16


def test_incomplete_periods_do_not_count_for_the_status(leidse_regio, inhabitants, municipalities):
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    fill(inhabitants, municipalities, 2026, {"GM0546": 300000})
    target = make_target(inhabitants, 2032, 220000, base_year=2017, base_value=200000)

    status = target_status(target, leidse_regio)

    assert status.latest.period_start.year == 2019
    assert status.status != "gehaald"


def test_a_missed_target_year_is_off_track(leidse_regio, inhabitants, municipalities):
    fill(inhabitants, municipalities, 2019, POPULATION[2019])
    fill(inhabitants, municipalities, 2026, POPULATION[2026])
    target = make_target(inhabitants, 2025, 300000)

    assert target_status(target, leidse_regio).status == "niet-op-koers"


def test_a_municipal_target_is_measured_on_the_municipality_alone(leidse_regio, municipalities):
    homes = make_indicator(leidse_regio, "woningen", direction=Direction.UP)
    leiden = municipalities["GM0546"]
    make_observation(homes, leiden, 2024, 63853)
    make_observation(homes, municipalities["GM0547"], 2024, 1_000_000)
    target = make_target(homes, 2030, 70000, municipality=leiden, base_year=2024)

    status = target_status(target, leidse_regio)

    assert status.latest.value == Decimal(63853)
    assert status.base_value == Decimal(63853)
    # One figure, in the base year: no trend and nothing to compare with the path yet.
    assert status.status == "onbekend"


def test_a_target_of_a_named_area_is_measured_on_that_area(leidse_regio):
    jobs = make_indicator(
        leidse_regio, "banen-bsp", aggregation=Aggregation.NONE, direction=Direction.UP
    )
    make_observation(jobs, "Leiden Bio Science Park", 2020, 20000, whole_year=True)
    make_observation(jobs, "Leiden Bio Science Park", 2024, 25000, whole_year=True)
    target = make_target(jobs, 2027, 27000, base_year=2017, base_value=17000)

    status = target_status(target, leidse_regio)

    assert status.latest.value == Decimal(25000)
    assert status.status == "op-koers"
    assert status.projected_value == Decimal(28750)


# Figures read once for a page ----------------------------------------------------------------


def _other_region() -> Region:
    region = Region.objects.create(
        slug="bollenstreek",
        name="Bollenstreek",
        summary="Een andere regio.",
        ambition_title="Bloeien",
        ambition="Bloeien.",
        ambition_section="1",
        source_title="Visie",
        source_publisher="Bollenstreek",
    )
    Municipality.objects.create(region=region, code="GM0575", name="Noordwijk", slug="noordwijk")
    return region


def test_region_figures_hold_the_current_figures_of_the_region_and_its_named_areas(
    leidse_regio, inhabitants, municipalities
):
    leiden = municipalities["GM0546"]
    noordwijk = Municipality.objects.get(region=_other_region())
    make_observation(inhabitants, leiden, 2024, 100)
    make_observation(inhabitants, leiden, 2024, 110, revision=2)
    make_observation(inhabitants, "Leiden Bio Science Park", 2024, 7)
    make_observation(inhabitants, noordwijk, 2024, 44000)
    district = Place.objects.filter(municipality=leiden).first() or make_place(
        leiden, "WK054699", "Proefwijk"
    )
    make_observation(inhabitants, district, 2024, 9)

    figures = RegionFigures.read(leidse_regio, [inhabitants])

    assert [(o.area_name, o.value) for o in figures.of(inhabitants)] == [
        ("Leiden", Decimal(110)),
        ("Leiden Bio Science Park", Decimal(7)),
    ]
    assert [o.value for o in figures.of_areas(inhabitants)] == [Decimal(7)]
    assert [o.value for o in figures.of_municipality(inhabitants, leiden.pk)] == [Decimal(110)]
    assert [m.name for m in figures.municipalities] == [
        "Leiden",
        "Leiderdorp",
        "Oegstgeest",
        "Voorschoten",
        "Zoeterwoude",
    ]


def test_with_region_figures_the_series_and_statuses_ask_the_database_nothing(
    leidse_regio, inhabitants, municipalities, django_assert_num_queries
):
    area = make_indicator(leidse_regio, "oppervlakte", name="Oppervlakte", unit="km²")
    density = make_indicator(
        leidse_regio,
        "dichtheid",
        aggregation=Aggregation.RATIO_OF_SUMS,
        numerator=inhabitants,
        denominator=area,
    )
    waste = make_indicator(
        leidse_regio, "restafval", aggregation=Aggregation.WEIGHTED_MEAN, weight=inhabitants
    )
    every = {code: 10 for code in municipalities}
    for year in (2019, 2024):
        fill(inhabitants, municipalities, year, every)
        fill(area, municipalities, year, every)
        fill(waste, municipalities, year, every)
    make_target(density, 2030, 2, base_year=2019)
    # As a page reads them: with what they are computed from, and the targets with them.
    density, waste = (
        Indicator.objects.select_related("weight", "numerator", "denominator")
        .filter(pk__in=[density.pk, waste.pk])
        .order_by("slug")
    )
    target = Target.objects.select_related("indicator__numerator", "indicator__denominator").get(
        indicator=density
    )
    # The weight and the ratio's parts are read with the indicators that use them.
    figures = RegionFigures.read(leidse_regio, [density, waste])

    with django_assert_num_queries(0):
        ratio = regional_series(target.indicator, leidse_regio, figures=figures)
        mean = regional_series(waste, leidse_regio, figures=figures)
        status = target_status(target, leidse_regio, figures=figures)
        series = municipal_series(inhabitants, leidse_regio, figures=figures)

    # The same as each reads by itself.
    assert ratio == regional_series(target.indicator, leidse_regio)
    assert [v.value for v in ratio] == [Decimal(1), Decimal(1)]
    assert mean == regional_series(waste, leidse_regio)
    assert [v.value for v in mean] == [Decimal(10), Decimal(10)]
    assert status.status == target_status(target, leidse_regio).status
    assert series == municipal_series(inhabitants, leidse_regio)


def test_region_figures_of_another_region_are_refused(leidse_regio, inhabitants):
    figures = RegionFigures.read(_other_region(), [inhabitants])
    with pytest.raises(ValueError):
        regional_series(inhabitants, leidse_regio, figures=figures)
