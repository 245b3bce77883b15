"""Fixtures shared by every app's tests: the loaded region and a small cast of users."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.utils import translation

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.dataset import load_region

# Browser fixtures (`browser`, `page`, `region`) for every app's tests.
pytest_plugins = ["regioagenda.core.browser_testing"]

LEIDSE_REGIO = Path(__file__).parent / "regioagenda" / "data" / "regions" / "leidse-regio"
KUSTREGIO = Path(__file__).parent / "regioagenda" / "vision" / "tests" / "data" / "kustregio"


# The apps whose rows a region folder fills. Loading the Leidse regio validates and writes ~800
# rows one by one (several seconds); once per test process is enough: the rows are kept and
# tests insert copies in bulk.
DATA_SET_APPS = ("regions", "vision", "registry", "competences", "monitor")
_loaded_rows: dict[Path, list[tuple[type[Model], list[Model]]]] = {}


def _data_set_models() -> list[type[Model]]:
    return [
        model
        for label in DATA_SET_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def loaded_region(folder: Path) -> Region:
    """The region of `folder`, copied in from the rows kept at the start, or loaded again."""
    rows = _loaded_rows[folder]
    slug = next(row.slug for model, instances in rows if model is Region for row in instances)
    if Region.objects.filter(slug=slug).exists():
        return load_region(folder).region
    # Foreign keys are checked at commit on SQLite and PostgreSQL, so within one transaction the
    # order of the models does not matter (browser tests run without one around them).
    with transaction.atomic():
        for model, instances in rows:
            model._base_manager.bulk_create(instances)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), _data_set_models()):
                cursor.execute(statement)
    return Region.objects.get(slug=slug)


@pytest.fixture(scope="session", autouse=True)
def region_rows(django_db_setup, django_db_blocker) -> None:
    """Load the region folders once per test process, before any test can freeze the clock; keep
    each folder's rows (with keys that do not collide, so that both fit in one test) and roll
    the load back."""
    with django_db_blocker.unblock(), transaction.atomic():
        seen: dict[type[Model], set[object]] = {model: set() for model in _data_set_models()}
        for folder in (LEIDSE_REGIO, KUSTREGIO):
            load_region(folder)
            rows = []
            for model, keys in seen.items():
                new = [row for row in model._base_manager.all() if row.pk not in keys]
                keys.update(row.pk for row in new)
                rows.append((model, new))
            _loaded_rows[folder] = rows
        transaction.set_rollback(True)


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
