"""Ideas for the region from residents and partners ("initiatieven").

Anyone can submit one. Nothing is public until the coordinator has moderated it. The initiative is
routed, through the competences register, to the body that decides about its domain and place,
and to the strategic-agenda topic it matches; its events ("what happened to it") are kept as
history and never overwritten. The submitter's e-mail address is never shown or exported.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel


class InitiativeStatus(models.TextChoices):
    SUBMITTED = "ingediend", _("ingediend, wacht op moderatie")
    PUBLISHED = "gepubliceerd", _("gepubliceerd")
    FORWARDED = "doorgestuurd", _("doorgestuurd")
    ANSWERED = "beantwoord", _("beantwoord")
    ON_AGENDA = "op-de-agenda", _("opgenomen in de uitvoeringsagenda")
    CLOSED = "afgesloten", _("afgesloten")
    REJECTED = "afgewezen", _("niet gepubliceerd")


# The API names its enums after their class: "Status" alone would clash with the actions'.
Status = InitiativeStatus

PUBLIC_STATUSES = [
    Status.PUBLISHED,
    Status.FORWARDED,
    Status.ANSWERED,
    Status.ON_AGENDA,
    Status.CLOSED,
]


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def public(self) -> "InitiativeQuerySet":
        return self.filter(status__in=PUBLIC_STATUSES)


class Initiative(VersionedModel):
    class Submitter(models.TextChoices):
        RESIDENT = "inwoner", _("inwoner")
        PARTNER = "partner", _("partner (bedrijf, instelling, vereniging)")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("regio"),
    )
    # Public address without a guessable sequence number.
    reference = models.UUIDField(_("kenmerk"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=150)
    description = models.TextField(_("omschrijving"), max_length=4000)
    submitter_kind = models.CharField(
        _("ingediend door"), max_length=10, choices=Submitter.choices, default=Submitter.RESIDENT
    )
    submitter_name = models.CharField(_("naam"), max_length=150)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("e-mailadres"))
    domain = models.ForeignKey(
        "competences.PolicyDomain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("beleidsdomein"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("gemeente"),
        help_text=_("Leeg: het idee gaat over de hele regio."),
    )
    place = models.ForeignKey(
        "competences.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("wijk of buurt"),
    )
    topic = models.ForeignKey(
        "vision.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("onderwerp van de strategische agenda"),
    )
    competences = models.ManyToManyField(
        "competences.Competence",
        blank=True,
        related_name="initiatives",
        verbose_name=_("doorgestuurd naar"),
    )
    action = models.ForeignKey(
        "agenda.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("actie in de uitvoeringsagenda"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiatief")
        verbose_name_plural = _("initiatieven")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative", kwargs={"reference": self.reference})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class InitiativeEvent(models.Model):
    """One step in what happened to an initiative: moderation, forwarding, an answer."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="events", verbose_name=_("initiatief")
    )
    status = models.CharField(_("nieuwe status"), max_length=20, choices=Status.choices)
    happened_on = models.DateField(_("datum"))
    note = models.TextField(_("toelichting"), blank=True)
    public = models.BooleanField(
        _("openbaar"),
        default=True,
        help_text=_("Een reden om niet te publiceren blijft intern."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["happened_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_status_display()}"

    @property
    def region_id(self) -> int:
        return self.initiative.region_id
