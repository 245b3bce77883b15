"""manage.py privacy_inventory: the data inventory as Markdown (docs/data-inventory.md)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from regioagenda.privacy.inventory import as_markdown


def document_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "data-inventory.md"


class Command(BaseCommand):
    help = (
        "Schrijft de gegevensinventaris (elk veld met persoonsgegevens, doel, grondslag, "
        "bewaartermijn) als Markdown naar stdout, of met --write naar docs/data-inventory.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Schrijf docs/data-inventory.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = as_markdown()
        if options["write"]:
            document_path().write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"{document_path()} geschreven."))
        else:
            self.stdout.write(text, ending="")
