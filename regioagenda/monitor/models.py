"""The monitor: indicators of the region's ambitions, observations from public statistics and
the targets the region and its municipalities set.

An observation is one figure for one area (a municipality, a district or neighbourhood, or a named
area such as the Bio Science Park) and one period, with where it came from. Figures are never
overwritten: a newer release of the same figure is a new row with a higher `revision`, and the
current value is the highest revision. The region's value is computed, never stored: the
indicator's `aggregation` says how, from the municipalities' current values.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class Direction(models.TextChoices):
    UP = "hoger", _("hoger is beter")
    DOWN = "lager", _("lager is beter")
    NEUTRAL = "neutraal", _("geen richting")


class Aggregation(models.TextChoices):
    """How the region's value follows from the municipalities' values."""

    SUM = "som", _("som van de gemeenten")
    WEIGHTED_MEAN = "gewogen-gemiddelde", _("gemiddelde, gewogen naar een ander indicator")
    RATIO_OF_SUMS = "verhouding-van-sommen", _("som van de tellers gedeeld door som van de noemers")
    NONE = "geen", _("geen regionale waarde")


class Indicator(VersionedModel):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("regio"),
    )
    slug = models.SlugField(_("korte naam"), max_length=80)
    name = models.CharField(_("naam"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200, blank=True)
    definition = models.TextField(_("definitie"))
    definition_en = models.TextField(_("definitie (Engels)"), blank=True)
    ambition = models.TextField(
        _("ambitie"), blank=True, help_text=_("De ambitie van de visie die dit meet.")
    )
    ambition_en = models.TextField(_("ambitie (Engels)"), blank=True)
    ambition_section = models.CharField(
        _("bron van de ambitie: paragraaf"), max_length=300, blank=True
    )
    unit = models.CharField(
        _("eenheid"), max_length=50, help_text=_("Bijvoorbeeld: inwoners, kg per inwoner, TJ.")
    )
    unit_en = models.CharField(_("eenheid (Engels)"), max_length=50, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimalen"), default=0)
    direction = models.CharField(
        _("richting"), max_length=10, choices=Direction.choices, default=Direction.NEUTRAL
    )
    aggregation = models.CharField(
        _("regionale waarde"), max_length=30, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewicht"),
        help_text=_(
            "Bij een gewogen gemiddelde: de indicator waarnaar gewogen wordt, bijvoorbeeld "
            "inwoners."
        ),
    )
    numerator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teller"),
    )
    denominator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("noemer"),
    )
    source_title = models.CharField(_("bron"), max_length=300, blank=True)
    source_table = models.CharField(
        _("tabel"), max_length=50, blank=True, help_text=_("Bijvoorbeeld: 03759ned.")
    )
    source_measure = models.CharField(
        _("meetcode"), max_length=50, blank=True, help_text=_("Bijvoorbeeld: M000352.")
    )
    source_url = models.URLField(_("adres van de bron"), max_length=500, blank=True)
    no_data_note = models.TextField(
        _("waarom er nog geen cijfers zijn"),
        blank=True,
        help_text=_("Voor een ambitie waarvoor nog geen open data gevonden is."),
    )
    themes = models.ManyToManyField(
        "vision.Theme", blank=True, related_name="indicators", verbose_name=_("thema's")
    )
    topics = models.ManyToManyField(
        "vision.Topic", blank=True, related_name="indicators", verbose_name=_("onderwerpen")
    )
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    on_dashboard = models.BooleanField(_("op het dashboard"), default=True)

    translated_name = Translated("name")
    translated_definition = Translated("definition")
    translated_ambition = Translated("ambition")
    translated_unit = Translated("unit")

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="indicator_slug_per_region",
                violation_error_message=_("Deze korte naam is in deze regio al in gebruik."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitor:indicator", kwargs={"slug": self.slug})

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.aggregation == Aggregation.WEIGHTED_MEAN and not self.weight_id:
            problems["weight"] = _g("Kies de indicator waarnaar het gemiddelde gewogen wordt.")
        if self.aggregation == Aggregation.RATIO_OF_SUMS and not (
            self.numerator_id and self.denominator_id
        ):
            problems["numerator"] = _g("Kies een teller en een noemer.")
        for field in ("weight", "numerator", "denominator"):
            other = getattr(self, field) if getattr(self, f"{field}_id") else None
            if other is not None and other.region_id != self.region_id:
                problems[field] = _g("Deze indicator hoort bij een andere regio.")
            if other is not None and self.pk and other.pk == self.pk:
                problems[field] = _g("Een indicator kan niet naar zichzelf verwijzen.")
        if problems:
            raise ValidationError(problems)


class Observation(models.Model):
    """One figure for one area and one period; a revision never replaces an older row."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("gemeente"),
    )
    place = models.ForeignKey(
        "competences.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("wijk of buurt"),
    )
    area = models.CharField(
        _("ander gebied"),
        max_length=200,
        blank=True,
        help_text=_("Een gebied zonder CBS-code, bijvoorbeeld: Leiden Bio Science Park."),
    )
    # Names the area in one comparable value (a CBS code, or "gebied:" and the name), so that a
    # figure is unique per area on every database, nullable columns notwithstanding.
    area_key = models.CharField(_("gebiedscode"), max_length=220, editable=False)
    period_start = models.DateField(_("begin van de periode"))
    period_end = models.DateField(
        _("einde van de periode"), help_text=_("Gelijk aan het begin voor een peildatum.")
    )
    period_label = models.CharField(
        _("periode"),
        max_length=30,
        help_text=_("Zoals de bron hem noemt, bijvoorbeeld 2024JJ00 of 1 januari 2026."),
    )
    value = models.DecimalField(_("waarde"), max_digits=20, decimal_places=6)
    revision = models.PositiveIntegerField(_("herziening"), default=1)
    source_title = models.CharField(_("bron"), max_length=300)
    source_table = models.CharField(_("tabel"), max_length=50, blank=True)
    source_url = models.URLField(_("adres van de bron"), max_length=500, blank=True)
    retrieved_on = models.DateField(_("opgehaald op"))
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )

    class Meta:
        verbose_name = _("waarneming")
        verbose_name_plural = _("waarnemingen")
        ordering = ["indicator", "period_start", "municipality__name", "area", "-revision"]
        indexes = [
            models.Index(fields=["indicator", "period_start"], name="observation_indicator_period")
        ]
        constraints = [
            models.CheckConstraint(
                name="observation_names_one_area",
                violation_error_message=_(
                    "Kies een gemeente, een wijk of buurt, óf noem een ander gebied."
                ),
                condition=(Q(municipality__isnull=False) & Q(place__isnull=True) & Q(area=""))
                | (Q(place__isnull=False) & Q(area=""))
                | (Q(municipality__isnull=True) & Q(place__isnull=True) & ~Q(area="")),
            ),
            models.CheckConstraint(
                name="observation_period_in_order",
                violation_error_message=_(
                    "Het einde van de periode mag niet voor het begin liggen."
                ),
                condition=Q(period_end__gte=models.F("period_start")),
            ),
            models.UniqueConstraint(
                fields=["indicator", "area_key", "period_start", "period_end", "revision"],
                name="observation_revision_once",
                violation_error_message=_("Deze herziening van dit cijfer bestaat al."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.area_name} — {self.period_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_key = self.compute_area_key()
        super().save(*args, **kwargs)

    @property
    def area_name(self) -> str:
        if self.place_id:
            return str(self.place)
        if self.municipality_id:
            return self.municipality.name  # type: ignore[union-attr]
        return self.area

    @property
    def region_id(self) -> int:
        return self.indicator.region_id

    def compute_area_key(self) -> str:
        place = self.place if self.place_id else None
        if place is not None:
            return place.code
        municipality = self.municipality if self.municipality_id else None
        if municipality is not None:
            return municipality.code
        return f"gebied:{self.area.strip().casefold()}"

    def clean(self) -> None:
        self.area_key = self.compute_area_key()
        if self.period_start and self.period_start > datetime.date.today():
            raise ValidationError({"period_start": _g("Deze periode ligt in de toekomst.")})
        place = self.place if self.place_id else None
        if (
            place is not None
            and self.municipality_id
            and place.municipality_id != self.municipality_id
        ):
            raise ValidationError({"place": _g("Deze wijk of buurt ligt in een andere gemeente.")})


class Trajectory(models.TextChoices):
    LINEAR = "lineair", _("rechte lijn van het basisjaar naar het doel")
    PERCENTAGE_PATH = "procentueel", _("percentages ten opzichte van het basisjaar")


class Target(VersionedModel):
    """A target value in a year, for the region (no municipality) or for one municipality."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("gemeente"),
        help_text=_("Leeg: een doel van de hele regio."),
    )
    year = models.PositiveSmallIntegerField(_("doeljaar"))
    value = models.DecimalField(_("doelwaarde"), max_digits=20, decimal_places=6)
    base_year = models.PositiveSmallIntegerField(_("basisjaar"), null=True, blank=True)
    base_value = models.DecimalField(
        _("waarde in het basisjaar"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Leeg: de waarneming in het basisjaar."),
    )
    trajectory = models.CharField(
        _("pad"), max_length=20, choices=Trajectory.choices, default=Trajectory.LINEAR
    )
    milestones = models.JSONField(
        _("tussendoelen"),
        default=dict,
        blank=True,
        help_text=_(
            "Bij een procentueel pad: jaar en verandering in procenten ten opzichte van het "
            'basisjaar, bijvoorbeeld {"2030": -49, "2050": -100}.'
        ),
    )
    description = models.CharField(_("omschrijving"), max_length=300)
    description_en = models.CharField(_("omschrijving (Engels)"), max_length=300, blank=True)
    source_title = models.CharField(_("bron"), max_length=300)
    source_section = models.CharField(_("paragraaf"), max_length=300, blank=True)
    source_url = models.URLField(_("adres van de bron"), max_length=500, blank=True)

    translated_description = Translated("description")

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        ordering = ["indicator", "municipality__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "year"],
                name="target_once_per_year",
                violation_error_message=_("Voor dit jaar is al een doel vastgelegd."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(municipality__isnull=True),
                name="region_target_once_per_year",
                violation_error_message=_("Voor dit jaar is al een doel van de regio vastgelegd."),
            ),
            models.CheckConstraint(
                name="target_after_base_year",
                violation_error_message=_("Het doeljaar moet na het basisjaar liggen."),
                condition=Q(base_year__isnull=True) | Q(year__gt=models.F("base_year")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.description}"

    @property
    def region_id(self) -> int:
        return self.indicator.region_id


# A running import writes its heartbeat with its progress; one silent this long has died (a
# killed or restarted worker) and never finishes. The write transaction of 100,000 figures takes
# seconds, far less. A run that waits this long for a worker has none.
RUN_SILENT_LIMIT = datetime.timedelta(minutes=15)
RUN_WAITING_LIMIT = datetime.timedelta(hours=1)


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def stalled(self, now: datetime.datetime) -> "ImportRunQuerySet":
        """Runs still shown as waiting or running that no worker will finish."""
        silent_since = now - RUN_SILENT_LIMIT
        return self.filter(
            Q(
                status=ImportRun.Status.RUNNING,
                heartbeat_at__lt=silent_since,
            )
            | Q(status=ImportRun.Status.RUNNING, heartbeat_at=None, started_at__lt=silent_since)
            | Q(status=ImportRun.Status.WAITING, created_at__lt=now - RUN_WAITING_LIMIT)
        )


class ImportRun(models.Model):
    """One import of figures (from CBS or a file), with its progress for the coordinator."""

    class Status(models.TextChoices):
        WAITING = "wachtend", _("wacht")
        RUNNING = "bezig", _("bezig")
        DONE = "klaar", _("klaar")
        FAILED = "mislukt", _("mislukt")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="import_runs",
        verbose_name=_("regio"),
    )
    kind = models.CharField(_("soort"), max_length=20, help_text=_("cbs of bestand"))
    description = models.CharField(_("omschrijving"), max_length=300)
    dry_run = models.BooleanField(_("proefrun"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    done = models.PositiveIntegerField(_("verwerkt"), default=0)
    total = models.PositiveIntegerField(_("totaal"), null=True, blank=True)
    report = models.JSONField(_("verslag"), default=dict, blank=True)
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("laatste teken van leven"),
        null=True,
        blank=True,
        help_text=_("Bijgewerkt met de voortgang; te lang stil is mislukt."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.description
