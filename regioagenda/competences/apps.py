from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetencesConfig(AppConfig):
    name = "regioagenda.competences"
    label = "competences"
    verbose_name = _("Bevoegdheden")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.competences import models

        auditlog.register(models.PolicyDomain, m2m_fields={"themes", "topics"})
        auditlog.register(models.Place)
        auditlog.register(models.Competence)
