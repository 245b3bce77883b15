"""The staff pages: a meeting created and edited (with its version check), items added with
links of the same region only, documents uploaded and checked by content, minutes written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from regioagenda.meetings.models import AgendaDocument, AgendaItem, BodyKind, Meeting
from regioagenda.meetings.tests.factories import make_body, make_meeting
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"PE\x00\x00"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def meeting_data(**values) -> dict[str, object]:
    return {
        "kind": "themabijeenkomst",
        "title": "Themabijeenkomst energie",
        "title_en": "",
        "description": "",
        "start": "2026-12-08T19:30",
        "end": "2026-12-08T21:30",
        "recurrence": "",
        "location": "Stadhuis",
        "online_url": "",
        "public": "on",
        "status": "gepland",
        "capacity": "",
        **values,
    }


@pytest.fixture
def meeting(leidse_regio, leiden):
    return make_meeting(leidse_regio, organiser=leiden)


def test_editor_creates_a_meeting_for_two_bodies(leidse_regio, leiden, oegstgeest, leiden_editor):
    council = make_body(leidse_regio, leiden)
    other = make_body(leidse_regio, oegstgeest)
    client = logged_in(leiden_editor)

    form = client.get(reverse("meetings:create")).content.decode()
    assert "Gemeenteraad" in form and "<fieldset" in form
    response = client.post(
        reverse("meetings:create"),
        meeting_data(organiser=leiden.pk, bodies=[council.pk, other.pk], version="7"),
    )

    meeting = Meeting.objects.get(title="Themabijeenkomst energie")
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert set(meeting.bodies.all()) == {council, other}
    assert meeting.region == leidse_regio
    assert meeting.created_by == leiden_editor
    assert meeting.version == 1  # never taken from the form
    assert meeting.start.hour == 18  # 19:30 in Amsterdam, stored in UTC


def test_editor_may_not_organise_for_another_municipality(leiden_editor, oegstgeest):
    response = logged_in(leiden_editor).post(
        reverse("meetings:create"), meeting_data(organiser=oegstgeest.pk)
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_invalid_recurrence_and_end_before_start_are_refused_in_dutch(leiden_editor, leiden):
    response = logged_in(leiden_editor).post(
        reverse("meetings:create"),
        meeting_data(organiser=leiden.pk, recurrence="FREQ=SOMETIMES", end="2026-12-08T18:00"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "geen geldige herhaling" in page
    assert "Het einde moet na het begin liggen." in page
    assert not Meeting.objects.exists()


def test_valid_recurrence_is_stored_without_prefix(leiden_editor, leiden):
    logged_in(leiden_editor).post(
        reverse("meetings:create"),
        meeting_data(organiser=leiden.pk, recurrence="RRULE:FREQ=WEEKLY;COUNT=4"),
    )
    assert Meeting.objects.get().recurrence == "FREQ=WEEKLY;COUNT=4"


def test_visitor_is_sent_to_log_in_and_editor_of_another_municipality_gets_403(
    client, meeting, oegstgeest_editor
):
    edit = reverse("meetings:edit", kwargs={"pk": meeting.pk})
    assert client.get(edit).status_code == 302
    other = logged_in(oegstgeest_editor)
    assert other.get(edit).status_code == 403
    assert other.post(edit, meeting_data(version=meeting.version)).status_code == 403
    add = reverse("meetings:add_item", kwargs={"pk": meeting.pk})
    assert other.post(add, {"position": 1, "title": "Ingeslopen"}).status_code == 403
    assert not AgendaItem.objects.exists()


def test_meeting_without_organiser_is_the_coordinators(leidse_regio, leiden_editor, coordinator):
    regional = make_meeting(leidse_regio, "Regionale raadsconferentie")
    edit = reverse("meetings:edit", kwargs={"pk": regional.pk})
    assert logged_in(leiden_editor).get(edit).status_code == 403
    assert logged_in(coordinator).get(edit).status_code == 200


def test_stale_version_gives_a_conflict_and_keeps_the_stored_title(meeting, leiden, leiden_editor):
    client = logged_in(leiden_editor)
    edit = reverse("meetings:edit", kwargs={"pk": meeting.pk})
    first = client.post(edit, meeting_data(organiser=leiden.pk, title="Eerste", version=1))
    assert first.status_code == 302

    second = client.post(edit, meeting_data(organiser=leiden.pk, title="Tweede", version=1))

    assert second.status_code == 409
    page = second.content.decode()
    assert "iemand anders heeft deze vergadering intussen gewijzigd" in page
    assert "Eerste" in page and "Tweede" in page
    meeting.refresh_from_db()
    assert meeting.title == "Eerste"
    assert meeting.version == 2
    assert meeting.sequence == 1


def test_item_links_only_to_the_meetings_region(meeting, leiden_editor, kustregio):
    own_theme = Theme.objects.in_region(meeting.region).first()
    own_topic = Topic.objects.in_region(meeting.region).first()
    foreign_topic = Topic.objects.in_region(kustregio).first()
    client = logged_in(leiden_editor)
    add = reverse("meetings:add_item", kwargs={"pk": meeting.pk})

    refused = client.post(add, {"position": 1, "title": "Punt", "topics": [foreign_topic.pk]})
    assert refused.status_code == 400
    assert not AgendaItem.objects.exists()

    accepted = client.post(
        add,
        {
            "position": 1,
            "title": "Punt",
            "public": "on",
            "themes": [own_theme.pk],
            "topics": [own_topic.pk],
            "version": "99",
        },
    )
    assert accepted.status_code == 302
    item = AgendaItem.objects.get()
    assert list(item.topics.all()) == [own_topic]
    assert list(item.themes.all()) == [own_theme]
    assert item.version == 1


def test_item_edit_and_minutes_use_the_version_check(meeting, leiden_editor):
    item = AgendaItem.objects.create(meeting=meeting, title="Punt")
    client = logged_in(leiden_editor)
    minutes = reverse("meetings:minutes", kwargs={"pk": meeting.pk, "item_pk": item.pk})

    saved = client.post(minutes, {"minutes": "Besproken", "decision": "Akkoord", "version": 1})
    stale = client.post(minutes, {"minutes": "Anders", "decision": "Niet", "version": 1})

    assert saved.status_code == 302
    assert stale.status_code == 409
    item.refresh_from_db()
    assert (item.minutes, item.decision, item.version) == ("Besproken", "Akkoord", 2)
    edit = reverse("meetings:edit_item", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    response = client.post(edit, {"position": 3, "title": "Nieuwe titel", "version": 2})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.public, item.minutes) == ("Nieuwe titel", False, "Besproken")


def test_upload_accepts_text_by_content_and_refuses_a_program(
    meeting, leiden_editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = AgendaItem.objects.create(meeting=meeting, title="Punt")
    client = logged_in(leiden_editor)
    upload = reverse("meetings:upload", kwargs={"pk": meeting.pk, "item_pk": item.pk})

    refused = client.post(
        upload, {"title": "Programma", "file": SimpleUploadedFile("agenda.pdf", WINDOWS_PROGRAM)}
    )
    assert refused.status_code == 400
    assert "geen PDF-, DOCX-, ODT- of tekstbestand" in refused.content.decode()

    text = b"Agenda voor de themabijeenkomst over energie in de regio."
    accepted = client.post(
        upload, {"title": "Agenda", "file": SimpleUploadedFile("../../agenda.txt", text)}
    )
    assert accepted.status_code == 302
    document = AgendaDocument.objects.get()
    assert document.media_type == "text/plain"
    assert document.name == "agenda.txt"
    assert document.file.name == f"vergaderingen/{meeting.pk}/{document.sha256}"
    duplicate = client.post(
        upload, {"title": "Nog eens", "file": SimpleUploadedFile("b.txt", text)}
    )
    assert duplicate.status_code == 400

    link = client.post(upload, {"title": "Raadsbrief", "url": "https://example.org/brief"})
    assert link.status_code == 302
    assert AgendaDocument.objects.filter(url="https://example.org/brief").exists()
    both = client.post(
        upload,
        {
            "title": "X",
            "url": "https://example.org/x",
            "file": SimpleUploadedFile("c.txt", b"hallo daar"),
        },
    )
    assert both.status_code == 400


def test_bodies_are_grouped_by_kind_on_the_form(leidse_regio, leiden, coordinator):
    make_body(leidse_regio, leiden)
    make_body(leidse_regio, leiden, kind=BodyKind.COLLEGE)
    page = logged_in(coordinator).get(reverse("meetings:create")).content.decode()
    assert "Gemeenteraad</legend>" in page
    assert "College van B&amp;W</legend>" in page
    assert Municipality.objects.get(code="GM0579").name in page  # a coordinator picks any


def test_coordinator_keeps_meetings_and_bodies_in_the_admin(meeting, coordinator, leiden_editor):
    client = logged_in(coordinator)
    for url in (
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_body_changelist"),
        reverse("admin:meetings_agendaitem_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    # An editor reaches the meetings of their municipality, not the bodies' add page.
    editor = logged_in(leiden_editor)
    assert (
        editor.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 200
    )
    assert editor.get(reverse("admin:meetings_body_add")).status_code == 403
