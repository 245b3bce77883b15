import pytest
from django.core.cache import cache

from regioagenda.competences.tests.conftest import (  # noqa: F401 — shared fixtures
    college_decides,
    green,
    leiden_places,
)
from regioagenda.initiatives.submission import form_stamp


@pytest.fixture(autouse=True)
def empty_cache():
    # The hourly limit per address lives in the cache; each test starts with none counted.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def old_stamp() -> str:
    """A form time stamp from a minute ago: long enough for a person to have typed."""
    import time

    return form_stamp(at=time.time() - 60)
