import pytest

from conftest import make_user
from regioagenda.accounts.models import Membership


@pytest.fixture
def kust_coordinator(kustregio):
    return make_user("coordinator-kust", Membership.Role.COORDINATOR, region=kustregio)
