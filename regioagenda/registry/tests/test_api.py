import datetime

import pytest
from django.test import Client

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
