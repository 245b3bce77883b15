from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "regioagenda.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatieven")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.initiatives import models

        auditlog.register(models.Initiative, exclude_fields=["submitter_email"])
        auditlog.register(models.InitiativeEvent)
