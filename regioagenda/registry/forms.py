"""Site forms of the budget cycle: the coordinator's budget request, a council's view."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.budgets import proposed_due_date
from regioagenda.registry.models import BudgetRequest, BudgetView, JointBody


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class BudgetRequestForm(NLDesignFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BudgetRequest
        fields = ["body", "kind", "year", "title", "sent_on", "views_due_on", "adopted_on", "url"]
        widgets = {
            "sent_on": _date_input(),
            "views_due_on": _date_input(),
            "adopted_on": _date_input(),
        }
        help_texts = {
            "views_due_on": _(
                "Laat leeg om de wettelijke termijn te nemen: twaalf weken na verzending "
                "(artikel 35 Wet gemeenschappelijke regelingen)."
            ),
            "adopted_on": _("Wanneer het algemeen bestuur de begroting vaststelde."),
            "year": _("Het jaar waarvoor de begroting geldt."),
        }

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = JointBody.objects.in_region(region).active()
        if self.instance.pk:
            bodies = JointBody.objects.in_region(region).filter(
                pk__in=[*bodies.values_list("pk", flat=True), self.instance.body_id]
            )
        limit_choices(self.fields["body"], bodies)
        self.fields["views_due_on"].required = False
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.fields["sent_on"].initial = today
            self.fields["views_due_on"].initial = proposed_due_date(today)
            self.fields["year"].initial = today.year + 1

    def _post_clean(self) -> None:
        # The write path checks the model (the deadline may still be empty here: it proposes
        # one), so the form does not construct and validate the instance itself.
        pass


class BudgetViewForm(NLDesignFormMixin, forms.ModelForm):
    # The version of the stored view the editor corrects; empty for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BudgetView
        fields = ["municipality", "outcome", "decided_on", "summary", "url"]
        widgets = {
            "decided_on": _date_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"municipality": _("Raad van gemeente")}
        help_texts = {
            "summary": _("Kort: waar de zienswijze over gaat, of waarom de raad er geen gaf."),
        }

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["municipality"],
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
        if not self.is_bound and not self.instance.pk:
            self.fields["decided_on"].initial = timezone.localdate()
        if not self.is_bound and self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # `record_budget_view` validates and saves; the request is not a form field.
        pass
