"""Registration for network meetings: capacity under the meeting's lock, the waiting list, the
cancel link by e-mail, and the attendance list with its CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from regioagenda.meetings.models import Registration
from regioagenda.meetings.registration_views import (
    RegistrationRefused,
    cancel_registration,
    register_for,
)
from regioagenda.meetings.tests.factories import AMSTERDAM, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=AMSTERDAM), tick=False):
        yield


@pytest.fixture
def network(leidse_regio, leiden):
    return make_meeting(
        leidse_regio,
        "Netwerkbijeenkomst energie",
        kind="netwerkbijeenkomst",
        organiser=leiden,
        registration_open=True,
        capacity=2,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_partner_registers_and_gets_the_cancel_link_on_the_page_and_by_mail(
    client, network, django_capture_on_commit_callbacks
):
    url = reverse("meetings:register", kwargs={"pk": network.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"name": "Anna de Vries", "email": "Anna@Example.org", "organisation": "Energiecoöp"},
        )

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.REGISTERED
    assert registration.email == "anna@example.org"
    cancel_url = reverse("meetings:cancel_registration", kwargs={"token": registration.token})
    assert response.status_code == 200
    assert cancel_url in response.content.decode()
    assert len(mail.outbox) == 1
    assert cancel_url in mail.outbox[0].body
    assert mail.outbox[0].to == ["anna@example.org"]


def test_form_is_prefilled_for_a_logged_in_user(network, leiden_editor):
    leiden_editor.email = "redactie@leiden.nl"
    leiden_editor.save()
    page = logged_in(leiden_editor).get(reverse("meetings:register", kwargs={"pk": network.pk}))
    assert 'value="redactie@leiden.nl"' in page.content.decode()


def test_duplicate_address_gets_a_clear_message(client, network):
    url = reverse("meetings:register", kwargs={"pk": network.pk})
    client.post(url, {"name": "Anna", "email": "anna@example.org"})
    again = client.post(url, {"name": "Anna", "email": "ANNA@example.org"})
    assert again.status_code == 400
    assert "is al aangemeld voor deze vergadering" in again.content.decode()
    assert Registration.objects.count() == 1


def test_two_registrations_for_the_last_place_one_waits(network):
    register_for(network, name="Eerste", email="een@example.org")
    # Two people for the last place: each goes through the locked count in turn.
    second = register_for(network, name="Tweede", email="twee@example.org")
    third = register_for(network, name="Derde", email="drie@example.org")

    assert second.status == Registration.Status.REGISTERED
    assert third.status == Registration.Status.WAITING
    assert network.registrations.filter(status=Registration.Status.REGISTERED).count() == 2


def test_full_meeting_says_waiting_list(client, network):
    register_for(network, name="Een", email="een@example.org")
    register_for(network, name="Twee", email="twee@example.org")
    url = reverse("meetings:register", kwargs={"pk": network.pk})
    assert "Deze vergadering is vol" in client.get(url).content.decode()
    response = client.post(url, {"name": "Drie", "email": "drie@example.org"})
    assert "U staat op de wachtlijst" in response.content.decode()


def test_cancelling_moves_the_first_waiting_person_up(
    client, network, django_capture_on_commit_callbacks
):
    first = register_for(network, name="Een", email="een@example.org")
    register_for(network, name="Twee", email="twee@example.org")
    waiting = register_for(network, name="Drie", email="drie@example.org")
    later = register_for(network, name="Vier", email="vier@example.org")
    mail.outbox.clear()

    url = reverse("meetings:cancel_registration", kwargs={"token": first.token})
    assert "Ja, afmelden" in client.get(url).content.decode()
    first.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    first.refresh_from_db()
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.REGISTERED
    assert later.status == Registration.Status.WAITING
    assert [message.to for message in mail.outbox] == [["drie@example.org"]]
    assert cancel_registration(first) is None  # twice is harmless


def test_cancelled_address_may_register_again(network):
    first = register_for(network, name="Een", email="een@example.org")
    cancel_registration(first)
    again = register_for(network, name="Een", email="een@example.org")
    assert again.pk == first.pk
    assert again.status == Registration.Status.REGISTERED
    assert again.token != first.token


def test_closed_registration_is_refused(leidse_regio):
    meeting = make_meeting(leidse_regio, registration_open=False)
    with pytest.raises(RegistrationRefused):
        register_for(meeting, name="Een", email="een@example.org")


def test_attendance_is_saved_in_one_form_and_downloaded_as_csv(network, leiden_editor):
    present = register_for(network, name="=Een", email="een@example.org", organisation="Coöp")
    absent = register_for(network, name="Twee", email="twee@example.org")
    client = logged_in(leiden_editor)
    url = reverse("meetings:attendance", kwargs={"pk": network.pk})

    assert client.post(url, {"aanwezig": [str(present.pk)]}).status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.attended and not absent.attended

    download = client.get(url, {"formaat": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert download["Content-Type"].startswith("text/csv")
    assert rows[0][:5] == ["naam", "e-mailadres", "organisatie", "status", "aanwezig"]
    assert rows[1][:5] == ["'=Een", "een@example.org", "Coöp", "aangemeld", "ja"]


def test_attendance_list_is_for_the_organisers_only(client, network, oegstgeest_editor):
    url = reverse("meetings:attendance", kwargs={"pk": network.pk})
    assert client.get(url).status_code == 302
    assert logged_in(oegstgeest_editor).get(url).status_code == 403
