import datetime

import pytest
import time_machine

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.dossiers.models import Dossier
from regioagenda.dossiers.tests.factories import make_dossier
from regioagenda.regions.models import Municipality

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture
def dossier(leidse_regio) -> Dossier:
    return make_dossier(leidse_regio)


@pytest.fixture
def voorschoten(leidse_regio) -> Municipality:
    return Municipality.objects.get(code="GM0626")


@pytest.fixture
def kust_coordinator(kustregio):
    return make_user("coordinator-kust", Membership.Role.COORDINATOR, region=kustregio)


@pytest.fixture
def kust_editor(kustregio):
    zandhaven = Municipality.objects.get(code="GM9901")
    return make_user("redacteur-zandhaven", Membership.Role.EDITOR, municipality=zandhaven)
