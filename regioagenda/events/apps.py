from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "regioagenda.events"
    label = "events"
    verbose_name = _("Evenementenkalender")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.events import models

        auditlog.register(models.Category)
        auditlog.register(models.Audience)
        auditlog.register(models.ClashRules)
        auditlog.register(models.Neighbour)
        auditlog.register(
            models.Event, m2m_fields={"categories", "audiences", "themes"}, exclude_fields=["token"]
        )
