"""The public pages: the agenda of all bodies, per body and per theme, the meeting page with its
items, documents and follow-ups, and who sees closed meetings and items."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda.tests.factories import make_action
from regioagenda.meetings.models import AgendaDocument, AgendaItem, BodyKind, FollowUp, Meeting
from regioagenda.meetings.tests.factories import AMSTERDAM, make_body, make_meeting
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bodies(leidse_regio, leiden, oegstgeest):
    return (
        make_body(leidse_regio, leiden),
        make_body(leidse_regio, oegstgeest),
        make_body(leidse_regio, leiden, kind=BodyKind.COLLEGE),
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_one_meeting_of_two_councils_appears_on_both_body_agendas(client, leidse_regio, bodies):
    council_leiden, council_oegstgeest, college_leiden = bodies
    make_meeting(
        leidse_regio, "Raadsconferentie wonen", bodies=[council_leiden, council_oegstgeest]
    )
    make_meeting(leidse_regio, "Collegeoverleg", bodies=[college_leiden])

    for body in (council_leiden, council_oegstgeest):
        page = client.get(reverse("meetings:body", kwargs={"slug": body.slug})).content.decode()
        assert "Raadsconferentie wonen" in page
        assert "Collegeoverleg" not in page
        assert reverse("meetings:body_feed", kwargs={"slug": body.slug}) in page
    everything = client.get(reverse("meetings:agenda")).content.decode()
    assert everything.count("Raadsconferentie wonen") == 1
    assert "Collegeoverleg" in everything
    assert reverse("meetings:feed") in everything


def test_agenda_groups_by_day_and_shows_cancelled_and_skips_past(client, leidse_regio, bodies):
    make_meeting(leidse_regio, "Werksessie mobiliteit", kind="werksessie")
    make_meeting(
        leidse_regio,
        "Afgelaste bijeenkomst",
        start=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM),
        status=Meeting.Status.CANCELLED,
    )
    make_meeting(
        leidse_regio, "Oude bijeenkomst", start=datetime.datetime(2026, 10, 1, 10, tzinfo=AMSTERDAM)
    )

    page = client.get(reverse("meetings:agenda")).content.decode()
    assert "Dinsdag 1 december 2026" in page
    assert "19:30" in page
    assert "Afgelast" in page
    assert "Oude bijeenkomst" not in page

    past = client.get(reverse("meetings:agenda"), {"verleden": "on"}).content.decode()
    assert "Oude bijeenkomst" in past
    assert "Werksessie mobiliteit" not in past


def test_filters_by_kind_and_theme_and_the_toggle_keeps_them(client, leidse_regio):
    theme = Theme.objects.in_region(leidse_regio).order_by("position")[0]
    on_theme = make_meeting(leidse_regio, "Over het thema")
    on_theme.themes.add(theme)
    make_meeting(leidse_regio, "Netwerkbijeenkomst zorg", kind="netwerkbijeenkomst")

    by_kind = client.get(reverse("meetings:agenda"), {"soort": "netwerkbijeenkomst"})
    assert "Netwerkbijeenkomst zorg" in by_kind.content.decode()
    assert "Over het thema" not in by_kind.content.decode()
    assert "soort=netwerkbijeenkomst&amp;verleden=on" in by_kind.content.decode()

    by_theme = client.get(reverse("meetings:theme", kwargs={"slug": theme.slug})).content.decode()
    assert "Over het thema" in by_theme
    assert "Netwerkbijeenkomst zorg" not in by_theme


def test_agenda_lists_each_occurrence_of_a_series(client, leidse_regio):
    make_meeting(leidse_regio, "Maandelijks overleg", recurrence="FREQ=MONTHLY;COUNT=3")

    page = client.get(reverse("meetings:agenda")).content.decode()
    assert page.count("Maandelijks overleg") == 3
    assert "Vrijdag 1 januari 2027" in page


def test_agenda_takes_a_fixed_number_of_queries(
    client, leidse_regio, bodies, django_assert_max_num_queries
):
    for number in range(8):
        make_meeting(leidse_regio, f"Bijeenkomst {number}", bodies=bodies)
    client.get(reverse("meetings:agenda"))  # warm the region and session lookups
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:agenda"))
    assert response.content.decode().count("Bijeenkomst ") == 8


def test_meeting_page_shows_items_links_documents_minutes_and_follow_ups(
    client, leidse_regio, leiden, bodies
):
    meeting = make_meeting(leidse_regio, bodies=bodies[:2], organiser=leiden)
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Woningbouwprogramma", minutes="Goed gesprek"
    )
    item.decision = "Instemming"
    item.save()
    action = make_action(leiden, title="Gezamenlijke woningbouwmonitor")
    item.actions.add(action)
    FollowUp.objects.create(item=item, action=action)
    AgendaDocument.objects.create(
        item=item, title="Raadsinformatiebrief", url="https://example.org/rib.pdf"
    )

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1. Woningbouwprogramma" in page
    assert "Goed gesprek" in page and "Instemming" in page
    assert page.count(action.get_absolute_url()) == 2  # linked item and follow-up
    assert "Raadsinformatiebrief" in page
    assert bodies[0].get_absolute_url() in page and bodies[1].get_absolute_url() in page
    assert reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk}) in page
    assert "Zet in mijn agenda" in page
    assert "Agendapunt toevoegen" not in page


@pytest.fixture
def closed_setup(leidse_regio, leiden, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    public = make_meeting(leidse_regio, "Openbare bijeenkomst", organiser=leiden)
    closed_item = AgendaItem.objects.create(
        meeting=public, position=2, title="Grondaankoop Zuid", public=False
    )
    AgendaItem.objects.create(meeting=public, position=1, title="Opening")
    document = AgendaDocument(
        item=closed_item, title="Taxatie", name="taxatie.txt", sha256="a" * 64
    )
    document.file.save("taxatie.txt", ContentFile(b"geheim"), save=True)
    closed = make_meeting(leidse_regio, "Besloten werksessie", public=False, organiser=leiden)
    return public, closed, document


def test_public_sees_closed_item_only_as_closed_and_not_closed_meetings(client, closed_setup):
    public, closed, document = closed_setup

    page = client.get(public.get_absolute_url()).content.decode()
    assert "Opening" in page
    assert "Besloten agendapunt" in page
    assert "Grondaankoop" not in page and "Taxatie" not in page
    url = reverse("meetings:document", kwargs={"pk": public.pk, "document_pk": document.pk})
    assert client.get(url).status_code == 404
    assert client.get(closed.get_absolute_url()).status_code == 404
    assert "Besloten werksessie" not in client.get(reverse("meetings:agenda")).content.decode()


def test_council_member_sees_closed_items_and_meetings(closed_setup, council_member):
    public, closed, document = closed_setup
    client = logged_in(council_member)

    page = client.get(public.get_absolute_url()).content.decode()
    assert "Grondaankoop Zuid" in page
    url = reverse("meetings:document", kwargs={"pk": public.pk, "document_pk": document.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"geheim"
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(closed.get_absolute_url()).status_code == 200
    assert "Besloten werksessie" in client.get(reverse("meetings:agenda")).content.decode()


def test_editor_of_another_region_sees_neither(closed_setup, kustregio):
    public, closed, _ = closed_setup
    elsewhere = Municipality.objects.filter(region=kustregio).first()
    editor = make_user("redacteur-kust", Membership.Role.EDITOR, municipality=elsewhere)
    client = logged_in(editor)

    assert "Grondaankoop" not in client.get(public.get_absolute_url()).content.decode()
    assert client.get(closed.get_absolute_url()).status_code == 404


def test_unknown_body_is_404(client, leidse_regio):
    assert client.get(reverse("meetings:body", kwargs={"slug": "bestaat-niet"})).status_code == 404


def test_an_unknown_filter_value_leaves_the_other_filters_working(client, leidse_regio):
    make_meeting(leidse_regio, "Werksessie mobiliteit", kind="werksessie")
    make_meeting(leidse_regio, "Netwerkbijeenkomst zorg", kind="netwerkbijeenkomst")
    page = client.get(
        reverse("meetings:agenda"), {"orgaan": "bestaat-niet", "soort": "werksessie"}
    ).content.decode()
    assert "Werksessie mobiliteit" in page
    assert "Netwerkbijeenkomst zorg" not in page


def test_invited_bodies_are_public_and_invited_people_only_for_the_keepers(
    client, leidse_regio, leiden, bodies, leiden_editor
):
    from regioagenda.meetings.models import Invitation

    meeting = make_meeting(leidse_regio, organiser=leiden)
    Invitation.objects.create(meeting=meeting, body=bodies[1])
    Invitation.objects.create(meeting=meeting, name="Jan Jansen", organisation="Woonbond")

    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "Uitgenodigd" in public and bodies[1].name in public
    assert "Jan Jansen" not in public
    assert "Jan Jansen" in logged_in(leiden_editor).get(meeting.get_absolute_url()).content.decode()


def test_meeting_page_offers_its_ics_and_each_bodys_subscription(client, leidse_regio, bodies):
    council_leiden, council_oegstgeest, _college = bodies
    meeting = make_meeting(
        leidse_regio, "Raadsconferentie wonen", bodies=[council_leiden, council_oegstgeest]
    )

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk}) in page
    for body in (council_leiden, council_oegstgeest):
        assert reverse("meetings:body_feed", kwargs={"slug": body.slug}) in page
