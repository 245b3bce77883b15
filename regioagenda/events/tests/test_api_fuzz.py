"""The event operations keep to their schema for a partner with a token too, and a write by that
partner never changes an event of another organiser."""

import datetime

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.tokens import issue_token
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.regions.models import Organisation
from regioagenda.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(allow_x00=False)
event_operations = schema.include(path_regex="^/regions/\\{region\\}/events")


@pytest.fixture
def partner_key(leidse_regio) -> str:
    organisation = Organisation.objects.filter(region=leidse_regio).order_by("pk").first()
    partner = make_user("partner-fuzz", Membership.Role.PARTNER, organisation=organisation)
    partner.email = "partner-fuzz@example.org"
    partner.save()
    # The partner's own event, and others' events published and pending, so that generated ids
    # can meet each kind.
    make_event(leidse_regio, "Van de partner", organiser=partner)
    make_event(leidse_regio, "Van een ander")
    make_event(leidse_regio, "Nog te beoordelen", moderation=Event.Moderation.PENDING)
    admin = User.objects.create_superuser("beheerder-fuzz", password=None)
    _, key = issue_token(
        partner,
        name="fuzz",
        memberships=list(partner.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=admin,
    )
    return key


@event_operations.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_event_operations_keep_to_their_schema_for_a_partner(
    case, connection_kept_open, leidse_regio, partner_key
):
    others = Event.objects.exclude(organiser__username="partner-fuzz")
    before = list(others.order_by("pk").values())

    case.call_and_validate(headers={"Authorization": f"Bearer {partner_key}"})

    assert list(others.order_by("pk").values()) == before
