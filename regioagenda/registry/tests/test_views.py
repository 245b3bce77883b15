import datetime

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.registry.tests.factories import contribute, join, make_body

pytestmark = pytest.mark.django_db


def test_list_shows_every_body_with_its_form_and_members(client: Client, leidse_regio):
    page = client.get(reverse("registry:list")).content.decode()
    assert "Servicepunt71" in page
    assert "bedrijfsvoeringsorganisatie" in page
    assert "beëindigd op 1 januari 2023" in page
    assert 'aria-label="Verbonden partijen filteren"' in page
    assert '<label class="utrecht-form-label" for="filter-vorm">' in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("vorm=netwerk", ["LAB071", "G32"], ["Servicepunt71", "Holland Rijnland"]),
        ("gemeente=voorschoten", ["Werkorganisatie Duivenvoorde"], ["Servicepunt71", "LAB071"]),
        ("status=beeindigd", ["Servicepunt71"], ["LAB071", "Holland Rijnland"]),
        ("status=actief", ["LAB071", "Holland Rijnland"], ["Servicepunt71"]),
    ],
)
def test_list_filters_by_form_municipality_and_status(
    client: Client, leidse_regio, query, shown, hidden
):
    page = client.get(reverse("registry:list") + "?" + query).content.decode()
    table = page.split("<table", 1)[1]
    for name in shown:
        assert f">{name}</a>" in table, name
    for name in hidden:
        assert f">{name}</a>" not in table, name


def test_body_page_shows_facts_with_their_sources_members_and_the_empty_section(
    client: Client, leidse_regio
):
    page = client.get(reverse("registry:body", kwargs={"slug": "servicepunt71"})).content.decode()
    assert "Bron:" in page
    assert 'href="https://lokaleregelgeving.overheid.nl/CVDR641518/?"' in page
    assert "1 januari 2023" in page
    assert "Leiderdorp" in page
    assert "Voorstellen, zienswijzen en vergaderingen" in page
    assert "zodra voorstellen en vergaderingen op Regio-agenda staan" in page


def test_vision_section_is_shown_as_the_source(client: Client, leidse_regio):
    page = client.get(reverse("registry:body", kwargs={"slug": "g32"})).content.decode()
    assert "Bron: Toekomstvisie 2027 Leidse regio (paragraaf “Krachten verenigen”)" in page
    assert "Delft" in page


def test_body_page_shows_contributions_per_year_in_dutch_numbers(
    client: Client, leidse_regio, leiden
):
    body = make_body(leidse_regio)
    contribute(join(body, leiden, started_on=datetime.date(2020, 1, 1)), 2024, "123456.5")
    page = client.get(body.get_absolute_url()).content.decode()
    assert "123.456,50" in page
    assert "Begroting 2024" in page


def test_unknown_body_gives_a_404(client: Client, leidse_regio):
    assert client.get("/verbonden-partijen/bestaat-niet/").status_code == 404


def test_a_body_of_another_region_is_not_shown(client: Client, leidse_regio, kustregio):
    make_body(kustregio, "kustregeling", name="Kustregeling")
    assert client.get("/verbonden-partijen/kustregeling/").status_code == 404


def test_matrix_shows_each_municipality_against_the_active_bodies(
    client: Client, leidse_regio, leiden
):
    body = make_body(leidse_regio, "ab", name="Afgelopen deelname")
    join(body, leiden, started_on=datetime.date(2015, 1, 1), ended_on=datetime.date(2019, 6, 1))
    page = client.get(reverse("registry:matrix")).content.decode()
    assert '<th scope="col" class="utrecht-table__header-cell">Gemeente</th>' in page
    assert "<caption" in page
    assert "lid tot 2019" in page
    assert ">lid</td>" in page
    assert ">Servicepunt71</a>" not in page  # ended, so no column
    assert ">Voorschoten</a></th>" in page


def test_main_navigation_links_the_register_and_who_decides(client: Client, leidse_regio):
    page = client.get("/").content.decode()
    menu = page[page.index('aria-label="Hoofdmenu"') :]
    assert menu.index('href="/verbonden-partijen/"') < menu.index('href="/wie-beslist/"')


@pytest.mark.parametrize("name", ["registry:list", "registry:matrix"])
def test_query_count_does_not_grow_with_bodies_and_participations(
    client: Client, leidse_regio, leiden, oegstgeest, django_assert_max_num_queries, name
):
    client.get(reverse(name))
    with django_assert_max_num_queries(12) as before:
        client.get(reverse(name))
    for number in range(10):
        body = make_body(leidse_regio, f"extra-{number}", name=f"Extra {number}")
        join(body, leiden)
        join(body, oegstgeest, ended_on=datetime.date(2021, 1, 1))
        join(body, outside_name="Katwijk")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse(name))


def test_body_page_query_count_does_not_grow_with_participations(
    client: Client, leidse_regio, leiden, django_assert_max_num_queries
):
    body = make_body(leidse_regio)
    join(body, leiden, ended_on=datetime.date(2010, 1, 1))
    client.get(body.get_absolute_url())
    with django_assert_max_num_queries(20) as before:
        client.get(body.get_absolute_url())
    for year in range(2011, 2021):
        participation = join(
            body,
            leiden,
            started_on=datetime.date(year, 1, 1),
            ended_on=datetime.date(year + 1, 1, 1),
        )
        contribute(participation, year, "100")
        join(body, outside_name=f"Buurgemeente {year}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(body.get_absolute_url())
