import pytest
from django.test import Client

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.initiatives.models import Status
from regioagenda.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db

EMAIL = "anna@example.org"


def change_url(initiative) -> str:  # type: ignore[no-untyped-def]
    return f"/beheer/initiatives/initiative/{initiative.pk}/change/"


def test_the_regions_coordinator_sees_the_email_and_the_history_in_the_admin(
    client: Client, leidse_regio, coordinator
):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    client.force_login(coordinator)
    response = client.get(change_url(initiative))
    assert response.status_code == 200
    page = response.content.decode()
    assert EMAIL in page
    assert "ingediend, wacht op moderatie" in page  # the event inline


def test_a_coordinator_of_another_region_does_not_see_the_email(
    client: Client, leidse_regio, kustregio
):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    client.force_login(make_user("kust", Membership.Role.COORDINATOR, region=kustregio))
    response = client.get(change_url(initiative))
    assert EMAIL not in response.content.decode()


def test_an_editor_has_no_access_to_initiatives_in_the_admin(
    client: Client, leidse_regio, leiden_editor
):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    client.force_login(leiden_editor)
    assert client.get(change_url(initiative)).status_code == 403
