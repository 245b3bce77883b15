"""collectstatic without the font files and sources the pages never load.

The font packages ship every weight in every subset and format; we use the files
(woff2 on pages, woff in PDFs) of the Latin subsets only (see fonts.css and report.css).
"""

from typing import Any

from django.contrib.staticfiles.management.commands import collectstatic

UNUSED = [
    "*-cyrillic*",
    "*-greek*",
    "*-vietnamese*",
    "*-devanagari*",
    "*.scss",
    "*.less",
    "*.cjs",
    "*.mjs",
    "*.d.ts",
    "*.d.ts.map",
]


class Command(collectstatic.Command):
    def set_options(self, **options: Any) -> None:
        super().set_options(**options)
        self.ignore_patterns = [*self.ignore_patterns, *UNUSED]
