"""An agreed follow-up becomes an action (or a task under one) on the execution agenda, with
the link back to the meeting."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from regioagenda.agenda.models import Action
from regioagenda.agenda.tests.factories import make_action
from regioagenda.meetings.followups import agree_follow_up
from regioagenda.meetings.models import AgendaItem, FollowUp
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(leidse_regio, leiden):
    meeting = make_meeting(leidse_regio, "Themabijeenkomst economie", organiser=leiden)
    return AgendaItem.objects.create(meeting=meeting, title="Werklocaties")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_follow_up_creates_an_idea_action_with_a_link_back(item, leiden, leiden_editor):
    topic = Topic.objects.in_region(item.meeting.region).first()

    follow_up = agree_follow_up(item, by=leiden_editor, title="Werklocatiestrategie", topic=topic)

    action = follow_up.action
    assert action.status == Action.Status.IDEA
    assert (action.region, action.lead, action.topic) == (item.meeting.region, leiden, topic)
    assert list(action.follow_ups.all()) == [follow_up]
    assert follow_up.item == item and follow_up.created_by == leiden_editor
    assert "Themabijeenkomst economie" in action.description
    assert action.status_changes.count() == 1
    assert list(item.actions.all()) == [action]


def test_follow_up_under_an_existing_action_is_a_task(item, leiden, leiden_editor):
    parent = make_action(leiden, title="Regionale economie")
    follow_up = agree_follow_up(item, by=leiden_editor, title="Inventarisatie", parent=parent)
    assert follow_up.action.parent == parent
    assert follow_up.action.topic == parent.topic
    assert follow_up.action.lead == leiden


def test_without_topic_it_asks_for_one(item, leiden_editor):
    with pytest.raises(ValidationError) as refused:
        agree_follow_up(item, by=leiden_editor, title="Iets")
    assert "topic" in refused.value.message_dict
    assert not FollowUp.objects.exists() and not Action.objects.exists()


def test_editor_cannot_make_another_municipality_lead(item, oegstgeest, leiden_editor):
    topic = Topic.objects.in_region(item.meeting.region).first()
    with pytest.raises(PermissionDenied):
        agree_follow_up(item, by=leiden_editor, title="X", topic=topic, lead=oegstgeest)
    assert not FollowUp.objects.exists()


def test_follow_up_page_records_it_and_the_meeting_and_action_link_each_other(
    client, item, leiden_editor
):
    topic = Topic.objects.in_region(item.meeting.region).first()
    url = reverse("meetings:follow_up", kwargs={"pk": item.meeting.pk, "item_pk": item.pk})

    response = logged_in(leiden_editor).post(
        url, {"title": "Werklocatiestrategie", "topic": topic.pk}
    )

    assert response.status_code == 302
    action = Action.objects.get(title="Werklocatiestrategie")
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in page
    from django.template.loader import render_to_string

    origin = render_to_string("meetings/includes/action_origin.html", {"action": action})
    assert item.meeting.get_absolute_url() in origin
    assert "Werklocaties" in origin


def test_follow_up_page_shows_errors_per_field(item, leiden_editor):
    url = reverse("meetings:follow_up", kwargs={"pk": item.meeting.pk, "item_pk": item.pk})
    response = logged_in(leiden_editor).post(url, {"title": "Zonder onderwerp"})
    assert response.status_code == 400
    assert "Kies het onderwerp" in response.content.decode()
