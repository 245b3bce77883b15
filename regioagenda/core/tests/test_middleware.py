import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/leidse-regio/policy-domains?parent=a%00b",
        "/api/v1/regions/leidse%00regio/policy-domains",
    ],
)
def test_a_nul_character_in_an_api_request_is_a_problem_400(client, leidse_regio, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_nul_character_in_a_page_query_is_refused(client, leidse_regio):
    assert client.get("/wie-beslist/?tekst=afval%00").status_code == 400
    assert client.get("/wie-beslist/?tekst=afval").status_code == 200
