from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from regioagenda.cooperation.assessment import cell_label
from regioagenda.cooperation.models import Criterion, Option
from regioagenda.core.forms import TEXTBOX_CLASS, NLDesignFormMixin, limit_choices
from regioagenda.regions.models import Municipality


class AssessmentForm(NLDesignFormMixin, forms.Form):
    """The decision it rests on, and a grid: one score per option per criterion."""

    municipality = forms.ModelChoiceField(
        label=_("Namens gemeente"), queryset=Municipality.objects.none()
    )
    decision_reference = forms.CharField(
        label=_("Besluit"),
        max_length=300,
        help_text=_("Bijvoorbeeld: raadsbesluit 2026/123 van 12 november 2026."),
    )
    decision_url = forms.URLField(label=_("Adres van het besluit"), required=False)

    def __init__(
        self,
        *args: Any,
        options: list[Option],
        criteria: list[Criterion],
        municipalities: list[Municipality],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.criteria = criteria
        limit_choices(
            self.fields["municipality"],
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
        for option in options:
            for criterion in criteria:
                label = cell_label(option, criterion)
                self.fields[self.field_name(option, criterion)] = forms.DecimalField(
                    label=label,
                    min_value=Decimal(0),
                    max_value=Decimal(10),
                    decimal_places=1,
                    error_messages={
                        "required": _("Geef een cijfer voor “%(label)s”.") % {"label": label}
                    },
                    widget=forms.NumberInput(attrs={"class": TEXTBOX_CLASS, "step": "0.1"}),
                )

    @staticmethod
    def field_name(option: Option, criterion: Criterion) -> str:
        return f"cijfer_{option.position}_{criterion.position}"

    @property
    def details(self) -> list[forms.BoundField]:
        return [self[name] for name in ("municipality", "decision_reference", "decision_url")]

    def grid(self) -> list[tuple[Option, list[forms.BoundField]]]:
        """The score fields grouped per option, for a fieldset each."""
        return [
            (option, [self[self.field_name(option, c)] for c in self.criteria])
            for option in self.options
        ]

    def scores(self) -> dict[tuple[int, int], Decimal]:
        return {
            (option.position, criterion.position): self.cleaned_data[
                self.field_name(option, criterion)
            ]
            for option in self.options
            for criterion in self.criteria
            if self.cleaned_data.get(self.field_name(option, criterion)) is not None
        }
