from typing import Any

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "regioagenda.core"
    label = "core"

    def ready(self) -> None:
        checks.register(scanner_configuration, checks.Tags.security, deploy=True)
        from regioagenda.core import page_cache

        if page_cache.seconds():
            page_cache.watch_models()


def scanner_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy` says whether uploads are scanned, without a line per upload or command."""
    from regioagenda.core.scanning import describe_configuration

    return [checks.Info(describe_configuration(), id="regioagenda.I001")]
