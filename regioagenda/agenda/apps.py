from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "regioagenda.agenda"
    label = "agenda"
    verbose_name = _("Uitvoeringsagenda")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.agenda import models

        auditlog.register(models.Action, m2m_fields={"participants", "partners"})
        auditlog.register(models.Milestone)
        auditlog.register(models.BudgetLine)
        auditlog.register(models.ActionLink)
        auditlog.register(models.StatusChange)
        auditlog.register(models.ProgressUpdate)
