from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "regioagenda.dossiers"
    label = "dossiers"
    verbose_name = _("Regionale dossiers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.dossiers import models

        auditlog.register(models.Dossier, m2m_fields={"actions", "municipalities"})
        auditlog.register(models.CouncilDecision)
        auditlog.register(models.DecisionDocument)
