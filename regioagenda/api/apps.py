from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "regioagenda.api"
    label = "api"
    verbose_name = "API"
