"""Whole public pages, kept for anonymous visitors and renewed soon after the data changes.

A page is kept under a key made of the host, the address with its query, the language, the
htmx request header and the release of the code; beside it, the *generation* of every table its
queries read, as it was before the page was rendered. Every write to a project table moves the
generation of that table on (seen in the SQL, so bulk writes and raw statements count too), so
a kept page is renewed after a change of what it shows, and a change elsewhere (a progress
update, a new event) leaves the pages that do not read that table alone.

How soon: a page younger than `REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS` is served even if a table
it read has changed since, so that a stream of writes (a council night's progress updates)
cannot make every visitor render the page again; a change is on the public pages within that
many seconds. A page is kept at most `REGIOAGENDA_PAGE_CACHE_SECONDS` (0 switches the cache
off), which bounds whatever the generations cannot see, such as pages that show "today".
`bump_generation()` without tables (a region loaded, a backup restored, a person's data
erased) makes every kept page stale at once, whatever its age.

One render per page at a time: the process that finds a page missing or stale takes a lock
on it in the cache and renders it; meanwhile the others serve the copy it replaces or, when
there is none, wait for the new one. So a page that many ask for at once (the monitor, the
feed, after a deploy or when its copy expires) is rendered once instead of by every worker.

Only what is the same for every anonymous visitor is kept: no signed-in user's page, no
response that sets a cookie, carries a CSRF token or shows a message, nothing from the back
office, the accounts pages or the API. A page that used the CSP nonce is kept with that nonce
and gets a fresh one on every hit (the CSP middleware then names the fresh one in its header).

See docs/decisions/0014-page-cache.md for what is kept, why, and why not Django's own
per-site cache middleware.
"""

import functools
import hashlib
import logging
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"  # of everything
TABLE_GENERATION_PREFIX = "page-cache:table:"
KEY_PREFIX = "page-cache:page:"
LOCK_PREFIX = "page-cache:rendering:"
# Kept in place of a page whose last render could not be kept (a form with a CSRF token, a
# 404): the next visitors render it at once, without the lock and without waiting.
NOT_KEPT = "not-kept"
# A render holds the lock at most this long (gunicorn stops a request after 30 s).
LOCK_SECONDS = 30
# How long a visitor waits for a page another process is rendering and that has no older copy,
# before rendering it too; and how often it looks.
WAIT_SECONDS = 10.0
WAIT_STEP_SECONDS = 0.025
# A stale copy is kept this many times the freshness limit, to be served while the page is
# rendered again; beyond that, a page nobody asked for is rendered anew.
KEEP_STALE_FACTOR = 2
# The tables a statement reads or writes: Django quotes every table name on SQLite and
# PostgreSQL alike.
_TABLE_IN_SQL = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"', re.IGNORECASE)
_TABLE_WRITTEN = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE
)
# Paths that are never kept, whoever asks: the back office, the API (keys, its own headers),
# static and uploaded files (served elsewhere).
NEVER_PREFIXES = ("/beheer/", "/api/", settings.STATIC_URL, settings.MEDIA_URL)
# Apps whose pages are never kept, even if they look anonymous and cookie-free.
NEVER_APPS = {"admin", "accounts"}
# What the public site and its feeds and open data are served as. PDFs and spreadsheets are
# large and rarely asked for; they are left out.
KEPT_TYPES = {
    "text/html",
    "text/calendar",
    "text/csv",
    "application/atom+xml",
    "application/rss+xml",
    "application/json",
    "application/ld+json",
    "application/csvm+json",
}
# Request headers the key covers, so a response may vary on these and nothing else.
KEYED_VARY = {"cookie", "accept-language", "hx-request"}
MAX_BYTES = 8 * 1024 * 1024
_COMMA = re.compile(r"\s*,\s*")

# Models written on every request or by background bookkeeping, and never shown on a public
# page: with these watched the generation would move all the time and nothing would be kept.
UNWATCHED = {
    "audit.AuditRecord",
    "monitor.ImportRun",  # progress counters, written while an import runs
    "proposals.DigestSubscription",  # last_sent_at, by the daily digest
    "accounts.ApiToken",  # last use of a key
}


def seconds() -> int:
    return int(getattr(settings, "REGIOAGENDA_PAGE_CACHE_SECONDS", 0))


def delay_seconds() -> float:
    return float(getattr(settings, "REGIOAGENDA_PAGE_CACHE_DELAY_SECONDS", 0))


def _now() -> float:
    return time.time()


# --- invalidation ---------------------------------------------------------------------------


def bump_generation(*tables: str) -> None:
    """Make the kept pages that read `tables` stale (every kept page, without `tables`).

    Called for every write to a watched table (`_note_writes`), and by hand without tables
    after loading a region, restoring a backup or erasing a person. Bumps at once (so the
    writing process, and tests, see the change) and again when the transaction commits: a page
    another process rendered from the old rows meanwhile was kept under the first new
    generation, and must not outlive the commit."""
    if not seconds():
        return
    keys = tuple(TABLE_GENERATION_PREFIX + table for table in tables) or (GENERATION_KEY,)
    _bump(keys)
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        isinstance(callback, functools.partial) and callback.args == (keys,)
        for _ids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(functools.partial(_bump, keys), robust=True)


def _bump(keys: tuple[str, ...]) -> None:
    for key in keys:
        try:
            try:
                cache.incr(key)
            except ValueError:
                # No generation yet, or it was evicted: start from the clock, never from a
                # number that an older kept page may carry.
                cache.add(key, time.time_ns(), None)
        except Exception:
            # A cache that cannot be reached must not stop a write; pages then expire by time.
            logger.exception("Page cache: could not move the generation on")


def _note_writes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """Move on the generation of every table a statement writes.

    At the level of SQL, so that bulk writes, `update()`, fast deletes and raw statements are
    seen as well as model saves, and without model signals (a delete signal would turn off
    Django's fast deletes)."""
    result = execute(sql, params, many, context)
    written = _TABLE_WRITTEN.match(sql)
    if written and written.group(1) in _watched_tables():
        bump_generation(written.group(1))
    return result


def _install(connection: Any, **kwargs: Any) -> None:
    if _note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _note_writes)


def watch_models() -> None:
    """Watch every write to the tables of the project's own models (but the unwatched ones);
    called at start-up when the page cache is on."""
    for open_connection in connections.all(initialized_only=True):
        _install(open_connection)
    connection_created.connect(_install, dispatch_uid="page-cache-writes")


def unwatch_models() -> None:
    connection_created.disconnect(dispatch_uid="page-cache-writes")
    for open_connection in connections.all(initialized_only=True):
        if _note_writes in open_connection.execute_wrappers:
            open_connection.execute_wrappers.remove(_note_writes)


def _watched_models() -> list[type[Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("regioagenda.")
        for model in config.get_models(include_auto_created=True)
        if model._meta.label not in UNWATCHED and not model._meta.proxy
    ]


@functools.cache
def _watched_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in _watched_models())


# --- the middleware -------------------------------------------------------------------------


def _may_look_up(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.path.startswith(NEVER_PREFIXES):
        return False
    cookies = request.COOKIES
    has_session = settings.SESSION_COOKIE_NAME in cookies
    # Without a session cookie the visitor is anonymous; reading request.user would load an
    # empty session for nothing.
    if has_session and request.user.is_authenticated:
        return False
    # A message waiting to be shown makes the page personal for this one request.
    return not ((has_session or "messages" in cookies) and len(get_messages(request)))


def _key(request: HttpRequest) -> str:
    parts = [
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        release(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return KEY_PREFIX + digest


def _may_keep(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.get("Content-Type", "").split(";")[0].strip() not in KEPT_TYPES:
        return False
    if len(response.content) > MAX_BYTES:  # type: ignore[attr-defined]  # not streaming
        return False
    cache_control = {
        word.split("=")[0].strip().lower()
        for word in _COMMA.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {word.strip().lower() for word in _COMMA.split(response.get("Vary", "")) if word}
    if not vary <= KEYED_VARY:
        return False
    # A view that set its own policy may have put this request's nonce in it.
    if "Content-Security-Policy" in response or "Content-Security-Policy-Report-Only" in response:
        return False
    meta = request.META
    if meta.get("CSRF_COOKIE_NEEDS_UPDATE") or meta.get("CSRF_COOKIE_USED"):
        return False  # the page holds a CSRF token of this visitor
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False  # the visitor is about to get a session cookie
    if len(get_messages(request)):
        return False
    match = request.resolver_match
    # Token links (confirming or changing one's own event) are personal without a sign-in.
    return not (match is None or NEVER_APPS & set(match.app_names) or "token" in match.kwargs)


class PageCacheMiddleware:
    """Serve kept pages to anonymous visitors; keep the pages that are the same for all.

    Sits after the CSP middleware, so that the security headers (CSP with a fresh nonce,
    nosniff, referrer policy, HSTS, frame options) and the session's and language's Vary
    headers are added to kept pages on every hit as they are to fresh ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        timeout = seconds()
        if not timeout:
            return self.get_response(request)
        if not _may_look_up(request):
            response = self.get_response(request)
            user = getattr(request, "_cached_user", None)  # only if the request read it
            if user is not None and user.is_authenticated and "Cache-Control" not in response:
                # Signed-in pages are personal: no shared cache may keep them.
                patch_cache_control(response, private=True)
            return response

        key = _key(request)
        lock = LOCK_PREFIX + key.removeprefix(KEY_PREFIX)
        try:
            found = cache.get_many([key, *_generation_keys()])
            if found.get(GENERATION_KEY) is None:
                cache.add(GENERATION_KEY, time.time_ns(), None)
                found[GENERATION_KEY] = cache.get(GENERATION_KEY)
            kept = found.pop(key, None)
            entry = kept if isinstance(kept, Entry) else None
            if entry is not None and _servable(entry, found, timeout):
                return _replay(request, entry, "hit")
            # Missing or stale: one process renders it, the others serve the copy it replaces
            # or wait for it. A page that was not kept last time is rendered by whoever asks.
            locked = kept == NOT_KEPT or cache.add(lock, 1, LOCK_SECONDS)
            if not locked:
                if entry is not None and found.get(GENERATION_KEY) == entry.generations.get(
                    GENERATION_KEY
                ):
                    return _replay(request, entry, "stale")
                if entry is None and (fresh := _wait_for(key, lock)) is not None:
                    return _replay(request, fresh, "hit")
        except Exception:
            logger.exception("Page cache: could not be read")
            return self.get_response(request)

        tables: set[str] = set()
        try:
            with connection.execute_wrapper(functools.partial(_note_tables, tables)):
                response = self.get_response(request)
            if found[GENERATION_KEY] is not None and _may_keep(request, response):
                # The generations from before the rendering: a write meanwhile makes it stale.
                seen = {GENERATION_KEY: found[GENERATION_KEY]}
                for table in tables:
                    name = TABLE_GENERATION_PREFIX + table
                    seen[name] = found.get(name)
                _keep(request, response, key, seen, timeout)
            else:
                _remember_not_kept(key, timeout)
        finally:
            if locked and kept != NOT_KEPT:
                _unlock(lock)
        return response


def _servable(entry: "Entry", generations: dict[str, Any], timeout: int) -> bool:
    """Whether a kept page may be served as it is: younger than its freshness limit, nothing
    made everything stale, and the tables it read unchanged, or changed within the delay."""
    age = _now() - entry.kept_at
    if age >= entry.fresh_seconds or age >= timeout:
        return False
    if generations.get(GENERATION_KEY) != entry.generations.get(GENERATION_KEY):
        return False
    if age < delay_seconds():
        return True
    return all(generations.get(name) == seen for name, seen in entry.generations.items())


def _wait_for(key: str, lock: str) -> "Entry | None":
    """The page another process is rendering, once it is kept; None if that process ends
    without keeping it or takes longer than WAIT_SECONDS (then this one renders it too)."""
    deadline = _now() + WAIT_SECONDS
    while _now() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        found = cache.get_many([key, lock])
        if isinstance(found.get(key), Entry):
            return found[key]
        if lock not in found:
            return None
    return None


def _unlock(lock: str) -> None:
    try:
        cache.delete(lock)
    except Exception:
        logger.exception("Page cache: could not release %s", lock)


def _remember_not_kept(key: str, timeout: int) -> None:
    try:
        cache.add(key, NOT_KEPT, timeout)  # never in place of a kept copy
    except Exception:
        logger.exception("Page cache: could not note %s", key)


def _note_tables(
    tables: set[str], execute: Any, sql: str, params: Any, many: bool, context: Any
) -> Any:
    tables.update(_TABLE_IN_SQL.findall(sql))
    return execute(sql, params, many, context)


def _generation_keys() -> tuple[str, ...]:
    return (GENERATION_KEY, *(TABLE_GENERATION_PREFIX + table for table in _sorted_tables()))


@functools.cache
def _sorted_tables() -> tuple[str, ...]:
    return tuple(sorted(_watched_tables()))


class Entry(NamedTuple):
    """A kept page, with the generations it was rendered from."""

    generations: dict[str, Any]
    kept_at: float
    # Between half the limit and the limit, differing per page, so that pages kept together
    # (after a deploy) are not renewed together, and less so at each renewal.
    fresh_seconds: float
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    nonce: str


def _keep(
    request: HttpRequest,
    response: HttpResponseBase,
    key: str,
    generations: dict[str, Any],
    timeout: int,
) -> None:
    # Vary: Cookie always, also when this render did not read the session: a hit never reads
    # it either, and a shared cache must not give this page to someone signed in.
    patch_vary_headers(response, ("Cookie",))
    if "Cache-Control" not in response:
        # Browsers and proxies ask again each time; only this server keeps the page.
        patch_cache_control(response, max_age=0, must_revalidate=True)
    nonce = getattr(request, "_csp_nonce", None)
    entry = Entry(
        generations=generations,
        kept_at=_now(),
        fresh_seconds=timeout * random.uniform(0.5, 1.0),  # noqa: S311  # nosec B311: a spread
        status=response.status_code,
        headers=list(response.headers.items()),
        content=response.content,  # type: ignore[attr-defined]  # not streaming
        nonce=str(nonce) if nonce else "",  # LazyNonce is true only once generated
    )
    try:
        cache.set(key, entry, timeout * KEEP_STALE_FACTOR)
    except Exception:
        logger.exception("Page cache: could not keep %s", request.path)


def _replay(request: HttpRequest, entry: Entry, how: str) -> HttpResponse:
    content = entry.content
    if entry.nonce:
        # Reading the request's nonce generates it, so the CSP middleware puts it in the header.
        content = content.replace(entry.nonce.encode(), str(request._csp_nonce).encode())  # type: ignore[attr-defined]  # set by the CSP middleware
    response = HttpResponse(content, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    response["X-Cache"] = how
    return response


_SKIPPED = {"tests", "data", "static", "__pycache__", ".venv"}


@functools.cache
def release() -> str:
    """A digest of the code and templates that render the pages, part of every key: after a
    deploy no page of the previous release (with its static file names) is served."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".txt", ".mo"} and not _SKIPPED & set(path.parts):
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]
