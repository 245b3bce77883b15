"""A decision aid for the future forms of cooperation: the municipalities score each option on
each criterion, and the same counting rules as the prioritisation rounds turn the scores into an
order of the options.

Scores stay hidden until the comparison closes; then they are published in full.
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

from regioagenda.agenda.aggregation import BallotType, Rule, applicable_rules
from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated
from regioagenda.prioritisation.models import Round

# Each municipality's scores become one SCORES ballot; consensus needs a threshold that a
# decision aid does not declare, so it is left out.
RULE_CHOICES = [
    (value, label)
    for value, label in Round.Rules.choices
    if Rule(value) in applicable_rules(BallotType.SCORES) and value != Rule.CONSENSUS
]

# Fields that make up the declared counting; they cannot change once an assessment exists.
DECLARED_FIELDS = ("rule", "closes_at")


class ComparisonQuerySet(models.QuerySet["Comparison"]):
    def in_region(self, region: models.Model) -> Self:
        return self.filter(region=region)


class Comparison(VersionedModel):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="comparisons",
        verbose_name=_("regio"),
    )
    slug = models.SlugField(_("korte naam"), max_length=80)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("toelichting"), blank=True)
    description_en = models.TextField(_("toelichting (Engels)"), blank=True)
    agreement = models.ForeignKey(
        "vision.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comparisons",
        verbose_name=_("afspraak"),
    )
    rule = models.CharField(_("telregel"), max_length=30, choices=RULE_CHOICES)
    participants = models.ManyToManyField(
        "regions.Municipality",
        related_name="comparisons",
        verbose_name=_("deelnemende gemeenten"),
    )
    closes_at = models.DateTimeField(
        _("beoordelen sluit op"),
        help_text=_("Tot dit moment blijven de cijfers geheim; daarna worden ze openbaar."),
    )

    objects = ComparisonQuerySet.as_manager()

    translated_title = Translated("title")
    translated_description = Translated("description")

    class Meta:
        verbose_name = _("vergelijking van samenwerkingsvormen")
        verbose_name_plural = _("vergelijkingen van samenwerkingsvormen")
        ordering = ["-closes_at"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="comparison_slug_per_region")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:comparison", kwargs={"slug": self.slug})

    def is_closed(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def has_assessments(self) -> bool:
        return self.pk is not None and self.assessments.exists()

    @property
    def state_label(self) -> str:
        return str(_("gesloten")) if self.is_closed() else str(_("open"))

    def clean(self) -> None:
        super().clean()
        if self.has_assessments():
            stored = type(self).objects.filter(pk=self.pk).values(*DECLARED_FIELDS).first()
            if stored and any(stored[name] != getattr(self, name) for name in DECLARED_FIELDS):
                raise ValidationError(
                    _("Er is al beoordeeld: telregel en sluitingsdatum liggen vast.")
                )


class Option(models.Model):
    """A possible form of cooperation. Its position breaks ties."""

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="options", verbose_name=_("vergelijking")
    )
    position = models.PositiveSmallIntegerField(_("plaats op de lijst"))
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("toelichting"), blank=True)
    description_en = models.TextField(_("toelichting (Engels)"), blank=True)

    translated_title = Translated("title")
    translated_description = Translated("description")

    class Meta:
        verbose_name = _("samenwerkingsvorm")
        verbose_name_plural = _("samenwerkingsvormen")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "position"], name="option_position")
        ]

    def __str__(self) -> str:
        return str(self.translated_title)

    @property
    def key(self) -> str:
        """The stable name the counting uses for this option."""
        return f"o{self.position}"


class Criterion(models.Model):
    """What the options are judged on; its weight is declared before anyone scores."""

    comparison = models.ForeignKey(
        Comparison,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("vergelijking"),
    )
    position = models.PositiveSmallIntegerField(_("plaats op de lijst"))
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    explanation = models.TextField(_("uitleg"), blank=True)
    explanation_en = models.TextField(_("uitleg (Engels)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("gewicht"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Van 1 tot en met 10; ligt vast zodra de eerste beoordeling is ingevoerd."),
    )

    translated_title = Translated("title")
    translated_explanation = Translated("explanation")

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "position"], name="criterion_position"),
            models.CheckConstraint(
                name="criterion_weight_1_to_10",
                condition=Q(weight__gte=1, weight__lte=10),
                violation_error_message=_("Het gewicht ligt tussen 1 en 10."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.translated_title)

    def clean(self) -> None:
        super().clean()
        if self.pk and self.comparison_id and self.comparison.has_assessments():
            stored = type(self).objects.filter(pk=self.pk).values("weight", "position").first()
            if stored and (stored["weight"], stored["position"]) != (self.weight, self.position):
                raise ValidationError(
                    {"weight": _("Er is al beoordeeld: het gewicht van de criteria ligt vast.")}
                )


class Assessment(models.Model):
    """A municipality's scores, fixed by its council or college and entered by its editor."""

    comparison = models.ForeignKey(
        Comparison,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("vergelijking"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="cooperation_assessments",
        verbose_name=_("gemeente"),
    )
    decision_reference = models.CharField(
        _("besluit"),
        max_length=300,
        help_text=_("Het besluit van raad of college waarin deze beoordeling is vastgesteld."),
    )
    decision_url = models.URLField(_("adres van het besluit"), blank=True)
    weight = models.DecimalField(
        _("gewicht (inwoners)"),
        max_digits=12,
        decimal_places=0,
        validators=[MinValueValidator(Decimal("1"))],
    )
    weight_source = models.CharField(_("bron van het gewicht"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingevoerd door"),
    )
    entered_at = models.DateTimeField(_("ingevoerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "municipality"],
                name="one_assessment_per_municipality",
                violation_error_message=_("Deze gemeente heeft deze vergelijking al beoordeeld."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.comparison}: {self.municipality}"


class Score(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("beoordeling")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, related_name="+", verbose_name=_("samenwerkingsvorm")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterium")
    )
    value = models.DecimalField(
        _("cijfer"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )

    class Meta:
        verbose_name = _("cijfer")
        verbose_name_plural = _("cijfers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "option", "criterion"], name="one_score_per_cell"
            ),
            models.CheckConstraint(
                name="score_0_to_10",
                condition=Q(value__gte=0, value__lte=10),
                violation_error_message=_("Een cijfer ligt tussen 0 en 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.option} — {self.criterion}"
