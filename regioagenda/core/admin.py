"""Optimistic locking in the admin: a change form based on an older version is refused.

Django runs the admin's change view in a transaction; the row is locked from the check to the
save, so two editors cannot both save the same version.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _


class VersionCheckedForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            model = type(self.instance)
            current = model._default_manager.select_for_update().get(pk=self.instance.pk)
            if current.version != expected:
                changed = [
                    str(self.fields[name].label)
                    for name in self.changed_data
                    if name in self.fields
                    and name != "expected_version"
                    and getattr(current, name, None) != cleaned.get(name)
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
                    }
                )
        return cleaned


class VersionCheckedAdmin(admin.ModelAdmin):
    form = VersionCheckedForm

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
