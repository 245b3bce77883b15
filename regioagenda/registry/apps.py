from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "regioagenda.registry"
    label = "registry"
    verbose_name = _("Registers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.registry import models

        auditlog.register(models.JointBody, m2m_fields={"themes"})
        for model in (
            models.Source,
            models.Participation,
            models.Contribution,
            models.GoverningBody,
            models.Representative,
            models.BodyDocument,
            models.BudgetRequest,
            models.BudgetView,
        ):
            auditlog.register(model)
