from django import forms

from regioagenda.core.forms import NLDesignFormMixin
from regioagenda.regions.models import Municipality


class MunicipalityForm(NLDesignFormMixin, forms.ModelForm):
    # The version the editor started from; a newer stored version means someone else saved.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Municipality
        fields = ["summary", "summary_en", "website"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "summary_en": forms.Textarea(attrs={"rows": 6}),
        }
