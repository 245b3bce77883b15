"""Users and the roles they hold through memberships of a municipality, region or organisation."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regioagenda.core.models import VersionedModel


class User(VersionedModel, AbstractUser):
    """A person with an account. Visitors need none; everyone with one is staff or a partner."""

    # The audit log names people by this id only. Erasing a person gives them a new one, which
    # cuts the link to their old records without changing (and so without breaking) the chain.
    audit_id = models.UUIDField(_("pseudoniem in het auditlog"), default=uuid.uuid4, unique=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def memberships_summary(self) -> list[str]:
        return [str(membership) for membership in self.memberships.all()]


class Membership(VersionedModel):
    """A role a user holds for a municipality, a region, an organisation or the installation."""

    class Role(models.TextChoices):
        PARTNER = "partner", _("partner")
        EDITOR = "editor", _("redacteur")
        COUNCIL_MEMBER = "council_member", _("raadslid")
        COORDINATOR = "coordinator", _("regiocoördinator")
        ADMINISTRATOR = "administrator", _("beheerder")

    # Which scope each role is held for; the check constraint below enforces it.
    MUNICIPAL_ROLES = (Role.EDITOR, Role.COUNCIL_MEMBER)
    REGIONAL_ROLES = (Role.COORDINATOR,)
    ORGANISATION_ROLES = (Role.PARTNER,)

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "regions.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("gemeente"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("regio"),
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    created_at = models.DateTimeField(_("sinds"), auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=["editor", "council_member"],
                        municipality__isnull=False,
                        region__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role="coordinator",
                        region__isnull=False,
                        municipality__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role="partner",
                        organisation__isnull=False,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role="administrator",
                        municipality__isnull=True,
                        region__isnull=True,
                        organisation__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="one_membership_per_municipality_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="one_membership_per_region_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_membership_per_organisation_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.region or self.organisation
        role = self.get_role_display()
        return f"{role} — {scope}" if scope else str(role)

    @property
    def scope(self) -> object:
        return self.municipality or self.region or self.organisation


class ApiToken(models.Model):
    """A named key for the API, acting for one user within some of that user's memberships.

    Only a hash of the key is stored; the key itself is shown once, when it is issued.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("naam"), max_length=100)
    key_prefix = models.CharField(_("begin van de sleutel"), max_length=8, unique=True)
    key_hash = models.CharField(_("hash van de sleutel"), max_length=64)
    memberships = models.ManyToManyField(
        Membership,
        related_name="api_tokens",
        verbose_name=_("geldig voor de rollen"),
    )
    created_at = models.DateTimeField(_("uitgegeven op"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uitgegeven door"),
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user}, {self.key_prefix}…)"
