"""The network picture: exactly the active participations, drawn and tabled alike."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.registry.models import JointBody
from regioagenda.registry.network import COLOURS, LINE_COLOUR
from regioagenda.registry.tests.factories import join, make_body

pytestmark = pytest.mark.django_db


def _spec(page: str) -> dict:
    start = page.index('<script id="netwerk-spec" type="application/json">')
    text = page[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(text)


def _table(page: str) -> str:
    return page.split('id="netwerk-tabel"', 1)[1].split("</table>", 1)[0]


@pytest.fixture
def network_page(client: Client, leidse_regio, leiden, oegstgeest):
    def get() -> str:
        response = client.get(reverse("registry:network"))
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_spec_holds_exactly_the_active_participations(
    network_page, leidse_regio, leiden, oegstgeest
):
    for body in JointBody.objects.in_region(leidse_regio):
        body.participations.all().delete()
    current = make_body(leidse_regio, "huidig", name="Huidige regeling")
    join(current, leiden, started_on=datetime.date(2015, 1, 1))
    join(current, oegstgeest, ended_on=datetime.date(2020, 1, 1))  # left: no line
    join(current, outside_name="Katwijk")  # outside the region: no node
    ended = make_body(
        leidse_regio, "voorbij", name="Opgeheven regeling", ended_on=datetime.date(2021, 1, 1)
    )
    join(ended, oegstgeest)

    page = network_page()
    spec = _spec(page)

    links = {(row["gemeente"], row["partij"]) for row in spec["datasets"]["deelnames"]}
    assert links == {("Leiden", "Huidige regeling")}
    bodies = {row["partij"] for row in spec["datasets"]["partijen"]}
    assert "Opgeheven regeling" not in bodies
    assert "Huidige regeling" in bodies
    assert {row["gemeente"] for row in spec["datasets"]["gemeenten"]} >= {"Leiden", "Oegstgeest"}
    assert "Katwijk" not in json.dumps(spec)

    table = _table(page)
    assert "Opgeheven regeling" not in table
    row = table.split(">Huidige regeling</a>", 1)[1].split("</tr>", 1)[0]
    assert ">Leiden</a>" in row
    assert "Oegstgeest" not in row
    assert "Katwijk" not in row


def test_table_and_spec_tell_the_same_facts_for_the_loaded_region(network_page):
    page = network_page()
    spec = _spec(page)
    table = _table(page)
    rows = table.split('<th scope="row"')[1:]
    tabled = set()
    for row in rows:
        body = row.split('">', 2)[2].split("</a>", 1)[0]
        cells = row.split("</td>")
        for name in cells[-2].split("</a>")[:-1]:
            tabled.add((name.rsplit(">", 1)[1], body))
    drawn = {(row["gemeente"], row["partij"]) for row in spec["datasets"]["deelnames"]}
    assert drawn and tabled == drawn
    assert len(rows) == len(spec["datasets"]["partijen"])


def test_active_bodies_are_grouped_by_legal_form_from_top_to_bottom(network_page):
    spec = _spec(network_page())
    rows = spec["datasets"]["partijen"]
    forms = [row["vorm"] for row in sorted(rows, key=lambda r: r["y"])]
    seen: list[str] = []
    for form in forms:
        if not seen or seen[-1] != form:
            assert form not in seen, f"{form} is split into two groups"
            seen.append(form)


def test_page_has_a_text_alternative_and_loads_no_inline_code(network_page):
    page = network_page()
    assert '<figure class="ra-chart" aria-labelledby="netwerk-bijschrift">' in page
    assert 'role="img"' in page
    assert (
        '<figcaption class="utrecht-paragraph ra-note" id="netwerk-bijschrift">Netwerkbeeld:'
        in page
    )
    assert 'src="/static/regioagenda/chart.js"' in page
    assert 'src="/static/vega-embed/vega-embed.min.js"' in page
    # The only inline scripts: the JSON data and the import map, which carries the nonce.
    assert page.count("<script>") == 0
    importmap = page.split('<script type="importmap"', 1)[1].split(">", 1)[0]
    assert 'nonce="' in importmap
    assert "style=" not in page


def test_list_and_matrix_link_the_network(client: Client, leidse_regio):
    for name in ("registry:list", "registry:matrix"):
        page = client.get(reverse(name)).content.decode()
        assert f'href="{reverse("registry:network")}"' in page, name


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", [*COLOURS.values(), LINE_COLOUR])
def test_chart_colours_stand_out_against_the_white_page(colour):
    ratio = (1.05) / (_luminance(colour) + 0.05)
    assert ratio >= 3, f"{colour}: {ratio:.2f}"


def test_legal_form_colours_differ(network_page):
    assert len(set(COLOURS.values())) == len(COLOURS)


def test_network_page_query_count_does_not_grow_with_bodies(
    client: Client, leidse_regio, leiden, oegstgeest, django_assert_max_num_queries
):
    client.get(reverse("registry:network"))
    with django_assert_max_num_queries(12) as before:
        client.get(reverse("registry:network"))
    for number in range(10):
        body = make_body(leidse_regio, f"extra-{number}", name=f"Extra {number}")
        join(body, leiden)
        join(body, oegstgeest, ended_on=datetime.date(2021, 1, 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("registry:network"))
