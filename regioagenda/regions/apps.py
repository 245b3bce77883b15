from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regioagenda.regions"
    label = "regions"
    verbose_name = _("Regio's en gemeenten")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.regions.models import Municipality, Organisation, Region

        auditlog.register(Region)
        auditlog.register(Municipality)
        auditlog.register(Organisation)
