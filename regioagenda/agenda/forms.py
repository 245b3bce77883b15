from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.agenda.editing import leads_for
from regioagenda.agenda.models import Action
from regioagenda.agenda.report import check_period
from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.vision.models import Agreement, Topic


class ActionForm(NLDesignFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "title",
            "title_en",
            "description",
            "description_en",
            "topic",
            "agreement",
            "parent",
            "weight",
            "lead",
            "participants",
            "partners",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "participants": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, region: Region, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        limit_choices(fields["topic"], Topic.objects.in_region(region).select_related("theme"))
        limit_choices(fields["agreement"], Agreement.objects.in_region(region))
        parents = Action.objects.in_region(region)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        limit_choices(fields["parent"], parents)
        allowed = leads_for(user, region)
        if self.instance.pk and self.instance.lead not in allowed:
            allowed = [self.instance.lead, *allowed]
        limit_choices(fields["lead"], Municipality.objects.filter(pk__in=[m.pk for m in allowed]))
        limit_choices(fields["participants"], Municipality.objects.in_region(region))
        limit_choices(fields["partners"], Organisation.objects.filter(region=region))
        fields["topic"].help_text = _("Kies een onderwerp óf een afspraak.")


class StatusForm(NLDesignFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("Nieuwe status"))
    on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht als de actie stopt."),
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (status, Action.Status(status).label) for status in action.allowed_next_statuses()
        ]
        self.fields["on"].initial = timezone.localdate()


class ProgressForm(NLDesignFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Namens gemeente"), queryset=Municipality.objects.none()
    )
    reported_on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    percent = forms.IntegerField(label=_("Percentage gereed"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Voortgang"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["municipality"],
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
        self.fields["reported_on"].initial = timezone.localdate()


class OverviewFilter(forms.Form):
    thema = forms.SlugField(required=False)
    onderwerp = forms.SlugField(required=False)
    gemeente = forms.SlugField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Action.Status.choices])


class ReportPeriodForm(NLDesignFormMixin, forms.Form):
    """The period of the progress report; read from the query string (`?van=…&tot=…`)."""

    van = forms.DateField(
        label=_("Van"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Tot en met"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("van") and data.get("tot"):
            try:
                data["period"] = check_period(data["van"], data["tot"])
            except ValidationError as error:
                self.add_error("tot", error)
        return data
