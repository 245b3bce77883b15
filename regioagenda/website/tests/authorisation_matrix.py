"""The machinery of the authorisation matrix: enumerate routes and operations, build their URLs,
call them as each role and judge the answers. The tests themselves are in
test_authorisation_matrix.py and test_mass_assignment.py."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.api.urls import api
from regioagenda.website.tests.authorisation_table import (
    ADMINISTRATOR,
    COORDINATOR,
    EDITOR,
    LOGIN,
    PUBLIC,
    SECRET,
    STAFF,
    STAFF_OWN,
)
from regioagenda.website.tests.authorisation_world import (
    MARKERS,
    ROLES,
    STAFF_ROLES,
    World,
)

API_PREFIX = "/api/v1"
LOGIN_PATHS = ("/inloggen/", "/beheer/login/")


def routes() -> dict[str, set[str]]:
    """Every named page route (not the admin's, not the API's) with the names of its arguments."""

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, set[str]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin",) or str(pattern.pattern).startswith("api/"):
                    continue
                inner = pattern.namespace
                spaced = (
                    ":".join(part for part in (namespace, inner) if part) if inner else namespace
                )
                yield from walk(pattern.url_patterns, spaced)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield name, set(getattr(pattern.pattern, "converters", {}))

    found: dict[str, set[str]] = {}
    for name, arguments in walk(get_resolver().url_patterns, None):
        found.setdefault(name, set()).update(arguments)
    return found


def operations() -> dict[str, dict[str, Any]]:
    """Every API operation by "METHOD path", as the OpenAPI spec lists it."""
    schema = api.get_openapi_schema(path_prefix="")
    return {
        f"{method.upper()} {path}": operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def sides_for(target: str | None, world: World) -> dict[str, dict[str, Any]]:
    if target is None:
        return {"R": {}}
    return world.targets[target]


def allowed(permission: str, side: str, role: str) -> bool:
    """Whether the permission class admits the role to an object on this side."""
    if permission == PUBLIC:
        return True
    if permission == LOGIN:
        return role != "visitor"
    if permission == SECRET:
        return False
    if side == "X" or permission == ADMINISTRATOR:
        return role == "administrator"
    if permission == STAFF:
        return role in STAFF_ROLES
    if permission == EDITOR:
        return role in ("editor_a", "editor_b")
    if permission == COORDINATOR:
        return role in ("coordinator", "administrator")
    assert permission == STAFF_OWN, permission
    own = {"A": "editor_a", "B": "editor_b"}.get(side)
    return role in ("coordinator", "administrator") or role == own


def succeeded(response: HttpResponseBase) -> bool:
    """A 2xx, or a redirect anywhere but to a login page (a form's "done" redirect)."""
    if 200 <= response.status_code < 300:
        return True
    if 300 <= response.status_code < 400:
        return not response.get("Location", "").split("?")[0].endswith(LOGIN_PATHS)
    return False


def body_of(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    return content.decode("utf-8", errors="replace")


@dataclass
class Findings:
    """What the matrix saw: failures fail the test; refusals of allowed roles are reported."""

    unexpected: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    requests: int = 0

    def report(self) -> str:
        lines = [f"{self.requests} requests"]
        for title, rows in (
            ("Unexpected successes", self.unexpected),
            ("Non-public rows of Leiden shown to a role without rights", self.leaks),
        ):
            if rows:
                lines.append(f"{title} ({len(rows)}):")
                lines.extend(f"  {row}" for row in rows)
        return "\n".join(lines)

    def check_markers(self, role: str, label: str, response: HttpResponseBase) -> None:
        if role in ("coordinator", "administrator"):
            return
        text = body_of(response)
        for marker, seers in MARKERS.items():
            if role not in seers and marker in text:
                self.leaks.append(f"{label} as {role}: shows {marker}")


# Rows that change on every request whatever the view does (sessions, the audit trail, the
# last-seen note, a token's last use, queued tasks): not evidence of a write by the view.
NOISY_PREFIXES = ("django_session", "auditlog_", "audit_", "django_tasks", "accounts_")
NOISY_KEPT = ("accounts_membership",)


def fingerprint_query() -> str:
    parts = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table.startswith(NOISY_PREFIXES) and table not in NOISY_KEPT:
            continue
        quoted = connection.ops.quote_name(table)
        # Table and column names come from the models, not from input.
        parts.append(f"(SELECT COUNT(*) FROM {quoted})")  # noqa: S608
        names = {f.column for f in model._meta.concrete_fields}
        for column in ("updated_at", "version"):
            if column in names:
                function = "MAX" if column == "updated_at" else "SUM"
                column_name = connection.ops.quote_name(column)
                parts.append(f"(SELECT {function}({column_name}) FROM {quoted})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def fingerprint(query: str) -> tuple[Any, ...]:
    """Row counts and last changes of every table, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(query)
        return tuple(cursor.fetchone())


def clients(world: World) -> dict[str, Client]:
    """A client per role, signed in once (force_login passes the second factor)."""
    found: dict[str, Client] = {}
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        found[role] = client
    return found


def tokens(world: World) -> dict[str, str]:
    """An API key per signed-in role, for all of the user's memberships."""
    issuer = with_second_factor(world.users["administrator"])
    expires = timezone.now() + datetime.timedelta(days=7)
    found: dict[str, str] = {}
    for role in ROLES:
        user = world.users[role]
        if user is None:
            continue
        memberships = list(Membership.objects.filter(user=user))
        _, key = issue_token(
            with_second_factor(user),
            name="matrix",
            memberships=memberships,
            expires_at=expires,
            by=issuer,
        )
        found[role] = key
    return found


def page_url(name: str, arguments: set[str], params: dict[str, Any]) -> str:
    return reverse(name, kwargs={key: params[key] for key in arguments})


def api_url(path: str, params: dict[str, Any]) -> str:
    return API_PREFIX + path.format(**params)


def user_of(world: World, role: str) -> User | None:
    return world.users[role]
