"""Optimistic locking: a save based on an outdated version is refused, never silently applied."""

from typing import Any, cast

from django.db import models, transaction
from django.utils.translation import gettext as _

from regioagenda.core.models import VersionedModel


class EditConflict(Exception):
    """Someone else saved the object after the editor opened it."""

    def __init__(self, current: VersionedModel, changed_fields: list[str]) -> None:
        self.current = current
        self.changed_fields = changed_fields
        super().__init__(_("Iemand anders heeft dit item intussen gewijzigd."))


def save_with_version_check(
    instance: VersionedModel, *, expected_version: int, changes: dict[str, Any]
) -> VersionedModel:
    """Apply `changes` to the stored row if it is still at `expected_version`.

    The row is locked for the duration of the transaction, so two saves of the same version
    cannot both succeed. Otherwise raises EditConflict naming the fields whose stored value
    differs from what the editor submitted, so the form can show both side by side.
    """
    model: type[models.Model] = type(instance)
    with transaction.atomic():
        current = cast(
            VersionedModel, model._default_manager.select_for_update().get(pk=instance.pk)
        )
        if current.version != expected_version:
            changed = [name for name, value in changes.items() if getattr(current, name) != value]
            raise EditConflict(current, changed)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version = expected_version + 1
        current.full_clean()
        current.save()
    return current
