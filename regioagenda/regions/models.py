"""The region, its municipalities and the organisations that work with them."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated

cbs_municipality_code = RegexValidator(
    r"^GM\d{4}$", _("Een CBS-gemeentecode bestaat uit GM en vier cijfers, zoals GM0546.")
)


class RegionQuerySet(models.QuerySet["Region"]):
    def current(self) -> "Region | None":
        """The region this site shows: the configured one, or else the first loaded."""
        from django.conf import settings

        if settings.REGION_SLUG:
            return self.filter(slug=settings.REGION_SLUG).first()
        return self.order_by("pk").first()


class Region(VersionedModel):
    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("naam"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200, blank=True)
    summary = models.TextField(_("samenvatting"))
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True)
    ambition_title = models.CharField(_("ambitie"), max_length=200)
    ambition_title_en = models.CharField(_("ambitie (Engels)"), max_length=200, blank=True)
    ambition = models.TextField(_("toelichting op de ambitie"))
    ambition_en = models.TextField(_("toelichting op de ambitie (Engels)"), blank=True)
    ambition_section = models.CharField(_("bron: paragraaf"), max_length=300)
    source_title = models.CharField(_("brondocument"), max_length=300)
    source_publisher = models.CharField(_("uitgever van het brondocument"), max_length=300)
    source_url = models.URLField(_("adres van het brondocument"), blank=True)

    objects = RegionQuerySet.as_manager()

    translated_name = Translated("name")
    translated_summary = Translated("summary")
    translated_ambition_title = Translated("ambition_title")
    translated_ambition = Translated("ambition")

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_id(self) -> int:
        # Lets permission rules ask any regional object, the region included, for its region.
        return self.pk


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def in_region(self, region: Region) -> "MunicipalityQuerySet":
        return self.filter(region=region)


class Municipality(VersionedModel):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("regio")
    )
    code = models.CharField(
        _("CBS-code"), max_length=6, unique=True, validators=[cbs_municipality_code]
    )
    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("korte naam"))
    population = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    population_date = models.DateField(_("inwoners op"), null=True, blank=True)
    population_source = models.CharField(_("bron van het inwonertal"), max_length=300, blank=True)
    population_source_url = models.URLField(_("adres van de bron"), blank=True)
    summary = models.TextField(_("beschrijving"), blank=True)
    summary_en = models.TextField(_("beschrijving (Engels)"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    translated_summary = Translated("summary")

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="municipality_slug_per_region")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("website:municipality", kwargs={"slug": self.slug})

    @property
    def municipality_id(self) -> int:
        # Lets permission rules ask a municipality, like any owned object, whose it is.
        return self.pk

    @property
    def tooi_uri(self) -> str:
        """The municipality's identifier in TOOI, the government's register of organisations."""
        return f"https://identifier.overheid.nl/tooi/id/gemeente/{self.code.lower()}"


class Organisation(VersionedModel):
    """A partner: a housing corporation, a business network, the province, the university…"""

    class Kind(models.TextChoices):
        HOUSING_CORPORATION = "woningcorporatie", _("woningcorporatie")
        GOVERNMENT = "overheid", _("overheid")
        KNOWLEDGE_INSTITUTION = "kennisinstelling", _("kennis- of onderwijsinstelling")
        BUSINESS = "bedrijf", _("bedrijf of ondernemersnetwerk")
        CIVIL_SOCIETY = "maatschappelijk", _("maatschappelijke organisatie")
        OTHER = "overig", _("overig")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("regio")
    )
    slug = models.SlugField(_("korte naam"))
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="organisation_slug_per_region")
        ]

    def __str__(self) -> str:
        return self.name
