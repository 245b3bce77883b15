import datetime

import pytest
import time_machine
from django.test import Client

from regioagenda.registry.models import BudgetRequest, BudgetView
from regioagenda.registry.tests.factories import contribute, join, make_body

pytestmark = pytest.mark.django_db


def get_json(client: Client, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response["API-Version"] == "1.0.0"
    return response.json()


def test_joint_bodies_are_paged(client: Client, leidse_regio):
    first = get_json(client, "/api/v1/regions/leidse-regio/joint-bodies?limit=5")
    assert first["count"] == 16
    assert len(first["items"]) == 5
    assert first["items"][0]["slug"] == "arbeidsmarktregio-holland-rijnland"
    assert get_json(client, "/api/v1/regions/kustregio/joint-bodies")["count"] == 0


def test_a_joint_body_has_its_members_contributions_and_sources(
    client: Client, leidse_regio, leiden
):
    body = make_body(leidse_regio, abbreviations="TR, Test")
    contribute(join(body, leiden, started_on=datetime.date(2020, 1, 1)), 2021, "1500.25")
    join(body, outside_name="Katwijk")

    data = get_json(client, "/api/v1/regions/leidse-regio/joint-bodies/testregeling")

    assert data["abbreviations"] == ["TR", "Test"]
    assert data["legalForm"] == "openbaar-lichaam"
    assert data["summary"] == {"nl": "Een regeling om mee te testen.", "en": None}
    assert data["sources"][0]["url"] == "https://example.org/statuten"
    katwijk, leiden_row = data["participations"]
    assert katwijk == {
        "id": katwijk["id"],
        "municipality": None,
        "name": "Katwijk",
        "inRegion": False,
        "startedOn": None,
        "endedOn": None,
        "sourceTitle": "Deelnemerslijst",
        "sourceUrl": "https://example.org/deelnemers",
        "contributions": [],
    }
    assert leiden_row["municipality"] == "GM0546"
    assert leiden_row["startedOn"] == "2020-01-01"
    assert leiden_row["contributions"] == [
        {
            "year": 2021,
            "amountEur": "1500.25",
            "sourceTitle": "Begroting 2021",
            "sourceUrl": "https://example.org/begroting",
        }
    ]


def test_an_ended_body_shows_its_end_and_lead(client: Client, leidse_regio):
    data = get_json(client, "/api/v1/regions/leidse-regio/joint-bodies/servicepunt71")
    assert data["endedOn"] == "2023-01-01"
    assert data["leadMunicipality"] == "GM0546"
    assert {p["endedOn"] for p in data["participations"]} == {"2023-01-01"}


def test_unknown_joint_body_is_a_404_problem(client: Client, leidse_regio):
    response = client.get("/api/v1/regions/leidse-regio/joint-bodies/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_joint_bodies_list_query_count_does_not_grow(
    client: Client, leidse_regio, leiden, django_assert_max_num_queries
):
    path = "/api/v1/regions/leidse-regio/joint-bodies?limit=100"
    client.get(path)
    with django_assert_max_num_queries(10) as before:
        client.get(path)
    for number in range(5):
        body = make_body(leidse_regio, f"extra-{number}", name=f"Extra {number}")
        contribute(join(body, leiden), 2024, "1")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(path)


def ids(client: Client, path: str) -> set[int]:
    return {item["id"] for item in get_json(client, path)["items"]}


def test_participations_are_filtered_by_body_municipality_and_date(
    client: Client, leidse_regio, leiden, oegstgeest
):
    body = make_body(leidse_regio)
    old = join(
        body, leiden, started_on=datetime.date(2010, 1, 1), ended_on=datetime.date(2020, 1, 1)
    )
    new = join(body, leiden, started_on=datetime.date(2020, 1, 1))
    other = join(body, oegstgeest)
    outside = join(body, outside_name="Katwijk")
    base = "/api/v1/participations?jointBody=testregeling&region=leidse-regio"

    assert ids(client, base) == {old.pk, new.pk, other.pk, outside.pk}
    assert ids(client, f"{base}&municipality=GM0546") == {old.pk, new.pk}
    assert ids(client, f"{base}&municipality=GM0546&activeOn=2019-12-31") == {old.pk}
    assert ids(client, f"{base}&municipality=GM0546&activeOn=2020-01-01") == {new.pk}
    assert ids(client, f"{base}&limit=1&offset=1") <= {old.pk, new.pk, other.pk, outside.pk}
    assert get_json(client, f"{base}&limit=1")["count"] == 4

    data = get_json(client, f"/api/v1/participations/{outside.pk}")
    assert data == {
        "id": outside.pk,
        "region": "leidse-regio",
        "jointBody": "testregeling",
        "municipality": None,
        "outsideName": "Katwijk",
        "outsideCode": None,
        "name": "Katwijk",
        "startedOn": None,
        "endedOn": None,
        "sourceTitle": "Deelnemerslijst",
        "sourceUrl": "https://example.org/deelnemers",
        "version": 1,
        "links": {
            "self": f"/api/v1/participations/{outside.pk}",
            "jointBody": "/api/v1/regions/leidse-regio/joint-bodies/testregeling",
            "municipality": None,
        },
    }


def test_contributions_are_filtered_by_body_municipality_and_year(
    client: Client, leidse_regio, leiden, oegstgeest
):
    body = make_body(leidse_regio)
    in_leiden = join(body, leiden)
    first = contribute(in_leiden, 2023, "10.50")
    second = contribute(in_leiden, 2024, "11")
    elsewhere = contribute(join(body, oegstgeest), 2024, "5")
    base = "/api/v1/contributions?jointBody=testregeling"

    assert ids(client, base) == {first.pk, second.pk, elsewhere.pk}
    assert ids(client, f"{base}&municipality=GM0546") == {first.pk, second.pk}
    assert ids(client, f"{base}&year=2024") == {second.pk, elsewhere.pk}
    data = get_json(client, f"/api/v1/contributions/{first.pk}")
    assert (data["amountEur"], data["participation"], data["municipality"]) == (
        "10.50",
        in_leiden.pk,
        "GM0546",
    )
    assert data["links"]["participation"] == f"/api/v1/participations/{in_leiden.pk}"


def test_a_year_filter_out_of_range_is_a_400_problem(client: Client, leidse_regio):
    response = client.get("/api/v1/contributions?year=99999")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "year"
    assert client.get("/api/v1/participations/99999999999").status_code == 400


@time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_budget_requests_show_views_and_whose_view_is_still_pending(
    client: Client, leidse_regio, leiden, oegstgeest
):
    body = make_body(leidse_regio)
    join(body, leiden)
    join(body, oegstgeest, ended_on=datetime.date(2026, 1, 1))
    open_request = BudgetRequest.objects.create(
        body=body,
        year=2027,
        title="Ontwerpbegroting 2027",
        sent_on=datetime.date(2026, 4, 1),
        views_due_on=datetime.date(2026, 6, 15),
    )
    closed_request = BudgetRequest.objects.create(
        body=body,
        year=2025,
        title="Ontwerpbegroting 2025",
        sent_on=datetime.date(2024, 4, 1),
        views_due_on=datetime.date(2024, 6, 15),
        adopted_on=datetime.date(2024, 7, 1),
    )
    BudgetView.objects.create(
        request=closed_request,
        municipality=oegstgeest,
        outcome=BudgetView.Outcome.NO_VIEW,
        decided_on=datetime.date(2024, 6, 1),
    )
    base = "/api/v1/budget-requests?jointBody=testregeling"

    assert ids(client, f"{base}&status=open") == {open_request.pk}
    assert ids(client, f"{base}&status=closed") == {closed_request.pk}
    # Oegstgeest left the body before 2027, so only the 2025 budget was sent to its council.
    assert ids(client, f"{base}&municipality=GM0579") == {closed_request.pk}
    assert ids(client, f"{base}&municipality=GM0546") == {open_request.pk, closed_request.pk}

    closed = get_json(client, f"/api/v1/budget-requests/{closed_request.pk}")
    assert closed["isOpen"] is False
    assert closed["pendingMunicipalities"] == ["GM0546"]
    (view,) = closed["views"]
    assert (view["municipality"], view["outcome"], view["decidedOn"]) == (
        "GM0579",
        "geen-zienswijze",
        "2024-06-01",
    )
    assert view["links"]["budgetRequest"] == f"/api/v1/budget-requests/{closed_request.pk}"
    opened = get_json(client, f"/api/v1/budget-requests/{open_request.pk}")
    assert (opened["isOpen"], opened["pendingMunicipalities"], opened["views"]) == (
        True,
        ["GM0546"],
        [],
    )
    assert get_json(client, view["links"]["self"])["summary"] == ""


def test_budget_request_list_query_count_does_not_grow(
    client: Client, leidse_regio, leiden, django_assert_max_num_queries
):
    body = make_body(leidse_regio)
    join(body, leiden)

    def request_for(year: int) -> BudgetRequest:
        budget = BudgetRequest.objects.create(
            body=body,
            year=year,
            title=f"Begroting {year}",
            sent_on=datetime.date(year - 1, 4, 1),
            views_due_on=datetime.date(year - 1, 6, 1),
        )
        BudgetView.objects.create(
            request=budget, municipality=leiden, outcome="zienswijze", decided_on=budget.sent_on
        )
        return budget

    request_for(2020)
    path = "/api/v1/budget-requests?limit=100"
    client.get(path)
    with django_assert_max_num_queries(10) as before:
        client.get(path)
    for year in range(2021, 2026):
        request_for(year)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(path)
