"""Council and college proposals and their regional impact check ("regionale toets").

A proposal belongs to one municipality and one of its bodies (the council or the college). Its
check is kept as revisions: a concept revision is edited by the municipality's editors; once
submitted it is read-only, and a change is a new revision, so that what a council was told stays
on record.

The vocabulary (`Term`) and the gazetteer (`GazetteerEntry`) belong to the region: they are what
the suggestions match a proposal's text against, and the coordinator keeps them in the back
office. The region's data set brings the first ones (`gazetteer.yaml`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel


class GoverningBody(models.TextChoices):
    COUNCIL = "raad", _("gemeenteraad")
    COLLEGE = "college", _("college van B&W")


class ProposalStatus(models.TextChoices):
    DRAFT = "concept", _("concept")
    IN_PROCEDURE = "in-procedure", _("in procedure")
    DECIDED = "besloten", _("besloten")
    WITHDRAWN = "ingetrokken", _("ingetrokken")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def in_region(self, region: object) -> "ProposalQuerySet":
        return self.filter(municipality__region=region)

    def without_check(self) -> "ProposalQuerySet":
        """Proposals of which no check has been submitted yet."""
        return self.exclude(checks__state=ImpactCheck.State.SUBMITTED)

    def visible_to(self, user: object) -> "ProposalQuerySet":
        """Every proposal past its concept, and the concepts of the municipalities and regions
        the user keeps (the same people as the `proposals.write_check` rule)."""
        from regioagenda.accounts.predicates import roles_of

        roles = roles_of(user)
        if roles.administrator:
            return self.all()
        return self.filter(
            ~Q(status=ProposalStatus.DRAFT)
            | Q(municipality__in=roles.editor_of)
            | Q(municipality__region__in=roles.coordinator_of)
        )


class Proposal(VersionedModel):
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("gemeente"),
    )
    body = models.CharField(_("orgaan"), max_length=10, choices=GoverningBody.choices)
    number = models.CharField(
        _("nummer"),
        max_length=60,
        help_text=_("Het nummer in het raadsinformatiesysteem, bijvoorbeeld RV 24.0012."),
    )
    title = models.CharField(_("titel"), max_length=500)
    date = models.DateField(_("datum van het voorstel"))
    decision_date = models.DateField(_("datum van het besluit"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    summary = models.TextField(_("samenvatting"), blank=True)
    decision = models.TextField(_("besluit"), blank=True)
    text = models.TextField(
        _("tekst"),
        blank=True,
        help_text=_("Geplakte tekst van het voorstel, als er geen document is."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["-date", "municipality__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"],
                name="proposal_number_per_municipality",
                violation_error_message=_("Deze gemeente heeft al een voorstel met dit nummer."),
            ),
            models.CheckConstraint(
                name="proposal_decided_after_proposed",
                violation_error_message=_("Het besluit kan niet voor het voorstel liggen."),
                condition=Q(decision_date__isnull=True) | Q(decision_date__gte=models.F("date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def region_id(self) -> int:
        return self.municipality.region_id  # type: ignore[union-attr]

    def get_absolute_url(self) -> str:
        return reverse("proposals:proposal", kwargs={"pk": self.pk})


class PartOfProposal(models.Model):
    """A row that belongs to a proposal answers for its municipality and region, as the
    permission predicates ask (`accounts.predicates`)."""

    proposal: "models.ForeignKey[Proposal]"

    class Meta:
        abstract = True

    @property
    def municipality_id(self) -> int:
        return self.proposal.municipality_id

    @property
    def region_id(self) -> int:
        return self.proposal.region_id


class ProposalLink(PartOfProposal):
    """A page of the proposal in the municipality's council information system."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="links", verbose_name=_("voorstel")
    )
    title = models.CharField(_("omschrijving"), max_length=200)
    url = models.URLField(_("adres"), max_length=500)

    class Meta:
        verbose_name = _("koppeling")
        verbose_name_plural = _("koppelingen")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def document_path(document: "ProposalDocument", name: str) -> str:
    # The stored name never comes from the upload: a file name can carry anything.
    return f"voorstellen/{document.proposal_id}/{document.sha256}"


class ProposalDocument(PartOfProposal):
    """An uploaded PDF, DOCX, ODT or text file of a proposal, with its text as extracted."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="documents", verbose_name=_("voorstel")
    )
    file = models.FileField(_("bestand"), upload_to=document_path, max_length=300)
    name = models.CharField(_("bestandsnaam"), max_length=255)
    media_type = models.CharField(_("soort bestand"), max_length=100)
    size = models.PositiveBigIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("controlegetal (SHA-256)"), max_length=64)
    text = models.TextField(_("tekst"), blank=True)
    pages = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    has_text = models.BooleanField(_("bevat tekst"), default=True)
    note = models.CharField(
        _("toelichting"),
        max_length=300,
        blank=True,
        help_text=_("Bijvoorbeeld: gescande PDF zonder tekst."),
    )
    uploaded_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geüpload door"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "sha256"],
                name="document_once_per_proposal",
                violation_error_message=_("Dit document hoort al bij het voorstel."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Consistency(models.TextChoices):
    CONSISTENT = "past", _("past in de strategische en uitvoeringsagenda")
    PARTLY = "deels", _("past deels")
    INCONSISTENT = "wijkt-af", _("wijkt af")
    NOT_APPLICABLE = "niet-van-toepassing", _("niet van toepassing")


class ImpactCheck(PartOfProposal, VersionedModel):
    """One revision of a proposal's regional check; submitted revisions are never changed."""

    class State(models.TextChoices):
        DRAFT = "concept", _("concept")
        SUBMITTED = "ingediend", _("ingediend")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="checks", verbose_name=_("voorstel")
    )
    revision = models.PositiveIntegerField(_("herziening"))
    state = models.CharField(_("stand"), max_length=10, choices=State.choices, default=State.DRAFT)
    themes = models.ManyToManyField(
        "vision.Theme", blank=True, related_name="impact_checks", verbose_name=_("thema's")
    )
    topics = models.ManyToManyField(
        "vision.Topic", blank=True, related_name="impact_checks", verbose_name=_("onderwerpen")
    )
    joint_bodies = models.ManyToManyField(
        "registry.JointBody",
        blank=True,
        related_name="impact_checks",
        verbose_name=_("verbonden partijen"),
    )
    actions = models.ManyToManyField(
        "agenda.Action",
        blank=True,
        related_name="impact_checks",
        verbose_name=_("acties van de uitvoeringsagenda"),
    )
    consistency = models.CharField(
        _("past in de agenda"),
        max_length=20,
        choices=Consistency.choices,
        default=Consistency.NOT_APPLICABLE,
    )
    consistency_note = models.TextField(_("toelichting op de samenhang"), blank=True)
    regional = models.BooleanField(
        _("regionaal"),
        null=True,
        blank=True,
        help_text=_("Ja: het voorstel heeft gevolgen buiten de gemeente. Leeg: nog niet bepaald."),
    )
    coordination_needed = models.BooleanField(
        _("regionale afstemming nodig vóór het besluit"), default=False
    )
    coordinate_with = models.ManyToManyField(
        "regions.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("afstemmen met"),
    )
    coordination_note = models.TextField(_("toelichting op de afstemming"), blank=True)
    consequences = models.TextField(_("regionale gevolgen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgesteld door"),
    )
    created_at = models.DateTimeField(_("opgesteld op"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)

    class Meta:
        verbose_name = _("regionale toets")
        verbose_name_plural = _("regionale toetsen")
        ordering = ["proposal", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "revision"],
                name="impact_check_revision_once",
                violation_error_message=_("Deze herziening van de toets bestaat al."),
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(state="concept"),
                name="impact_check_one_draft",
                violation_error_message=_("Er is al een concept van de toets."),
            ),
            models.CheckConstraint(
                name="impact_check_submitted_has_time",
                violation_error_message=_("Een ingediende toets heeft een tijdstip van indienen."),
                condition=Q(state="concept") | Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — toets {self.revision}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class Effect(models.TextChoices):
    POSITIVE = "positief", _("positief")
    NEGATIVE = "negatief", _("negatief")
    MIXED = "gemengd", _("positief en negatief")
    UNKNOWN = "onbekend", _("nog onbekend")


class AffectedMunicipality(models.Model):
    """A municipality the proposal affects, inside the region or a neighbour outside it."""

    impact_check = models.ForeignKey(
        ImpactCheck,
        on_delete=models.CASCADE,
        related_name="affected",
        verbose_name=_("toets"),
    )
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente in de regio"),
    )
    code = models.CharField(
        _("CBS-code"), max_length=6, help_text=_("Ook voor een gemeente buiten de regio.")
    )
    name = models.CharField(_("naam"), max_length=100)
    effect = models.CharField(
        _("effect"), max_length=10, choices=Effect.choices, default=Effect.UNKNOWN
    )
    explanation = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("geraakte gemeente")
        verbose_name_plural = _("geraakte gemeenten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["impact_check", "code"],
                name="affected_municipality_once",
                violation_error_message=_("Deze gemeente staat al in de toets."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Term(VersionedModel):
    """A word or phrase that points to one theme or one topic, for the suggestions; a term of a
    topic counts for the topic's theme too."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="terms", verbose_name=_("regio")
    )
    text = models.CharField(
        _("term"), max_length=200, help_text=_("Een woord of woordgroep, zoals: sociale huur.")
    )
    theme = models.ForeignKey(
        "vision.Theme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("thema"),
    )
    topic = models.ForeignKey(
        "vision.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("onderwerp"),
    )
    weight = models.DecimalField(
        _("gewicht"),
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text=_("Hoe sterk de term wijst op het thema of onderwerp (0,1 tot 5)."),
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("termen")
        ordering = ["text"]
        constraints = [
            models.CheckConstraint(
                name="term_points_somewhere",
                violation_error_message=_("Kies een thema óf een onderwerp."),
                condition=(Q(theme__isnull=False) & Q(topic__isnull=True))
                | (Q(theme__isnull=True) & Q(topic__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["region", "text", "theme"],
                condition=Q(theme__isnull=False),
                name="term_once_per_theme",
                violation_error_message=_("Deze term bestaat al bij dit thema."),
            ),
            models.UniqueConstraint(
                fields=["region", "text", "topic"],
                condition=Q(topic__isnull=False),
                name="term_once_per_topic",
                violation_error_message=_("Deze term bestaat al bij dit onderwerp."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


class PlaceKind(models.TextChoices):
    MUNICIPALITY = "gemeente", _("gemeente")
    SETTLEMENT = "kern", _("kern of dorp")
    DISTRICT = "wijk", _("wijk")
    NEIGHBOURHOOD = "buurt", _("buurt")
    AREA = "gebied", _("gebied")
    NEIGHBOUR = "buurgemeente", _("buurgemeente buiten de regio")


class GazetteerEntry(VersionedModel):
    """A name people use for a place, and the municipality it lies in."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="gazetteer",
        verbose_name=_("regio"),
    )
    name = models.CharField(_("naam"), max_length=200)
    variants = models.CharField(
        _("schrijfwijzen"), max_length=500, blank=True, help_text=_("Gescheiden door komma's.")
    )
    kind = models.CharField(_("soort"), max_length=15, choices=PlaceKind.choices)
    municipality_code = models.CharField(_("CBS-code van de gemeente"), max_length=6)
    municipality_name = models.CharField(_("gemeente"), max_length=100)
    code = models.CharField(_("CBS-code"), max_length=10, blank=True)
    ambiguous = models.BooleanField(
        _("dubbelzinnig"),
        default=False,
        help_text=_("Ook een gewoon woord of een naam in meer gemeenten: telt alleen met context."),
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plaatsnaam")
        verbose_name_plural = _("plaatsnamen")
        ordering = ["municipality_name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "kind", "municipality_code"],
                name="gazetteer_entry_once",
                violation_error_message=_("Deze plaatsnaam bestaat al."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality_name})"

    @property
    def variant_list(self) -> list[str]:
        return [v.strip() for v in self.variants.split(",") if v.strip()]


class DigestSubscription(models.Model):
    """A staff member's choice to receive, by e-mail, the checks submitted since the last one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_digests",
        verbose_name=_("gebruiker"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("regio")
    )
    themes = models.ManyToManyField(
        "vision.Theme",
        blank=True,
        related_name="+",
        verbose_name=_("thema's"),
        help_text=_("Leeg: alle thema's."),
    )
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("laatst verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("samenvatting per e-mail")
        verbose_name_plural = _("samenvattingen per e-mail")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="digest_once_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.region}"
