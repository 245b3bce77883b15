import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def get_json(client: Client, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, response.content
    assert response["API-Version"] == "1.0.0"
    return response.json()


def test_regions_are_listed_with_their_municipalities(client, leidse_regio, kustregio):
    body = get_json(client, "/api/v1/regions")
    assert body["count"] == 2
    leidse = next(item for item in body["items"] if item["slug"] == "leidse-regio")
    assert leidse["name"] == {"nl": "Leidse regio", "en": "Leiden region"}
    assert leidse["municipalities"] == ["GM0546", "GM0547", "GM0579", "GM0626", "GM0638"]
    assert leidse["ambition"]["sourceSection"]


def test_municipalities_are_paged_and_filtered_by_region(client, leidse_regio, kustregio):
    first = get_json(client, "/api/v1/municipalities?limit=3")
    assert first["count"] == 8
    assert [m["code"] for m in first["items"]] == ["GM0546", "GM0547", "GM0579"]
    rest = get_json(client, "/api/v1/municipalities?limit=3&offset=6")
    assert [m["code"] for m in rest["items"]] == ["GM9902", "GM9903"]
    kust = get_json(client, "/api/v1/municipalities?region=kustregio")
    assert kust["count"] == 3


def test_municipality_carries_its_population_source_and_tooi_uri(client, leidse_regio):
    body = get_json(client, "/api/v1/municipalities/GM0546")
    assert body["tooiUri"] == "https://identifier.overheid.nl/tooi/id/gemeente/gm0546"
    assert body["population"]["value"] == 130328
    assert body["population"]["referenceDate"] == "2026-01-01"
    assert "03759ned" in body["population"]["source"]


def test_theme_includes_its_topics_in_order(client, leidse_regio):
    body = get_json(client, "/api/v1/regions/leidse-regio/themes/wonen-en-groen")
    assert body["isGovernance"] is False
    assert [t["slug"] for t in body["topics"]] == [
        "omgevingsvisie-hart-van-holland",
        "woningbouwprogramma",
        "begrenzing-open-landschap",
    ]
    assert body["title"]["en"]


def test_topics_filter_on_theme(client, leidse_regio):
    body = get_json(client, "/api/v1/regions/leidse-regio/topics?theme=krachten-verenigen")
    assert body["count"] == 2
    assert {t["theme"] for t in body["items"]} == {"krachten-verenigen"}
    assert get_json(client, "/api/v1/regions/leidse-regio/topics?limit=200")["count"] == 22


@pytest.mark.parametrize(
    ("path", "count"),
    [("qualities", 7), ("principles", 7), ("agreements", 5), ("themes", 8)],
)
def test_lists_of_vision_items(client, leidse_regio, path, count):
    assert get_json(client, f"/api/v1/regions/leidse-regio/{path}")["count"] == count


def test_agreement_by_slug(client, leidse_regio):
    body = get_json(client, "/api/v1/regions/leidse-regio/agreements/regionale-impacttoets")
    assert body["position"] == 2


def test_unknown_item_is_a_problem_document(client, leidse_regio):
    response = client.get("/api/v1/regions/leidse-regio/themes/bestaat-niet")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Niet gevonden",
        "status": 404,
        "detail": "Er is geen item op dit adres.",
        "instance": "/api/v1/regions/leidse-regio/themes/bestaat-niet",
    }


def test_bad_parameters_give_a_readable_400(client, leidse_regio):
    response = client.get("/api/v1/municipalities?limit=veel&offset=-1")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert {p["name"]: p["reason"] for p in body["invalidParams"]} == {
        "limit": "moet een geheel getal zijn",
        "offset": "moet minstens 0 zijn",
    }


def test_paths_have_no_trailing_slash(client, leidse_regio):
    spec = get_json(client, "/api/v1/openapi.json")
    assert spec["openapi"].startswith("3.1")
    assert all(not path.endswith("/") for path in spec["paths"])
    assert client.get("/api/v1/regions/").status_code == 404


def test_unknown_path_and_unsupported_method_are_problem_documents(client, leidse_regio):
    missing = client.get("/api/v1/bestaat-niet")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing["API-Version"] == "1.0.0"
    assert missing.json()["instance"] == "/api/v1/bestaat-niet"

    posted = client.post("/api/v1/regions", {})
    assert posted.status_code == 405
    assert posted["Content-Type"] == "application/problem+json"
    assert posted["Allow"] == "GET"
    assert posted.json()["title"] == "Methode niet toegestaan"


def test_a_request_refused_before_the_api_saw_it_is_still_a_problem_document(client, leidse_regio):
    # An invalid Host header is refused by Django's own middleware, before the API's.
    api = client.post("/api/v1/regions", HTTP_HOST="^1h!N04")
    page = client.get("/", HTTP_HOST="^1h!N04")

    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 400
    assert page.status_code == 400
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
