import datetime

import pytest
from django.test import Client

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda.tests.factories import make_action
from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status
from regioagenda.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db

EMAIL = "anna@example.org"


def test_the_list_shows_only_published_initiatives(client: Client, leidse_regio, leiden):
    make_initiative(leidse_regio, title="Openbaar idee", municipality=leiden)
    make_initiative(leidse_regio, Status.SUBMITTED, title="Wacht nog")
    make_initiative(leidse_regio, Status.REJECTED, title="Afgewezen idee")
    page = client.get("/initiatieven/").content.decode()
    assert "Openbaar idee" in page
    assert "Wacht nog" not in page
    assert "Afgewezen idee" not in page
    assert EMAIL not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=beantwoord", "Beantwoord idee", "Leids idee"),
        ("gemeente=leiden", "Leids idee", "Beantwoord idee"),
    ],
)
def test_the_list_filters_by_status_and_municipality(
    client: Client, leidse_regio, leiden, oegstgeest, query, shown, hidden
):
    make_initiative(leidse_regio, title="Leids idee", municipality=leiden)
    make_initiative(leidse_regio, Status.ANSWERED, title="Beantwoord idee", municipality=oegstgeest)
    page = client.get("/initiatieven/?" + query).content.decode()
    table = page.split("<table", 1)[1]
    assert shown in table and hidden not in table


def test_the_list_filters_by_theme(client: Client, leidse_regio):
    from regioagenda.vision.models import Topic

    topics = list(Topic.objects.in_region(leidse_regio).select_related("theme"))
    first = topics[0]
    other = next(t for t in topics if t.theme_id != first.theme_id)
    make_initiative(leidse_regio, title="Idee A", topic=first)
    make_initiative(leidse_regio, title="Idee B", topic=other)
    table = client.get(f"/initiatieven/?thema={first.theme.slug}").content.decode()
    assert "Idee A" in table and "Idee B" not in table


def test_the_initiative_page_shows_status_routing_topic_action_and_public_timeline(
    client: Client, leidse_regio, leiden, green, college_decides
):
    parent, _child = green
    topic = parent.topics.get()
    action = make_action(leiden, title="Proefactie")
    initiative = make_initiative(
        leidse_regio,
        Status.ON_AGENDA,
        municipality=leiden,
        domain=parent,
        topic=topic,
        action=action,
        competences=[college_decides],
    )
    InitiativeEvent.objects.create(
        initiative=initiative,
        status=Status.ON_AGENDA,
        happened_on=datetime.date(2026, 4, 1),
        note="Opgenomen in de actie.",
    )
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "opgenomen in de uitvoeringsagenda" in page
    assert "Gemeentewet, artikel 160" in page
    assert f'href="{topic.get_absolute_url()}"' in page
    assert f'href="{action.get_absolute_url()}">Proefactie</a>' in page
    assert "2 maart 2026" in page and "1 april 2026" in page
    assert "Opgenomen in de actie." in page
    assert "ingediend, wacht op moderatie" not in page  # the internal first event
    assert EMAIL not in page


@pytest.mark.parametrize("path", ["", "indienen/", "{ref}/"])
def test_the_pages_answer_in_english(client: Client, leidse_regio, path):
    initiative = make_initiative(leidse_regio)
    response = client.get("/en/initiatieven/" + path.format(ref=initiative.reference))
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REJECTED])
@pytest.mark.parametrize("who", ["visitor", "editor", "council_member", "other_coordinator"])
def test_an_unpublished_initiative_is_not_found_for_the_public_and_other_roles(
    client: Client, leidse_regio, kustregio, leiden, status, who
):
    initiative = make_initiative(leidse_regio, status)
    users = {
        "editor": lambda: make_user("r", Membership.Role.EDITOR, municipality=leiden),
        "council_member": lambda: make_user(
            "c", Membership.Role.COUNCIL_MEMBER, municipality=leiden
        ),
        "other_coordinator": lambda: make_user("k", Membership.Role.COORDINATOR, region=kustregio),
    }
    if who in users:
        client.force_login(users[who]())
    assert client.get(initiative.get_absolute_url()).status_code == 404


def test_the_coordinator_sees_an_unpublished_initiative_with_the_email(
    client: Client, leidse_regio, coordinator
):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    client.force_login(coordinator)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Niet openbaar" in page
    assert EMAIL in page


def test_an_unknown_reference_is_not_found(client: Client, leidse_regio):
    assert client.get("/initiatieven/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_list_page_query_count_does_not_grow_with_initiatives(
    client: Client, leidse_regio, leiden, django_assert_max_num_queries
):
    for number in range(3):
        make_initiative(leidse_regio, title=f"Idee {number}", municipality=leiden)
    client.get("/initiatieven/")  # warm the region's caches
    with django_assert_max_num_queries(12) as few:
        client.get("/initiatieven/")
    for number in range(20):
        make_initiative(leidse_regio, title=f"Meer {number}", municipality=leiden)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/initiatieven/")
    assert Initiative.objects.count() == 23
