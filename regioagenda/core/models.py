"""Small building blocks shared by the domain models; no domain models live here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A row that editors change through forms; `version` detects concurrent edits."""

    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    class Meta:
        abstract = True
