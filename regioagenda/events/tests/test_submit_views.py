"""Organisers' pages: the public form with its guards, the confirmation link, editing with the
secret link or an account, and clash warnings that never block."""

import io
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import make_user
from regioagenda.events import submission
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_event
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db

SUBMIT = reverse("events:submit")


@pytest.fixture(autouse=True)
def clean_cache(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path
    yield
    cache.clear()


def form_data(municipality, **changes):
    data = {
        "title": "Herfstmarkt",
        "description": "<p>Markt met <em>streekproducten</em>.</p>",
        "start_date": "2026-10-03",
        "start_time": "10:00",
        "end_date": "2026-10-03",
        "end_time": "17:00",
        "venue": "Stadsgehoorzaal",
        "municipality": str(municipality.pk) if municipality else "",
        "organiser_name": "Marktvereniging",
        "organiser_email": "markt@example.org",
        "expected_visitors": "400",
        submission.FORM_STAMP: submission.form_stamp(at=time.time() - 60),
        submission.HONEYPOT: "",
    }
    return data | changes


def test_the_form_offers_native_date_and_time_inputs_and_the_guards(client, leidse_regio):
    response = client.get(SUBMIT)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="date"' in html and 'type="time"' in html
    assert f'name="{submission.HONEYPOT}"' in html and f'name="{submission.FORM_STAMP}"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_visitor_submits_sees_the_clash_and_gets_the_confirmation_mail(
    client, leidse_regio, leiden
):
    other = make_event(leidse_regio, "Concert", local(2026, 10, 3, 20), municipality=leiden)
    response = client.post(SUBMIT, form_data(leiden))
    assert response.status_code == 302 and response.url == reverse("events:submitted")
    event = Event.objects.get(title="Herfstmarkt")
    assert event.moderation == Event.Moderation.UNCONFIRMED
    assert event.start == local(2026, 10, 3, 10) and event.end == local(2026, 10, 3, 17)
    assert event.description == "<p>Markt met <em>streekproducten</em>.</p>"
    assert len(mail.outbox) == 1
    page = client.get(response.url).content.decode()
    assert "markt@example.org" in page
    assert other.title in page and "Zelfde dag (za 3 oktober) en zelfde locatie" in page
    assert event.token not in page  # the confirmation link only goes by e-mail


def test_confirm_needs_a_button_press(client, leidse_regio, leiden):
    client.post(SUBMIT, form_data(leiden))
    event = Event.objects.get()
    url = reverse("events:confirm", kwargs={"token": event.token})
    assert client.get(url).status_code == 200
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.UNCONFIRMED
    client.post(url)
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    assert client.get(reverse("events:confirm", kwargs={"token": "onzin"})).status_code == 404


def test_with_an_account_the_event_waits_for_moderation(client, leidse_regio, leiden):
    user = make_user("organisator")
    client.force_login(user)
    client.post(SUBMIT, form_data(leiden))
    event = Event.objects.get()
    assert event.moderation == Event.Moderation.PENDING and event.organiser == user
    assert mail.outbox == []
    mine = client.get(reverse("events:mine")).content.decode()
    assert "Herfstmarkt" in mine and reverse("events:edit", kwargs={"pk": event.pk}) in mine


@pytest.mark.parametrize(
    ("changes", "field_text"),
    [
        ({submission.HONEYPOT: "https://spam.example"}, "Laat dit veld leeg"),
        ({submission.FORM_STAMP: "vervalst"}, "ongeldig of verlopen"),
        ({"end_date": "2026-10-02"}, "Einde: het einde ligt voor het begin"),
        ({"municipality": "999999"}, "Deze gemeente kennen we niet in deze regio"),
        ({"start_time": ""}, "Vul een tijd in"),
        ({"recurrence": "FREQ=NOOIT"}, "Herhaling"),
        ({"municipality": "", "place_outside_region": ""}, "Gemeente: kies de gemeente"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    client, leidse_regio, leiden, changes, field_text
):
    response = client.post(SUBMIT, form_data(leiden) | changes)
    assert response.status_code == 200
    assert field_text in response.content.decode()
    assert not Event.objects.exists() and mail.outbox == []


def test_a_municipality_of_another_region_is_refused(client, leidse_regio, kustregio, leiden):
    elsewhere = Municipality.objects.filter(region=kustregio).first()
    response = client.post(SUBMIT, form_data(elsewhere))
    assert "Deze gemeente kennen we niet in deze regio" in response.content.decode()
    assert not Event.objects.exists()


def test_a_venue_outside_the_region_is_allowed(client, leidse_regio):
    response = client.post(SUBMIT, form_data(None, place_outside_region="Katwijk"))
    assert response.status_code == 302
    assert Event.objects.get().outside_region


def test_script_in_the_description_is_removed(client, leidse_regio, leiden):
    hostile = '<p>Hoi</p><script>alert("x")</script><img src=x onerror="alert(1)">'
    client.post(SUBMIT, form_data(leiden, description=hostile))
    assert Event.objects.get().description == "<p>Hoi</p>"


def test_a_text_file_posing_as_an_image_is_refused(client, leidse_regio, leiden):
    fake = SimpleUploadedFile("foto.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(SUBMIT, form_data(leiden, image=fake, image_alt="Een foto"))
    assert "geen afbeelding" in response.content.decode()
    assert not Event.objects.exists()


def test_too_many_submissions_from_one_address_get_429(client, leidse_regio, leiden, settings):
    settings.EVENTS_PER_HOUR = 1
    assert client.post(SUBMIT, form_data(leiden)).status_code == 302
    response = client.post(SUBMIT, form_data(leiden, title="Nog een"))
    assert response.status_code == 429
    assert "afgelopen uur al 1 evenementen" in response.content.decode()
    assert list(Event.objects.values_list("title", flat=True)) == ["Herfstmarkt"]


def edit_data(event, **changes):
    data = form_data(
        event.municipality,
        title=event.title,
        description=event.description,
        venue=event.venue,
        status=event.status,
        version=str(event.version),
    )
    return data | changes


def test_edit_with_the_secret_link_shows_clashes_and_sends_substantial_changes_back(
    client, leidse_regio, leiden
):
    event = make_event(
        leidse_regio, "Herfstmarkt", local(2026, 10, 3, 10), local(2026, 10, 3, 17), leiden
    )
    make_event(leidse_regio, "Concert", local(2026, 10, 3, 20), municipality=leiden)
    url = reverse("events:edit_by_token", kwargs={"token": event.token})
    page = client.get(url).content.decode()
    assert "Concert" in page and "zelfde locatie" in page
    response = client.post(url, edit_data(event, venue="Pieterskerk"), follow=True)
    assert "opnieuw" in response.content.decode()
    event.refresh_from_db()
    assert event.venue == "Pieterskerk" and event.moderation == Event.Moderation.PENDING
    assert event.sequence == 1


def test_a_stale_edit_is_refused_with_409(client, leidse_regio, leiden):
    event = make_event(
        leidse_regio, "Herfstmarkt", local(2026, 10, 3, 10), local(2026, 10, 3, 17), leiden
    )
    url = reverse("events:edit_by_token", kwargs={"token": event.token})
    assert client.post(url, edit_data(event, url="https://example.org/a")).status_code == 302
    response = client.post(url, edit_data(event, title="Ander"))
    assert response.status_code == 409
    event.refresh_from_db()
    assert event.title == "Herfstmarkt" and event.url == "https://example.org/a"


def test_only_the_organiser_or_a_moderator_edits_with_an_account(
    client, leidse_regio, leiden, oegstgeest_editor, leiden_editor
):
    owner = make_user("eigenaar")
    event = make_event(leidse_regio, municipality=leiden, organiser=owner)
    url = reverse("events:edit", kwargs={"pk": event.pk})
    client.force_login(oegstgeest_editor)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(leiden_editor)
    assert client.get(url).status_code == 200


def test_editing_without_a_new_file_keeps_the_image(client, leidse_regio, leiden):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG")
    client.post(
        SUBMIT,
        form_data(
            leiden,
            image=SimpleUploadedFile("park.png", buffer.getvalue()),
            image_alt="Het park",
        ),
    )
    event = Event.objects.get()
    stored = event.image.name
    url = reverse("events:edit_by_token", kwargs={"token": event.token})
    assert "Het park" in client.get(url).content.decode()
    data = edit_data(event, url="https://example.org/markt", image_alt="Het park")
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.image.name == stored and event.url == "https://example.org/markt"
