"""The one set of filters of the events calendar: the list, the month and week views and the
iCalendar feed read the same form from the query string, so a feed selects exactly what the
page it came from shows, and a subscription keeps the filters.

Only published events of the current region ever pass.
"""

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin
from regioagenda.core.ical import Subscription, subscription
from regioagenda.core.recurrence import local_zone
from regioagenda.events.models import Audience, Category, Event, EventQuerySet
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

# Query string keys that are not filters (the page number, the "go to month" form).
DATE_FIELDS = ("van", "tot")


class EventFilter(NLDesignFormMixin, forms.Form):
    """Filters read from GET. An invalid value leaves the events unfiltered and shows a Dutch
    message naming the field (a feed answers 400 with the same message)."""

    gemeente = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle gemeenten"),
    )
    categorie = forms.ModelMultipleChoiceField(
        label=_("Categorie"),
        queryset=Category.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    doelgroep = forms.ModelMultipleChoiceField(
        label=_("Doelgroep"),
        queryset=Audience.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    thema = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle thema's"),
    )
    regionaal = forms.BooleanField(label=_("Alleen regio-evenementen"), required=False)
    van = forms.DateField(
        label=_("Vanaf"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    tot = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, region: Region, dates: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        fields: dict[str, Any] = self.fields
        fields["gemeente"].queryset = Municipality.objects.in_region(region)
        fields["categorie"].queryset = Category.objects.filter(region=region)
        fields["doelgroep"].queryset = Audience.objects.filter(region=region)
        fields["thema"].queryset = Theme.objects.in_region(region)
        if not dates:
            # The month and week views choose their own dates.
            for name in DATE_FIELDS:
                del fields[name]
        # Checkbox groups get no text box class (NLDesignFormMixin gives every other widget one).
        for name in ("categorie", "doelgroep"):
            fields[name].widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", _("Deze datum ligt vóór de begindatum."))
        return data

    def events(self) -> EventQuerySet:
        """The published events of the region that match every chosen filter (all of them when
        the form is invalid: the page then shows why)."""
        events = Event.objects.published().filter(region=self.region)
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["gemeente"]:
            events = events.filter(municipality=data["gemeente"])
        if data["categorie"]:
            through = Event.categories.through.objects.filter(category__in=data["categorie"])
            events = events.filter(pk__in=through.values("event_id"))
        if data["doelgroep"]:
            listed = Event.audiences.through.objects.filter(audience__in=data["doelgroep"])
            events = events.filter(pk__in=listed.values("event_id"))
        if data["thema"]:
            events = events.filter(themes=data["thema"])
        if data["regionaal"]:
            events = events.filter(regional=True)
        return events

    def window(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """The chosen date range (whole local days), or the given window."""
        data = self.cleaned_data if self.is_valid() else {}
        zone = local_zone()
        if data.get("van"):
            start = datetime.datetime.combine(data["van"], datetime.time(), tzinfo=zone)
        if data.get("tot"):
            end = datetime.datetime.combine(
                data["tot"] + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
            )
        return start, end

    def has_dates(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in DATE_FIELDS)

    def query(self, *, dates: bool = True) -> QueryDict:
        """The valid chosen filters as a query string (for feeds and for links that keep them)."""
        query = QueryDict(mutable=True)
        if not self.is_valid():
            return query
        for name, value in self.cleaned_data.items():
            if not value or (name in DATE_FIELDS and not dates):
                continue
            if name in ("categorie", "doelgroep"):
                query.setlist(name, [item.slug for item in value])
            elif name in ("gemeente", "thema"):
                query[name] = value.slug
            elif name == "regionaal":
                query[name] = "on"
            else:
                query[name] = value.isoformat()
        return query

    def description(self) -> str:
        """The chosen filters in a few words, for the feed's name."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        words = []
        if data["gemeente"]:
            words.append(data["gemeente"].name)
        words += [str(item) for item in data["categorie"]]
        words += [str(item) for item in data["doelgroep"]]
        if data["thema"]:
            words.append(str(data["thema"].translated_title))
        if data["regionaal"]:
            words.append(str(_("regio-evenementen")))
        return ", ".join(words)

    def errors_text(self) -> str:
        """The form's errors as Dutch plain text, each naming its field."""
        lines = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            lines += [f"{label}: {error}" if label else str(error) for error in errors]
        return "\n".join(lines)


def feed_url(request: HttpRequest, form: EventFilter | None = None) -> Subscription:
    """The subscription addresses of the feed with the current filters (https and webcal)."""
    if form is None:
        from regioagenda.regions.current import current_region

        form = EventFilter(request.GET or None, region=current_region())
    query = form.query().urlencode()
    return subscription(reverse("events:feed") + (f"?{query}" if query else ""))


def upcoming_and_recent(events: EventQuerySet, *, days: int = 90) -> EventQuerySet:
    """Events that end after `days` ago, or that repeat (the caller checks a series' end)."""
    since = timezone.now() - datetime.timedelta(days=days)
    return events.filter(Q(end__gte=since) | ~Q(recurrence=""))
