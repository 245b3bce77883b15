"""No lost updates: a save based on a page opened before someone else's save is refused.

One case per model with a back-office change form, and one per inline row form, generated from
the admin's registry: nothing to add by hand when a model is added. Each case opens the change
form as its administrator would (GET, reading every value and the hidden version the way a
browser does), saves it once with a change, then posts the first, now stale, page with another
change: that must come back with the conflict message, and the stored value must be the first
change. A case is skipped only when the administrator's change form has no field to change
(read-only admins and inlines: no change permission, or every field read-only); an editable
model without a row, without the version on its page, or whose stale page saves, fails.
The API's changes are checked from its OpenAPI schema: each asks for the version and can
answer 409; and each PUT or PATCH is made, the same way, with a token: read a row, change it
once, send the first read again with another change, which must be refused (409) and leave the
first change stored.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.tokens import issue_token
from regioagenda.api.tests.test_write_api import call, token_for
from regioagenda.core.admin import VERSION_FIELD, is_versioned
from regioagenda.regions.models import Region
from regioagenda.website.tests.xss_seed import _create_rows as create_rows

API = "/api/v1"
CONFLICT = "Iemand anders heeft"
# Buttons and bookkeeping of the admin's change form, never a value an editor changes.
NOT_VALUES = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}


def _cases() -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for model, model_admin in admin.site._registry.items():
        cases.append((model._meta.label, None))
        cases.extend((model._meta.label, inline.__name__) for inline in model_admin.inlines)
    return sorted(cases, key=lambda case: (case[0], case[1] or ""))


@dataclass
class Control:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: Any  # a string; a list for a multiple select
    options: list[str] = field(default_factory=list)
    max_length: int | None = None


class FormReader(HTMLParser):
    """The controls of one form and what a browser would submit for them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.controls: dict[str, Control] = {}
        self._textarea: Control | None = None
        self._select: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag != "option"):
            return
        disabled = "disabled" in a
        if tag == "input" and not disabled:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind == "checkbox":
                # A group of checkboxes with one name submits every checked value.
                control = self.controls.setdefault(a["name"], Control(a["name"], kind, []))
                control.options.append(a.get("value", "on"))
                if "checked" in a:
                    control.value.append(a.get("value", "on"))
                return
            if kind == "radio":
                control = self.controls.setdefault(a["name"], Control(a["name"], kind, None))
                control.options.append(a.get("value", "on"))
                if "checked" in a:
                    control.value = a.get("value", "on")
                return
            maxlength = a.get("maxlength")
            self.controls[a["name"]] = Control(
                a["name"],
                kind,
                a.get("value", ""),
                max_length=int(maxlength) if maxlength else None,
            )
        elif tag == "textarea" and not disabled:
            self._textarea = Control(a["name"], "textarea", "")
            self.controls[a["name"]] = self._textarea
        elif tag == "select" and not disabled:
            multiple = "multiple" in a
            self._select = Control(a["name"], "select-multiple" if multiple else "select", [])
            self.controls[a["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            # The admin starts a textarea with a newline, which browsers drop.
            self._textarea.value += data.removeprefix("\n") if not self._textarea.value else data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select.kind == "select":
                options = self._select.options
                self._select.value = self._select.value[-1:] or options[:1] or [""]
                self._select.value = self._select.value[0]
            self._select = None
        elif tag == "form":
            self.inside = False


def read_form(html: str, form_id: str) -> dict[str, Control]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.controls


def submitted(controls: dict[str, Control]) -> dict[str, Any]:
    return {
        name: control.value
        for name, control in controls.items()
        if control.value not in (None, []) and name not in NOT_VALUES
    }


def variant(control: Control, n: int) -> Any:
    """The nth changed value for `control`, or None if this kind of control is not changed."""
    value = control.value
    if control.kind in ("text", "textarea", "search"):
        if re.fullmatch(r"-?\d+([.,]\d+)?", value or ""):
            return str(int(float(value.replace(",", "."))) + n)
        if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", value or ""):
            day = datetime.datetime.strptime(value, "%d-%m-%Y").date()
            return (day + datetime.timedelta(days=n)).strftime("%d-%m-%Y")
        suffix = f"-w{n}"
        if control.max_length is not None:
            value = value[: control.max_length - len(suffix)]
        return value + suffix
    if control.kind == "email":
        return f"w{n}{value}" if value else f"w{n}@example.org"
    if control.kind == "url":
        return f"{value}#w{n}" if value else f"https://example.org/w{n}"
    if control.kind == "number":
        return str(int(float(value or 0)) + n)
    if control.kind in ("select", "radio"):
        others = [option for option in control.options if option not in ("", value)]
        return others[(n - 1) % len(others)] if others else None
    if control.kind in ("select-multiple", "checkbox"):
        others = [option for option in control.options if option not in value]
        return [*value, others[n - 1]] if len(others) >= n else None
    return None


def errors_in(html: str) -> str:
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, flags=re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", error).strip() for error in found) or html[:0]


def candidates(controls: dict[str, Control], prefix: str) -> list[Control]:
    """The controls of the row a case changes, text first (a change there is easiest to see)."""
    order = ["textarea", "text", "email", "url", "number", "select", "radio", "select-multiple"]
    order.append("checkbox")
    row = [
        control
        for name, control in controls.items()
        if name.startswith(prefix)
        and "-" not in name.removeprefix(prefix)
        and name.removeprefix(prefix) not in {"id", "DELETE", VERSION_FIELD}
        and not name.removeprefix(prefix).endswith("__prefix__")
        and control.kind != "hidden"
        and control.kind in order
    ]
    return sorted(row, key=lambda control: order.index(control.kind))


@pytest.fixture
def administrator(leidse_regio: Region) -> User:
    user = make_user("beheerder", Membership.Role.ADMINISTRATOR)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, region=leidse_regio)
    return user


@pytest.fixture
def rows(leidse_regio: Region, administrator: User, settings: Any, tmp_path: Any) -> None:
    """A row of every model: the XSS seed's rows for the product's (without its hostile
    texts, which some forms' checks refuse); a few of Django's and the libraries' here. The
    cases change the last row, so not the administrator's own membership or device."""
    settings.MEDIA_ROOT = tmp_path
    make_user("tweede-beheerder", Membership.Role.ADMINISTRATOR)
    create_rows(leidse_regio)
    Group.objects.create(name="groep")
    issue_token(
        administrator,
        name="sleutel",
        memberships=list(administrator.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=30),
        by=administrator,
    )


def _object_for(model_admin: Any, inline: Any, request: Any) -> Any:
    """The last row the admin shows (the seed's, not the administrator's own), one with a row
    of the inline if the case is an inline."""
    shown = model_admin.get_queryset(request).order_by("-pk")
    if inline is None:
        return shown.first()
    fk = inline.get_formset(request, None).fk
    child = inline.get_queryset(request).filter(**{f"{fk.name}__in": shown}).order_by("-pk")
    first = child.first()
    return getattr(first, fk.name) if first is not None else None


def _editable(model_admin: Any, inline: Any, request: Any, obj: Any) -> list[str]:
    """The names of the form fields an editor can change (the version is not one)."""
    if inline is None:
        if not model_admin.has_change_permission(request, obj):
            return []
        form = model_admin.get_form(request, obj, change=True)
    else:
        if not inline.has_change_permission(request, obj):
            return []
        form = inline.get_formset(request, obj).form
    return [name for name in form.base_fields if name not in {VERSION_FIELD, "id", "DELETE"}]


@pytest.mark.parametrize(("label", "inline_name"), _cases())
def test_a_stale_change_form_never_overwrites_a_newer_save(
    label: str, inline_name: str | None, rows: None, administrator: User
) -> None:
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = administrator
    inline = None
    if inline_name is not None:
        inline = next(
            i for i in model_admin.get_inline_instances(request) if type(i).__name__ == inline_name
        )
    obj = _object_for(model_admin, inline, request)
    editable = _editable(model_admin, inline, request, obj)
    if not editable:
        pytest.skip("niets te wijzigen (alleen-lezen)")
    assert obj is not None, f"{label} {inline_name or ''}: geen rij om te wijzigen; vul de seed aan"

    client = Client()
    client.force_login(administrator)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    form_id = f"{model._meta.model_name}_form"

    def open_form() -> dict[str, Control]:
        response = client.get(url)
        assert response.status_code == 200
        return read_form(response.text, form_id)

    page = open_form()
    prefix = ""
    if inline is not None:
        formset_prefix = inline.get_formset(request, obj).get_default_prefix()
        child_pk = str(
            inline.get_queryset(request)
            .filter(**{inline.get_formset(request, obj).fk.name: obj})
            .order_by("-pk")
            .first()
            .pk
        )
        index = next(
            name.split("-")[-2]
            for name, control in page.items()
            if re.fullmatch(rf"{re.escape(formset_prefix)}-\d+-id", name)
            and control.value == child_pk
        )
        prefix = f"{formset_prefix}-{index}-"
    # The page carries the version of the row; an inline row without one is covered by its
    # parent's.
    assert VERSION_FIELD in page, "de pagina mist de versie"
    if inline is not None and is_versioned(inline.model):
        assert f"{prefix}{VERSION_FIELD}" in page, "de rij mist haar versie"

    chosen, first, refusals = None, None, []
    for control in candidates(page, prefix):
        for n in range(1, 4):
            first = variant(control, n)
            if first is None:
                break
            response = client.post(url, {**submitted(page), control.name: first})
            if response.status_code == 302:
                chosen = control
                break
            refusals.append(f"{control.name}={first!r}: {errors_in(response.text)}")
        if chosen is not None:
            break
    assert chosen is not None, (
        f"{label} {inline_name or ''}: geen wijziging van {editable} kon "
        + ("worden opgeslagen:\n" + "\n".join(refusals))
    )
    saved = open_form()[chosen.name].value
    assert saved != chosen.value, f"{chosen.name} is niet gewijzigd"

    second = next(
        (v for n in range(1, 5) if (v := variant(chosen, n)) is not None and v != first), first
    )
    stale = client.post(url, {**submitted(page), chosen.name: second})

    assert stale.status_code == 200, f"de verouderde pagina is opgeslagen ({chosen.name})"
    assert CONFLICT in stale.text
    assert open_form()[chosen.name].value == saved


@functools.cache
def _schema() -> dict[str, Any]:
    from regioagenda.api.urls import api

    return api.get_openapi_schema(path_prefix="")


def _api_changes() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            if method in ("put", "patch"):
                found.append((method.upper(), path, operation))
    return found


def _body_properties(operation: dict[str, Any]) -> dict[str, Any]:
    components = _schema()["components"]["schemas"]
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    while "$ref" in body:
        body = components[body["$ref"].rsplit("/", 1)[-1]]
    return body.get("properties", {})


def test_the_api_has_changes_to_check() -> None:
    assert _api_changes(), "geen PUT of PATCH gevonden: leest de test het schema nog goed?"


@pytest.mark.parametrize(
    ("method", "path", "operation"), _api_changes(), ids=lambda value: str(value)[:60]
)
def test_every_api_change_is_based_on_a_version_and_can_conflict(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Each change through the API names the version it starts from and answers a stale one
    with 409; the app's own API tests show that each one does."""
    assert "version" in _body_properties(operation), f"{method} {path} vraagt geen versie"
    assert "409" in operation["responses"], f"{method} {path} kent geen conflict (409)"


# The draft of a proposal's check has no address of its own to read; the list of the check's
# revisions shows it, newest first, to whoever may write it when asked for it.
READ_FROM = {
    "/regions/{region}/proposals/{id}/checks/draft": (
        "/regions/{region}/proposals/{id}/checks?includeDraft=true"
    ),
}
MISSING = object()


def _schema_part(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, not a reference to it, and of a nullable value the non-null part."""
    components = _schema()["components"]["schemas"]
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return _schema_part(options[0]) if options else schema


def _as_body(value: Any, schema: dict[str, Any]) -> Any:
    """A value as read, written the way the request body asks for it: a text read in both
    languages ({"nl", "en"}) is written as its Dutch text, a reference read as an object by its
    code; an empty value where the body has no empty one is left out (the default)."""
    schema = _schema_part(schema)
    if value is None:
        nullable = any(option.get("type") == "null" for option in schema.get("anyOf", []))
        return None if nullable else MISSING
    if "properties" in schema and isinstance(value, dict):
        return _restricted(value, schema["properties"])
    if schema.get("type") == "array" and isinstance(value, list):
        return [_as_body(item, schema.get("items", {})) for item in value]
    if schema.get("type") == "string" and isinstance(value, dict):
        return next((value[key] for key in ("nl", "code", "slug") if key in value), MISSING)
    return value


def _restricted(read: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    body = {}
    for name, schema in properties.items():
        value = _as_body(read.get(name), schema) if name in read else MISSING
        if value is not MISSING:
            body[name] = value
        # The English side of a text read in both languages is its own field in the body.
        translated = read.get(name.removesuffix("En"))
        if name.endswith("En") and isinstance(translated, dict) and "en" in translated:
            body[name] = translated["en"] or ""
    return body


def _dutch(value: Any) -> Any:
    return value["nl"] if isinstance(value, dict) and "nl" in value else value


def _items(answer: Any) -> list[Any]:
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        return answer["items"]
    return answer if isinstance(answer, list) else [answer]


def _walk(answer: Any) -> Any:
    """Every dict and string in an answer, outside in."""
    if isinstance(answer, dict):
        yield answer
        for value in answer.values():
            yield from _walk(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from _walk(value)
    elif isinstance(answer, str):
        yield answer


def _path_values(get: Any, path: str) -> dict[str, str]:
    """A value for each of the path's parameters, found in the answer of the nearest readable
    path above it: a link to such an address, else the items' field of the parameter's name."""
    readable = {
        template for template, operations in _schema()["paths"].items() if "get" in operations
    }
    values: dict[str, str] = {}
    segments = path.strip("/").split("/")
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            continue
        name = segment.strip("{}")
        above = next(
            (
                "/" + "/".join(segments[:end])
                for end in range(index, 0, -1)
                if "/" + "/".join(segments[:end]) in readable
            ),
            None,
        )
        assert above is not None, (
            f"{path}: geen GET boven {{{name}}} om een waarde in te vinden; geef de API die lijst "
            "of leer _path_values waar de waarde staat"
        )
        response = get(above.format(**values))
        assert response.status_code == 200, f"GET {above}: {response.status_code}"
        answer = response.json()
        link = re.compile(
            re.sub(
                r"\\\{(\w+)\\\}",
                r"(?P<\1>[^/?#]+)",
                re.escape(API + "/" + "/".join(segments[: index + 1])),
            )
        )
        found = [
            m[name]
            for text in _walk(answer)
            if isinstance(text, str) and (m := link.fullmatch(text))
        ]
        items = [item for item in _items(answer) if isinstance(item, dict)]
        found += [item[name] for item in items if name in item]
        if above == "/" + "/".join(segments[:index]):
            # Items of the list right above the parameter name themselves (a region by its slug).
            found += [item[own] for item in items for own in ("id", "slug", "code") if own in item]
        found += [
            d[name]
            for d in _walk(answer)
            if isinstance(d, dict) and isinstance(d.get(name), str | int)
        ]
        assert found, (
            f"{path}: geen {{{name}}} in GET {above}; de seed (xss_seed._create_rows) maakt er "
            "geen rij voor: vul die aan"
        )
        values[name] = str(found[0])
    return values


def _text_variant(value: str, schema: dict[str, Any], n: int) -> str:
    suffix = f"-w{n}"
    limit = _schema_part(schema).get("maxLength")
    return (value[: limit - len(suffix)] if limit else value) + suffix


@pytest.mark.parametrize(
    ("method", "path", "operation"), _api_changes(), ids=lambda value: str(value)[:60]
)
def test_a_stale_api_change_never_overwrites_a_newer_one(
    method: str, path: str, operation: dict[str, Any], rows: None, administrator: User
) -> None:
    """Read a row, change one text once (200, a new version), then send the first read again
    with another change: 409, and the stored value stays the first change."""
    client = Client()
    key = token_for(administrator, administrator)

    def get(url: str) -> Any:
        return call(client, "get", API + url, key)

    values = _path_values(get, path)
    url = path.format(**values)
    read_path = READ_FROM.get(path, path)
    assert read_path in READ_FROM.values() or "get" in _schema()["paths"][path], (
        f"{method} {path}: geen GET om de huidige stand te lezen; voeg een pad toe aan READ_FROM"
    )

    def read() -> dict[str, Any]:
        response = get(read_path.format(**values))
        assert response.status_code == 200, f"GET {read_path}: {response.status_code}"
        return _items(response.json())[0]

    properties = _body_properties(operation)
    before = read()
    body = _restricted(before, properties)
    assert "version" in body, f"{path}: de gelezen stand heeft geen versie"
    texts = [
        name
        for name, schema in properties.items()
        if _schema_part(schema).get("type") == "string"
        and not {"format", "enum"} & set(_schema_part(schema))
        and isinstance(body.get(name), str)
        and body[name] not in values.values()  # changing the row's own address moves it
    ]

    chosen, first, refusals = None, None, []
    for name in texts:
        first = _text_variant(body[name], properties[name], 1)
        response = call(client, method.lower(), API + url, key, {**body, name: first})
        if response.status_code == 200:
            chosen = name
            break
        refusals.append(f"{name}={first!r}: {response.status_code} {response.content[:300]!r}")
    assert chosen is not None, (
        f"{method} {path}: geen wijziging van {texts} werd aangenomen:\n" + "\n".join(refusals)
    )
    assert response.json()["version"] > body["version"], "de versie is niet opgehoogd"
    saved = _dutch(read()[chosen])
    assert saved != _dutch(before[chosen]), f"{chosen} is niet gewijzigd"

    second = _text_variant(body[chosen], properties[chosen], 2)
    stale = call(client, method.lower(), API + url, key, {**body, chosen: second})

    assert stale.status_code == 409, f"de verouderde wijziging is {stale.status_code} ({chosen})"
    assert stale["Content-Type"] == "application/problem+json"
    assert _dutch(read()[chosen]) == saved


def test_logging_in_and_a_new_password_are_no_edits_of_the_user(
    administrator: User, leidse_regio: Region
) -> None:
    """The login's last_login and the admin's password form save the user without the version:
    a change form opened before them still saves, and does not put the old password back."""
    from django.contrib.auth.models import update_last_login

    editor = make_user("redacteur", Membership.Role.COORDINATOR, region=leidse_regio)
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[editor.pk])
    page = read_form(client.get(url).text, "user_form")

    update_last_login(None, editor)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[editor.pk]),
        {"password1": "een-nieuw-wachtwoord-41", "password2": "een-nieuw-wachtwoord-41"},
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.version == 1
    assert editor.check_password("een-nieuw-wachtwoord-41")

    response = client.post(url, {**submitted(page), "first_name": "Nieuw"})

    assert response.status_code == 302, errors_in(response.text)
    editor.refresh_from_db()
    assert (editor.first_name, editor.version) == ("Nieuw", 2)
    assert editor.check_password("een-nieuw-wachtwoord-41")
