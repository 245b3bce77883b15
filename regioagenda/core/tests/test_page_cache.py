"""Whole pages kept for anonymous visitors (core/page_cache.py): served again without the
database, forgotten at once when the data changes, and never kept when they are personal."""

import datetime
import functools
import re
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import reverse

from regioagenda.agenda.models import Action
from regioagenda.agenda.tests.factories import make_action
from regioagenda.core import page_cache
from regioagenda.events.tests.factories import make_event
from regioagenda.monitor.importing import ObservationRow, import_rows
from regioagenda.monitor.models import ImportRun, Observation
from regioagenda.monitor.tests.factories import make_indicator, make_observation
from regioagenda.vision.models import Theme


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The cache is off in the rest of the suite (conftest.py); on here, with its signals.
    Without a delay, so that a change shows at the next request (the delay has its own tests)."""
    settings.REGIOAGENDA_PAGE_CACHE_SECONDS = 300
    settings.REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS = 0
    page_cache.watch_models()
    yield
    page_cache.unwatch_models()


def hit(response) -> bool:
    return response.get("X-Cache") == "hit"


def test_a_second_visit_gets_the_same_page_from_the_cache_without_queries(
    client, leiden, django_assert_num_queries
):
    action = make_action(leiden, title="Fietsroute langs de Oude Rijn")
    url = reverse("agenda:action", kwargs={"pk": action.pk})

    first = client.get(url)
    assert first.status_code == 200 and not hit(first)
    with django_assert_num_queries(0):
        second = client.get(url)

    assert hit(second)
    assert second.content == first.content
    assert "Fietsroute langs de Oude Rijn" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]


def test_a_kept_page_still_carries_the_security_and_caching_headers(client, leidse_regio):
    client.get(reverse("agenda:overview"))
    response = client.get(reverse("agenda:overview"))

    assert hit(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Cookie" in response["Vary"]
    assert "max-age=0" in response["Cache-Control"]
    assert "must-revalidate" in response["Cache-Control"]


def test_a_changed_action_title_shows_at_once(client, leiden):
    action = make_action(leiden, title="Fietsroute langs de Oude Rijn")
    url = reverse("agenda:action", kwargs={"pk": action.pk})
    client.get(url)

    action.title = "Snelfietsroute Leiden–Katwijk"
    action.save()
    response = client.get(url)

    assert not hit(response)
    html = response.content.decode()
    assert "Snelfietsroute Leiden–Katwijk" in html
    assert "Fietsroute langs de Oude Rijn" not in html


def test_a_changed_event_shows_at_once_in_the_list_and_the_calendar_feed(client, leidse_regio):
    event = make_event(leidse_regio, title="Zomerconcert in het park")
    pages = [reverse("events:list"), reverse("events:feed")]
    for url in pages:
        client.get(url)
        assert hit(client.get(url)), url

    event.title = "Najaarsconcert in de Hooglandse Kerk"
    event.save()

    for url in pages:
        response = client.get(url)
        assert not hit(response), url
        assert "Najaarsconcert in de Hooglandse Kerk" in response.content.decode(), url


def test_a_changed_many_to_many_relation_shows_at_once(client, leidse_regio):
    event = make_event(leidse_regio, title="Zomerconcert in het park")
    url = reverse("events:event", kwargs={"pk": event.pk})
    theme = Theme.objects.filter(region=leidse_regio).order_by("position").first()
    assert theme is not None
    before = client.get(url).content.decode()
    assert theme.title not in before

    event.themes.add(theme)
    response = client.get(url)

    assert not hit(response)
    assert theme.title in response.content.decode()


def test_a_new_observation_shows_at_once_on_the_indicator_page(client, leidse_regio, leiden):
    indicator = make_indicator(leidse_regio, "fietsers-telpunt", name="Fietsers op telpunten")
    make_observation(indicator, leiden, 2024, 12_345)
    url = reverse("monitor:indicator", kwargs={"slug": indicator.slug})
    assert "12.345" in client.get(url).content.decode()
    assert hit(client.get(url))

    make_observation(indicator, leiden, 2025, 23_456)
    response = client.get(url)

    assert not hit(response)
    assert "23.456" in response.content.decode()


def test_figures_written_by_an_import_without_signals_show_at_once(client, leidse_regio):
    indicator = make_indicator(leidse_regio, "fietsers-telpunt", name="Fietsers op telpunten")
    url = reverse("monitor:indicator", kwargs={"slug": indicator.slug})
    client.get(url)
    row = ObservationRow(
        indicator=indicator.slug,
        area="GM0546",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 1, 1),
        period_label="1 januari 2025",
        value=Decimal(34_567),
        source_title="Telpunten",
        source_table="fiets",
        source_url="https://example.org/telpunten",
        retrieved_on=datetime.date(2026, 7, 2),
    )

    result = import_rows(leidse_regio, [row])

    assert result.problems == [] and result.created == 1
    response = client.get(url)
    assert not hit(response)
    assert "34.567" in response.content.decode()


def test_a_bulk_update_and_a_raw_statement_show_at_once(client, leidse_regio, leiden):
    # Writes are seen in the SQL, so no bulk write needs to remember the cache.
    indicator = make_indicator(leidse_regio, "fietsers-telpunt", name="Fietsers op telpunten")
    make_observation(indicator, leiden, 2024, 12_345)
    url = reverse("monitor:indicator", kwargs={"slug": indicator.slug})
    client.get(url)

    Observation.objects.filter(indicator=indicator).update(value=Decimal(54_321))
    after_update = client.get(url)
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "monitor_observation" SET "value" = %s WHERE "indicator_id" = %s',
            [Decimal(65_432), indicator.pk],
        )
    after_raw = client.get(url)

    assert not hit(after_update) and "54.321" in after_update.content.decode()
    assert not hit(after_raw) and "65.432" in after_raw.content.decode()


def test_bump_generation_without_tables_makes_every_kept_page_stale(client, leidse_regio):
    url = reverse("agenda:overview")
    client.get(url)
    assert hit(client.get(url))

    page_cache.bump_generation()

    assert not hit(client.get(url))


def test_bookkeeping_writes_do_not_empty_the_cache(client, leidse_regio):
    url = reverse("agenda:overview")
    client.get(url)

    ImportRun.objects.create(region=leidse_regio, kind="bestand", description="cijfers.csv")
    response = client.get(url)

    assert hit(response)


def test_writes_in_one_transaction_move_the_generation_again_once_at_commit(
    leidse_regio, leiden, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        action = make_action(leiden, title="Eerste")
        action.title = "Tweede"
        action.save()

    bumps = [
        callback.args[0]
        for callback in callbacks
        if isinstance(callback, functools.partial) and callback.func is page_cache._bump
    ]
    assert len(bumps) == len(set(bumps))  # once per table, however often it was written
    assert (page_cache.TABLE_GENERATION_PREFIX + Action._meta.db_table,) in bumps


def test_a_change_elsewhere_leaves_pages_that_do_not_show_it_kept(client, leidse_regio, leiden):
    events = reverse("events:list")
    agenda = reverse("agenda:overview")
    client.get(events)
    client.get(agenda)

    make_action(leiden, title="Nieuwe actie voor de fietsroutes")
    events_after = client.get(events)
    agenda_after = client.get(agenda)

    assert hit(events_after)
    assert not hit(agenda_after)
    assert "Nieuwe actie voor de fietsroutes" in agenda_after.content.decode()


def test_a_signed_in_user_never_gets_a_kept_page_nor_fills_the_cache(
    client, leidse_regio, leiden_editor
):
    url = reverse("agenda:overview")
    anonymous = client.get(url)
    client.force_login(leiden_editor)

    signed_in = client.get(url)

    assert not hit(signed_in)
    assert signed_in.content != anonymous.content  # the header shows the account
    assert "private" in signed_in["Cache-Control"]
    assert not hit(client.get(url))

    client.logout()
    cache_filled_by_editor = reverse("agenda:stuck")
    client.force_login(leiden_editor)
    client.get(cache_filled_by_editor)
    client.logout()
    assert not hit(client.get(cache_filled_by_editor))


def test_a_page_with_a_csrf_token_is_not_kept(client, leidse_regio):
    url = reverse("events:submit")
    first = client.get(url)
    assert "csrfmiddlewaretoken" in first.content.decode()

    second = client.get(url)

    assert not hit(second)
    assert "csrfmiddlewaretoken" in second.content.decode()


def test_a_page_with_a_message_is_neither_served_from_nor_kept_in_the_cache(client, leidse_regio):
    url = reverse("agenda:overview")
    client.get(url)
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode(
        [Message(constants.INFO, "Uw bericht is verstuurd.")]
    )

    with_message = client.get(url)

    assert not hit(with_message)
    assert "Uw bericht is verstuurd." in with_message.content.decode()
    again = client.get(url)  # the message was shown once and its cookie removed
    assert hit(again)
    assert "Uw bericht is verstuurd." not in again.content.decode()


def test_every_hit_gets_its_own_nonce_named_in_its_header(client, leidse_regio, leiden):
    indicator = make_indicator(leidse_regio, "fietsers-telpunt", name="Fietsers op telpunten")
    make_observation(indicator, leiden, 2024, 12_345)
    url = reverse("monitor:indicator", kwargs={"slug": indicator.slug})

    responses = [client.get(url) for _ in range(3)]

    assert [hit(r) for r in responses] == [False, True, True]
    nonces = []
    for response in responses:
        in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert len(in_page) == 1
        nonce = in_page.pop()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_language_variants_are_kept_apart(client, leidse_regio):
    dutch_url = reverse("agenda:overview")
    english_url = "/en" + dutch_url
    for url in (dutch_url, english_url, dutch_url, english_url):
        client.get(url)

    dutch = client.get(dutch_url)
    english = client.get(english_url)

    assert hit(dutch) and hit(english)
    assert '<html lang="nl"' in dutch.content.decode()
    assert '<html lang="en"' in english.content.decode()


def test_query_strings_are_kept_apart(client, leidse_regio):
    make_event(leidse_regio, title="Zomerconcert in het park")
    url = reverse("events:list")
    client.get(url)

    searched = client.get(url, {"q": "geen-enkel-evenement-heet-zo"})

    assert not hit(searched)
    assert hit(client.get(url))


def test_head_is_answered_from_a_page_kept_by_get_and_fills_it_for_get(client, leidse_regio):
    kept_by_get = reverse("agenda:overview")
    full = client.get(kept_by_get)
    head = client.head(kept_by_get)
    assert hit(head) and head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == full["Content-Type"]

    kept_by_head = reverse("events:list")
    client.head(kept_by_head)
    response = client.get(kept_by_head)
    assert hit(response) and b"</html>" in response.content


def test_no_page_is_kept_when_the_setting_is_zero(
    client, leidse_regio, settings, django_assert_max_num_queries
):
    settings.REGIOAGENDA_PAGE_CACHE_SECONDS = 0
    url = reverse("agenda:overview")
    client.get(url)

    second = client.get(url)

    assert not hit(second)
    assert "X-Cache" not in second
    settings.REGIOAGENDA_PAGE_CACHE_SECONDS = 300
    assert not hit(client.get(url))  # nothing was kept while it was off


# --- the delay, one render at a time, the release -----------------------------------------


class _Clock:
    """page_cache's clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = page_cache._now()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moved = _Clock()
    monkeypatch.setattr(page_cache, "_now", moved)
    return moved


class _CacheWithLockTaken:
    """The cache as this process sees it while another process renders every page: each
    attempt to take a page's render lock fails. While the other is `still_rendering`, the
    lock is there for whoever looks; else it is gone by the time anyone looks."""

    def __init__(self, cache, still_rendering: bool) -> None:
        self._cache = cache
        self._still_rendering = still_rendering

    def add(self, key, *args, **kwargs):
        if key.startswith(page_cache.LOCK_PREFIX):
            return False
        return self._cache.add(key, *args, **kwargs)

    def get_many(self, keys):
        found = self._cache.get_many(keys)
        if self._still_rendering:
            found.update({key: 1 for key in keys if key.startswith(page_cache.LOCK_PREFIX)})
        return found

    def __getattr__(self, name):
        return getattr(self._cache, name)


@pytest.fixture
def another_process_renders():
    """Call it to have another process render every page; with False, to have it stop."""
    own_cache = page_cache.cache

    def renders(taken: bool = True, *, still_rendering: bool = True) -> None:
        page_cache.cache = _CacheWithLockTaken(own_cache, still_rendering) if taken else own_cache

    yield renders
    page_cache.cache = own_cache


def test_within_the_delay_a_kept_page_is_served_and_after_it_the_change_shows(
    client, leiden, settings, clock
):
    settings.REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS = 10
    action = make_action(leiden, title="Fietsroute langs de Oude Rijn")
    url = reverse("agenda:action", kwargs={"pk": action.pk})
    client.get(url)
    action.title = "Snelfietsroute Leiden–Katwijk"
    action.save()

    clock.now += 9
    within = client.get(url)
    clock.now += 2
    after = client.get(url)

    assert hit(within) and "Fietsroute langs de Oude Rijn" in within.content.decode()
    assert not hit(after) and "Snelfietsroute Leiden–Katwijk" in after.content.decode()


def test_making_everything_stale_does_not_wait_for_the_delay(client, leidse_regio, settings):
    settings.REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS = 10
    url = reverse("agenda:overview")
    client.get(url)

    page_cache.bump_generation()

    assert not hit(client.get(url))


def test_a_page_is_renewed_before_its_time_limit(client, leidse_regio, settings, clock):
    url = reverse("agenda:overview")
    client.get(url)

    clock.now += 0.49 * settings.REGIOAGENDA_PAGE_CACHE_SECONDS
    before = client.get(url)
    clock.now += 0.51 * settings.REGIOAGENDA_PAGE_CACHE_SECONDS
    after = client.get(url)

    assert hit(before)
    assert not hit(after)


def test_while_another_process_renders_a_stale_page_visitors_get_the_copy_it_replaces(
    client, leiden, another_process_renders, django_assert_num_queries
):
    action = make_action(leiden, title="Fietsroute langs de Oude Rijn")
    url = reverse("agenda:action", kwargs={"pk": action.pk})
    client.get(url)
    action.title = "Snelfietsroute Leiden–Katwijk"
    action.save()

    another_process_renders()
    with django_assert_num_queries(0):
        meanwhile = client.get(url)
    another_process_renders(False)
    after = client.get(url)

    assert meanwhile["X-Cache"] == "stale"
    assert "Fietsroute langs de Oude Rijn" in meanwhile.content.decode()
    assert not hit(after) and "Snelfietsroute Leiden–Katwijk" in after.content.decode()


def test_a_page_made_stale_by_everything_is_never_served_while_another_renders(
    client, leidse_regio, another_process_renders, monkeypatch
):
    url = reverse("agenda:overview")
    client.get(url)
    page_cache.bump_generation()
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.1)

    another_process_renders()
    response = client.get(url)

    assert response.status_code == 200
    assert "X-Cache" not in response  # rendered here, not the old copy


def test_a_missing_page_another_process_renders_is_waited_for_and_not_rendered_twice(
    client, leidse_regio, another_process_renders, monkeypatch, django_assert_num_queries
):
    url = reverse("agenda:overview")
    first = client.get(url)
    key = page_cache._key(first.wsgi_request)
    entry = page_cache.cache.get(key)
    page_cache.cache.delete(key)
    another_process_renders()
    # The other process keeps the page while this one waits.
    monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: page_cache.cache.set(key, entry))

    with django_assert_num_queries(0):
        waited = client.get(url)

    assert hit(waited)
    assert waited.content == first.content


def test_when_the_other_process_ends_without_keeping_the_page_the_waiting_one_renders_it(
    client, leidse_regio, another_process_renders, monkeypatch
):
    url = reverse("agenda:overview")
    looks = []
    another_process_renders(still_rendering=False)
    monkeypatch.setattr(page_cache.time, "sleep", looks.append)

    response = client.get(url)

    assert looks  # it waited, found no lock (the other process was done) and no page
    assert response.status_code == 200 and not hit(response)
    assert "</html>" in response.content.decode()


def test_a_page_that_was_not_kept_is_rendered_at_once_without_waiting(
    client, leidse_regio, another_process_renders, monkeypatch
):
    url = reverse("events:submit")
    client.get(url)  # a form with a CSRF token: not kept

    another_process_renders()
    monkeypatch.setattr(page_cache.time, "sleep", lambda seconds: pytest.fail("waited"))
    response = client.get(url)

    assert response.status_code == 200 and not hit(response)


def test_the_render_lock_is_given_back(client, leidse_regio):
    url = reverse("agenda:overview")
    added = []
    real_add = page_cache.cache.add

    def add(key, *args, **kwargs):
        added.append(key)
        return real_add(key, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page_cache.cache, "add", add)
        client.get(url)

    locks = [key for key in added if key.startswith(page_cache.LOCK_PREFIX)]
    assert len(locks) == 1
    assert page_cache.cache.get(locks[0]) is None


def test_pages_of_another_release_are_not_served(client, leidse_regio, monkeypatch):
    url = reverse("agenda:overview")
    client.get(url)
    assert hit(client.get(url))

    monkeypatch.setattr(page_cache, "release", lambda: "een-nieuwe-versie")

    assert not hit(client.get(url))
