from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "regioagenda.cooperation"
    label = "cooperation"
    verbose_name = _("Samenwerkingsvormen")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.cooperation import models

        auditlog.register(models.Comparison, m2m_fields={"participants"})
        auditlog.register(models.Option)
        auditlog.register(models.Criterion)
        # Scores are secret until the comparison closes: the audit log records that a
        # municipality entered its assessment and by whom, not how (Score is not registered).
        auditlog.register(models.Assessment, exclude_fields=["weight"])
