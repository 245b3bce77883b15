"""Optimistic locking in the admin: a change form based on an older version is refused.

The change form carries, hidden, the version of the row as the editor opened it. Django runs the
admin's change view in a transaction; the form locks the row from the check to the save, so two
editors cannot both save the same version. Inline rows are checked the same way: a versioned row
against its own version, a row without one through its parent's (every save through the change
form gives the parent a new version). Models we cannot give a version column (Django's and
libraries' own) are compared by a fingerprint of their stored values instead.
"""

import json
from functools import cache
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

VERSION_FIELD = "expected_version"


def is_versioned(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def version_of(instance: models.Model) -> str:
    """What the form remembers of the stored row: its version, or a fingerprint of its values."""
    if is_versioned(type(instance)):
        return str(instance.version)  # type: ignore[attr-defined]
    values = [
        (field.attname, field.value_to_string(instance)) for field in instance._meta.concrete_fields
    ]
    related = [
        (
            field.name,
            sorted(str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True)),
        )
        for field in instance._meta.many_to_many
    ]
    # Keyed, so that the page shows nothing of values it does not show (a device's secret key).
    return salted_hmac(
        "regioagenda.core.admin.version_of", json.dumps([values, related]), algorithm="sha256"
    ).hexdigest()


class VersionCheckedForm(forms.ModelForm):
    expected_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Also when bound: the field then counts as changed only if the row was saved since.
            self.initial[VERSION_FIELD] = version_of(self.instance)

    def has_changed(self) -> bool:
        # A new version alone is no change: an untouched inline row is not saved again.
        return any(name != VERSION_FIELD for name in self.changed_data)

    def checks_unchanged_rows(self) -> bool:
        """A change form's main row is checked even when only its inlines changed, because its
        version stands for those rows; an inline row is checked when it is being changed."""
        return self.prefix is None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.instance.pk or not (self.checks_unchanged_rows() or self.has_changed()):
            return cleaned
        model = type(self.instance)
        # Without the model's ordering: ordering by a related row joins it, and PostgreSQL
        # cannot lock the nullable side of an outer join.
        rows = model._base_manager.select_for_update().filter(pk=self.instance.pk).order_by()
        current = rows.first()
        # Without a version the editor's starting point is unknown: that is a conflict too.
        if current is None or cleaned.get(VERSION_FIELD) != version_of(current):
            changed = [
                str(self.fields[name].label)
                for name in self.changed_data
                if name in self.fields
                and name != VERSION_FIELD
                and (current is None or getattr(current, name, None) != cleaned.get(name))
            ]
            raise forms.ValidationError(
                _(
                    "Iemand anders heeft dit item opgeslagen nadat u het opende. Uw "
                    "wijzigingen zijn niet bewaard. Herlaad de pagina om de nieuwste versie "
                    "te zien.%(fields)s"
                )
                % {
                    "fields": (" " + _("Verschillen in: %s.") % ", ".join(changed))
                    if changed
                    else ""
                },
                code="edit_conflict",
            )
        return cleaned


@cache
def with_version_check(form: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`form` (a UserChangeForm, say) with the version check added, made once per form class."""
    if issubclass(form, VersionCheckedForm):
        return form
    return type(form.__name__, (VersionCheckedForm, form), {"__module__": form.__module__})


def _with_version_field(fieldsets: Any) -> Any:
    if VERSION_FIELD in flatten_fieldsets(fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]


@cache
def _version_checked_inline(inline: type[InlineModelAdmin]) -> type[InlineModelAdmin]:
    """`inline` with the version check on each row and the version on the page."""
    attrs: dict[str, Any] = {"form": with_version_check(inline.form)}
    if inline.fields is not None and VERSION_FIELD not in inline.fields:
        attrs["fields"] = [VERSION_FIELD, *inline.fields]
    if inline.fieldsets is not None:
        attrs["fieldsets"] = _with_version_field(inline.fieldsets)
    return type(inline.__name__, (inline,), {**attrs, "__module__": inline.__module__})


class VersionCheckedAdmin(admin.ModelAdmin):
    def __init__(self, model: type[models.Model], admin_site: Any) -> None:
        super().__init__(model, admin_site)
        # The same class for every request, so setting it once on the shared admin is safe.
        self.form = with_version_check(self.form)

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else _with_version_field(fieldsets)

    def get_inlines(self, request: Any, obj: Any) -> list[type[InlineModelAdmin]]:
        return [
            # Rows without a version are covered by the parent's; they need no check of their own.
            _version_checked_inline(inline) if is_versioned(inline.model) else inline
            for inline in super().get_inlines(request, obj)
        ]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change and is_versioned(type(obj)):
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Rows changed through an inline get a new version too, so that an edit based on the
        version before (the API, the row's own change form) is refused."""
        instances = formset.save(commit=False)
        for instance in instances:
            if instance.pk and is_versioned(type(instance)):
                instance.version += 1
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()
