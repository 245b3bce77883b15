"""The organiser's form for an event, and the moderator's forms.

Dates and times use the browser's own date and time inputs (accessible, no JavaScript), meant in
Europe/Amsterdam. The form only reads the input; every check on the values themselves (end
after start, the municipality, the image, the description's HTML, the recurrence) is done by
`events.submission`, the same as for the API, and put back on the form's fields.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin, limit_choices
from regioagenda.events.models import Audience, Category, Event
from regioagenda.events.submission import SCALAR_FIELDS
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
IMAGE_TYPES = "image/jpeg,image/png,image/webp"

# Form field -> model field, for putting submission's errors back on the right input.
FIELD_FOR = {"start": "start_date", "end": "end_date", "image_alt": "image_alt"}


CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input"
FILE_CLASS = "utrecht-file-input"
GROUPS = (
    (_("Wat"), ("title", "description", "categories", "audiences", "themes")),
    (_("Wanneer"), ("start_date", "start_time", "end_date", "end_time", "all_day", "recurrence")),
    (_("Waar"), ("venue", "address", "municipality", "place_outside_region")),
    (_("Organisator"), ("organiser_name", "organiser_email")),
    (
        _("Meer informatie"),
        ("expected_visitors", "accessibility", "url", "status", "image", "image_alt"),
    ),
)


class EventForm(NLDesignFormMixin, forms.Form):
    """All that an organiser sets of an event: not its moderation, regional label, organiser
    account, token, sequence or region."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Eenvoudige opmaak mag (vet, cursief, lijstjes, links); andere HTML wordt verwijderd."
        ),
    )
    start_date = forms.DateField(label=_("Begindatum"), widget=DATE_INPUT)
    start_time = forms.TimeField(
        label=_("Begintijd"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Leeg bij een evenement dat de hele dag duurt."),
    )
    end_date = forms.DateField(label=_("Einddatum"), widget=DATE_INPUT)
    end_time = forms.TimeField(label=_("Eindtijd"), required=False, widget=TIME_INPUT)
    all_day = forms.BooleanField(label=_("Duurt de hele dag"), required=False)
    recurrence = forms.CharField(
        label=_("Herhaling (RRULE)"),
        required=False,
        max_length=300,
        help_text=_(
            "Alleen voor een terugkerend evenement, volgens RFC 5545. Bijvoorbeeld "
            "FREQ=WEEKLY;COUNT=4 voor vier keer, elke week."
        ),
    )
    venue = forms.CharField(label=_("Locatie"), max_length=200)
    address = forms.CharField(label=_("Adres"), max_length=300, required=False)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Buiten de regio"),
        help_text=_(
            "Ligt de locatie buiten de regio? Kies ‘Buiten de regio’ en vul hieronder de plaats in."
        ),
        error_messages={
            "invalid_choice": _(
                "Deze gemeente kennen we niet in deze regio. Kies een gemeente uit de lijst."
            )
        },
    )
    place_outside_region = forms.CharField(
        label=_("Plaats buiten de regio"),
        max_length=200,
        required=False,
        help_text=_("Alleen als de locatie buiten de regio ligt."),
    )
    organiser_name = forms.CharField(label=_("Organisator"), max_length=200)
    organiser_email = forms.EmailField(
        label=_("E-mailadres van de organisator"),
        help_text=_("We sturen hierheen een bevestiging; we tonen het nergens."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categorieën"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.ModelMultipleChoiceField(
        label=_("Doelgroepen"),
        queryset=Audience.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thema's"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_visitors = forms.IntegerField(
        label=_("Verwachte bezoekers"),
        min_value=0,
        required=False,
        help_text=_("Een schatting; helpt om drukte in de regio te spreiden."),
    )
    accessibility = forms.CharField(
        label=_("Toegankelijkheid"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: rolstoeltoegankelijk, ringleiding, prikkelarm uur."),
    )
    url = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    status = forms.ChoiceField(label=_("Status"), choices=Event.Status.choices)
    image = forms.FileField(
        label=_("Afbeelding"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=_("JPEG, PNG of WebP, hoogstens 5 MB."),
    )
    image_alt = forms.CharField(
        label=_("Tekstalternatief van de afbeelding"),
        max_length=300,
        required=False,
        help_text=_("Verplicht bij een afbeelding: wat staat erop, voor wie het niet kan zien."),
    )

    def __init__(
        self, *args: Any, region: Region, event: Event | None = None, **kwargs: Any
    ) -> None:
        if event is not None:
            kwargs.setdefault("initial", initial_for(event))
        super().__init__(*args, **kwargs)
        self.region = region
        self.event = event
        limit_choices(self.fields["municipality"], Municipality.objects.in_region(region))
        limit_choices(self.fields["categories"], Category.objects.filter(region=region))
        limit_choices(self.fields["audiences"], Audience.objects.filter(region=region))
        limit_choices(self.fields["themes"], Theme.objects.in_region(region))
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = CHECKBOX_CLASS
            elif isinstance(field.widget, forms.ClearableFileInput):
                field.widget.attrs["class"] = FILE_CLASS
        if event is None:
            # A new event is scheduled; changing the status comes with editing.
            del self.fields["status"]
        else:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["version"].initial = event.version

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields in fieldsets, for the template."""
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in GROUPS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        all_day = data.get("all_day")
        for prefix, default in (("start", dt.time(0)), ("end", dt.time(23, 59))):
            day, time = data.get(f"{prefix}_date"), data.get(f"{prefix}_time")
            if day is None:
                continue
            if time is None and not all_day:
                self.add_error(
                    f"{prefix}_time",
                    _g("Vul een tijd in, of kies ‘Duurt de hele dag’."),
                )
                continue
            moment = default if all_day or time is None else time
            data[prefix] = dt.datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned input as `submission` takes it (model field names)."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in SCALAR_FIELDS if name != "status"}
        values["status"] = data.get("status") or (
            self.event.status if self.event else Event.Status.SCHEDULED
        )
        # None keeps the stored image, False (the "clear" box) removes it.
        image = data.get("image")
        values["image"] = image if image is False or isinstance(image, UploadedFile) else None
        for name in ("categories", "audiences", "themes"):
            values[name] = list(data.get(name) or [])
        return values

    def add_submission_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            field = FIELD_FOR.get(name, name)
            self.add_error(field if field in self.fields else None, messages)


def initial_for(event: Event) -> dict[str, Any]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    initial: dict[str, Any] = {
        name: getattr(event, name)
        for name in (
            "title",
            "description",
            "all_day",
            "recurrence",
            "venue",
            "address",
            "place_outside_region",
            "organiser_name",
            "organiser_email",
            "expected_visitors",
            "accessibility",
            "url",
            "status",
            "image",
            "image_alt",
        )
    }
    initial.update(
        {
            "municipality": event.municipality_id,
            "start_date": start.date(),
            "start_time": None if event.all_day else start.time(),
            "end_date": end.date(),
            "end_time": None if event.all_day else end.time(),
            "categories": [item.pk for item in event.categories.all()],
            "audiences": [item.pk for item in event.audiences.all()],
            "themes": [item.pk for item in event.themes.all()],
            "version": event.version,
        }
    )
    return initial


class ModerationForm(NLDesignFormMixin, forms.Form):
    """Publish, reject (with a note to the organiser) or mark as regio-evenement."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Toelichting voor de organisator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij afwijzen; we sturen haar per e-mail."),
    )
    regional = forms.BooleanField(
        label=_("Regio-evenement"),
        required=False,
        help_text=_("Een evenement voor de hele regio (alleen de coördinator)."),
    )
