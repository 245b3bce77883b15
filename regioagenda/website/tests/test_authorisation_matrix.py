"""Every page, API operation and admin screen, for every role, on an object of their own
municipality and of another: zero unexpected successes, and no non-public row of Leiden in any
response to a role without rights to it (issue 8, item 1).

The permissions are declared in authorisation_table.py; a route or operation missing there fails
the first test (default deny: declare it). Refusals of a role the table admits are not failures
(a form may need data the empty request lacks) but are printed with `-s`.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client

from regioagenda.website.tests.authorisation_matrix import (
    Findings,
    allowed,
    api_url,
    body_of,
    clients,
    fingerprint,
    fingerprint_query,
    operations,
    page_url,
    routes,
    sides_for,
    succeeded,
    tokens,
)
from regioagenda.website.tests.authorisation_table import API, PERMISSIONS, PUBLIC, ROUTES
from regioagenda.website.tests.authorisation_world import (
    CLOSED_MEETING,
    DRAFT_PROPOSAL,
    MARKERS,
    ROLES,
    UNPUBLISHED_EVENT,
    UNPUBLISHED_INITIATIVE,
    World,
    build_world,
)

# Public files that cost seconds to render and whose compressed content no marker search can
# read; each shows the rows of an HTML page the matrix does read (the reports, the action list).
UNREAD = {"agenda:report_pdf", "monitor:report_pdf"}
HEAVY = {"agenda:export_ods", "agenda:export_xlsx"}
HEAVY_ROLES = ("visitor",)
# Anyone may read a public page: only what it shows can be wrong, so the roles without rights to
# Leiden's non-public rows read it.
OUTSIDERS = ("visitor", "partner", "editor_b", "council_a")


def roles_for(name: str, permission: str) -> tuple[str, ...]:
    if name in HEAVY:
        return HEAVY_ROLES
    return OUTSIDERS if permission == PUBLIC else ROLES


@pytest.fixture
def world(leidse_regio, kustregio, settings) -> Iterator[World]:
    settings.REGION_SLUG = leidse_regio.slug
    # Thousands of refusals would each log a warning with a traceback.
    quiet = logging.getLogger("django.request"), logging.getLogger("django.security")
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    yield build_world(leidse_regio, kustregio)
    for logger, level in zip(quiet, levels, strict=True):
        logger.setLevel(level)


def test_every_route_and_operation_declares_its_permission():
    found_routes = set(routes())
    found_operations = set(operations())
    undeclared = sorted(found_routes - set(ROUTES)) + sorted(found_operations - set(API))
    stale = sorted(set(ROUTES) - found_routes) + sorted(set(API) - found_operations)
    assert not undeclared, "Default deny: declare these in authorisation_table.py: " + ", ".join(
        undeclared
    )
    assert not stale, "These entries name routes that no longer exist: " + ", ".join(stale)
    unknown = [
        name for name, entry in {**ROUTES, **API}.items() if entry.permission not in PERMISSIONS
    ]
    assert not unknown, "Unknown permission classes: " + ", ".join(unknown)


def test_pages_admit_only_the_roles_their_permission_names(world: World):
    started = time.monotonic()
    findings = Findings()
    by_role = clients(world)
    query = fingerprint_query()
    arguments = routes()
    spent: Counter[str] = Counter()
    for name, entry in sorted(ROUTES.items()):
        if name in UNREAD:
            continue
        route_started = time.monotonic()
        for side, params in sides_for(entry.target, world).items():
            if side == "X":
                continue  # the site shows one region; other regions are the API's
            url = page_url(name, arguments[name], params)
            label = f"GET {url} ({name}, {entry.permission}, side {side})"
            for role in roles_for(name, entry.permission):
                response = by_role[role].get(url)
                findings.requests += 1
                _judge(findings, label, role, allowed(entry.permission, side, role), response)
            if not entry.writes:
                continue
            # Only refused roles post: a post by an admitted role only meets the validation.
            refused = [role for role in ROLES if not allowed(entry.permission, side, role)]
            label = f"POST {url} ({name}, {entry.permission}, side {side})"
            before = fingerprint(query)
            for role in refused:
                response = by_role[role].post(url, {})
                findings.requests += 1
                _judge(findings, label, role, False, response)
            if fingerprint(query) != before:
                findings.unexpected.append(f"{label} as one of {refused}: changed the database")
        spent[name] = time.monotonic() - route_started
    print("\nslowest routes:", ", ".join(f"{n} {t:.1f}s" for n, t in spent.most_common(12)))
    marked = [
        (marker, page_url(name, set(kwargs), kwargs), name, own)
        for marker, name, kwargs, own in world.marker_pages
    ]
    _visit_marked_rows(findings, by_role, marked)
    _print_refusals(findings, started)
    assert not (findings.unexpected or findings.leaks), findings.report()


def _visit_marked_rows(
    findings: Findings, by_role: dict[str, Client], marked: list[tuple[str, str, str, bool]]
) -> None:
    """Every role opens each marked row's own URL: no marker where the role may not see it, and
    no 200 for a non-public row of Leiden (`own`) to a role outside its marker's readers."""
    for marker, url, name, own in marked:
        label = f"GET {url} ({name})" if name else f"GET {url}"
        for role in ROLES:
            response = by_role[role].get(url)
            findings.requests += 1
            findings.check_markers(role, label, response)
            if own and role not in MARKERS[marker] and response.status_code == 200:
                findings.leaks.append(f"{label} as {role}: 200 for {marker}")


def test_api_operations_admit_only_the_roles_their_permission_names(world: World):
    started = time.monotonic()
    findings = Findings()
    by_role = clients(world)
    keys = tokens(world)
    query = fingerprint_query()
    # Reads first and deletions last, so that every operation finds its object.
    order = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}
    for operation, entry in sorted(API.items(), key=lambda item: order[item[0].split()[0]]):
        method, path = operation.split(" ", 1)
        for side, params in sides_for(entry.target, world).items():
            url = api_url(path, params)
            label = f"{method} {url} ({entry.permission}, side {side})"
            roles = OUTSIDERS if entry.permission == PUBLIC and method == "GET" else ROLES
            if entry.writes:
                # Only refused roles write: an admitted role's empty body only meets the
                # validation (and its deletion would take the object from the roles after it).
                roles = tuple(role for role in ROLES if not allowed(entry.permission, side, role))
                before = fingerprint(query)
            for role in roles:
                headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"} if role in keys else {}
                response = _call(by_role[role], method, url, headers)
                findings.requests += 1
                _judge(findings, label, role, allowed(entry.permission, side, role), response)
            if entry.writes and fingerprint(query) != before:
                findings.unexpected.append(f"{label} as one of {roles}: changed the database")
    _visit_marked_rows(findings, by_role, [(m, url, "", own) for m, url, own in world.marker_api])
    _print_refusals(findings, started)
    assert not (findings.unexpected or findings.leaks), findings.report()


def test_admin_hides_and_protects_leidens_rows_from_the_editor_of_oegstgeest(world: World):
    """Every registered ModelAdmin, as the editor of Oegstgeest: the changelist shows none of
    Leiden's non-public rows; the change, delete and history screens of a row of Leiden show
    nothing non-public and posting to them changes nothing."""
    started = time.monotonic()
    findings = Findings()
    client = clients(world)["editor_b"]
    query = fingerprint_query()
    leiden = world.leiden
    marked = {
        type(row): row
        for row in (
            world.objects["draft_proposal"],
            world.objects["draft_check"],
            world.objects["closed_meeting"],
            world.objects["hidden_event"],
        )
    }
    for model in admin.site._registry:
        opts = model._meta
        base = f"/beheer/{opts.app_label}/{opts.model_name}/"
        response = client.get(base)
        findings.requests += 1
        findings.check_markers("editor_b", f"GET {base}", response)
        row = marked.get(model) or _row_of(model, leiden.pk)
        if row is None:
            continue
        for suffix in ("change/", "history/", "delete/"):
            url = f"{base}{row.pk}/{suffix}"
            response = client.get(url)
            findings.requests += 1
            findings.check_markers("editor_b", f"GET {url}", response)
        for suffix, data in (("change/", {}), ("delete/", {"post": "yes"})):
            url = f"{base}{row.pk}/{suffix}"
            before = fingerprint(query)
            response = client.post(url, data)
            findings.requests += 1
            if fingerprint(query) != before:
                findings.unexpected.append(f"POST {url} as editor_b: changed the database")
            elif succeeded(response) and suffix == "delete/":
                findings.unexpected.append(f"POST {url} as editor_b: {response.status_code}")
    print(f"\nadmin: {findings.requests} requests in {time.monotonic() - started:.1f} s")
    assert not (findings.unexpected or findings.leaks), findings.report()


def test_the_matrix_sees_a_leak_and_a_missing_check(world: World, monkeypatch):
    """The matrix can fail: a proposal queryset that forgets to hide drafts, and a view whose
    rule lets everyone in, are both caught."""
    import rules

    from regioagenda.proposals.models import ProposalQuerySet

    monkeypatch.setattr(ProposalQuerySet, "visible_to", lambda self, user: self.all())
    monkeypatch.setattr(rules, "test_rule", lambda *args, **kwargs: True)
    findings = Findings()
    editor_b = clients(world)["editor_b"]
    findings.check_markers("editor_b", "GET /voorstellen/", editor_b.get("/voorstellen/"))
    url = page_url("agenda:action_edit", {"pk"}, world.targets["action"]["A"])
    _judge(findings, url, "editor_b", allowed("staff-own", "A", "editor_b"), editor_b.get(url))
    assert any(DRAFT_PROPOSAL in leak for leak in findings.leaks)
    assert findings.unexpected == [f"{url} as editor_b: 200"]
    assert {CLOSED_MEETING, UNPUBLISHED_EVENT, UNPUBLISHED_INITIATIVE} <= set(MARKERS)


def _row_of(model: type[Model], municipality_pk: int) -> Model | None:
    """A row of the model that belongs to Leiden, if the model has one."""
    names = {field.name for field in model._meta.get_fields()}
    if "municipality" in names:
        return model._default_manager.filter(municipality_id=municipality_pk).first()
    for relation, lookup in (
        ("proposal", "proposal__municipality_id"),
        ("lead", "lead_id"),
        ("organiser", "organiser_id"),
    ):
        if relation in names:
            try:
                return model._default_manager.filter(**{lookup: municipality_pk}).first()
            except (ValueError, TypeError):
                return None
    return None


def _call(client: Client, method: str, url: str, headers: dict[str, str]) -> Any:
    if method == "GET":
        return client.get(url, **headers)  # type: ignore[arg-type]
    call = getattr(client, method.lower())
    if method == "DELETE":
        return call(url, **headers)
    return call(url, "{}", content_type="application/json", **headers)


def _judge(findings: Findings, label: str, role: str, expected: bool, response: Any) -> None:
    if succeeded(response):
        if not expected:
            findings.unexpected.append(f"{label} as {role}: {response.status_code}")
    elif expected and response.status_code in (302, 401, 403, 404):
        findings.refused.append(f"{label} as {role}: {response.status_code}")
    if response.status_code >= 500:
        findings.unexpected.append(f"{label} as {role}: server error {response.status_code}")
    findings.check_markers(role, label, response)


def _print_refusals(findings: Findings, started: float) -> None:
    print(f"\n{findings.requests} requests in {time.monotonic() - started:.1f} s")
    for row in findings.refused:
        print(f"  refused although the table admits: {row}")


__all__ = ["body_of"]
