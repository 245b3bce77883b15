"""Posting fields a form or an API operation does not offer changes nothing (issue 8, item 2).

Each form is posted as a role that may use it, with the values the form itself shows (read from
its HTML, as a browser would send them) plus hostile extras: another municipality, another
region, staff and superuser flags, a published status, another owner. The post must succeed (so
the extras were really ignored, not refused with the whole form) and leave those attributes as
they were. API writes are checked the same way: GET the object, PUT it back with the extras.
"""

import importlib
import inspect
import json
import logging
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from regioagenda.events import submission as event_submission
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.initiatives import submission as initiative_submission
from regioagenda.initiatives.models import Initiative, InitiativeStatus
from regioagenda.proposals.models import Proposal
from regioagenda.website.tests.authorisation_matrix import API_PREFIX, clients, tokens
from regioagenda.website.tests.authorisation_world import World, build_world

# Attributes an extra field might try to set, on the row and on the acting user.
GUARDED = (
    "municipality_id",
    "region_id",
    "organiser_id",
    "lead_id",
    "owner_id",
    "created_by_id",
    "status",
    "moderation",
    "regional",
)


class _FormReader(HTMLParser):
    """The values a browser would post for each <form method="post"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, bool] | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select":
            self._select = (name, "multiple" in a)
            self._first_option, self._chosen = None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._form.setdefault(self._select[0], []).append(value)
                self._chosen = True
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple = self._select
            if not self._chosen and not multiple and self._first_option is not None:
                self._form[name] = [self._first_option]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form[self._textarea] = ["".join(self._text)]
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def form_values(html: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(html)
    assert reader.forms, "the page has no form to post"
    return max(reader.forms, key=len)


def hostile(world: World) -> dict[str, str]:
    other = world.oegstgeest
    admin_pk = str(world.users["administrator"].pk)  # type: ignore[union-attr]
    return {
        "municipality": str(other.pk),
        "municipality_id": str(other.pk),
        "region": str(world.other_region.pk),
        "region_id": str(world.other_region.pk),
        "is_staff": "on",
        "is_superuser": "on",
        "status": "gepubliceerd",
        "moderation": "gepubliceerd",
        "regional": "on",
        "owner": admin_pk,
        "created_by": admin_pk,
        "organiser": admin_pk,
    }


def guarded(row: Model) -> dict[str, Any]:
    return {name: getattr(row, name) for name in GUARDED if hasattr(row, name)}


@pytest.fixture
def world(leidse_regio, kustregio, settings) -> Iterator[World]:
    settings.REGION_SLUG = leidse_regio.slug
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield build_world(leidse_regio, kustregio)
    logger.setLevel(level)


def test_every_model_form_names_its_fields():
    """No ModelForm takes `__all__` or `exclude`: a new model field never becomes writable
    without someone choosing so."""
    loose = []
    for config in apps.get_app_configs():
        if not config.name.startswith("regioagenda."):
            continue
        for module_name in ("forms", "import_forms"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for name, value in inspect.getmembers(module, inspect.isclass):
                if not issubclass(value, forms.ModelForm) or value.__module__ != module.__name__:
                    continue
                meta = getattr(value, "Meta", None)
                if getattr(meta, "fields", None) in (None, "__all__") or getattr(
                    meta, "exclude", None
                ):
                    loose.append(f"{module.__name__}.{name}")
    assert not loose, "Declare the fields explicitly: " + ", ".join(loose)


def test_extra_fields_posted_to_edit_forms_change_nothing(world: World):
    by_role = clients(world)
    objects = world.objects
    partner = world.users["partner"]
    own_event = make_event(
        world.region,
        title="Evenement van de vereniging",
        municipality=world.leiden,
        organiser=partner,
        moderation=Event.Moderation.PENDING,
    )
    cases: list[tuple[str, str, dict[str, Any], Model]] = [
        (
            "agenda:action_edit",
            "editor_a",
            {"pk": objects["actions"]["A"].pk},
            objects["actions"]["A"],
        ),
        (
            "proposals:edit",
            "editor_a",
            {"pk": objects["proposals"]["A"].pk},
            objects["proposals"]["A"],
        ),
        (
            "meetings:edit",
            "editor_a",
            {"pk": objects["meetings"]["A"].pk},
            objects["meetings"]["A"],
        ),
        (
            "meetings:edit_item",
            "editor_a",
            {"pk": objects["meetings"]["A"].pk, "item_pk": objects["items"]["A"].pk},
            objects["items"]["A"],
        ),
        ("website:municipality_edit", "editor_a", {"slug": world.leiden.slug}, world.leiden),
        (
            "registry:budget_edit",
            "coordinator",
            {"pk": objects["budget_request"].pk},
            objects["budget_request"],
        ),
        # An organiser may not publish their own event nor mark it regional.
        ("events:edit", "partner", {"pk": own_event.pk}, own_event),
    ]
    extras = hostile(world)
    problems = []
    for name, role, kwargs, row in cases:
        client = by_role[role]
        url = reverse(name, kwargs=kwargs)
        values = form_values(client.get(url).content.decode())
        before = guarded(type(row)._default_manager.get(pk=row.pk))
        user = world.users[role]
        data = {**values, **{key: value for key, value in extras.items() if key not in values}}
        response = client.post(url, data)
        row.refresh_from_db()
        if response.status_code != 302:
            problems.append(
                f"{name} as {role}: the form refused its own values ({response.status_code})"
            )
        if guarded(row) != before:
            problems.append(f"{name} as {role}: {before} became {guarded(row)}")
        if user is not None:
            user.refresh_from_db()
            if user.is_superuser or (role == "partner" and user.is_staff):
                problems.append(f"{name} as {role}: the user's privileges changed")
    assert not problems, "\n".join(problems)


def test_extra_fields_posted_to_submission_forms_change_nothing(world: World):
    """Forms that create a row: the visitor's event and initiative wait for moderation, and an
    editor of Leiden cannot register a proposal for Oegstgeest."""
    visitor = Client()
    extras = hostile(world)
    problems = []
    a_minute_ago = time.time() - 60
    filled = {
        "events:submit": {
            "title": "Herfstmarkt",
            "start_date": "2026-12-12",
            "start_time": "10:00",
            "end_date": "2026-12-12",
            "end_time": "17:00",
            "venue": "Stadsgehoorzaal",
            "municipality": str(world.leiden.pk),
            "organiser_name": "Marktvereniging",
            "organiser_email": "markt@example.org",
            event_submission.FORM_STAMP: event_submission.form_stamp(at=a_minute_ago),
        },
        "initiatives:submit": {
            "title": "Een wipwapje in het park",
            "description": "Het oude wipwapje is kapot. Kinderen spelen nu op straat.",
            "submitter_kind": "inwoner",
            "submitter_name": "Anna de Vries",
            "submitter_email": "anna@example.org",
            initiative_submission.FORM_STAMP: initiative_submission.form_stamp(at=a_minute_ago),
        },
    }
    for name, model, check in (
        ("events:submit", Event, lambda e: e.moderation != Event.Moderation.PUBLISHED),
        ("initiatives:submit", Initiative, lambda i: i.status == InitiativeStatus.SUBMITTED),
    ):
        url = reverse(name)
        values = form_values(visitor.get(url).content.decode())
        newest = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        response = visitor.post(url, {**values, **filled[name], **extras})
        created = model._default_manager.filter(pk__gt=newest or 0)
        if not created.exists():
            problems.append(f"{name}: refused a valid post with extras ({response.status_code})")
        for row in created:
            if not check(row) or getattr(row, "region_id", None) != world.region.pk:
                problems.append(f"{name}: created {guarded(row)}")

    editor = clients(world)["editor_a"]
    url = reverse("proposals:create")
    values = form_values(editor.get(url).content.decode())
    values.update(
        {
            "number": ["RV MASSA-1"],
            "title": ["Voorstel met extra velden"],
            "date": ["2026-11-01"],
            "municipality": [str(world.oegstgeest.pk)],
        }
    )
    editor.post(url, {**extras, **values})
    if Proposal.objects.filter(number="RV MASSA-1", municipality=world.oegstgeest).exists():
        problems.append("proposals:create: the editor of Leiden registered one for Oegstgeest")
    assert not problems, "\n".join(problems)


def test_extra_fields_sent_to_api_writes_change_nothing(world: World):
    """Every PUT of the API: the object as GET returns it, with hostile extras, sent back by a
    role that may write it."""
    from regioagenda.website.tests.authorisation_table import API

    keys = tokens(world)
    client = Client()
    extras = {
        "municipality": world.oegstgeest.code,
        "municipality_id": world.oegstgeest.pk,
        "region": world.other_region.slug,
        "region_id": world.other_region.pk,
        "is_staff": True,
        "is_superuser": True,
        "status": "gepubliceerd",
        "moderation": "gepubliceerd",
        "owner": world.users["administrator"].pk,  # type: ignore[union-attr]
        "created_by": world.users["administrator"].pk,  # type: ignore[union-attr]
    }
    models = {
        "action": ("agenda", "Action"),
        "proposal": ("proposals", "Proposal"),
        "event": ("events", "Event"),
        "competence": ("competences", "Competence"),
    }
    problems, exercised = [], 0
    for operation, entry in API.items():
        method, path = operation.split(" ", 1)
        # Objects that GET returns and PUT takes back (not the check's draft, which has no GET).
        if method != "PUT" or entry.target not in models or f"GET {path}" not in API:
            continue
        params = world.targets[entry.target]["A"]
        url = API_PREFIX + path.format(**params)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys['editor_a']}"}
        current = client.get(url, **headers)  # type: ignore[arg-type]
        assert current.status_code == 200, f"GET {url}: {current.status_code}"
        body = _as_input(current.json())
        model = apps.get_model(*models[entry.target])
        pk = params.get("id") or params.get("pk")
        before = guarded(model._default_manager.get(pk=pk))
        sent = {**body, **{key: value for key, value in extras.items() if key not in body}}
        response = client.put(url, json.dumps(sent), content_type="application/json", **headers)  # type: ignore[arg-type]
        after = guarded(model._default_manager.get(pk=pk))
        if 200 <= response.status_code < 300:
            exercised += 1
        else:
            problems.append(f"PUT {url}: refused its own GET with extras: {response.content!r}")
        if after != before:
            problems.append(f"PUT {url}: {before} became {after}")
    assert exercised, "no API write was exercised"
    assert not problems, "\n".join(problems)


def _as_input(value: Any) -> Any:
    """A GET body as a PUT takes it: bilingual texts as their Dutch string, a municipality by
    its code, no nulls."""
    if isinstance(value, dict):
        if value and set(value) <= {"nl", "en"}:
            return value.get("nl") or ""
        if {"code", "name"} <= set(value) and str(value["code"]).startswith("GM"):
            return value["code"]
        return {key: _as_input(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_as_input(item) for item in value]
    return value
