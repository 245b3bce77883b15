"""The regional events calendar.

Organisers submit events through a public form (with an account, or with an e-mail address they
confirm); staff moderate them before they are published. An organiser may edit their own event
afterwards; a substantial change (when, where, what) sends it back to moderation, a small one
(a typo, the link) stays published.

Times are stored in UTC and meant in Europe/Amsterdam. An event may last several days and may
repeat (an RFC 5545 RRULE). Its venue lies in a municipality of the region, or outside the region
(allowed, and flagged). The coordinator marks regional events ("regio-evenement") and keeps the
categories, the audiences and the clash rules of the region.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class Label(VersionedModel):
    """A name the region gives to a kind of event or audience, with a slug for the filters."""

    slug = models.SlugField(_("korte naam"))
    name = models.CharField(_("naam"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)

    translated_name = Translated("name")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.translated_name)


class Category(Label):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="event_categories",
        verbose_name=_("regio"),
    )

    class Meta(Label.Meta):
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="category_slug_per_region")
        ]


class Audience(Label):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="event_audiences",
        verbose_name=_("regio"),
    )

    class Meta(Label.Meta):
        verbose_name = _("doelgroep")
        verbose_name_plural = _("doelgroepen")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="audience_slug_per_region")
        ]


class ClashRules(VersionedModel):
    """The region's clash rules and their thresholds, kept by the coordinator."""

    region = models.OneToOneField(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="clash_rules",
        verbose_name=_("regio"),
    )
    same_venue = models.BooleanField(_("zelfde dag en zelfde locatie"), default=True)
    large_nearby = models.BooleanField(
        _("zelfde dag, grote drukte in dezelfde of een aangrenzende gemeente"), default=True
    )
    large_attendance = models.PositiveIntegerField(
        _("grote drukte vanaf (verwachte bezoekers)"),
        default=2000,
        validators=[MinValueValidator(1)],
    )
    same_weekend = models.BooleanField(
        _("zelfde categorie en doelgroep in hetzelfde weekend"), default=True
    )
    venue_similarity = models.PositiveSmallIntegerField(
        _("gelijkenis van locatienamen (0–100)"),
        default=90,
        help_text=_("Vanaf deze score (rapidfuzz) gelden twee locatienamen als dezelfde locatie."),
    )

    class Meta:
        verbose_name = _("botsingsregels")
        verbose_name_plural = _("botsingsregels")

    def __str__(self) -> str:
        return str(self.region)


class Neighbour(VersionedModel):
    """Two municipalities of the region that border each other (stored in both directions)."""

    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    neighbour = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buurgemeente"),
    )

    class Meta:
        verbose_name = _("buurgemeente")
        verbose_name_plural = _("buurgemeenten")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "neighbour"], name="neighbour_once"),
            models.CheckConstraint(
                name="not_its_own_neighbour", condition=~Q(municipality=models.F("neighbour"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.neighbour}"


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> "EventQuerySet":
        return self.filter(moderation=Event.Moderation.PUBLISHED)


def event_image_path(event: "Event", name: str) -> str:
    # The stored name never comes from the upload; the extension follows the checked format.
    return f"evenementen/{event.uid}/{uuid.uuid4().hex}.{event.image_format}"


class Event(VersionedModel):
    class Status(models.TextChoices):
        SCHEDULED = "gepland", _("gepland")
        CANCELLED = "afgelast", _("afgelast")
        POSTPONED = "uitgesteld", _("uitgesteld")
        RESCHEDULED = "verplaatst", _("verplaatst")

    class Moderation(models.TextChoices):
        UNCONFIRMED = "onbevestigd", _("e-mailadres nog niet bevestigd")
        PENDING = "te-beoordelen", _("wacht op beoordeling")
        PUBLISHED = "gepubliceerd", _("gepubliceerd")
        REJECTED = "afgewezen", _("afgewezen")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="events", verbose_name=_("regio")
    )
    uid = models.UUIDField(_("vaste sleutel"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    # Sanitised HTML (nh3): only safe formatting survives, see events/text.py.
    description = models.TextField(_("omschrijving"), blank=True)
    start = models.DateTimeField(_("begin"))
    end = models.DateTimeField(_("einde"))
    all_day = models.BooleanField(_("hele dag"), default=False)
    recurrence = models.CharField(
        _("herhaling (RRULE)"),
        max_length=300,
        blank=True,
        help_text=_("Een herhaling volgens RFC 5545, bijvoorbeeld FREQ=WEEKLY;COUNT=4."),
    )
    venue = models.CharField(_("locatie"), max_length=200)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("gemeente"),
        help_text=_("Leeg als de locatie buiten de regio ligt."),
    )
    place_outside_region = models.CharField(_("plaats buiten de regio"), max_length=200, blank=True)
    organiser_name = models.CharField(_("organisator"), max_length=200)
    organiser_email = models.EmailField(_("e-mailadres van de organisator"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("account van de organisator"),
    )
    categories = models.ManyToManyField(
        Category, related_name="events", verbose_name=_("categorieën"), blank=True
    )
    audiences = models.ManyToManyField(
        Audience, related_name="events", verbose_name=_("doelgroepen"), blank=True
    )
    themes = models.ManyToManyField(
        "vision.Theme", related_name="events", verbose_name=_("thema's"), blank=True
    )
    expected_visitors = models.PositiveIntegerField(_("verwachte bezoekers"), null=True, blank=True)
    accessibility = models.TextField(_("toegankelijkheid"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    image = models.ImageField(_("afbeelding"), upload_to=event_image_path, blank=True)
    image_format = models.CharField(_("formaat van de afbeelding"), max_length=10, blank=True)
    image_alt = models.CharField(
        _("tekstalternatief van de afbeelding"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    regional = models.BooleanField(_("regio-evenement"), default=False)
    moderation = models.CharField(
        _("beoordeling"), max_length=20, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderation_note = models.TextField(_("toelichting bij de beoordeling"), blank=True)
    # For organisers without an account: the secret in the confirmation and edit links.
    token = models.CharField(_("code voor de organisator"), max_length=64, unique=True)
    sequence = models.PositiveIntegerField(_("wijzigingsnummer (iCalendar)"), default=0)
    created_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evenement")
        verbose_name_plural = _("evenementen")
        ordering = ["start", "title"]
        indexes = [
            models.Index(fields=["region", "moderation", "start"]),
            models.Index(fields=["region", "start", "end"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="event_ends_after_it_starts",
                condition=Q(end__gte=models.F("start")),
                violation_error_message=_("Het einde ligt voor het begin."),
            ),
            models.CheckConstraint(
                name="event_image_has_alt_text",
                condition=Q(image="") | ~Q(image_alt=""),
                violation_error_message=_("Een afbeelding heeft een tekstalternatief nodig."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def outside_region(self) -> bool:
        return self.municipality_id is None

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"pk": self.pk})
