"""collectstatic without the font files the pages never load.

The font packages ship every weight in every subset and format; the pages use the woff2 files
of the Latin subsets only (see static/regioagenda/fonts.css).
"""

from typing import Any

from django.contrib.staticfiles.management.commands import collectstatic

UNUSED = [
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
]


class Command(collectstatic.Command):
    def set_options(self, **options: Any) -> None:
        super().set_options(**options)
        self.ignore_patterns = [*self.ignore_patterns, *UNUSED]
