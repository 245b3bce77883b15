from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.agenda.models import Action
from regioagenda.competences.forms import domain_choices, place_choices
from regioagenda.competences.lookup import Where
from regioagenda.competences.models import PolicyDomain
from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.initiatives import submission
from regioagenda.initiatives.models import PUBLIC_STATUSES, Initiative
from regioagenda.initiatives.moderation import LATER_STATUSES
from regioagenda.regions.models import Region
from regioagenda.vision.models import Topic


class PlaceField(forms.ChoiceField):
    """The region, a municipality or a district or neighbourhood, grouped per municipality."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def offer(self, region: Region, empty: str) -> None:
        self.choices = [("", empty), *place_choices(region, with_region=False)]


class InitiativeForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        help_text=_("Uw idee in één zin."),
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Wat stelt u voor, en waarom? Gewone tekst, zonder HTML; hoogstens twee links."
        ),
    )
    submitter_kind = forms.ChoiceField(
        label=_("U dient dit in als"), choices=Initiative.Submitter.choices
    )
    submitter_name = forms.CharField(label=_("Naam"))
    organisation = forms.CharField(
        label=_("Organisatie"),
        required=False,
        help_text=_("Als u namens een bedrijf, instelling of vereniging indient."),
    )
    submitter_email = forms.EmailField(
        label=_("E-mailadres"),
        help_text=_("Alleen om u te laten weten wat er met uw idee gebeurt; we tonen het nergens."),
    )
    domain = forms.ChoiceField(label=_("Onderwerp"), required=False)
    place = PlaceField(
        label=_("Gemeente, wijk of buurt"),
        help_text=_("Leeg: het idee gaat over de hele regio."),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.domains = list(PolicyDomain.objects.filter(region=region).select_related("parent"))
        self.fields["domain"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _g("Weet ik niet; kies zelf")),
            *domain_choices(self.domains),
        ]
        self.fields["place"].offer(region, _g("De hele regio"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        # Lengths, markup and links are checked by `submission`, the same as for the API.
        data = super().clean() or {}
        raw = {name: self.data.get(name, "") for name in submission.LIMITS}
        for name, problem in submission.text_problems(raw).items():
            if name in self.errors:
                del self.errors[name]
            self.add_error(name, problem)
        data["domain"] = next((d for d in self.domains if d.slug == data.get("domain")), None)
        where = Where.from_key(self.region, data.get("place") or "")
        data["municipality"] = where.municipality if where else None
        data["place"] = where.place if where else None
        return data

    def as_submission(self) -> submission.Submission:
        data = self.cleaned_data
        return submission.Submission(
            title=data["title"],
            description=data["description"],
            submitter_kind=data["submitter_kind"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
            organisation=data["organisation"],
            domain=data["domain"],
            municipality=data["municipality"],
            place=data["place"],
        )


class PublishForm(NLDesignFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    domain = forms.ModelChoiceField(
        label=_("Beleidsdomein"), queryset=PolicyDomain.objects.none(), required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Onderwerp van de strategische agenda"),
        queryset=Topic.objects.none(),
        required=False,
    )
    place = PlaceField(label=_("Gemeente, wijk of buurt"))
    note = forms.CharField(
        label=_("Openbare toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        region = initiative.region
        kwargs.setdefault(
            "initial",
            {
                "version": initiative.version,
                "domain": initiative.domain_id,
                "topic": initiative.topic_id,
                "place": Where(region, initiative.municipality, initiative.place).key
                if initiative.municipality_id
                else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.region = region
        limit_choices(self.fields["domain"], PolicyDomain.objects.filter(region=region))
        limit_choices(self.fields["topic"], Topic.objects.in_region(region).select_related("theme"))
        self.fields["place"].offer(region, _g("De hele regio"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        where = Where.from_key(self.region, data.get("place") or "")
        data["municipality"] = where.municipality if where else None
        data["place"] = where.place if where else None
        return data


class RejectForm(NLDesignFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reden (intern)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt niet gepubliceerd."),
    )


class EventForm(NLDesignFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Wat is er gebeurd?"),
        choices=[(s.value, s.label) for s in LATER_STATUSES],
    )
    happened_on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    action = forms.ModelChoiceField(
        label=_("Actie in de uitvoeringsagenda"),
        queryset=Action.objects.none(),
        required=False,
        help_text=_("Alleen bij ‘opgenomen in de uitvoeringsagenda’."),
    )
    note = forms.CharField(
        label=_("Openbare toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"version": initiative.version, "happened_on": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["action"], Action.objects.in_region(initiative.region).order_by("title")
        )


class ListFilter(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", ""), *[(s.value, s.label) for s in PUBLIC_STATUSES]]
    )
    gemeente = forms.SlugField(required=False)
    thema = forms.SlugField(required=False)
