"""The monitor in the API: indicators, figures, the region's series and targets to read; figures
of one's own municipality to record, as new revisions, with the token's user in the audit log."""

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.competences.models import Place
from regioagenda.monitor.dataset import load_monitor
from regioagenda.monitor.models import Aggregation, Direction, Indicator, Observation
from regioagenda.monitor.series import regional_series, target_status
from regioagenda.monitor.tests.factories import make_indicator, make_observation, make_target
from regioagenda.regions.models import Municipality
from regioagenda.vision.dataset import LoadReport
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"
API = "/api/v1/regions/leidse-regio"
OBSERVATIONS = f"{API}/observations"

# Figures made up for these tests, in the shape of CBS 03759ned (inhabitants on 1 January).
POPULATION = {
    2019: {"GM0546": 124306, "GM0547": 27197, "GM0579": 25220, "GM0626": 25474, "GM0638": 8166},
    2026: {"GM0546": 130328, "GM0547": 27973, "GM0579": 27000, "GM0626": 26900, "GM0638": 8525},
}
BIO_SCIENCE_PARK = "Leiden Bio Science Park"


@pytest.fixture
def admin_user(db) -> User:
    return with_second_factor(User.objects.create_superuser("beheerder", password=None))


@pytest.fixture
def key_of(admin_user):  # type: ignore[no-untyped-def]
    def key(user: User) -> str:
        _, key = issue_token(
            with_second_factor(user),
            name="koppeling",
            memberships=list(user.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=admin_user,
        )
        return key

    return key


def call(client: Client, method: str, path: str, key: str | None, body: Any = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return getattr(client, method)(path, body, content_type="application/json", **headers)


def get_json(client: Client, path: str, **params: Any) -> Any:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def invalid(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"]: item["reason"] for item in response.json()["invalidParams"]}


@pytest.fixture
def municipalities(leidse_regio) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.in_region(leidse_regio)}


@pytest.fixture
def theme(leidse_regio) -> Theme:
    return Theme.objects.in_region(leidse_regio).order_by("position").first()  # type: ignore[return-value]


@pytest.fixture
def inhabitants(leidse_regio, municipalities, theme) -> Indicator:
    indicator = make_indicator(
        leidse_regio,
        "inwoners",
        name="Inwoners",
        name_en="Inhabitants",
        unit="inwoners",
        unit_en="inhabitants",
        direction=Direction.UP,
        ambition="Groei naar 220.000 inwoners.",
        ambition_section="Wonen",
        source_table="03759ned",
        source_measure="M000352",
        position=1,
    )
    indicator.themes.add(theme)
    for year, values in POPULATION.items():
        for code, value in values.items():
            make_observation(indicator, municipalities[code], year, value)
    return indicator


@pytest.fixture
def jobs(leidse_regio) -> Indicator:
    """Jobs at the Bio Science Park: one named area, no regional rule."""
    indicator = make_indicator(
        leidse_regio, "banen-bsp", aggregation=Aggregation.NONE, unit="banen", position=2
    )
    make_observation(indicator, BIO_SCIENCE_PARK, 2023, 20_000, whole_year=True)
    make_observation(indicator, BIO_SCIENCE_PARK, 2024, 21_500, whole_year=True)
    return indicator


@pytest.fixture
def per_inhabitant(leidse_regio, inhabitants) -> Indicator:
    return make_indicator(
        leidse_regio,
        "afval-per-inwoner",
        aggregation=Aggregation.WEIGHTED_MEAN,
        weight=inhabitants,
        unit="kg per inwoner",
        position=3,
    )


def observation_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "indicator": "inwoners",
        "municipality": "GM0546",
        "periodStart": "2025-01-01",
        "periodLabel": "1 januari 2025",
        "value": 129000,
        "source": {
            "title": "CBS StatLine",
            "table": "03759ned",
            "url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned",
            "retrievedOn": "2026-07-02",
        },
    }
    body.update(overrides)
    return body


# Indicators -------------------------------------------------------------------------------------


def test_indicators_carry_their_rule_source_and_links(client, inhabitants, per_inhabitant, theme):
    data = get_json(client, f"{API}/indicators")

    assert data["count"] == 2
    first, second = data["items"]
    assert first["slug"] == "inwoners"
    assert first["name"] == {"nl": "Inwoners", "en": "Inhabitants"}
    assert first["unit"] == {"nl": "inwoners", "en": "inhabitants"}
    assert (first["ambition"]["nl"], first["ambitionSection"]) == (
        "Groei naar 220.000 inwoners.",
        "Wonen",
    )
    assert first["direction"] == "hoger"
    assert first["source"] == {
        "title": "CBS StatLine",
        "table": "03759ned",
        "measure": "M000352",
        "url": None,
    }
    assert first["themes"] == [theme.slug]
    assert first["rule"] == {
        "aggregation": "som",
        "weight": None,
        "numerator": None,
        "denominator": None,
    }
    assert second["rule"]["aggregation"] == "gewogen-gemiddelde"
    assert second["rule"]["weight"] == "inwoners"
    assert first["links"] == {
        "self": "/api/v1/regions/leidse-regio/indicators/inwoners",
        "observations": "/api/v1/regions/leidse-regio/observations?indicator=inwoners",
        "regionalSeries": "/api/v1/regions/leidse-regio/indicators/inwoners/regional-series",
        "targets": "/api/v1/regions/leidse-regio/targets?indicator=inwoners",
        "page": inhabitants.get_absolute_url(),
    }
    assert client.get(first["links"]["page"]).status_code == 200


def test_indicators_filter_by_theme_and_topic(client, leidse_regio, inhabitants, jobs, theme):
    topic = Topic.objects.filter(theme__region=leidse_regio).first()
    jobs.topics.add(topic)

    by_theme = get_json(client, f"{API}/indicators", theme=theme.slug)
    by_topic = get_json(client, f"{API}/indicators", topic=topic.slug)

    assert [i["slug"] for i in by_theme["items"]] == ["inwoners"]
    assert [i["slug"] for i in by_topic["items"]] == ["banen-bsp"]
    assert get_json(client, f"{API}/indicators", theme="bestaat-niet")["count"] == 0


def test_one_indicator_and_an_unknown_one(client, inhabitants):
    assert get_json(client, f"{API}/indicators/inwoners")["slug"] == "inwoners"
    assert client.get(f"{API}/indicators/bestaat-niet").status_code == 404
    assert client.get("/api/v1/regions/kustregio/indicators/inwoners").status_code == 404


def test_indicator_list_query_count_does_not_grow_with_indicators(
    client, leidse_regio, inhabitants, theme
):
    with CaptureQueriesContext(connection) as few:
        get_json(client, f"{API}/indicators")
    for number in range(5):
        make_indicator(leidse_regio, f"extra-{number}").themes.add(theme)
    with CaptureQueriesContext(connection) as many:
        assert get_json(client, f"{API}/indicators")["count"] == 6
    assert len(many) == len(few)


# Observations -----------------------------------------------------------------------------------


def test_observations_carry_area_period_value_and_source(client, inhabitants):
    data = get_json(client, OBSERVATIONS, indicator="inwoners", municipality="GM0546")

    assert data["count"] == 2
    first = data["items"][0]
    observation = Observation.objects.get(
        indicator=inhabitants, area_key="GM0546", period_start=datetime.date(2019, 1, 1)
    )
    assert first == {
        "id": observation.pk,
        "indicator": "inwoners",
        "municipality": "GM0546",
        "place": None,
        "area": "Leiden",
        "areaKey": "GM0546",
        "periodStart": "2019-01-01",
        "periodEnd": "2019-01-01",
        "periodLabel": "1 januari 2019",
        "value": "124306",
        "revision": 1,
        "current": True,
        "source": {
            "title": "CBS StatLine",
            "table": "03759ned",
            "url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned",
            "retrievedOn": "2026-07-02",
        },
        "note": None,
        "recordedAt": first["recordedAt"],
        "links": {
            "self": f"/api/v1/regions/leidse-regio/observations/{observation.pk}",
            "indicator": "/api/v1/regions/leidse-regio/indicators/inwoners",
            "municipality": "/api/v1/municipalities/GM0546",
        },
    }
    # JSON carries milliseconds.
    recorded_at = datetime.datetime.fromisoformat(first["recordedAt"])
    assert abs(recorded_at - observation.recorded_at) < datetime.timedelta(milliseconds=1)
    assert get_json(client, first["links"]["self"])["id"] == observation.pk


def test_observation_list_query_count_does_not_grow_with_figures(
    client, inhabitants, municipalities
):
    district = Place.objects.get(code="WK054600")
    with CaptureQueriesContext(connection) as few:
        get_json(client, OBSERVATIONS, revisions="true")
    for year in range(2020, 2026):
        make_observation(inhabitants, municipalities["GM0546"], year, 125_000 + year)
        make_observation(inhabitants, district, year, 9000 + year)
    with CaptureQueriesContext(connection) as many:
        assert get_json(client, OBSERVATIONS, revisions="true")["count"] == 22
    assert len(many) == len(few)


def test_observations_are_ordered_by_indicator_period_and_area(client, inhabitants, jobs):
    items = get_json(client, OBSERVATIONS, limit=100)["items"]

    keys = [(i["indicator"], i["periodStart"], i["areaKey"]) for i in items]
    assert keys[:5] == [("inwoners", "2019-01-01", code) for code in sorted(POPULATION[2019])]
    assert keys[-2:] == [
        ("banen-bsp", "2023-01-01", "gebied:leiden bio science park"),
        ("banen-bsp", "2024-01-01", "gebied:leiden bio science park"),
    ]
    assert len(items) == 12


def test_observations_filter_by_area_and_overlapping_period(client, inhabitants, jobs):
    by_area = get_json(client, OBSERVATIONS, area="gebied:leiden bio science park")
    # The whole of 2023 overlaps a range that starts on its last day.
    overlapping = get_json(client, OBSERVATIONS, periodFrom="2023-12-31", periodTo="2024-06-30")
    before = get_json(client, OBSERVATIONS, periodTo="2019-01-01")

    assert [(i["periodLabel"], i["value"]) for i in by_area["items"]] == [
        ("2023", "20000"),
        ("2024", "21500"),
    ]
    assert [i["periodLabel"] for i in overlapping["items"]] == ["2023", "2024"]
    assert {i["periodStart"] for i in before["items"]} == {"2019-01-01"}
    assert before["count"] == 5


def test_observations_of_a_municipality_include_its_districts(client, inhabitants, leiden):
    district = Place.objects.get(code="WK054600")
    make_observation(inhabitants, district, 2024, 9000)

    codes = [
        (i["areaKey"], i["municipality"], i["place"])
        for i in get_json(client, OBSERVATIONS, municipality="gm0546")["items"]
    ]

    assert ("WK054600", "GM0546", "WK054600") in codes
    assert len(codes) == 3
    assert get_json(client, OBSERVATIONS, municipality="GM0579")["count"] == 2


def test_only_current_figures_unless_revisions_are_asked_for(client, inhabitants, municipalities):
    make_observation(inhabitants, municipalities["GM0638"], 2019, 8170, revision=2)

    current = get_json(client, OBSERVATIONS, municipality="GM0638")["items"]
    history = get_json(client, OBSERVATIONS, municipality="GM0638", revisions="true")["items"]

    assert [(i["periodStart"], i["revision"], i["value"]) for i in current] == [
        ("2019-01-01", 2, "8170"),
        ("2026-01-01", 1, "8525"),
    ]
    assert [(i["periodStart"], i["revision"], i["current"]) for i in history] == [
        ("2019-01-01", 1, False),
        ("2019-01-01", 2, True),
        ("2026-01-01", 1, True),
    ]


def test_observations_of_an_unknown_region_or_id(client, inhabitants):
    assert get_json(client, "/api/v1/regions/kustregio/observations")["count"] == 0
    observation = Observation.objects.first()
    assert client.get(f"/api/v1/regions/kustregio/observations/{observation.pk}").status_code == 404
    assert client.get(f"{OBSERVATIONS}/999999").status_code == 404


# The region's series ----------------------------------------------------------------------------


def test_regional_series_sums_the_municipalities(client, leidse_regio, inhabitants):
    data = get_json(client, f"{API}/indicators/inwoners/regional-series")

    assert data["rule"]["aggregation"] == "som"
    assert data["unit"] == {"nl": "inwoners", "en": "inhabitants"}
    assert [(v["periodStart"], v["value"], v["complete"]) for v in data["values"]] == [
        ("2019-01-01", str(sum(POPULATION[2019].values())), True),
        ("2026-01-01", str(sum(POPULATION[2026].values())), True),
    ]
    assert data["values"][0]["explanation"] == "Som van 5 gemeenten."
    assert (
        data["links"]["self"] == "/api/v1/regions/leidse-regio/indicators/inwoners/regional-series"
    )


def test_regional_series_is_incomplete_when_a_municipality_is_missing(
    client, inhabitants, municipalities
):
    Observation.objects.filter(area_key="GM0638", period_start__year=2026).delete()

    values = get_json(client, f"{API}/indicators/inwoners/regional-series")["values"]

    assert values[1]["value"] is None
    assert values[1]["complete"] is False
    assert values[1]["missing"] == ["Zoeterwoude"]
    assert "Zoeterwoude ontbreekt" in values[1]["explanation"]
    assert values[0]["complete"] is True


def test_regional_series_of_a_weighted_mean_rounds_to_six_decimals(
    client, leidse_regio, inhabitants, per_inhabitant, municipalities
):
    for code, value in {"GM0546": 100, "GM0547": 200, "GM0579": 300, "GM0626": 50}.items():
        make_observation(per_inhabitant, municipalities[code], 2026, value)
    make_observation(per_inhabitant, municipalities["GM0638"], 2026, "33.333333")

    (value,) = get_json(client, f"{API}/indicators/afval-per-inwoner/regional-series")["values"]
    (expected,) = regional_series(per_inhabitant, leidse_regio)

    assert value["complete"] is True
    assert Decimal(value["value"]) == expected.value.quantize(Decimal("0.000001"))
    assert "e" not in value["value"].lower()


def test_regional_series_of_an_indicator_without_a_rule_is_its_one_area(client, jobs):
    data = get_json(client, f"{API}/indicators/banen-bsp/regional-series")

    assert data["rule"]["aggregation"] == "geen"
    assert [(v["periodLabel"], v["value"]) for v in data["values"]] == [
        ("2023", "20000"),
        ("2024", "21500"),
    ]


def test_regional_series_of_an_unknown_indicator_is_not_found(client, inhabitants):
    assert client.get(f"{API}/indicators/bestaat-niet/regional-series").status_code == 404
    assert client.get("/api/v1/regions/x/indicators/inwoners/regional-series").status_code == 404


@pytest.fixture
def data_set(leidse_regio):
    load_monitor(leidse_regio, LEIDSE_REGIO, LoadReport(region=leidse_regio))
    return leidse_regio


def test_the_data_sets_population_series_is_the_computed_one(client, data_set):
    inhabitants = Indicator.objects.get(region=data_set, slug="inwoners")
    expected = {v.period_start.year: v.value for v in regional_series(inhabitants, data_set)}

    values = get_json(client, f"{API}/indicators/inwoners/regional-series")["values"]
    by_year = {int(v["periodStart"][:4]): Decimal(v["value"]) for v in values}

    assert by_year == expected
    assert (by_year[2019], by_year[2026]) == (210363, 220726)
    assert get_json(client, f"{API}/indicators")["count"] == Indicator.objects.count()


# Targets ----------------------------------------------------------------------------------------


@pytest.fixture
def targets(inhabitants, municipalities):  # type: ignore[no-untyped-def]
    regional = make_target(
        inhabitants, 2032, 220_000, base_year=2017, base_value=200_000, description_en="220k"
    )
    leiden = make_target(inhabitants, 2030, 140_000, municipality=municipalities["GM0546"])
    return regional, leiden


def test_targets_carry_their_status(client, leidse_regio, targets):
    regional, leiden = targets

    data = get_json(client, f"{API}/targets")

    assert [t["id"] for t in data["items"]] == [regional.pk, leiden.pk]
    first, second = data["items"]
    assert (first["municipality"], second["municipality"]) == (None, "GM0546")
    assert (first["year"], first["value"], first["baseYear"], first["baseValue"]) == (
        2032,
        "220000",
        2017,
        "200000",
    )
    assert first["description"] == {"nl": "220000 in 2032", "en": "220k"}
    assert first["trajectory"] == "lineair"
    expected = target_status(regional, leidse_regio)
    assert first["status"]["status"] == expected.status == "gehaald"
    assert first["status"]["label"] == "gehaald"
    assert first["status"]["explanation"] == expected.explanation
    assert first["status"]["latestValue"] == str(sum(POPULATION[2026].values()))
    leiden_status = target_status(leiden, leidse_regio)
    assert second["status"]["status"] == leiden_status.status
    assert Decimal(second["status"]["projectedValue"]) == leiden_status.projected_value
    assert second["status"]["method"] == leiden_status.method


def test_targets_filter_by_scope_municipality_and_indicator(client, targets, jobs):
    regional, leiden = targets
    make_target(jobs, 2030, 25_000)

    def ids(**params: Any) -> list[int]:
        return [t["id"] for t in get_json(client, f"{API}/targets", **params)["items"]]

    assert ids(scope="regio", indicator="inwoners") == [regional.pk]
    assert ids(scope="gemeente") == [leiden.pk]
    assert ids(municipality="GM0546") == [leiden.pk]
    assert len(ids(indicator="banen-bsp")) == 1
    assert client.get(f"{API}/targets", {"scope": "provincie"}).status_code == 400


def test_target_list_query_count_does_not_grow_with_targets(
    client, leidse_regio, targets, jobs, municipalities
):
    with CaptureQueriesContext(connection) as few:
        assert get_json(client, f"{API}/targets")["count"] == 2
    make_target(jobs, 2030, 25_000)
    for code in ("GM0547", "GM0579", "GM0626"):
        make_target(jobs, 2031, 1_000, municipality=municipalities[code])
    with CaptureQueriesContext(connection) as many:
        assert get_json(client, f"{API}/targets")["count"] == 6
    assert len(many) == len(few)


def test_one_target(client, targets):
    regional, _leiden = targets
    data = get_json(client, f"{API}/targets/{regional.pk}")
    assert data["links"]["self"] == f"/api/v1/regions/leidse-regio/targets/{regional.pk}"
    assert client.get(f"/api/v1/regions/kustregio/targets/{regional.pk}").status_code == 404


# Recording figures ------------------------------------------------------------------------------


def test_editor_records_a_figure_of_their_municipality(client, inhabitants, leiden_editor, key_of):
    response = call(client, "post", OBSERVATIONS, key_of(leiden_editor), observation_body())

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["areaKey"], data["value"], data["revision"], data["current"]) == (
        "GM0546",
        "129000",
        1,
        True,
    )
    observation = Observation.objects.get(pk=data["id"])
    assert observation.recorded_by == leiden_editor
    assert observation.value == Decimal(129000)
    assert {entry.actor for entry in LogEntry.objects.get_for_object(observation)} == {
        leiden_editor
    }


def test_editor_records_a_figure_of_a_district_of_their_municipality(
    client, inhabitants, leiden_editor, key_of
):
    body = observation_body(municipality=None, place="WK054600")

    response = call(client, "post", OBSERVATIONS, key_of(leiden_editor), body)

    assert response.status_code == 201, response.content
    assert (response.json()["place"], response.json()["municipality"]) == ("WK054600", "GM0546")


@pytest.mark.parametrize(
    "area",
    [{"municipality": "GM0579"}, {"municipality": None, "place": "WK057900"}],
    ids=["municipality", "district"],
)
def test_editor_cannot_record_a_figure_of_another_municipality(
    client, inhabitants, leiden_editor, key_of, area
):
    before = Observation.objects.count()

    response = call(client, "post", OBSERVATIONS, key_of(leiden_editor), observation_body(**area))

    assert response.status_code == 403
    assert Observation.objects.count() == before


def test_a_named_area_is_for_the_coordinator_only(client, jobs, leiden_editor, coordinator, key_of):
    body = observation_body(
        indicator="banen-bsp",
        municipality=None,
        area=BIO_SCIENCE_PARK,
        value="22000",
        periodStart="2025-01-01",
        periodEnd="2025-12-31",
        periodLabel="2025",
    )

    refused = call(client, "post", OBSERVATIONS, key_of(leiden_editor), body)
    accepted = call(client, "post", OBSERVATIONS, key_of(coordinator), body)

    assert refused.status_code == 403
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["areaKey"] == "gebied:leiden bio science park"
    assert Observation.objects.filter(indicator=jobs).count() == 3


def test_without_a_token_nothing_is_recorded(client, inhabitants):
    before = Observation.objects.count()
    response = call(client, "post", OBSERVATIONS, None, observation_body())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert Observation.objects.count() == before


def test_coordinator_records_a_figure_of_any_municipality(client, inhabitants, coordinator, key_of):
    response = call(
        client, "post", OBSERVATIONS, key_of(coordinator), observation_body(municipality="GM0579")
    )
    assert response.status_code == 201, response.content
    assert Observation.objects.get(pk=response.json()["id"]).recorded_by == coordinator


def test_coordinator_of_another_region_cannot_record(client, inhabitants, kustregio, key_of):
    other = make_user("coordinator-kust", Membership.Role.COORDINATOR, region=kustregio)
    before = Observation.objects.count()
    response = call(client, "post", OBSERVATIONS, key_of(other), observation_body())
    assert response.status_code == 403
    assert Observation.objects.count() == before


def test_a_different_value_becomes_the_next_revision(client, inhabitants, leiden_editor, key_of):
    key = key_of(leiden_editor)
    body = observation_body(periodStart="2026-01-01", periodLabel="1 januari 2026", value=130500)

    response = call(client, "post", OBSERVATIONS, key, body)

    assert response.status_code == 201, response.content
    assert response.json()["revision"] == 2
    kept = Observation.objects.filter(
        indicator=inhabitants, area_key="GM0546", period_start=datetime.date(2026, 1, 1)
    ).order_by("revision")
    assert [(o.revision, o.value) for o in kept] == [(1, Decimal(130328)), (2, Decimal(130500))]
    current = get_json(client, OBSERVATIONS, municipality="GM0546", periodFrom="2026-01-01")
    assert [i["value"] for i in current["items"]] == ["130500"]


def test_the_same_value_again_changes_nothing(client, inhabitants, leiden_editor, key_of):
    key = key_of(leiden_editor)
    first = call(client, "post", OBSERVATIONS, key, observation_body())
    again = call(client, "post", OBSERVATIONS, key, observation_body(value="129.000,000"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Observation.objects.filter(area_key="GM0546", period_start__year=2025).count() == 1


def test_revision_author_and_extra_fields_in_the_payload_change_nothing(
    client, inhabitants, leiden_editor, coordinator, key_of
):
    body = observation_body(
        revision=7, recordedBy=coordinator.pk, id=1, areaKey="GM0579", current=False
    )

    response = call(client, "post", OBSERVATIONS, key_of(leiden_editor), body)

    assert response.status_code == 201, response.content
    observation = Observation.objects.get(pk=response.json()["id"])
    assert (observation.revision, observation.area_key, observation.recorded_by) == (
        1,
        "GM0546",
        leiden_editor,
    )


def test_a_district_cannot_be_passed_off_as_of_another_municipality(
    client, inhabitants, oegstgeest_editor, key_of
):
    before = Observation.objects.count()
    body = observation_body(municipality="GM0579", place="WK054600")

    response = call(client, "post", OBSERVATIONS, key_of(oegstgeest_editor), body)

    assert set(invalid(response)) == {"place"}
    assert Observation.objects.count() == before


@pytest.fixture
def other_regions_indicator(kustregio) -> Indicator:
    return make_indicator(kustregio, "kustinwoners")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"indicator": "bestaat-niet"}, "indicator"),
        ({"indicator": "kustinwoners"}, "indicator"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"municipality": "GM9901"}, "municipality"),
        ({"municipality": None}, "municipality"),
        ({"place": "WK999999"}, "place"),
        ({"municipality": None, "area": "GM0546"}, "area"),
        ({"area": BIO_SCIENCE_PARK}, "area"),
        ({"periodStart": "2099-01-01", "periodLabel": "2099"}, "periodStart"),
        ({"periodStart": "2025-01-01", "periodEnd": "2024-12-31"}, "periodEnd"),
        ({"periodStart": "31-01-2025"}, "periodStart"),
        ({"value": "veel"}, "value"),
        ({"value": "1e20"}, "value"),
        ({"value": True}, "value"),
        # SQLite would give back 1e14 for it, which its column cannot hold.
        ({"value": 99999999999999.98}, "value"),
        ({"value": "12,5e3"}, "value"),
        ({"periodLabel": " "}, "periodLabel"),
        ({"periodLabel": "x" * 31}, "periodLabel"),
        ({"source": {"title": "CBS", "url": "geen adres"}}, "source.url"),
        ({"source": {"title": "CBS", "retrievedOn": "2099-01-01"}}, "source.retrievedOn"),
        ({"source": {"title": ""}}, "source.title"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client, inhabitants, other_regions_indicator, coordinator, key_of, overrides, field
):
    before = Observation.objects.count()

    response = call(
        client, "post", OBSERVATIONS, key_of(coordinator), observation_body(**overrides)
    )

    problems = invalid(response)
    assert field in problems, problems
    assert Observation.objects.count() == before


def test_refusals_are_in_dutch(client, inhabitants, coordinator, key_of):
    key = key_of(coordinator)
    reasons = {
        **invalid(call(client, "post", OBSERVATIONS, key, observation_body(value="veel"))),
        **invalid(call(client, "post", OBSERVATIONS, key, observation_body(municipality="GM9999"))),
        **invalid(
            call(client, "post", OBSERVATIONS, key, observation_body(periodStart="2099-01-01"))
        ),
    }
    assert reasons == {
        "value": "moet een getal zijn, zoals 1234.5",
        "municipality": "'GM9999' bestaat niet in deze regio.",
        "periodStart": "Deze periode ligt in de toekomst.",
    }
