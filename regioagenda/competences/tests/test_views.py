import datetime

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.competences.models import Authority, Scale
from regioagenda.competences.tests.factories import make_competence, make_domain
from regioagenda.registry.tests.factories import join, make_body

pytestmark = pytest.mark.django_db

URL = "/wie-beslist/"


def test_the_question_form_offers_grouped_domains_and_places_with_labels(
    client: Client, leidse_regio, green, leiden_places
):
    page = client.get(URL).content.decode()
    assert '<label class="utrecht-form-label" for="id_domein">' in page
    assert '<label class="utrecht-form-label" for="id_plaats">' in page
    assert '<optgroup label="Proefgroen">' in page
    assert '<option value="proefspeelplekken">Proefspeelplekken</option>' in page
    assert '<optgroup label="Leiden">' in page
    assert '<option value="leiden/BU99990101">Proefwijk › Proefbuurt</option>' in page
    assert 'href="/initiatieven/indienen/"' in page
    # Every field of a search is optional: marking each one so only adds noise.
    assert "niet verplicht" not in page


def test_a_form_to_fill_in_still_marks_its_optional_fields(client: Client, leidse_regio):
    page = client.get("/initiatieven/indienen/").content.decode()
    assert 'class="ra-optional">(niet verplicht)</span>' in page


def test_the_answer_names_the_body_its_basis_and_since_when_and_is_bookmarkable(
    client: Client, leidse_regio, leiden, green, leiden_places, college_decides
):
    parent, _child = green
    response = client.get(URL, {"domein": "proefgroen", "plaats": "leiden/BU99990101"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Wie beslist over Proefgroen in Proefbuurt (Leiden)?" in page
    assert "Voor een buurt is niets apart geregeld; de gemeente beslist." in page
    assert "college van burgemeester en wethouders" in page
    assert '<a class="utrecht-link" href="https://wetten.overheid.nl/BWBR0005416/">' in page
    assert "Gemeentewet, artikel 160" in page
    assert "1 januari 2020" in page
    topic = parent.topics.get()
    assert f"/uitvoeringsagenda/?onderwerp={topic.slug}&amp;gemeente=leiden" in page
    assert f'href="/voorstellen/?onderwerp={topic.slug}"' in page
    assert leiden.get_absolute_url() in page


def test_a_joint_body_board_links_to_the_bodys_page(client: Client, leidse_regio, leiden, green):
    parent, _child = green
    body = make_body(leidse_regio, "proefregeling", name="Proefregeling")
    join(body, leiden, started_on=datetime.date(2010, 1, 1))
    make_competence(parent, Scale.MUNICIPALITY, Authority.EXECUTIVE_BOARD, joint_body=body)
    page = client.get(URL, {"domein": "proefgroen", "plaats": "leiden"}).content.decode()
    assert f'href="{body.get_absolute_url()}">Proefregeling</a>' in page


def test_nothing_registered_says_so_and_whom_to_ask(client: Client, leidse_regio, leiden):
    make_domain(leidse_regio, "proefleeg", name="Proefleeg")
    page = client.get(URL, {"domein": "proefleeg", "plaats": "leiden"}).content.decode()
    assert "is (nog) geen bevoegdheid vastgelegd" in page
    assert f'<a class="utrecht-link" href="{leiden.get_absolute_url()}">de gemeente Leiden</a>' in (
        page
    )


def test_typed_text_with_one_match_answers_directly(
    client: Client, leidse_regio, green, college_decides
):
    page = client.get(URL, {"tekst": "wipwapje", "plaats": "leiden"}).content.decode()
    assert "Wie beslist over Proefspeelplekken in Leiden?" in page


def test_typed_text_with_several_matches_lists_them_as_choices(client: Client, leidse_regio, green):
    page = client.get(URL, {"tekst": "proef plantsoenzorg", "plaats": "regio"}).content.decode()
    assert "Welk onderwerp bedoelt u?" in page
    assert 'href="?domein=proefgroen&amp;plaats=regio"' in page
    assert 'href="?domein=proefspeelplekken&amp;plaats=regio"' in page


def test_an_empty_question_asks_for_a_subject(client: Client, leidse_regio):
    page = client.get(URL, {"plaats": "regio"}).content.decode()
    assert "Kies een onderwerp of typ er een." in page
    assert 'aria-invalid="true"' in page


def test_the_question_page_answers_in_english(client: Client, leidse_regio, green, college_decides):
    response = client.get("/en" + URL, {"domein": "proefgroen", "plaats": "leiden"})
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_the_register_lists_every_domain_with_its_competences(
    client: Client, leidse_regio, green, college_decides
):
    page = client.get(reverse("competences:register")).content.decode()
    assert 'id="domein-proefgroen"' in page
    assert "Gemeentewet, artikel 160" in page
    assert 'id="domein-proefspeelplekken"' in page
    assert client.get("/en/wie-beslist/register/").status_code == 200
