"""Fixtures shared by every app's tests: the loaded region and a small cast of users."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import translation

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.dataset import load_region

# Browser fixtures (`browser`, `page`, `region`) for every app's tests.
pytest_plugins = [
    "regioagenda.core.browser_testing",
    "regioagenda.accounts.testing",
    "regioagenda.audit.testing",
]

LEIDSE_REGIO = Path(__file__).parent / "regioagenda" / "data" / "regions" / "leidse-regio"
KUSTREGIO = Path(__file__).parent / "regioagenda" / "vision" / "tests" / "data" / "kustregio"


# The apps whose rows a region folder fills. Loading the Leidse regio validates and writes ~800
# rows one by one (several seconds); once per test process is enough: the rows are kept and
# tests insert copies in bulk.
DATA_SET_APPS = (
    "regions",
    "vision",
    "registry",
    "competences",
    "monitor",
    "proposals",
    "meetings",
    "events",
)
_loaded_rows: dict[Path, list[tuple[type[Model], list[Model]]]] = {}
_top_keys: dict[type[Model], int] = {}


def _data_set_models() -> list[type[Model]]:
    return [
        model
        for label in DATA_SET_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def loaded_region(folder: Path) -> Region:
    """The region of `folder`, copied in from the rows kept at the start, or loaded again."""
    rows = _loaded_rows[folder]
    slug = next(row.slug for _, instances in rows for row in instances if isinstance(row, Region))
    if Region.objects.filter(slug=slug).exists():
        return load_region(folder).region
    # Foreign keys are checked at commit on SQLite and PostgreSQL, so within one transaction the
    # order of the models does not matter (browser tests run without one around them).
    with transaction.atomic():
        for model, instances in rows:
            model._base_manager.bulk_create(instances)
        _reserve_kept_keys()
    return Region.objects.get(slug=slug)


def _reserve_kept_keys() -> None:
    """Move every table's key counter past the keys kept for all folders, so that a row a test
    adds never takes the key of a row another folder's copy brings in later."""
    with connection.cursor() as cursor:
        for model, top in _top_keys.items():
            table = connection.ops.quote_name(model._meta.db_table)
            column = model._meta.pk.column
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
                    f"GREATEST(%s, (SELECT COALESCE(MAX({column}), 1) FROM {table})))",
                    [model._meta.db_table, column, top],
                )
            elif connection.vendor == "sqlite":
                name = model._meta.db_table
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, name]
                )
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT EXISTS "
                    "(SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                    [name, top, name],
                )


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
        for model, keys in seen.items():
            if keys and model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
                _top_keys[model] = max(int(key) for key in keys)  # type: ignore[call-overload]
        transaction.set_rollback(True)


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """For requests straight through WSGI (schemathesis): Django closes "old" connections after
    each request, which would end the test's transaction on PostgreSQL; the test client keeps
    them open the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Every test starts with an empty cache: rows a cached value was computed from are rolled
    back after each test, and rate limits count per test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def leidse_regio(db) -> Region:
    return loaded_region(LEIDSE_REGIO)


@pytest.fixture
def kustregio(db) -> Region:
    return loaded_region(KUSTREGIO)


def make_user(username: str, role: str | None = None, password: str | None = None, **scope) -> User:
    from regioagenda.accounts.second_factor import give_second_factor, needs_second_factor

    user = User.objects.create_user(username=username, password=password, is_staff=role is not None)
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    if needs_second_factor(user):
        # As staff have after setting up their authenticator app (see accounts/testing.py).
        give_second_factor(user)
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
def no_page_cache(settings):
    # Kept pages would hide the queries that page tests count and show a test the page it read
    # before a write without signals; core/tests/test_page_cache.py turns the cache on.
    settings.REGIOAGENDA_PAGE_CACHE_SECONDS = 0


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
