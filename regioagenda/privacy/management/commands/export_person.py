"""manage.py export_person: everything held about a person, as JSON (AVG art. 15 and 20)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from regioagenda.privacy.management.commands._people import find_person
from regioagenda.privacy.people import export_person


class Command(BaseCommand):
    help = (
        "Geeft alle gegevens over een persoon (account of alleen e-mailadres) als JSON, naar "
        "stdout of naar --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("who", help="gebruikersnaam of e-mailadres")
        parser.add_argument("--output", type=Path, help="bestand voor de JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(export_person(find_person(options["who"])), indent=2, ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{options['output']} geschreven.")
        else:
            self.stdout.write(text)
