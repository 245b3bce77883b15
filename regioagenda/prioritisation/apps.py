from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrioritisationConfig(AppConfig):
    name = "regioagenda.prioritisation"
    label = "prioritisation"
    verbose_name = _("Gezamenlijke prioritering")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.prioritisation import models

        auditlog.register(models.Round, m2m_fields={"participants"})
        auditlog.register(models.Candidate)
        # Ballot contents are secret until the round closes: the audit log records that a
        # ballot was cast and by whom, not how.
        auditlog.register(models.Ballot, exclude_fields=["weight"])
        auditlog.register(models.AdoptedPriority)
