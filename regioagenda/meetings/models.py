"""Meetings of the region's councils and colleges, network meetings and working sessions.

A meeting belongs to one or more bodies (`Body`): the council and the college of each
municipality, the region's own gatherings (the regional council conference) and the boards of
joint bodies. One meeting of three councils is one row with three bodies, so it appears in each
body's agenda without copies, and a change shows everywhere at once.

A meeting may repeat (an RFC 5545 RRULE, read with dateutil); its agenda items, documents,
minutes and follow-ups belong to the meeting as a whole. A meeting and each item are public or
closed: a closed meeting is seen by the region's staff and council members only, a closed item
of a public meeting shows its title as "besloten" and nothing else.

An agreed follow-up becomes an action of the execution agenda, or a sub-action ("task") of an
existing one, and keeps the link back to the item it came from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel
from regioagenda.core.translation import Translated


class BodyKind(models.TextChoices):
    COUNCIL = "raad", _("gemeenteraad")
    COLLEGE = "college", _("college van B&W")
    REGIONAL = "regio", _("regionaal overleg")
    JOINT_BODY = "verbonden-partij", _("bestuur van een verbonden partij")


class Body(VersionedModel):
    """A body that meets: a municipality's council or college, a regional gathering, or the
    board of a joint body. The loader creates each municipality's council and college."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="bodies", verbose_name=_("regio")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=BodyKind.choices)
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("gemeente"),
    )
    joint_body = models.ForeignKey(
        "registry.JointBody",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_bodies",
        verbose_name=_("verbonden partij"),
    )
    slug = models.SlugField(_("korte naam"), max_length=120)
    name = models.CharField(_("naam"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200, blank=True)

    translated_name = Translated("name")

    class Meta:
        verbose_name = _("orgaan")
        verbose_name_plural = _("organen")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "slug"], name="body_slug_per_region"),
            models.CheckConstraint(
                name="body_scope_matches_kind",
                condition=(
                    Q(kind__in=["raad", "college"], municipality__isnull=False, joint_body=None)
                    | Q(kind="regio", municipality=None, joint_body=None)
                    | Q(kind="verbonden-partij", municipality=None, joint_body__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind"],
                condition=Q(municipality__isnull=False),
                name="one_council_and_college_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return str(self.translated_name)

    def get_absolute_url(self) -> str:
        return reverse("meetings:body", kwargs={"slug": self.slug})


class MeetingKind(models.TextChoices):
    THEMATIC = "themabijeenkomst", _("themabijeenkomst van raden en/of colleges")
    CONFERENCE = "raadsconferentie", _("regionale raadsconferentie")
    NETWORK = "netwerkbijeenkomst", _("netwerkbijeenkomst")
    WORKING_SESSION = "werksessie", _("werksessie")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: object) -> "MeetingQuerySet":
        """Public meetings for everyone; closed ones for the region's staff and council members
        (of any municipality of the region) and administrators."""
        from regioagenda.accounts.predicates import roles_of

        roles = roles_of(user)
        if roles.administrator:
            return self.all()
        municipalities = roles.editor_of | roles.council_member_of
        return self.filter(
            Q(public=True)
            | Q(region__in=roles.coordinator_of)
            | Q(region__municipalities__in=municipalities)
        ).distinct()


class Meeting(VersionedModel):
    class Status(models.TextChoices):
        SCHEDULED = "gepland", _("gepland")
        CANCELLED = "afgelast", _("afgelast")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("regio")
    )
    uid = models.UUIDField(_("vaste sleutel"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("soort"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    start = models.DateTimeField(_("begin"))
    end = models.DateTimeField(_("einde"))
    recurrence = models.CharField(
        _("herhaling (RRULE)"),
        max_length=300,
        blank=True,
        help_text=_("Een herhaling volgens RFC 5545, bijvoorbeeld FREQ=MONTHLY;BYDAY=2TU;COUNT=6."),
    )
    location = models.CharField(_("plaats"), max_length=300, blank=True)
    online_url = models.URLField(_("online deelnemen"), max_length=500, blank=True)
    organiser = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("organiserende gemeente"),
    )
    bodies = models.ManyToManyField(
        Body, related_name="meetings", verbose_name=_("organen"), blank=True
    )
    themes = models.ManyToManyField(
        "vision.Theme", related_name="meetings", verbose_name=_("thema's"), blank=True
    )
    public = models.BooleanField(_("openbaar"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    # Registration (RSVP) for partners and residents, used for network meetings.
    registration_open = models.BooleanField(_("aanmelden mogelijk"), default=False)
    capacity = models.PositiveIntegerField(_("maximum aantal deelnemers"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("wijzigingsnummer (iCalendar)"), default=0)
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

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["start", "title"]
        indexes = [models.Index(fields=["region", "start"])]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_it_starts",
                condition=Q(end__gte=models.F("start")),
                violation_error_message=_("Het einde ligt voor het begin."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def municipality_id(self) -> int | None:
        # The organising municipality's editors keep the meeting (accounts.predicates).
        return self.organiser_id

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", kwargs={"pk": self.pk})


class PartOfMeeting(models.Model):
    """A row of a meeting answers for the meeting's municipality and region."""

    meeting: "models.ForeignKey[Meeting]"

    class Meta:
        abstract = True

    @property
    def municipality_id(self) -> int | None:
        return self.meeting.organiser_id

    @property
    def region_id(self) -> int:
        return self.meeting.region_id


class AgendaItem(PartOfMeeting, VersionedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("vergadering")
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=1)
    title = models.CharField(_("onderwerp"), max_length=300)
    description = models.TextField(_("toelichting"), blank=True)
    public = models.BooleanField(_("openbaar"), default=True)
    themes = models.ManyToManyField(
        "vision.Theme", related_name="agenda_items", verbose_name=_("thema's"), blank=True
    )
    topics = models.ManyToManyField(
        "vision.Topic", related_name="agenda_items", verbose_name=_("onderwerpen"), blank=True
    )
    actions = models.ManyToManyField(
        "agenda.Action", related_name="agenda_items", verbose_name=_("acties"), blank=True
    )
    proposals = models.ManyToManyField(
        "proposals.Proposal", related_name="agenda_items", verbose_name=_("voorstellen"), blank=True
    )
    dossiers = models.ManyToManyField(
        "dossiers.Dossier", related_name="agenda_items", verbose_name=_("dossiers"), blank=True
    )
    # Minutes: what was discussed and decided, written after the meeting.
    minutes = models.TextField(_("besproken"), blank=True)
    decision = models.TextField(_("besloten"), blank=True)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


def agenda_document_path(document: "AgendaDocument", name: str) -> str:
    # The stored name never comes from the upload: a file name can carry anything.
    return f"vergaderingen/{document.item.meeting_id}/{document.sha256}"


class AgendaDocument(models.Model):
    """A document of an agenda item: an uploaded file (PDF, DOCX, ODT, text) or a link."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agendapunt")
    )
    title = models.CharField(_("titel"), max_length=300)
    url = models.URLField(_("adres"), max_length=500, blank=True)
    file = models.FileField(_("bestand"), upload_to=agenda_document_path, blank=True)
    name = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    media_type = models.CharField(_("soort bestand"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("grootte in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("controlegetal (SHA-256)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("vergaderstuk")
        verbose_name_plural = _("vergaderstukken")
        ordering = ["item", "pk"]
        constraints = [
            models.CheckConstraint(
                name="agenda_document_is_a_file_or_a_link",
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def municipality_id(self) -> int | None:
        return self.item.meeting.organiser_id

    @property
    def region_id(self) -> int:
        return self.item.meeting.region_id


class Invitation(PartOfMeeting):
    """Who is invited: a body as a whole, or a person by name (with an e-mail address)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("vergadering")
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("orgaan"),
    )
    name = models.CharField(_("naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["meeting", "body__name", "name"]
        constraints = [
            models.CheckConstraint(
                name="invitation_is_a_body_or_a_person",
                condition=(Q(body__isnull=False) & Q(name=""))
                | (Q(body__isnull=True) & ~Q(name="")),
            )
        ]

    def __str__(self) -> str:
        return self.body.name if self.body else self.name


class Registration(PartOfMeeting):
    """A registration (RSVP) for a meeting that is open to it, and whether they came."""

    class Status(models.TextChoices):
        REGISTERED = "aangemeld", _("aangemeld")
        WAITING = "wachtlijst", _("op de wachtlijst")
        CANCELLED = "afgemeld", _("afgemeld")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("vergadering"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_registrations",
        verbose_name=_("gebruiker"),
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    attended = models.BooleanField(_("aanwezig"), default=False)
    # The secret in the link that lets someone without an account cancel their registration.
    token = models.CharField(_("afmeldcode"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"], name="one_registration_per_address_and_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """An agreed follow-up of an agenda item: the action (or sub-action) it became."""

    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("agendapunt"),
    )
    action = models.ForeignKey(
        "agenda.Action",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("actie"),
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

    class Meta:
        verbose_name = _("vervolgafspraak")
        verbose_name_plural = _("vervolgafspraken")
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "action"], name="one_follow_up_per_action")
        ]

    def __str__(self) -> str:
        return str(self.action)

    @property
    def municipality_id(self) -> int | None:
        return self.item.meeting.organiser_id

    @property
    def region_id(self) -> int:
        return self.item.meeting.region_id
