"""The execution agenda ("uitvoeringsagenda"): actions under the strategic agenda's topics and
agreements, with their lead municipality, participants, status history, milestones, budget,
links and progress updates.

Progress updates and status changes are history: new rows, never edited.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated

if TYPE_CHECKING:
    from regioagenda.vision.models import Theme


class ActionQuerySet(models.QuerySet["Action"]):
    def in_region(self, region: models.Model) -> Self:
        return self.filter(region=region)

    def for_municipality(self, municipality: models.Model) -> Self:
        """Actions the municipality leads or takes part in."""
        return self.filter(Q(lead=municipality) | Q(participants=municipality)).distinct()

    def led_by(self, municipality: models.Model) -> Self:
        return self.filter(lead=municipality)

    def for_theme(self, theme: "Theme") -> Self:
        # The agreements belong to the governance chapter, so its actions count there.
        if theme.is_governance:
            return self.filter(Q(topic__theme=theme) | Q(agreement__region=theme.region_id))
        return self.filter(topic__theme=theme)

    def open(self) -> Self:
        return self.exclude(status__in=[Action.Status.DONE, Action.Status.STOPPED])

    def top_level(self) -> Self:
        return self.filter(parent__isnull=True)

    def for_listing(self) -> Self:
        """What every list of actions shows, in a fixed number of queries."""
        from regioagenda.regions.models import Municipality

        return (
            self.select_related("lead", "topic__theme", "agreement", "parent")
            .prefetch_related(
                models.Prefetch("participants", queryset=Municipality.objects.order_by("name"))
            )
            .with_last_update()
        )

    def with_last_update(self) -> Self:
        return self.annotate(last_update_on=Max("progress_updates__reported_on"))

    def stuck(self, *, months: int, today: datetime.date) -> Self:
        """Open actions without a progress update for `months`, or with a milestone overdue."""
        since = today - datetime.timedelta(days=round(months * 30.44))
        overdue = Milestone.objects.filter(
            action=OuterRef("pk"), achieved_on__isnull=True, planned_on__lt=today
        )
        recent = ProgressUpdate.objects.filter(action=OuterRef("pk"), reported_on__gte=since)
        return (
            self.open()
            .annotate(has_overdue=Exists(overdue), has_recent_update=Exists(recent))
            .filter(Q(has_overdue=True) | Q(has_recent_update=False))
        )


class Action(VersionedModel):
    class Status(models.TextChoices):
        IDEA = "idea", _("idee")
        EXPLORING = "exploring", _("verkenning")
        AWAITING_DECISION = "awaiting_decision", _("wacht op besluit")
        IN_PROGRESS = "in_progress", _("in uitvoering")
        DONE = "done", _("afgerond")
        STOPPED = "stopped", _("gestopt")

    # The path an action normally takes; it may skip steps forward, and may stop at any point.
    COURSE = [
        Status.IDEA,
        Status.EXPLORING,
        Status.AWAITING_DECISION,
        Status.IN_PROGRESS,
        Status.DONE,
    ]
    FINAL = (Status.DONE, Status.STOPPED)

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="actions", verbose_name=_("regio")
    )
    topic = models.ForeignKey(
        "vision.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("onderwerp"),
    )
    agreement = models.ForeignKey(
        "vision.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("afspraak"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("onderdeel van"),
    )
    weight = models.PositiveSmallIntegerField(
        _("gewicht"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Hoe zwaar deze deelactie meetelt in de voortgang van de hoofdactie."),
    )
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    lead = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name=_("trekker"),
    )
    participants = models.ManyToManyField(
        "regions.Municipality",
        blank=True,
        related_name="joined_actions",
        verbose_name=_("deelnemende gemeenten"),
    )
    partners = models.ManyToManyField(
        "regions.Organisation",
        blank=True,
        related_name="actions",
        verbose_name=_("partners"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    priority = models.PositiveSmallIntegerField(
        _("prioriteit"),
        null=True,
        blank=True,
        help_text=_("Plaats in de vastgestelde volgorde van de uitvoeringsagenda."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now, editable=False)

    objects = ActionQuerySet.as_manager()

    translated_title = Translated("title")
    translated_description = Translated("description")

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = [models.F("priority").asc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                name="action_belongs_to_topic_or_agreement",
                violation_error_message=_(
                    "Een actie hoort bij een onderwerp óf bij een afspraak, niet bij allebei."
                ),
                condition=(
                    Q(topic__isnull=False, agreement__isnull=True)
                    | Q(topic__isnull=True, agreement__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:action", kwargs={"pk": self.pk})

    @property
    def municipality_id(self) -> int:
        # Permission rules ask whose an object is: an action is its lead municipality's.
        return self.lead_id

    @property
    def subject(self) -> models.Model:
        return self.topic or self.agreement  # type: ignore[return-value]

    def allowed_next_statuses(self) -> list[str]:
        if self.status in self.FINAL:
            return []
        position = self.COURSE.index(self.status)  # type: ignore[arg-type]
        return [*self.COURSE[position + 1 :], self.Status.STOPPED]


class StatusChange(models.Model):
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("actie")
    )
    from_status = models.CharField(
        _("van"), max_length=20, choices=Action.Status.choices, blank=True
    )
    to_status = models.CharField(_("naar"), max_length=20, choices=Action.Status.choices)
    changed_on = models.DateField(_("datum"))
    reason = models.TextField(_("toelichting"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    recorded_at = models.DateTimeField(_("vastgelegd"), default=timezone.now)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["changed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_to_status_display()} ({self.changed_on})"


class Milestone(VersionedModel):
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("actie")
    )
    title = models.CharField(_("mijlpaal"), max_length=200)
    planned_on = models.DateField(_("gepland op"))
    achieved_on = models.DateField(_("gehaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        """Overdue on `today` (or any day a report looks back on): planned before that day and
        not achieved by then."""
        achieved = self.achieved_on is not None and self.achieved_on <= today
        return not achieved and self.planned_on < today


class BudgetLine(models.Model):
    """One year's contribution to an action, by a municipality or by another funder."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("actie")
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("gemeente"),
    )
    funder = models.CharField(
        _("andere financier"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld de provincie of een subsidie, als het geen gemeente is."),
    )
    amount = models.DecimalField(
        _("bedrag (euro)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("begrotingsregel")
        verbose_name_plural = _("begrotingsregels")
        ordering = ["year", "municipality__name", "funder"]
        constraints = [
            models.CheckConstraint(
                name="budget_line_has_one_funder",
                violation_error_message=_(
                    "Kies een gemeente óf vul een andere financier in, niet allebei."
                ),
                condition=(
                    Q(municipality__isnull=False, funder="")
                    | Q(municipality__isnull=True) & ~Q(funder="")
                ),
            ),
            models.CheckConstraint(
                name="budget_amount_not_negative",
                violation_error_message=_("Een bedrag kan niet negatief zijn."),
                condition=Q(amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.year}: {self.funded_by} € {self.amount}"

    def clean(self) -> None:
        super().clean()
        if (
            self.municipality is not None
            and self.action_id is not None
            and self.municipality.region_id != self.action.region_id
        ):
            raise ValidationError(
                {"municipality": _("Deze gemeente hoort niet bij de regio van de actie.")}
            )

    @property
    def funded_by(self) -> str:
        return self.municipality.name if self.municipality else self.funder


class ActionLink(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", _("besluit")
        DOCUMENT = "document", _("document")
        OTHER = "other", _("overig")

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="links", verbose_name=_("actie")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("titel"), max_length=200)
    url = models.URLField(_("adres"), max_length=500)
    dated = models.DateField(_("datum"), null=True, blank=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["dated", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """What happened: a dated report with a percentage, never changed afterwards."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("actie")
    )
    reported_on = models.DateField(_("datum"))
    text = models.TextField(_("voortgang"))
    percent = models.PositiveSmallIntegerField(
        _("percentage gereed"), validators=[MaxValueValidator(100)]
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name=_("namens gemeente"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name=_("auteur"),
    )
    recorded_at = models.DateTimeField(_("vastgelegd"), default=timezone.now)

    class Meta:
        verbose_name = _("voortgangsbericht")
        verbose_name_plural = _("voortgangsberichten")
        ordering = ["reported_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                name="progress_percent_0_100",
                violation_error_message=_("Het percentage ligt tussen 0 en 100."),
                condition=Q(percent__gte=0, percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.reported_on}: {self.percent}%"
