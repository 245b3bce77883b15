from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class CoreConfig(AppConfig):
    name = "regioagenda.core"
    label = "core"


class StaticFiles(StaticFilesConfig):
    # From the font packages only the woff2 files of the Latin subsets are used; leaving out
    # the rest keeps collectstatic fast and the served folder small.
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "*.woff",
        "*-cyrillic*",
        "*-greek*",
        "*-vietnamese*",
        "*-devanagari*",
        "*.scss",
        "*.less",
        "*.cjs",
        "*.mjs",
        "*.d.ts",
        "*.json",
    ]
