"""Fixtures shared by every app's tests: the loaded region and a small cast of users."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.dataset import load_region

# Browser fixtures (`browser`, `page`, `region`) for every app's tests.
pytest_plugins = ["regioagenda.core.browser_testing"]

LEIDSE_REGIO = Path(__file__).parent / "regioagenda" / "data" / "regions" / "leidse-regio"
KUSTREGIO = Path(__file__).parent / "regioagenda" / "vision" / "tests" / "data" / "kustregio"


@pytest.fixture
def leidse_regio(db) -> Region:
    return load_region(LEIDSE_REGIO).region


@pytest.fixture
def kustregio(db) -> Region:
    return load_region(KUSTREGIO).region


def make_user(username: str, role: str | None = None, password: str | None = None, **scope) -> User:
    user = User.objects.create_user(username=username, password=password, is_staff=role is not None)
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def leiden(leidse_regio) -> Municipality:
    return Municipality.objects.get(code="GM0546")


@pytest.fixture
def oegstgeest(leidse_regio) -> Municipality:
    return Municipality.objects.get(code="GM0579")


@pytest.fixture
def leiden_editor(leiden) -> User:
    return make_user("redacteur-leiden", Membership.Role.EDITOR, municipality=leiden)


@pytest.fixture
def oegstgeest_editor(oegstgeest) -> User:
    return make_user("redacteur-oegstgeest", Membership.Role.EDITOR, municipality=oegstgeest)


@pytest.fixture
def coordinator(leidse_regio) -> User:
    return make_user("coordinator", Membership.Role.COORDINATOR, region=leidse_regio)


@pytest.fixture
def council_member(leiden) -> User:
    return make_user("raadslid-leiden", Membership.Role.COUNCIL_MEMBER, municipality=leiden)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests check behaviour, not the hash's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_file_names(settings):
    # Pages link plain static names, which the test server finds in the source folders, so no
    # test depends on a collectstatic run under var/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def dutch_afterwards():
    # A request to /en/ leaves English active in this thread; later tests expect Dutch.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
