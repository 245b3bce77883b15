"""Ten identical state-changing requests at the same moment have exactly one effect.

Each request comes from its own thread with its own client and so its own database connection;
a barrier releases them together. Only PostgreSQL has the row locks (select_for_update) this
is about: SQLite serialises every write, so there the test would prove nothing.
"""

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.tokens import issue_token
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.meetings.models import Registration
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.prioritisation.models import Ballot
from regioagenda.prioritisation.tests.factories import make_round
from regioagenda.proposals.models import ImpactCheck
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality, Region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Races need PostgreSQL's row locks; SQLite serialises every write.",
    ),
]

PARALLEL = 10


def at_once(request: Callable[[Client, int], Any], clients: list[Client]) -> list[int]:
    """Send `request` from every client in its own thread at the same moment; their statuses."""
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = [0] * len(clients)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            statuses[number] = request(clients[number], number).status_code
        except BaseException as error:
            errors.append(error)
        finally:
            # A connection left open would keep the test database from being flushed.
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


def token_for(user: User) -> str:
    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    admin = make_user("beheerder-race", Membership.Role.ADMINISTRATOR)
    _, key = issue_token(
        user,
        name="race",
        memberships=list(user.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=admin,
    )
    return key


def logged_in(user: User) -> list[Client]:
    clients = [Client() for _ in range(PARALLEL)]
    for client in clients:
        client.force_login(user)
    return clients


def test_ten_identical_ballots_count_once(leidse_regio: Region, leiden: Municipality) -> None:
    editor = make_user("redacteur-race", Membership.Role.EDITOR, municipality=leiden)
    round = make_round(leidse_regio)
    key = token_for(editor)
    url = f"/api/v1/regions/{leidse_regio.slug}/rounds/{round.slug}/ballots"
    ballot = {
        "municipality": leiden.code,
        "decisionReference": "Raadsbesluit 2026/12",
        "ranks": {"1": 1, "2": 2, "3": 3, "4": 4},
    }

    statuses = at_once(
        lambda client, _n: client.post(
            url, ballot, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        ),
        [Client() for _ in range(PARALLEL)],
    )

    assert sorted(statuses) == [201] + [400] * (PARALLEL - 1)
    assert Ballot.objects.filter(round=round, municipality=leiden).count() == 1


def test_ten_identical_submissions_of_a_check_submit_one_revision(
    leidse_regio: Region, leiden: Municipality
) -> None:
    editor = make_user("redacteur-race", Membership.Role.EDITOR, municipality=leiden)
    proposal = make_proposal(leiden, "RV race")
    ImpactCheck.objects.create(proposal=proposal, revision=1, regional=False)
    key = token_for(editor)
    url = f"/api/v1/regions/{leidse_regio.slug}/proposals/{proposal.pk}/checks/draft/submit"

    statuses = at_once(
        lambda client, _n: client.post(
            url, {"version": 1}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        ),
        [Client() for _ in range(PARALLEL)],
    )

    # The others find the draft already submitted (409) or, when the first one committed before
    # they looked, no draft at all (404): either way, no second effect.
    assert sorted(statuses)[0] == 200 and set(sorted(statuses)[1:]) <= {404, 409}, statuses
    checks = ImpactCheck.objects.filter(proposal=proposal)
    assert [(c.revision, c.state, c.version) for c in checks] == [
        (1, ImpactCheck.State.SUBMITTED, 2)
    ]


def test_ten_identical_approvals_of_an_event_publish_it_once(
    leidse_regio: Region, leiden: Municipality
) -> None:
    coordinator = make_user("coordinator-race", Membership.Role.COORDINATOR, region=leidse_regio)
    event = make_event(
        leidse_regio, "Herfstmarkt", municipality=leiden, moderation=Event.Moderation.PENDING
    )
    url = reverse("events:moderate", kwargs={"pk": event.pk})
    logged_before = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Event), object_pk=str(event.pk)
    ).count()

    statuses = at_once(
        lambda client, _n: client.post(url, {"version": event.version, "handeling": "publiceren"}),
        logged_in(coordinator),
    )

    # The first is redirected to the queue; the others are shown the conflict.
    assert sorted(statuses) == [302] + [409] * (PARALLEL - 1)
    event.refresh_from_db()
    assert (event.moderation, event.version) == (Event.Moderation.PUBLISHED, 2)
    changes = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Event), object_pk=str(event.pk)
    )
    assert changes.count() == logged_before + 1


def test_ten_people_at_once_for_the_last_free_place_seat_one(
    leidse_regio: Region, leiden: Municipality
) -> None:
    meeting = make_meeting(
        leidse_regio,
        "Netwerkbijeenkomst energie",
        kind="netwerkbijeenkomst",
        organiser=leiden,
        registration_open=True,
        capacity=3,
        start=timezone.now() + datetime.timedelta(days=7),
        end=timezone.now() + datetime.timedelta(days=7, hours=2),
    )
    for number in (1, 2):
        Registration.objects.create(
            meeting=meeting,
            name=f"Al {number}",
            email=f"al{number}@example.org",
            token=f"al{number}",
        )
    url = reverse("meetings:register", kwargs={"pk": meeting.pk})

    statuses = at_once(
        lambda client, n: client.post(
            url, {"name": f"Inwoner {n}", "email": f"inwoner{n}@example.org"}
        ),
        [Client() for _ in range(PARALLEL)],
    )

    assert statuses == [200] * PARALLEL
    registered = meeting.registrations.filter(status=Registration.Status.REGISTERED)
    assert registered.count() == 3
    assert meeting.registrations.filter(status=Registration.Status.WAITING).count() == PARALLEL - 1
