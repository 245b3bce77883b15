"""Bilingual content: every text a user reads is stored in Dutch, with an English version beside it.

A model keeps `title` (Dutch, required) and `title_en` (English, may be empty).
`Translated("title")` gives the text in the active language and falls back to Dutch where no
English text exists.
"""

from typing import Any

from django.utils.translation import get_language


class Translated:
    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        language = (get_language() or "nl").split("-")[0]
        if language != "nl":
            translation = getattr(instance, f"{self.field}_{language}", "")
            if translation:
                return translation
        return getattr(instance, self.field)
