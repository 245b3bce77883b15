"""Fixtures shared by every app's tests: the loaded region and a small cast of users."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model
from django.utils import translation

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.dataset import load_region

# Browser fixtures (`browser`, `page`, `region`) for every app's tests.
pytest_plugins = ["regioagenda.core.browser_testing"]

LEIDSE_REGIO = Path(__file__).parent / "regioagenda" / "data" / "regions" / "leidse-regio"
KUSTREGIO = Path(__file__).parent / "regioagenda" / "vision" / "tests" / "data" / "kustregio"


# The apps whose rows a region folder fills. Loading the Leidse regio validates and writes ~600
# rows one by one (several seconds); once per test process is enough: after the first load the
# rows are kept and later tests insert copies in bulk.
DATA_SET_APPS = ("regions", "vision", "registry", "competences")
_loaded_rows: dict[Path, list[tuple[type[Model], list[Model]]]] = {}


def _data_set_models() -> list[type[Model]]:
    return [
        model
        for label in DATA_SET_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def loaded_region(folder: Path) -> Region:
    """The region of `folder`, in a database that held no region before."""
    rows = _loaded_rows.get(folder)
    if rows is not None and not Region.objects.exists():
        # Foreign keys are checked at commit on SQLite and PostgreSQL, so order does not matter.
        for model, instances in rows:
            model._base_manager.bulk_create(instances)
        models = [model for model, _ in rows]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        return Region.objects.get()
    was_empty = not Region.objects.exists()
    region = load_region(folder).region
    if was_empty:
        _loaded_rows[folder] = [
            (model, list(model._base_manager.all())) for model in _data_set_models()
        ]
    return region


@pytest.fixture
def leidse_regio(db) -> Region:
    return loaded_region(LEIDSE_REGIO)


@pytest.fixture
def kustregio(db) -> Region:
    return loaded_region(KUSTREGIO)


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
