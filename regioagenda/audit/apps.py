from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "regioagenda.audit"
    label = "audit"
    verbose_name = _("Auditlog")

    def ready(self) -> None:
        from regioagenda.audit import receivers

        receivers.connect()
