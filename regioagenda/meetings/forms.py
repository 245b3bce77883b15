"""The forms of the meetings app: the agenda's filters, a meeting, an agenda item, a document,
the minutes of an item, a follow-up, a registration and the attendance list.

Every form takes only its declared fields (no mass assignment) and narrows every choice to the
meeting's region and to what the user may pick. The views write through the version check
(`core.concurrency`), `followups.agree_follow_up` and the registration functions.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda.editing import leads_for
from regioagenda.agenda.models import Action
from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.core.recurrence import validate_recurrence
from regioagenda.dossiers.models import Dossier
from regioagenda.meetings.models import (
    AgendaItem,
    Body,
    BodyKind,
    Meeting,
    MeetingKind,
)
from regioagenda.proposals.models import Proposal
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme, Topic

DATETIME_WIDGET = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


def keepable_organisers(user: Any, region: Region) -> Any:
    """The municipalities the user may make the organiser of a meeting."""
    roles = roles_of(user)
    municipalities = Municipality.objects.in_region(region).order_by("name")
    if roles.administrator or region.pk in roles.coordinator_of:
        return municipalities
    return municipalities.filter(pk__in=roles.editor_of)


def may_organise_without_municipality(user: Any, region: Region) -> bool:
    roles = roles_of(user)
    return roles.administrator or region.pk in roles.coordinator_of


class AgendaFilter(forms.Form):
    """The filters of the agenda pages (GET); every field is optional."""

    orgaan = forms.ChoiceField(label=_("Orgaan"), required=False)
    thema = forms.ChoiceField(label=_("Thema"), required=False)
    soort = forms.ChoiceField(label=_("Soort vergadering"), required=False)
    verleden = forms.BooleanField(label=_("Eerdere vergaderingen tonen"), required=False)

    def __init__(
        self,
        *args: Any,
        region: Region,
        fixed_body: Body | None = None,
        fixed_theme: Theme | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        if fixed_body is None:
            cast(forms.ChoiceField, self.fields["orgaan"]).choices = everything + [
                (body.slug, body.name) for body in Body.objects.filter(region=region)
            ]
        else:
            del self.fields["orgaan"]
        if fixed_theme is None:
            cast(forms.ChoiceField, self.fields["thema"]).choices = everything + [
                (theme.slug, theme.translated_title)
                for theme in Theme.objects.in_region(region).order_by("position")
            ]
        else:
            del self.fields["thema"]
        cast(forms.ChoiceField, self.fields["soort"]).choices = everything + list(
            MeetingKind.choices
        )
        for field in self.fields.values():
            css = (
                "utrecht-checkbox utrecht-checkbox--html-input"
                if isinstance(field, forms.BooleanField)
                else "utrecht-select utrecht-select--html-select"
            )
            field.widget.attrs["class"] = css

    def value(self, name: str) -> Any:
        """The chosen value of one filter; an invalid choice elsewhere does not undo it."""
        if name not in self.fields or not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None


class MeetingForm(NLDesignFormMixin, forms.ModelForm):
    # Only the version the editor started from; the stored version never comes from a form.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "title_en",
            "description",
            "start",
            "end",
            "recurrence",
            "location",
            "online_url",
            "organiser",
            "bodies",
            "themes",
            "public",
            "status",
            "registration_open",
            "capacity",
        ]
        widgets = {
            "start": DATETIME_WIDGET,
            "end": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "bodies": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    MULTIPLE = ("bodies", "themes")

    def __init__(self, *args: Any, region: Region, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        organisers = keepable_organisers(user, region)
        current = getattr(self.instance, "organiser_id", None)
        if current is not None:
            organisers = organisers | Municipality.objects.filter(pk=current)
        limit_choices(self.fields["organiser"], organisers.distinct().order_by("name"))
        if not may_organise_without_municipality(user, region):
            self.fields["organiser"].required = True
            self.fields["organiser"].empty_label = None  # type: ignore[attr-defined]
        limit_choices(self.fields["bodies"], Body.objects.filter(region=region))
        limit_choices(self.fields["themes"], Theme.objects.in_region(region).order_by("position"))
        self.fields["themes"].label_from_instance = lambda theme: theme.translated_title  # type: ignore[attr-defined]

    def body_groups(self) -> list[tuple[str, list[Any]]]:
        """The bodies' checkboxes per kind (council, college, regional, joint body)."""
        kinds = dict(Body.objects.filter(region=self.region).values_list("pk", "kind"))
        labels = dict(BodyKind.choices)
        groups: dict[str, list[Any]] = {}
        for checkbox in self["bodies"].subwidgets:
            kind = kinds.get(int(str(checkbox.data["value"])), "")
            groups.setdefault(kind, []).append(checkbox)
        return [(str(labels.get(kind, kind)), boxes) for kind, boxes in groups.items()]

    def clean_recurrence(self) -> str:
        return (self.cleaned_data.get("recurrence") or "").strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Het einde moet na het begin liggen."))
        if start and cleaned.get("recurrence"):
            try:
                cleaned["recurrence"] = validate_recurrence(cleaned["recurrence"], start)
            except ValidationError as error:
                self.add_error("recurrence", error)
        if cleaned.get("registration_open") and cleaned.get("capacity") == 0:
            self.add_error("capacity", _("Geef een maximum van ten minste 1, of laat het leeg."))
        return cleaned

    def _post_clean(self) -> None:
        # The region is not a form field; the model's checks need it.
        self.instance.region = self.region
        super()._post_clean()  # type: ignore[misc]


class ItemForm(NLDesignFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaItem
        fields = [
            "position",
            "title",
            "description",
            "public",
            "themes",
            "topics",
            "actions",
            "proposals",
            "dossiers",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
            "topics": forms.SelectMultiple(attrs={"size": 8}),
            "actions": forms.SelectMultiple(attrs={"size": 8}),
            "proposals": forms.SelectMultiple(attrs={"size": 8}),
            "dossiers": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "public": _("Een besloten agendapunt ziet het publiek alleen als „besloten”."),
        }

    MULTIPLE = ("themes", "topics", "actions", "proposals", "dossiers")

    def __init__(self, *args: Any, meeting: Meeting, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = meeting.region
        limit_choices(self.fields["themes"], Theme.objects.in_region(region).order_by("position"))
        limit_choices(
            self.fields["topics"],
            Topic.objects.in_region(region).select_related("theme").order_by("theme", "position"),
        )
        limit_choices(self.fields["actions"], Action.objects.in_region(region).order_by("title"))
        limit_choices(
            self.fields["proposals"],
            Proposal.objects.in_region(region).visible_to(user).order_by("-date", "number"),
        )
        limit_choices(self.fields["dossiers"], Dossier.objects.in_region(region).order_by("title"))
        self.fields["themes"].label_from_instance = lambda theme: theme.translated_title  # type: ignore[attr-defined]
        self.fields["proposals"].label_from_instance = (  # type: ignore[attr-defined]
            lambda proposal: f"{proposal.number} — {proposal.title}"
        )
        for name in self.MULTIPLE[1:]:
            self.fields[name].help_text = _(
                "Houd Ctrl (of Cmd) ingedrukt om er meer dan één te kiezen."
            )


class MinutesForm(NLDesignFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaItem
        fields = ["minutes", "decision"]
        widgets = {
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decision": forms.Textarea(attrs={"rows": 4}),
        }


class DocumentForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    file = forms.FileField(
        label=_("Bestand"),
        required=False,
        help_text=_("Een PDF-, DOCX-, ODT- of tekstbestand."),
    )
    url = forms.URLField(
        label=_("Of een adres (link)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one_of_both = bool(cleaned.get("file")) != bool(cleaned.get("url"))
        if not one_of_both and "file" not in self.errors and "url" not in self.errors:
            self.add_error("file", _("Voeg een bestand toe óf geef een adres, niet allebei."))
        return cleaned


class FollowUpForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(label=_("Wat is afgesproken (titel van de actie)"), max_length=200)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(),
        label=_("Onderwerp"),
        required=False,
        help_text=_("Leeg: het onderwerp van de hoofdactie of het enige onderwerp van het punt."),
    )
    lead = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Trekker"),
        required=False,
        help_text=_("Leeg: de trekker van de hoofdactie of de organiserende gemeente."),
    )
    parent = forms.ModelChoiceField(
        queryset=Action.objects.none(),
        label=_("Als taak onder een bestaande actie"),
        required=False,
        help_text=_("Kies een actie om er een deelactie (taak) onder te maken."),
    )

    def __init__(self, *args: Any, meeting: Meeting, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = meeting.region
        limit_choices(
            self.fields["topic"],
            Topic.objects.in_region(region).select_related("theme").order_by("theme", "position"),
        )
        leads = leads_for(user, region)
        limit_choices(
            self.fields["lead"], Municipality.objects.filter(pk__in=[m.pk for m in leads])
        )
        limit_choices(self.fields["parent"], Action.objects.in_region(region).order_by("title"))


class RegistrationForm(NLDesignFormMixin, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    email = forms.EmailField(label=_("E-mailadres"))
    organisation = forms.CharField(label=_("Organisatie"), max_length=200, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
