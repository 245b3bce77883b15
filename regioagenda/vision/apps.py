from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisionConfig(AppConfig):
    name = "regioagenda.vision"
    label = "vision"
    verbose_name = _("Toekomstvisie")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic

        for model in (Quality, Theme, Topic, Principle, Agreement):
            auditlog.register(model)
