from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from regioagenda.agenda.aggregation import BallotType
from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.prioritisation.models import Candidate, Round
from regioagenda.prioritisation.voting import BallotChoices
from regioagenda.regions.models import Municipality


class BallotForm(NLDesignFormMixin, forms.Form):
    """One field per candidate, shaped by the round's ballot type."""

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
        round: Round,
        candidates: list[Candidate],
        municipalities: list[Municipality],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        self.candidates = candidates
        limit_choices(
            self.fields["municipality"],
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]
        for candidate in candidates:
            name = f"kandidaat_{candidate.position}"
            label = str(candidate)
            if round.ballot_type == BallotType.RANKING:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    min_value=1,
                    max_value=len(candidates),
                    required=False,
                    help_text=_("Plaats 1 is de hoogste prioriteit; leeg laten mag."),
                )
            elif round.ballot_type == BallotType.SCORES:
                self.fields[name] = forms.DecimalField(
                    label=label,
                    min_value=Decimal(0),
                    max_value=Decimal(10),
                    decimal_places=1,
                    required=False,
                    help_text=_("Een cijfer van 0 tot en met 10; leeg telt als 0."),
                )
            else:
                self.fields[name] = forms.BooleanField(label=label, required=False)
        # The mixin styled the fields that existed before; style the candidates' fields too.
        self._style_fields()

    def _style_fields(self) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
            elif "class" not in field.widget.attrs:
                field.widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"

    def choices(self) -> BallotChoices:
        choices = BallotChoices()
        for candidate in self.candidates:
            value = self.cleaned_data.get(f"kandidaat_{candidate.position}")
            if value in (None, "", False):
                continue
            if self.round.ballot_type == BallotType.RANKING:
                choices.ranks[candidate.position] = int(value)
            elif self.round.ballot_type == BallotType.SCORES:
                choices.scores[candidate.position] = Decimal(value)
            else:
                choices.approvals.add(candidate.position)
        return choices
