from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "regioagenda.monitor"
    label = "monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.monitor import models

        auditlog.register(models.Indicator, m2m_fields={"themes", "topics"})
        auditlog.register(models.Target)
        auditlog.register(models.Observation)
