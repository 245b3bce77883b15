"""The register of joint bodies ("verbonden partijen"): who takes part, since when, what the body
does and what each member pays.

Every fact carries its source: a `Source` row names the fact (a field of the body), and a
participation or a contribution names its own. Members are municipalities of the region or, for
those outside it (Katwijk, Wassenaar…), a name only. Periods run from `started_on` up to (not
including) `ended_on`; an empty date means unknown at the start and ongoing at the end.
"""

import datetime
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


def overlaps(
    a: tuple[datetime.date | None, datetime.date | None],
    b: tuple[datetime.date | None, datetime.date | None],
) -> bool:
    """Whether two periods (start, end; end not included; None open) share a day."""
    a_start, a_end = a
    b_start, b_end = b
    return (a_start is None or b_end is None or a_start < b_end) and (
        b_start is None or a_end is None or b_start < a_end
    )


def describe_period(started_on: datetime.date | None, ended_on: datetime.date | None) -> str:
    start = date_format(started_on, "j F Y") if started_on else _g("onbekend")
    end = date_format(ended_on, "j F Y") if ended_on else _g("heden")
    return _g("%(start)s tot %(end)s") % {"start": start, "end": end}


class LegalForm(models.TextChoices):
    PUBLIC_BODY = "openbaar-lichaam", _("openbaar lichaam")
    JOINT_ORGAN = "gemeenschappelijk-orgaan", _("gemeenschappelijk orgaan")
    OPERATIONAL = "bedrijfsvoeringsorganisatie", _("bedrijfsvoeringsorganisatie")
    PLAIN = "regeling-zonder-meer", _("centrumgemeente- of regeling zonder meer")
    COVENANT = "convenant", _("convenant")
    PROGRAMME = "programma", _("programma")
    NETWORK = "netwerk", _("netwerk")


class JointBodyQuerySet(models.QuerySet["JointBody"]):
    def in_region(self, region: models.Model) -> Self:
        return self.filter(region=region)

    def active(self, on: datetime.date | None = None) -> Self:
        on = on or datetime.date.today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def ended(self, on: datetime.date | None = None) -> Self:
        return self.filter(ended_on__lte=on or datetime.date.today())

    def with_municipality(self, municipality: models.Model) -> Self:
        return self.filter(participations__municipality=municipality).distinct()


class JointBody(VersionedModel):
    LegalForm = LegalForm

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="joint_bodies",
        verbose_name=_("regio"),
    )
    slug = models.SlugField(
        _("korte naam"), max_length=80, help_text=_("Wordt gebruikt in het webadres.")
    )
    name = models.CharField(_("naam"), max_length=200)
    abbreviations = models.CharField(
        _("afkortingen"), max_length=200, blank=True, help_text=_("Gescheiden door komma's.")
    )
    legal_form = models.CharField(_("vorm"), max_length=30, choices=LegalForm.choices, blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True)
    tasks = models.TextField(_("taken"), blank=True)
    powers = models.TextField(_("overgedragen bevoegdheden"), blank=True)
    lead_municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_joint_bodies",
        verbose_name=_("trekker"),
    )
    lead_note = models.CharField(
        _("toelichting op de trekker"),
        max_length=300,
        blank=True,
        help_text=_("Bijvoorbeeld: regie bij Leiden."),
    )
    started_on = models.DateField(_("begonnen op"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    successor_note = models.CharField(_("opvolging"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    themes = models.ManyToManyField(
        "vision.Theme", blank=True, related_name="joint_bodies", verbose_name=_("thema's")
    )

    objects = JointBodyQuerySet.as_manager()

    translated_summary = Translated("summary")

    class Meta:
        verbose_name = _("verbonden partij")
        verbose_name_plural = _("verbonden partijen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="joint_body_slug_per_region",
                violation_error_message=_("Deze korte naam is in deze regio al in gebruik."),
            ),
            models.CheckConstraint(
                name="joint_body_ends_after_start",
                violation_error_message=_("De einddatum ligt na de begindatum."),
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gt=models.F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:body", kwargs={"slug": self.slug})

    @property
    def has_ended(self) -> bool:
        return self.ended_on is not None and self.ended_on <= datetime.date.today()

    def sources_for(self, fact: str) -> list["Source"]:
        return [source for source in self.sources.all() if source.fact == fact]


class Source(models.Model):
    """Where one fact about a body comes from: a web page, or a section of the vision."""

    class Fact(models.TextChoices):
        BODY = "body", _("bestaan en naam")
        LEGAL_FORM = "legal_form", _("vorm")
        SUMMARY = "summary", _("samenvatting")
        TASKS = "tasks", _("taken")
        POWERS = "powers", _("bevoegdheden")
        LEAD = "lead", _("trekker")
        DATES = "dates", _("begin en einde")
        MEMBERS = "members", _("deelnemers")
        GOVERNANCE = "governance", _("bestuur")

    body = models.ForeignKey(
        JointBody, on_delete=models.CASCADE, related_name="sources", verbose_name=_("partij")
    )
    fact = models.CharField(_("feit"), max_length=20, choices=Fact.choices)
    title = models.CharField(_("bron"), max_length=300)
    url = models.URLField(_("adres"), max_length=500, blank=True)
    section = models.CharField(_("paragraaf"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bron")
        verbose_name_plural = _("bronnen")
        ordering = ["body", "fact", "pk"]
        constraints = [
            models.CheckConstraint(
                name="source_has_url_or_section",
                violation_error_message=_("Een bron heeft een adres of een paragraaf."),
                condition=~Q(url="") | ~Q(section=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_fact_display()} — {self.title}"

    @property
    def region_id(self) -> int:
        return self.body.region_id


# One alphabetical list of members, inside the region or not, the same on every database
# (SQLite and PostgreSQL sort missing values differently).
MEMBER_ORDER: list[str | Combinable] = [
    "body",
    Coalesce("municipality__name", "outside_name"),
    models.F("started_on").asc(nulls_first=True),
]


class Participation(VersionedModel):
    """One period in which a municipality took part in a body."""

    body = models.ForeignKey(
        JointBody,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("partij"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("gemeente"),
    )
    outside_name = models.CharField(
        _("deelnemer buiten de regio"),
        max_length=200,
        blank=True,
        help_text=_("Alleen voor een deelnemer die geen gemeente van de regio is."),
    )
    outside_code = models.CharField(_("CBS-code"), max_length=6, blank=True)
    started_on = models.DateField(_("deelnemer sinds"), null=True, blank=True)
    ended_on = models.DateField(_("deelnemer tot"), null=True, blank=True)
    source_title = models.CharField(_("bron"), max_length=300, blank=True)
    source_url = models.URLField(_("adres van de bron"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")
        ordering = MEMBER_ORDER
        constraints = [
            models.CheckConstraint(
                name="participation_names_one_member",
                violation_error_message=_(
                    "Kies een gemeente van de regio óf vul de naam van een deelnemer buiten de "
                    "regio in."
                ),
                condition=(Q(municipality__isnull=False) & Q(outside_name=""))
                | (Q(municipality__isnull=True) & ~Q(outside_name="")),
            ),
            models.CheckConstraint(
                name="participation_ends_after_start",
                violation_error_message=_("De einddatum van de deelname ligt na de begindatum."),
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gt=models.F("started_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name} — {self.body}"

    @property
    def member_name(self) -> str:
        return self.municipality.name if self.municipality is not None else self.outside_name

    @property
    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        return (self.started_on, self.ended_on)

    @property
    def region_id(self) -> int:
        return self.body.region_id

    def is_same_member(self, other: "Participation") -> bool:
        if self.municipality_id or other.municipality_id:
            return self.municipality_id == other.municipality_id
        return self.outside_name.casefold() == other.outside_name.casefold()

    def covers_year(self, year: int) -> bool:
        # The year after 9999 does not exist; the day after its last day is date.max then.
        end = datetime.date(year + 1, 1, 1) if year < datetime.MAXYEAR else datetime.date.max
        return overlaps(self.period, (datetime.date(year, 1, 1), end))

    def overlap_message(self, other: "Participation") -> str:
        return _g(
            "%(member)s neemt al deel aan %(body)s van %(other)s; de periode %(this)s "
            "overlapt daarmee."
        ) % {
            "member": other.member_name,
            "body": self.body.name,
            "other": describe_period(*other.period),
            "this": describe_period(*self.period),
        }

    def clean(self) -> None:
        if not self.body_id or (not self.municipality_id and not self.outside_name):
            return
        if self.started_on and self.ended_on and self.ended_on <= self.started_on:
            return  # the constraint's message says what is wrong
        siblings = Participation.objects.filter(body_id=self.body_id).exclude(pk=self.pk)
        for other in siblings.select_related("municipality", "body"):
            if self.is_same_member(other) and overlaps(self.period, other.period):
                raise ValidationError(self.overlap_message(other))


class Contribution(VersionedModel):
    """What a member paid (or was budgeted to pay) the body in one year, in euros."""

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("deelname"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=[MinValueValidator(1900)])
    amount_eur = models.DecimalField(
        _("bedrag (euro)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source_title = models.CharField(_("bron"), max_length=300)
    source_url = models.URLField(_("adres van de bron"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["participation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "year"],
                name="contribution_once_per_year",
                violation_error_message=_("Voor dit jaar is al een bijdrage vastgelegd."),
            ),
            models.CheckConstraint(
                name="contribution_not_negative",
                violation_error_message=_("Een bijdrage is niet negatief."),
                condition=Q(amount_eur__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation}: {self.year}"

    @property
    def region_id(self) -> int:
        return self.participation.region_id

    def clean(self) -> None:
        if self.participation_id is None or self.year is None:
            return
        participation = self.participation
        if not participation.covers_year(self.year):
            raise ValidationError(
                {
                    "year": _g(
                        "%(member)s nam in %(year)s niet deel aan %(body)s (deelname: "
                        "%(period)s); een bijdrage kan alleen in een jaar van deelname."
                    )
                    % {
                        "member": participation.member_name,
                        "year": self.year,
                        "body": participation.body.name,
                        "period": describe_period(*participation.period),
                    }
                }
            )


class GoverningBody(VersionedModel):
    class Kind(models.TextChoices):
        GENERAL = "algemeen-bestuur", _("algemeen bestuur")
        EXECUTIVE = "dagelijks-bestuur", _("dagelijks bestuur")
        COMMITTEE = "bestuurscommissie", _("bestuurscommissie")
        OTHER = "anders", _("anders")

    body = models.ForeignKey(
        JointBody,
        on_delete=models.CASCADE,
        related_name="governing_bodies",
        verbose_name=_("partij"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bestuursorgaan")
        verbose_name_plural = _("bestuursorganen")
        ordering = ["body", "kind", "name"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    @property
    def region_id(self) -> int:
        return self.body.region_id


class Representative(models.Model):
    governing_body = models.ForeignKey(
        GoverningBody,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("bestuursorgaan"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("gemeente"),
    )
    role = models.CharField(_("rol"), max_length=200, blank=True)
    person = models.CharField(_("naam"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vertegenwoordiger")
        verbose_name_plural = _("vertegenwoordigers")
        ordering = ["governing_body", "municipality__name"]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.person or self.role}"

    @property
    def region_id(self) -> int:
        return self.governing_body.region_id


class BodyDocument(models.Model):
    class Kind(models.TextChoices):
        STATUTES = "statuten", _("statuten of regeling")
        BUDGET = "begroting", _("begroting")
        ACCOUNTS = "jaarrekening", _("jaarrekening")
        OTHER = "anders", _("anders")

    body = models.ForeignKey(
        JointBody, on_delete=models.CASCADE, related_name="documents", verbose_name=_("partij")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("titel"), max_length=300)
    year = models.PositiveSmallIntegerField(_("jaar"), null=True, blank=True)
    url = models.URLField(_("adres"), max_length=500)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["body", "kind", "-year"]

    def __str__(self) -> str:
        return self.title

    @property
    def region_id(self) -> int:
        return self.body.region_id


class BudgetRequest(VersionedModel):
    """A draft budget (or framework letter, or amendment) sent to the councils for their views.

    Under the Wgr the councils of the participating municipalities may give their view
    ("zienswijze") on a public body's draft budget before its general board adopts it.
    """

    class Kind(models.TextChoices):
        FRAMEWORK = "kaderbrief", _("kaderbrief")
        DRAFT_BUDGET = "ontwerpbegroting", _("ontwerpbegroting")
        AMENDMENT = "begrotingswijziging", _("begrotingswijziging")

    body = models.ForeignKey(
        JointBody,
        on_delete=models.CASCADE,
        related_name="budget_requests",
        verbose_name=_("partij"),
    )
    kind = models.CharField(
        _("soort"), max_length=20, choices=Kind.choices, default=Kind.DRAFT_BUDGET
    )
    year = models.PositiveSmallIntegerField(
        _("begrotingsjaar"), validators=[MinValueValidator(1900)]
    )
    title = models.CharField(_("titel"), max_length=300)
    sent_on = models.DateField(_("verzonden op"))
    views_due_on = models.DateField(_("zienswijze uiterlijk op"))
    adopted_on = models.DateField(_("vastgesteld op"), null=True, blank=True)
    url = models.URLField(_("adres van het document"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("begroting ter zienswijze")
        verbose_name_plural = _("begrotingen ter zienswijze")
        ordering = ["views_due_on", "body__name"]
        constraints = [
            models.CheckConstraint(
                name="budget_request_due_after_sending",
                violation_error_message=_(
                    "De uiterste datum voor zienswijzen ligt na de verzenddatum."
                ),
                condition=Q(views_due_on__gt=models.F("sent_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.title}"

    @property
    def region_id(self) -> int:
        return self.body.region_id


class BudgetView(VersionedModel):
    """What one council did with a budget request: its view, or that it gave none."""

    class Outcome(models.TextChoices):
        VIEW = "zienswijze", _("zienswijze ingediend")
        NO_VIEW = "geen-zienswijze", _("besloten geen zienswijze in te dienen")

    request = models.ForeignKey(
        BudgetRequest,
        on_delete=models.CASCADE,
        related_name="views",
        verbose_name=_("begroting"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="budget_views",
        verbose_name=_("gemeente"),
    )
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    decided_on = models.DateField(_("besloten op"))
    summary = models.TextField(_("samenvatting"), blank=True)
    url = models.URLField(_("adres van het raadsbesluit"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("zienswijze")
        verbose_name_plural = _("zienswijzen")
        ordering = ["request", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "municipality"],
                name="budget_view_once_per_council",
                violation_error_message=_("Deze raad heeft voor deze begroting al besloten."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.request}"

    @property
    def region_id(self) -> int:
        return self.request.region_id
