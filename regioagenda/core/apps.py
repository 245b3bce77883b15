from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "regioagenda.core"
    label = "core"
