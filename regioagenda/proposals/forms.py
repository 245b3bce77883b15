"""The editors' forms: a proposal, a document upload and the regional check.

The forms only read and validate what was posted; the proposal is written by the views through
the version check, documents through `documents.store_document` and checks through `checks`.
Every choice is narrowed to what the user may pick: their own municipality (an editor) or the
region's (a coordinator), and the themes, topics, bodies and actions of the proposal's region.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import rules
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from regioagenda.agenda.models import Action
from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.proposals.checks import Affected, CheckAnswers
from regioagenda.proposals.models import (
    Consistency,
    Effect,
    GazetteerEntry,
    PlaceKind,
    Proposal,
    ProposalLink,
)
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def writable_municipalities(user: Any, region: Region) -> list[Municipality]:
    """The region's municipalities whose proposals the user may register and check."""
    return [
        municipality
        for municipality in Municipality.objects.in_region(region).order_by("name")
        if rules.test_rule("proposals.write_check", user, municipality)
    ]


class ProposalForm(NLDesignFormMixin, forms.ModelForm):
    # Only the version the editor started from; the stored version is never taken from a form.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = [
            "municipality",
            "body",
            "number",
            "title",
            "date",
            "decision_date",
            "status",
            "summary",
            "decision",
            "text",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "decision_date": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 4}),
            "text": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["municipality"],
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities]).order_by("name"),
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0]


class LinkForm(NLDesignFormMixin, forms.ModelForm):
    class Meta:
        model = ProposalLink
        fields = ["title", "url"]


LinkFormSet = inlineformset_factory(
    Proposal, ProposalLink, form=LinkForm, fields=["title", "url"], extra=1, can_delete=True
)


class UploadForm(NLDesignFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("Een PDF-, DOCX-, ODT- of tekstbestand. De tekst wordt eruit gehaald."),
    )


REGIONAL_CHOICES = [
    ("ja", _("Ja, regionaal: het voorstel heeft gevolgen buiten de gemeente")),
    ("nee", _("Nee, lokaal")),
    ("", _("Nog niet bepaald")),
]
REGIONAL_VALUES = {"ja": True, "nee": False, "": None}


@dataclass
class Place:
    """A municipality the check can name as affected: one of the region's or a neighbour."""

    code: str
    name: str
    outside: bool = False


@dataclass
class CheckChoices:
    """What the check form of one proposal offers."""

    themes: Any
    topics: Any
    joint_bodies: Any
    actions: Any
    others: Any
    places: list[Place] = field(default_factory=list)

    @classmethod
    def for_proposal(
        cls, proposal: Proposal, *, extra_places: Sequence[Place] = ()
    ) -> "CheckChoices":
        region = proposal.municipality.region
        own = proposal.municipality
        others = Municipality.objects.in_region(region).exclude(pk=own.pk).order_by("name")
        places = [Place(m.code, m.name) for m in others]
        neighbours = (
            GazetteerEntry.objects.filter(region=region, kind=PlaceKind.NEIGHBOUR)
            .exclude(municipality_code=own.code)
            .order_by("municipality_name")
        )
        known = {p.code for p in places}
        for entry in neighbours:
            if entry.municipality_code not in known:
                known.add(entry.municipality_code)
                places.append(Place(entry.municipality_code, entry.municipality_name, True))
        for place in extra_places:
            if place.code not in known and place.code != own.code:
                known.add(place.code)
                places.append(place)
        return cls(
            themes=Theme.objects.in_region(region),
            topics=Topic.objects.in_region(region).select_related("theme"),
            joint_bodies=JointBody.objects.in_region(region).order_by("name"),
            actions=Action.objects.in_region(region).order_by("title"),
            others=others,
            places=places,
        )


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple()


class CheckForm(NLDesignFormMixin, forms.Form):
    """The answers of one draft revision; the template lays the choices out itself, so that
    each can carry the suggestion and its reasons."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Thema's"), queryset=Theme.objects.none(), required=False, widget=_checkboxes()
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Onderwerpen van de strategische agenda"),
        queryset=Topic.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    affected = forms.MultipleChoiceField(
        label=_("Geraakte gemeenten"), required=False, widget=_checkboxes()
    )
    joint_bodies = forms.ModelMultipleChoiceField(
        label=_("Verbonden partijen"),
        queryset=JointBody.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    actions = forms.ModelMultipleChoiceField(
        label=_("Acties van de uitvoeringsagenda"),
        queryset=Action.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    consistency = forms.ChoiceField(
        label=_("Past het voorstel in de strategische en uitvoeringsagenda?"),
        choices=Consistency.choices,
        widget=forms.RadioSelect,
    )
    consistency_note = forms.CharField(
        label=_("Toelichting op de samenhang"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    regional = forms.ChoiceField(
        label=_("Is het voorstel regionaal?"),
        choices=REGIONAL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    coordination_needed = forms.BooleanField(
        label=_("Regionale afstemming is nodig vóór het besluit"), required=False
    )
    coordinate_with = forms.ModelMultipleChoiceField(
        label=_("Afstemmen met"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=_checkboxes(),
    )
    coordination_note = forms.CharField(
        label=_("Toelichting op de afstemming"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consequences = forms.CharField(
        label=_("Regionale gevolgen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In gewone taal: wat betekent het besluit voor de regio en de buren?"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: CheckChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        limit_choices(self.fields["themes"], choices.themes)
        limit_choices(self.fields["topics"], choices.topics)
        limit_choices(self.fields["joint_bodies"], choices.joint_bodies)
        limit_choices(self.fields["actions"], choices.actions)
        limit_choices(self.fields["coordinate_with"], choices.others)
        self.fields["affected"].choices = [(p.code, p.name) for p in choices.places]  # type: ignore[attr-defined]
        for place in choices.places:
            self.fields[f"effect_{place.code}"] = forms.ChoiceField(
                label=_("Effect voor %(name)s") % {"name": place.name},
                choices=Effect.choices,
                initial=Effect.UNKNOWN,
                required=False,
            )
            self.fields[f"explanation_{place.code}"] = forms.CharField(
                label=_("Toelichting voor %(name)s") % {"name": place.name},
                required=False,
                max_length=2000,
            )

    def answers(self) -> CheckAnswers:
        data = self.cleaned_data
        names = {p.code: p.name for p in self.choices.places}
        affected = [
            Affected(
                code=code,
                name=names[code],
                effect=data.get(f"effect_{code}") or Effect.UNKNOWN,
                explanation=data.get(f"explanation_{code}", ""),
            )
            for code in data["affected"]
        ]
        return CheckAnswers(
            themes=list(data["themes"]),
            topics=list(data["topics"]),
            joint_bodies=list(data["joint_bodies"]),
            actions=list(data["actions"]),
            consistency=data["consistency"],
            consistency_note=data["consistency_note"],
            regional=REGIONAL_VALUES[data["regional"] or ""],
            coordination_needed=data["coordination_needed"],
            coordinate_with=list(data["coordinate_with"]),
            coordination_note=data["coordination_note"],
            consequences=data["consequences"],
            affected=affected,
        )


def initial_from(answers: CheckAnswers, version: int) -> dict[str, Any]:
    """The form's starting values for the answers a draft holds."""
    initial: dict[str, Any] = {
        "themes": [t.pk for t in answers.themes],
        "topics": [t.pk for t in answers.topics],
        "joint_bodies": [b.pk for b in answers.joint_bodies],
        "actions": [a.pk for a in answers.actions],
        "coordinate_with": [m.pk for m in answers.coordinate_with],
        "affected": [a.code for a in answers.affected],
        "consistency": answers.consistency,
        "consistency_note": answers.consistency_note,
        "regional": {True: "ja", False: "nee", None: ""}[answers.regional],
        "coordination_needed": answers.coordination_needed,
        "coordination_note": answers.coordination_note,
        "consequences": answers.consequences,
        "version": version,
    }
    for a in answers.affected:
        initial[f"effect_{a.code}"] = a.effect
        initial[f"explanation_{a.code}"] = a.explanation
    return initial


class DigestForm(NLDesignFormMixin, forms.Form):
    subscribed = forms.BooleanField(
        label=_("Stuur mij de nieuwe regionale toetsen per e-mail"), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Alleen over deze thema's (leeg: alle)"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = self.fields["themes"]
        if not isinstance(themes, forms.ModelMultipleChoiceField):  # narrows the type for mypy
            raise TypeError(themes)
        themes.queryset = Theme.objects.filter(region=region).order_by("position")
