"""Watchers over the whole test run: secrets in logs, stack traces and headers in responses.

One session fixture (autouse) collects, in each test process:
- every log record that reaches the root logger, formatted with its exception text;
- every secret the run creates: passwords set or tried, API keys issued or presented, session
  keys made, Authorization headers sent;
- every response that Django's request handler produces (test client, live server, WSGI
  calls alike) with a stack trace, a debug page, or HTML without the security headers.
At the end of the run it fails (as an error in the teardown of the process's last test, which
pytest-xdist reports like any other) with what leaked or which responses were wrong.

Views called straight from a RequestFactory, without the handler, are not seen: they skip the
middleware that sets the headers anyway.
"""

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import base_user
from django.contrib.auth import models as auth_models
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.core.handlers.base import BaseHandler
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpRequest, HttpResponseBase
from django.test import Client

from regioagenda.accounts import tokens
from regioagenda.audit import guards

# Shorter strings are too likely to turn up in a log line by chance.
# Passwords here are at least 12 characters (settings); shorter strings are words, not secrets.
MIN_SECRET_LENGTH = 12
# Our API keys are 43 characters (accounts/tokens.py); anything much shorter is no key.
KEY_LIKE_LENGTH = 32

DEBUG_PAGE_MARKERS = (
    "Traceback (most recent call last)",
    "<code>DEBUG = True</code>",
    "Django tried these URL patterns",
)
STRICT_REFERRER_POLICIES = {
    "same-origin",
    "no-referrer",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
_CREDENTIAL_PATTERNS = (
    re.compile(r"(?i)authorization['\"]?\s*[:=]\s*['\"]?(?!\[verborgen\])\S+"),
    re.compile(r"(?i)\b(?:bearer|token)\s+[A-Za-z0-9._~+/=-]{16,}"),
)


@dataclass
class Watch:
    secrets: set[str] = field(default_factory=set)
    log_lines: list[str] = field(default_factory=list)
    response_problems: list[str] = field(default_factory=list)

    def keep_secret(self, value: Any) -> None:
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.add(value)


class _Capture(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(level=logging.NOTSET)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is shown as such
            self.lines.append(f"{record.name}: unformattable record {record.msg!r}")


def leaks_in(lines: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """What each log line gives away: a collected secret, or a credential by its shape."""
    found = []
    secrets = sorted(secrets)
    for line in lines:
        for secret in secrets:
            if secret in line:
                found.append(f"secret {secret[:3]}… in log line: {line[:300]}")
        if any(pattern.search(line) for pattern in _CREDENTIAL_PATTERNS):
            found.append(f"credential in log line: {line[:300]}")
    return found


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = [word.lower() for word in words[1:]]
    return parsed


def problems_of(response: HttpResponseBase, path: str = "") -> list[str]:
    """What is wrong with one response: a stack trace or debug page in it, or, for an HTML page,
    a missing or weak Content-Security-Policy, nosniff or Referrer-Policy."""
    where = f"{response.status_code} {path}"
    problems = []
    if not response.streaming:
        body = response.content.decode(errors="replace")  # type: ignore[attr-defined]
        problems += [
            f"{where}: body contains {marker!r}" for marker in DEBUG_PAGE_MARKERS if marker in body
        ]
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("text/html") or 300 <= response.status_code < 400:
        return problems
    policy = _directives(response.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None:
        problems.append(f"{where}: no script-src in the Content-Security-Policy")
    elif "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        problems.append(f"{where}: script-src allows {' '.join(scripts)}")
    for directive in ("frame-ancestors", "object-src"):
        if policy.get(directive) != ["'none'"]:
            problems.append(f"{where}: {directive} is not 'none' but {policy.get(directive)}")
    if response.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append(f"{where}: X-Content-Type-Options is not nosniff")
    referrer = [value.strip() for value in response.get("Referrer-Policy", "").split(",")]
    if not referrer or not set(referrer) <= STRICT_REFERRER_POLICIES:
        problems.append(f"{where}: Referrer-Policy {response.get('Referrer-Policy')!r}")
    return problems


def _flush_past_triggers(original: Callable[..., None]) -> Callable[..., None]:
    # Transactional tests empty every table after each test; the audit table's triggers refuse
    # that, as they should anywhere but here.
    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        if not any(guards.TABLE in sql for sql in sql_list):
            original(self, sql_list)
            return
        guards.remove(self.connection)
        try:
            original(self, sql_list)
        finally:
            guards.install(self.connection)

    return execute_sql_flush


@pytest.fixture(scope="session", autouse=True)
def watch_logs_and_responses() -> Iterator[Watch]:
    watch = Watch()
    capture = _Capture(watch.log_lines)
    root = logging.getLogger()
    root.addHandler(capture)

    make_password = base_user.make_password  # type: ignore[attr-defined]  # imported there, unexported
    authenticate = ModelBackend.authenticate
    hash_key = tokens._hash
    new_session_key = SessionBase._get_new_session_key  # type: ignore[attr-defined]  # private
    get_response = BaseHandler.get_response
    client_init = Client.__init__

    def watched_make_password(password: str | None, *args: Any, **kwargs: Any) -> str:
        # User.set_password and UserManager.create_user both hash through here.
        watch.keep_secret(password)
        return make_password(password, *args, **kwargs)

    def watched_authenticate(self: ModelBackend, request: Any, *args: Any, **kwargs: Any) -> Any:
        watch.keep_secret(kwargs.get("password"))
        return authenticate(self, request, *args, **kwargs)

    def watched_hash(key: str) -> str:
        # Every key issued or presented passes through here.
        watch.keep_secret(key)
        return hash_key(key)

    def watched_new_session_key(self: SessionBase) -> str:
        key = new_session_key(self)
        watch.keep_secret(key)
        return key

    def watched_get_response(self: BaseHandler, request: HttpRequest) -> HttpResponseBase:
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        watch.keep_secret(authorization)
        # The credential alone only when it could be a key: fuzzing sends words it read in
        # responses ("Bearer samenvatting"), which then rightly appear in logged paths.
        credential = authorization.partition(" ")[2]
        if len(credential) >= KEY_LIKE_LENGTH:
            watch.keep_secret(credential)
        response = get_response(self, request)
        watch.response_problems += problems_of(response, request.path)
        return response

    def watched_client_init(self: Client, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("raise_request_exception") is False:
            watch.response_problems.append(
                "a test client hides the views' exceptions (raise_request_exception=False)"
            )
        client_init(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(base_user, "make_password", watched_make_password)
        patch.setattr(auth_models, "make_password", watched_make_password)
        patch.setattr(ModelBackend, "authenticate", watched_authenticate)
        patch.setattr(tokens, "_hash", watched_hash)
        patch.setattr(SessionBase, "_get_new_session_key", watched_new_session_key)
        patch.setattr(BaseHandler, "get_response", watched_get_response)
        patch.setattr(Client, "__init__", watched_client_init)
        patch.setattr(
            BaseDatabaseOperations,
            "execute_sql_flush",
            _flush_past_triggers(BaseDatabaseOperations.execute_sql_flush),
        )
        yield watch
    root.removeHandler(capture)
    fail_on_problems(watch)


def fail_on_problems(watch: Watch) -> None:
    problems = list(
        dict.fromkeys(leaks_in(watch.log_lines, watch.secrets) + watch.response_problems)
    )
    if problems:
        shown = "\n".join(f"  - {problem}" for problem in problems)
        pytest.fail(
            f"Over the whole run, {len(problems)} problems with logs or responses:\n{shown}",
            pytrace=False,
        )
