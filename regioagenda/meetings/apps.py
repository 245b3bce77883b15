from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "regioagenda.meetings"
    label = "meetings"
    verbose_name = _("Vergaderingen")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.meetings import models

        auditlog.register(models.Body)
        auditlog.register(models.Meeting, m2m_fields={"bodies", "themes"})
        auditlog.register(
            models.AgendaItem, m2m_fields={"themes", "topics", "actions", "proposals", "dossiers"}
        )
        auditlog.register(models.AgendaDocument)
        auditlog.register(models.Invitation)
        auditlog.register(models.Registration, exclude_fields=["token"])
        auditlog.register(models.FollowUp)
