"""Regional dossiers: one regional decision that several councils (or colleges) take separately.

A dossier names the municipalities that are to decide and the actions of the execution agenda it
concerns; each municipality's decision is a `CouncilDecision` with its amendments and motions
(`DecisionDocument`). Where the councils diverged is worked out in `divergence.py`; decisions are
recorded through `decisions.record_decision`.
"""

from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class DossierQuerySet(models.QuerySet["Dossier"]):
    def in_region(self, region: models.Model) -> Self:
        return self.filter(region=region)

    def for_listing(self) -> Self:
        """What every list of dossiers shows, with its divergence, in a fixed number of queries."""
        from regioagenda.regions.models import Municipality

        return self.select_related("topic", "agreement").prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch("decisions", queryset=CouncilDecision.objects.select_related("municipality")),
        )


class Dossier(VersionedModel):
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("regio")
    )
    slug = models.SlugField(
        _("korte naam"), max_length=80, help_text=_("Wordt gebruikt in het webadres.")
    )
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    summary = models.TextField(_("samenvatting"))
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True)
    topic = models.ForeignKey(
        "vision.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("onderwerp"),
    )
    agreement = models.ForeignKey(
        "vision.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("afspraak"),
    )
    actions = models.ManyToManyField(
        "agenda.Action",
        blank=True,
        related_name="dossiers",
        verbose_name=_("acties"),
        help_text=_("De acties van de uitvoeringsagenda waar dit besluit over gaat."),
    )
    municipalities = models.ManyToManyField(
        "regions.Municipality",
        blank=True,
        related_name="dossiers",
        verbose_name=_("besluitende gemeenten"),
        help_text=_("Leeg laten: alle gemeenten van de regio besluiten."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now, editable=False)

    objects = DossierQuerySet.as_manager()

    translated_title = Translated("title")
    translated_summary = Translated("summary")

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "slug"],
                name="dossier_slug_per_region",
                violation_error_message=_("Deze korte naam is in deze regio al in gebruik."),
            ),
            models.CheckConstraint(
                name="dossier_has_title",
                violation_error_message=_("Een dossier heeft een titel."),
                condition=~Q(title=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dossiers:dossier", kwargs={"slug": self.slug})


class DecisionBody(models.TextChoices):
    COUNCIL = "raad", _("gemeenteraad")
    COLLEGE = "college", _("college van B&W")


class DecisionOutcome(models.TextChoices):
    PENDING = "pending", _("nog niet besloten")
    ADOPTED = "adopted", _("aangenomen")
    AMENDED = "amended", _("geamendeerd aangenomen")
    REJECTED = "rejected", _("verworpen")
    POSTPONED = "postponed", _("aangehouden")


class CouncilDecision(VersionedModel):
    """What one municipality's council (or college) decided on the dossier's proposal."""

    Body = DecisionBody
    Outcome = DecisionOutcome
    ADOPTING = (DecisionOutcome.ADOPTED, DecisionOutcome.AMENDED)

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("dossier")
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="council_decisions",
        verbose_name=_("gemeente"),
    )
    body = models.CharField(
        _("orgaan"), max_length=10, choices=DecisionBody.choices, default=DecisionBody.COUNCIL
    )
    proposal_title = models.CharField(
        _("titel van het voorstel"),
        max_length=300,
        error_messages={"blank": _("Vul de titel van het voorstel in.")},
    )
    proposal_number = models.CharField(
        _("nummer van het voorstel"),
        max_length=60,
        blank=True,
        help_text=_("Zoals het in het raadsinformatiesysteem staat, bijvoorbeeld RV 24.0012."),
    )
    proposal_url = models.URLField(
        _("link naar het voorstel"),
        max_length=500,
        blank=True,
        help_text=_("Het adres van het voorstel in het raadsinformatiesysteem."),
    )
    meeting_date = models.DateField(
        _("datum van de vergadering"),
        null=True,
        blank=True,
        help_text=_("Ook een geplande vergadering, als er nog niet besloten is."),
    )
    outcome = models.CharField(
        _("uitkomst"),
        max_length=12,
        choices=DecisionOutcome.choices,
        default=DecisionOutcome.PENDING,
    )
    outcome_note = models.TextField(
        _("toelichting op de uitkomst"),
        blank=True,
        help_text=_("Bijvoorbeeld de stemverhouding, of waarom het voorstel is aangehouden."),
    )

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["municipality__name", "-body"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "municipality", "body"],
                name="council_decision_once_per_body",
                violation_error_message=_(
                    "Voor deze gemeente en dit orgaan is in dit dossier al een besluit vastgelegd."
                ),
            ),
            models.CheckConstraint(
                name="council_decision_has_proposal_title",
                violation_error_message=_("Noem de titel van het voorstel."),
                condition=~Q(proposal_title=""),
            ),
            models.CheckConstraint(
                name="council_decision_known_body",
                violation_error_message=_("Kies de gemeenteraad of het college."),
                condition=Q(body__in=DecisionBody.values),
            ),
            models.CheckConstraint(
                name="council_decision_known_outcome",
                violation_error_message=_("Kies een van de bekende uitkomsten."),
                condition=Q(outcome__in=DecisionOutcome.values),
            ),
            models.CheckConstraint(
                name="council_decision_outcome_needs_meeting_date",
                violation_error_message=_(
                    "Een besluit dat genomen of aangehouden is, heeft een vergaderdatum."
                ),
                condition=Q(outcome=DecisionOutcome.PENDING) | Q(meeting_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.municipality} ({self.get_body_display()})"

    @property
    def region_id(self) -> int:
        # Permission rules ask whose region an object is in: a decision is its dossier's.
        return self.dossier.region_id

    @property
    def adopted(self) -> bool:
        return self.outcome in self.ADOPTING

    def get_absolute_url(self) -> str:
        return self.dossier.get_absolute_url() + "#besluiten"

    def get_record_url(self) -> str:
        return reverse(
            "dossiers:record_decision",
            kwargs={
                "slug": self.dossier.slug,
                "code": self.municipality.code,
                "body": self.body,
            },
        )

    def clean(self) -> None:
        # The rules that need no other rows; record_decision adds those that do.
        if self.outcome != self.Outcome.PENDING:
            if self.meeting_date is None:
                raise ValidationError(
                    {
                        "meeting_date": _(
                            "Vul de datum van de vergadering in. Zonder datum kan de uitkomst "
                            "alleen “nog niet besloten” zijn."
                        )
                    }
                )
            if self.meeting_date > timezone.localdate():
                raise ValidationError(
                    {
                        "meeting_date": _(
                            "Deze vergadering moet nog komen. Kies dan de uitkomst "
                            "“nog niet besloten”."
                        )
                    }
                )


class DocumentKind(models.TextChoices):
    AMENDMENT = "amendment", _("amendement")
    MOTION = "motion", _("motie")
    OTHER = "other", _("overig")


class DocumentResult(models.TextChoices):
    ADOPTED = "adopted", _("aangenomen")
    REJECTED = "rejected", _("verworpen")
    WITHDRAWN = "withdrawn", _("ingetrokken")
    UNKNOWN = "unknown", _("onbekend")


class DecisionDocument(models.Model):
    """An amendment or motion put to the vote when the decision was taken."""

    Kind = DocumentKind
    Result = DocumentResult
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("besluit"),
    )
    kind = models.CharField(
        _("soort"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.AMENDMENT
    )
    title = models.CharField(_("titel"), max_length=300)
    result = models.CharField(
        _("uitslag"), max_length=12, choices=DocumentResult.choices, default=DocumentResult.UNKNOWN
    )
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("amendement of motie")
        verbose_name_plural = _("amendementen en moties")
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                name="decision_document_has_title",
                violation_error_message=_("Een amendement of motie heeft een titel."),
                condition=~Q(title=""),
            ),
            models.CheckConstraint(
                name="decision_document_known_kind_and_result",
                violation_error_message=_("Kies een bekende soort en uitslag."),
                condition=Q(kind__in=DocumentKind.values, result__in=DocumentResult.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def municipality_id(self) -> int:
        # An amendment or motion belongs to the municipality whose decision it is part of.
        return self.decision.municipality_id

    @property
    def region_id(self) -> int:
        return self.decision.region_id
