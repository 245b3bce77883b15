"""The e-mail digest of new regional checks for staff who opt in."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from regioagenda.proposals.checks import CheckAnswers, draft_for, save_draft, submit
from regioagenda.proposals.digest import send_digests
from regioagenda.proposals.models import DigestSubscription, ProposalStatus
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db


def submitted(proposal, user, **answers):  # type: ignore[no-untyped-def]
    draft = draft_for(proposal, by=user)
    draft = save_draft(
        draft, CheckAnswers(regional=False, **answers), version=draft.version, by=user
    )
    return submit(draft, version=draft.version, by=user)


@pytest.fixture
def subscriber(client: Client, leidse_regio, oegstgeest_editor):
    oegstgeest_editor.email = "redacteur@oegstgeest.example"
    oegstgeest_editor.save()
    client.force_login(oegstgeest_editor)
    response = client.post(reverse("proposals:digest"), {"subscribed": "on"})
    assert response.status_code == 302
    return oegstgeest_editor


def test_staff_find_the_digest_on_the_overview(client: Client, subscriber):
    page = client.get(reverse("proposals:overview")).content.decode()
    assert f'href="{reverse("proposals:digest")}"' in page
    client.logout()
    assert (
        reverse("proposals:digest")
        not in client.get(reverse("proposals:overview")).content.decode()
    )


def test_staff_opt_in_and_receive_new_checks_once(subscriber, leiden, leiden_editor):
    subscription = DigestSubscription.objects.get(user=subscriber)
    # Checks submitted before opting in are not news.
    subscription.created_at = timezone.now() - datetime.timedelta(seconds=1)
    subscription.save()
    check = submitted(make_proposal(leiden, title="Fietsroute naar Oegstgeest"), leiden_editor)
    make_proposal(leiden, number="RV 26.0002", status=ProposalStatus.DRAFT)

    assert send_digests() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redacteur@oegstgeest.example"]
    assert "RV 26.0001 — Fietsroute naar Oegstgeest" in message.body
    assert check.proposal.get_absolute_url() in message.body
    assert "geen gevolgen buiten de gemeente Leiden" in message.body
    # Nothing new: no second mail.
    assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_a_theme_choice_narrows_the_digest(
    client: Client, subscriber, leidse_regio, leiden, leiden_editor
):
    first, second = Theme.objects.filter(region=leidse_regio).order_by("position")[:2]
    client.post(reverse("proposals:digest"), {"subscribed": "on", "themes": [first.pk]})
    DigestSubscription.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=1))
    submitted(
        make_proposal(leiden, number="A", title="Over het tweede thema"),
        leiden_editor,
        themes=[second],
    )
    submitted(
        make_proposal(leiden, number="B", title="Over het eerste thema"),
        leiden_editor,
        themes=[first],
    )

    call_command("send_proposal_digest")

    body = mail.outbox[0].body
    assert "Over het eerste thema" in body and "Over het tweede thema" not in body


def test_opting_out_stops_the_digest(client: Client, subscriber, leiden, leiden_editor):
    client.post(reverse("proposals:digest"), {})
    assert not DigestSubscription.objects.exists()
    submitted(make_proposal(leiden), leiden_editor)
    assert send_digests() == 0


def test_only_staff_may_subscribe(client: Client, leidse_regio):
    assert client.get(reverse("proposals:digest")).status_code == 302  # to the login page
    from conftest import make_user

    client.force_login(make_user("bewoner"))
    assert client.post(reverse("proposals:digest"), {"subscribed": "on"}).status_code == 403
    assert not DigestSubscription.objects.exists()
