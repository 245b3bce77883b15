"""Joint prioritisation: rounds in which each municipality casts one ballot on a list of
candidates, counted by a rule that was declared before voting opened.

Ballots stay hidden until the round closes; then they are published in full.
"""

import datetime
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.agenda.aggregation import BallotType, Rule
from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated

# Fields that make up the declared counting; they cannot change once voting has opened.
DECLARED_FIELDS = ("ballot_type", "rule", "consensus_threshold", "opens_at", "deadline")


class RoundQuerySet(models.QuerySet["Round"]):
    def in_region(self, region: models.Model) -> Self:
        return self.filter(region=region)


class Round(VersionedModel):
    class BallotTypes(models.TextChoices):
        RANKING = BallotType.RANKING.value, _("rangorde")
        SCORES = BallotType.SCORES.value, _("cijfers van 0 tot en met 10")
        APPROVAL = BallotType.APPROVAL.value, _("steun (aankruisen)")

    class Rules(models.TextChoices):
        BORDA = Rule.BORDA.value, _("puntentelling (Borda), elke gemeente één stem")
        BORDA_WEIGHTED = Rule.BORDA_WEIGHTED.value, _("puntentelling (Borda), naar inwonertal")
        SCORE_MEAN = Rule.SCORE_MEAN.value, _("gemiddeld cijfer, elke gemeente één stem")
        SCORE_MEAN_WEIGHTED = Rule.SCORE_MEAN_WEIGHTED.value, _("gemiddeld cijfer, naar inwonertal")
        SCHULZE = Rule.SCHULZE.value, _("tweegevechten (Schulze)")
        APPROVAL = Rule.APPROVAL.value, _("meeste steun")
        CONSENSUS = Rule.CONSENSUS.value, _("brede steun (bovenste helft bij genoeg gemeenten)")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("regio")
    )
    slug = models.SlugField(_("korte naam"), max_length=80)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("toelichting"), blank=True)
    description_en = models.TextField(_("toelichting (Engels)"), blank=True)
    ballot_type = models.CharField(
        _("soort stembiljet"), max_length=20, choices=BallotTypes.choices
    )
    rule = models.CharField(_("telregel"), max_length=30, choices=Rules.choices)
    consensus_threshold = models.PositiveSmallIntegerField(
        _("drempel voor brede steun"),
        null=True,
        blank=True,
        help_text=_(
            "Bij ‘brede steun’: bij hoeveel gemeenten een kandidaat minstens in de "
            "bovenste helft moet staan."
        ),
    )
    opens_at = models.DateTimeField(_("stemmen open vanaf"))
    deadline = models.DateTimeField(_("stemmen sluit op"))
    participants = models.ManyToManyField(
        "regions.Municipality", related_name="rounds", verbose_name=_("deelnemende gemeenten")
    )
    adopted_at = models.DateTimeField(_("volgorde vastgesteld op"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgesteld door"),
    )

    objects = RoundQuerySet.as_manager()

    translated_title = Translated("title")
    translated_description = Translated("description")

    class Meta:
        verbose_name = _("prioriteringsronde")
        verbose_name_plural = _("prioriteringsrondes")
        ordering = ["-deadline"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="round_slug_per_region"),
            models.CheckConstraint(
                name="round_deadline_after_opening",
                condition=Q(deadline__gt=models.F("opens_at")),
                violation_error_message=_("De sluitingsdatum ligt na de openingsdatum."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prioritisation:round", kwargs={"slug": self.slug})

    def has_opened(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline

    def is_closed(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.deadline

    @property
    def state_label(self) -> str:
        if self.is_closed():
            return str(_("gesloten"))
        if self.is_open():
            return str(_("open"))
        return str(_("aangekondigd"))

    def clean(self) -> None:
        super().clean()
        if self.rule and self.ballot_type:
            from regioagenda.agenda.aggregation import applicable_rules

            if Rule(self.rule) not in applicable_rules(BallotType(self.ballot_type)):
                raise ValidationError(
                    {"rule": _("Deze telregel past niet bij dit soort stembiljet.")}
                )
        if self.rule == Rule.CONSENSUS and not self.consensus_threshold:
            raise ValidationError(
                {
                    "consensus_threshold": _(
                        "Geef aan bij hoeveel gemeenten een kandidaat in de "
                        "bovenste helft moet staan."
                    )
                }
            )
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values(*DECLARED_FIELDS).first()
            if stored and stored["opens_at"] <= timezone.now():
                changed = [name for name in DECLARED_FIELDS if stored[name] != getattr(self, name)]
                if changed:
                    raise ValidationError(
                        _("Het stemmen is geopend: stembiljet, telregel en termijnen liggen vast.")
                    )


class Candidate(models.Model):
    """An item on the round's list: a topic or an action. Its position breaks ties."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("ronde")
    )
    position = models.PositiveSmallIntegerField(_("plaats op de lijst"))
    topic = models.ForeignKey(
        "vision.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("onderwerp"),
    )
    action = models.ForeignKey(
        "agenda.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("actie"),
    )

    class Meta:
        verbose_name = _("kandidaat")
        verbose_name_plural = _("kandidaten")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                name="candidate_is_topic_or_action",
                condition=Q(topic__isnull=False, action__isnull=True)
                | Q(topic__isnull=True, action__isnull=False),
                violation_error_message=_("Een kandidaat is een onderwerp óf een actie."),
            ),
            models.UniqueConstraint(fields=["round", "position"], name="candidate_position"),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def subject(self) -> models.Model:
        return self.topic or self.action  # type: ignore[return-value]

    @property
    def key(self) -> str:
        """The stable name the counting uses for this candidate."""
        return f"c{self.pk}"


class Ballot(models.Model):
    """A municipality's ballot, fixed by its council or college and entered by its editor."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("ronde")
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("gemeente"),
    )
    decision_reference = models.CharField(
        _("besluit"),
        max_length=300,
        help_text=_("Het besluit van raad of college waarin dit stembiljet is vastgesteld."),
    )
    decision_url = models.URLField(_("adres van het besluit"), blank=True)
    weight = models.DecimalField(
        _("gewicht (inwoners)"),
        max_digits=12,
        decimal_places=0,
        validators=[MinValueValidator(Decimal("1"))],
    )
    weight_source = models.CharField(_("bron van het gewicht"), max_length=300)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingevoerd door"),
    )
    cast_at = models.DateTimeField(_("ingevoerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("stembiljet")
        verbose_name_plural = _("stembiljetten")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"],
                name="one_ballot_per_municipality",
                violation_error_message=_("Deze gemeente heeft in deze ronde al gestemd."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.municipality}"


class BallotEntry(models.Model):
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="entries", verbose_name=_("stembiljet")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="+", verbose_name=_("kandidaat")
    )
    rank = models.PositiveSmallIntegerField(_("plaats"), null=True, blank=True)
    score = models.DecimalField(
        _("cijfer"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    approved = models.BooleanField(_("gesteund"), default=False)

    class Meta:
        verbose_name = _("keuze")
        verbose_name_plural = _("keuzes")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="one_entry_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.candidate}"


class AdoptedPriority(models.Model):
    """The place an action got on the execution agenda from a round's outcome."""

    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        related_name="adopted_priorities",
        verbose_name=_("ronde"),
    )
    action = models.ForeignKey(
        "agenda.Action",
        on_delete=models.CASCADE,
        related_name="adopted_priorities",
        verbose_name=_("actie"),
    )
    priority = models.PositiveSmallIntegerField(_("prioriteit"))

    class Meta:
        verbose_name = _("vastgestelde prioriteit")
        verbose_name_plural = _("vastgestelde prioriteiten")
        constraints = [
            models.UniqueConstraint(fields=["round", "action"], name="one_priority_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.priority}. {self.action}"
