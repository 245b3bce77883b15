"""Who decides what, at which scale: policy domains, places and competences.

A competence says that, for a policy domain at a scale (a neighbourhood up to beyond the region),
an authority decides (the council, the college, the mayor, a joint body's board, the province or
the state), on a legal basis (a law and article, a mandate or delegation decision, a joint
arrangement) with a link, since a date. A competence can hold for every municipality of the region
(`municipality` empty) or for one of them (a local mandate or delegation).

Places are the areas below a municipality that a question can be about: districts ("wijken") and
villages, and neighbourhoods ("buurten"), with their CBS codes where they have one. A municipality
and the region itself are places too, but they live in their own models.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class PolicyDomain(VersionedModel):
    """A policy domain of the region's taxonomy ("beleidsdomein"), linked to the vision."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="policy_domains",
        verbose_name=_("regio"),
    )
    slug = models.SlugField(_("korte naam"), max_length=80)
    name = models.CharField(_("naam"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("valt onder"),
    )
    keywords = models.TextField(
        _("zoekwoorden"),
        blank=True,
        help_text=_("Woorden waarmee mensen naar dit domein zoeken, gescheiden door komma's."),
    )
    themes = models.ManyToManyField(
        "vision.Theme", blank=True, related_name="policy_domains", verbose_name=_("thema's")
    )
    topics = models.ManyToManyField(
        "vision.Topic", blank=True, related_name="policy_domains", verbose_name=_("onderwerpen")
    )
    position = models.PositiveIntegerField(_("volgorde"), default=0)

    translated_name = Translated("name")
    translated_description = Translated("description")

    class Meta:
        verbose_name = _("beleidsdomein")
        verbose_name_plural = _("beleidsdomeinen")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="policy_domain_slug_per_region",
                violation_error_message=_("Deze korte naam is in deze regio al in gebruik."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    def clean(self) -> None:
        parent = self.parent if self.parent_id else None
        if parent is not None and parent.region_id != self.region_id:
            raise ValidationError(
                {"parent": _g("Het bovenliggende domein hoort bij een andere regio.")}
            )
        ancestor = parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _g("Een domein kan niet onder zichzelf vallen.")})
            ancestor = ancestor.parent


class Place(VersionedModel):
    """A district, village or neighbourhood of one municipality."""

    class Kind(models.TextChoices):
        DISTRICT = "wijk", _("wijk of dorp")
        NEIGHBOURHOOD = "buurt", _("buurt")

    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        related_name="places",
        verbose_name=_("gemeente"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    code = models.CharField(
        _("CBS-code"), max_length=10, help_text=_("Bijvoorbeeld WK054600 of BU05460000.")
    )
    name = models.CharField(_("naam"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ligt in"),
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plaats")
        verbose_name_plural = _("plaatsen")
        ordering = ["municipality__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"],
                name="place_code_per_municipality",
                violation_error_message=_("Deze CBS-code is in deze gemeente al in gebruik."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"

    @property
    def region_id(self) -> int:
        return self.municipality.region_id

    @property
    def scale(self) -> str:
        return Scale.NEIGHBOURHOOD if self.kind == self.Kind.NEIGHBOURHOOD else Scale.DISTRICT


class Scale(models.TextChoices):
    """The reach of a decision, from small to large; the order matters to the question page."""

    NEIGHBOURHOOD = "buurt", _("buurt")
    DISTRICT = "wijk-of-dorp", _("wijk, dorp of kern")
    MUNICIPALITY = "gemeente", _("gemeente")
    SEVERAL_MUNICIPALITIES = "meerdere-gemeenten", _("meerdere gemeenten")
    REGION = "regio", _("regio")
    BEYOND_REGION = "bovenregionaal", _("buiten de regio")


SCALE_ORDER = list(Scale.values)


class Authority(models.TextChoices):
    """The kinds of body that take decisions."""

    COUNCIL = "gemeenteraad", _("gemeenteraad")
    COLLEGE = "college", _("college van burgemeester en wethouders")
    MAYOR = "burgemeester", _("burgemeester")
    GENERAL_BOARD = "algemeen-bestuur", _("algemeen bestuur van een verbonden partij")
    EXECUTIVE_BOARD = "dagelijks-bestuur", _("dagelijks bestuur van een verbonden partij")
    PROVINCIAL_COUNCIL = "provinciale-staten", _("Provinciale Staten")
    PROVINCIAL_EXECUTIVE = "gedeputeerde-staten", _("Gedeputeerde Staten")
    WATER_BOARD = "waterschap", _("waterschap")
    STATE = "rijk", _("Rijk (minister)")


JOINT_BODY_AUTHORITIES = [Authority.GENERAL_BOARD.value, Authority.EXECUTIVE_BOARD.value]


class Basis(models.TextChoices):
    LAW = "wet", _("wet")
    ARRANGEMENT = "regeling", _("gemeenschappelijke regeling")
    DELEGATION = "delegatie", _("delegatiebesluit")
    MANDATE = "mandaat", _("mandaatbesluit")
    ORDINANCE = "verordening", _("verordening")


class Competence(VersionedModel):
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="competences",
        verbose_name=_("regio"),
    )
    domain = models.ForeignKey(
        PolicyDomain,
        on_delete=models.PROTECT,
        related_name="competences",
        verbose_name=_("beleidsdomein"),
    )
    scale = models.CharField(_("schaal"), max_length=20, choices=Scale.choices)
    decision = models.CharField(
        _("besluit"),
        max_length=300,
        help_text=_("Waarover wordt beslist, bijvoorbeeld: het omgevingsplan vaststellen."),
    )
    decision_en = models.CharField(_("besluit (Engels)"), max_length=300, blank=True)
    authority = models.CharField(_("wie beslist"), max_length=30, choices=Authority.choices)
    joint_body = models.ForeignKey(
        "registry.JointBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competences",
        verbose_name=_("verbonden partij"),
        help_text=_("Alleen als een bestuur van een verbonden partij beslist."),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competences",
        verbose_name=_("alleen in gemeente"),
        help_text=_("Leeg: geldt in elke gemeente van de regio."),
    )
    basis = models.CharField(_("soort grondslag"), max_length=20, choices=Basis.choices)
    law = models.CharField(
        _("grondslag"),
        max_length=200,
        help_text=_("De wet, regeling of het besluit, bijvoorbeeld: Omgevingswet."),
    )
    article = models.CharField(_("artikel"), max_length=100, blank=True)
    url = models.URLField(_("adres van de grondslag"), max_length=500)
    since = models.DateField(_("sinds"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    note_en = models.TextField(_("toelichting (Engels)"), blank=True)

    translated_decision = Translated("decision")
    translated_note = Translated("note")

    class Meta:
        verbose_name = _("bevoegdheid")
        verbose_name_plural = _("bevoegdheden")
        ordering = ["domain__position", "domain__name", "scale", "authority", "pk"]
        constraints = [
            models.CheckConstraint(
                name="competence_joint_body_only_for_its_boards",
                violation_error_message=_(
                    "Kies een verbonden partij als haar bestuur beslist, en alleen dan."
                ),
                condition=(Q(authority__in=JOINT_BODY_AUTHORITIES) & Q(joint_body__isnull=False))
                | (~Q(authority__in=JOINT_BODY_AUTHORITIES) & Q(joint_body__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.decision} ({self.authority_name})"

    @property
    def authority_name(self) -> str:
        if self.joint_body is not None:
            return f"{self.get_authority_display()}: {self.joint_body.name}"
        name = self.get_authority_display()
        if self.municipality is not None and self.authority in {
            Authority.COUNCIL,
            Authority.COLLEGE,
            Authority.MAYOR,
        }:
            return f"{name} {self.municipality.name}"
        return str(name)

    @property
    def basis_label(self) -> str:
        return f"{self.law}, {self.article}" if self.article else self.law

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        return self.since is None or self.since <= (on or datetime.date.today())

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.domain_id and self.region_id and self.domain.region_id != self.region_id:
            problems["domain"] = _g("Dit beleidsdomein hoort bij een andere regio.")
        body = self.joint_body if self.joint_body_id else None
        if body is not None and self.region_id and body.region_id != self.region_id:
            problems["joint_body"] = _g("Deze verbonden partij hoort bij een andere regio.")
        municipality = self.municipality if self.municipality_id else None
        if municipality is not None and self.region_id and municipality.region_id != self.region_id:
            problems["municipality"] = _g("Deze gemeente hoort bij een andere regio.")
        if problems:
            raise ValidationError(problems)
