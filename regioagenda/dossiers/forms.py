from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument

# At least this many rows for amendments and motions; one empty row more than stored otherwise.
DOCUMENT_ROWS = 3
MAX_DOCUMENTS = 30


class CouncilDecisionForm(NLDesignFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CouncilDecision
        fields = [
            "proposal_title",
            "proposal_number",
            "proposal_url",
            "meeting_date",
            "outcome",
            "outcome_note",
        ]
        widgets = {
            "meeting_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "outcome_note": forms.Textarea(attrs={"rows": 3}),
        }


class DocumentForm(NLDesignFormMixin, forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=DecisionDocument.Kind.choices,
        initial=DecisionDocument.Kind.AMENDMENT,
    )
    title = forms.CharField(label=_("Titel"), max_length=300)
    result = forms.ChoiceField(
        label=_("Uitslag"),
        choices=DecisionDocument.Result.choices,
        initial=DecisionDocument.Result.UNKNOWN,
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False)


class BaseDocumentFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Verwijderen")
            form.fields["DELETE"].widget.attrs["class"] = (
                "utrecht-checkbox utrecht-checkbox--html-input"
            )

    def submitted(self) -> list[dict[str, Any]]:
        """The rows to keep, as record_decision takes them."""
        return [
            {name: form.cleaned_data.get(name) for name in ("id", "kind", "title", "result", "url")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def document_formset(stored: int) -> type[BaseDocumentFormSet]:
    """A formset with the stored documents and at least one empty row (three in all at least)."""
    return forms.formset_factory(  # type: ignore[return-value]  # built on BaseDocumentFormSet
        DocumentForm,
        formset=BaseDocumentFormSet,
        extra=max(1, DOCUMENT_ROWS - stored),
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_DOCUMENTS,
        absolute_max=MAX_DOCUMENTS,
        validate_max=True,
    )
