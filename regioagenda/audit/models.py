"""The security audit log: one append-only row per event, each sealed by a hash chain."""

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# The hash a first row links to.
GENESIS = "0" * 64


class AppendOnlyError(Exception):
    """Audit records are written once by `records.record` and never changed or deleted."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list["AuditRecord"]:  # type: ignore[override]  # refuses whatever it is given
        # Each row must link to the one before it; only `records.record` builds that link.
        raise AppendOnlyError("audit records are added one by one through records.record")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records cannot be changed")

    def for_actor(self, audit_id: Any) -> "AuditRecordQuerySet":
        return self.filter(actor_id=audit_id)


class AuditRecord(models.Model):
    class ActorKind(models.TextChoices):
        USER = "user", _("gebruiker")
        TOKEN = "token", _("API-sleutel")
        SYSTEM = "system", _("systeem")
        ANONYMOUS = "anonymous", _("anoniem")

    class Result(models.TextChoices):
        SUCCESS = "success", _("gelukt")
        FAILURE = "failure", _("mislukt")
        DENIED = "denied", _("geweigerd")

    at = models.DateTimeField(_("tijdstip (UTC)"), db_index=True)
    # The user's `audit_id`, not a foreign key: erasing a person replaces their audit_id, which
    # cuts the link without touching (and so without breaking) any row of the chain.
    actor_id = models.UUIDField(_("pseudoniem van de actor"), null=True, blank=True, db_index=True)
    actor_kind = models.CharField(_("soort actor"), max_length=10, choices=ActorKind.choices)
    action = models.CharField(_("handeling"), max_length=64, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=255, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    result = models.CharField(_("resultaat"), max_length=10, choices=Result.choices)
    # Text, not GenericIPAddressField: PostgreSQL's inet would rewrite some IPv6 forms, and the
    # hash must be computed over exactly what is read back.
    origin = models.CharField(_("herkomst (IP-adres)"), max_length=45, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(_("hash van het vorige record"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditrecord")
        verbose_name_plural = _("auditrecords")
        ordering = ["-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or not self.hash:
            raise AppendOnlyError("audit records are added once, through records.record")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted")

    def canonical(self) -> bytes:
        """The row's content as canonical JSON: what its hash is computed over."""
        content = {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": str(self.actor_id) if self.actor_id else None,
            "actor_kind": self.actor_kind,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "result": self.result,
            "origin": self.origin,
            "detail": self.detail,
            "previous_hash": self.previous_hash,
        }
        return json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def computed_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
