"""The region's vision: its qualities, themes with their strategic-agenda topics, the principles
of cooperation and the agreements to work out.

Every item summarises a part of the source document in our own words and cites the section it
comes from (`source_section`); slugs are stable and used in URLs, the API and later features.
"""

from typing import Self

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class VisionItem(VersionedModel):
    slug = models.SlugField(_("korte naam"), max_length=60)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    summary = models.TextField(_("samenvatting"))
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True)
    source_section = models.CharField(_("bron: paragraaf"), max_length=300)

    translated_title = Translated("title")
    translated_summary = Translated("summary")

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class RegionalItemQuerySet(models.QuerySet):
    def in_region(self, region: "models.Model") -> Self:
        return self.filter(region=region)


class Quality(VisionItem):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="qualities",
        verbose_name=_("regio"),
    )

    objects = RegionalItemQuerySet.as_manager()

    class Meta(VisionItem.Meta):
        verbose_name = _("kwaliteit")
        verbose_name_plural = _("kwaliteiten")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="quality_slug_per_region")
        ]


class ThemeQuerySet(RegionalItemQuerySet):
    def aspects(self) -> "ThemeQuerySet":
        """The themes proper, without the chapter on governance."""
        return self.filter(is_governance=False)


class Theme(VisionItem):
    """An aspect of the region's growth, or the governance chapter stored like one."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="themes",
        verbose_name=_("regio"),
    )
    ambition = models.TextField(_("ambitie"))
    ambition_en = models.TextField(_("ambitie (Engels)"), blank=True)
    is_governance = models.BooleanField(
        _("hoofdstuk over samenwerking"),
        default=False,
        help_text=_("Het hoofdstuk over bestuurlijke samenwerking, geen inhoudelijk thema."),
    )

    objects = ThemeQuerySet.as_manager()

    translated_ambition = Translated("ambition")

    class Meta(VisionItem.Meta):
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="theme_slug_per_region")
        ]

    def get_absolute_url(self) -> str:
        return reverse("website:theme", kwargs={"slug": self.slug})


class TopicQuerySet(models.QuerySet["Topic"]):
    def in_region(self, region: "models.Model") -> "TopicQuerySet":
        return self.filter(theme__region=region)


class Topic(VisionItem):
    """A subject of the strategic agenda that the municipalities work out together."""

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="topics", verbose_name=_("thema")
    )
    # Kept beside theme.region so that topic slugs can be unique across the whole region.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="topics",
        verbose_name=_("regio"),
    )

    objects = TopicQuerySet.as_manager()

    class Meta(VisionItem.Meta):
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")
        ordering = ["theme__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="topic_slug_per_region")
        ]

    def get_absolute_url(self) -> str:
        return reverse("website:topic", kwargs={"slug": self.slug})


class Principle(VisionItem):
    """A principle for working together ("uitgangspunt")."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="principles",
        verbose_name=_("regio"),
    )

    objects = RegionalItemQuerySet.as_manager()

    class Meta(VisionItem.Meta):
        verbose_name = _("uitgangspunt")
        verbose_name_plural = _("uitgangspunten")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="principle_slug_per_region")
        ]

    def get_absolute_url(self) -> str:
        return reverse("website:cooperation") + f"#{self.slug}"


class Agreement(VisionItem):
    """An agreement to work out together ("afspraak")."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("regio"),
    )

    objects = RegionalItemQuerySet.as_manager()

    class Meta(VisionItem.Meta):
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="agreement_slug_per_region")
        ]

    def get_absolute_url(self) -> str:
        return reverse("website:cooperation") + f"#{self.slug}"
