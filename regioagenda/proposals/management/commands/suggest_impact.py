"""manage.py suggest_impact --municipality GM0546 [--region slug] PATH|-

Prints the suggestions of the regional impact check for a proposal's text as one JSON object on
standard output (the layout of issue 6; the same as the API); notes go to standard error. PATH
is a PDF, DOCX, ODT or text file, or "-" for text on standard input.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.proposals.suggestions import suggest
from regioagenda.regions.models import Municipality, Region

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".odt"}
# Exit status for a problem with the input or the arguments, as argparse uses.
USAGE = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


class Command(BaseCommand):
    help = (
        "Geeft de suggesties van de regionale toets voor de tekst van een voorstel, als JSON: "
        "thema's, onderwerpen, geraakte gemeenten, verbonden partijen en regionaal of lokaal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="PDF-, DOCX-, ODT- of tekstbestand, of - voor tekst op standaardinvoer."
        )
        parser.add_argument(
            "--municipality",
            required=True,
            help="CBS-code van de gemeente van het voorstel, zoals GM0546.",
        )
        parser.add_argument("--region", help="Code van de regio (standaard: de enige of eerste).")

    def handle(self, *args: Any, **options: Any) -> None:
        region = self._region(options.get("region"))
        code = str(options["municipality"]).strip().upper()
        municipality = Municipality.objects.filter(code=code, region=region).first()
        if municipality is None:
            raise _fail(f"Gemeente '{code}' hoort niet bij regio '{region.slug}' of bestaat niet.")
        text = self._text(str(options["path"]))
        result = suggest(text, region=region, municipality=municipality)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))

    def _region(self, slug: str | None) -> Region:
        region = Region.objects.filter(slug=slug).first() if slug else Region.objects.current()
        if region is None:
            raise _fail(
                f"Regio '{slug}' bestaat niet."
                if slug
                else "Geen regio gevonden. Laad eerst een regio met load_region."
            )
        return region

    def _text(self, path_argument: str) -> str:
        if path_argument == "-":
            return sys.stdin.read()
        path = Path(path_argument)
        if not path.is_file():
            raise _fail(f"Het bestand {path} bestaat niet.")
        data = path.read_bytes()
        if path.suffix.lower() in DOCUMENT_SUFFIXES:
            return self._extracted(data, path.name)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _fail(
                f"{path.name}: de tekst is niet in UTF-8 opgeslagen; sla het bestand op als "
                "UTF-8 of geef een PDF, DOCX of ODT."
            ) from exc

    def _extracted(self, data: bytes, name: str) -> str:
        # Imported here: the command also serves text files where no extraction is available.
        try:
            from regioagenda.proposals.documents import extract_text
        except ImportError as exc:
            raise _fail(
                f"{name}: tekst uit PDF, DOCX of ODT halen kan hier nog niet; geef een "
                "tekstbestand of tekst op standaardinvoer (-)."
            ) from exc
        try:
            extracted = extract_text(data, name)
        except ValueError as exc:  # documents.DocumentRefused says why, in Dutch
            raise _fail(str(exc)) from exc
        if extracted.note:
            self.stderr.write(f"{name}: {extracted.note}")
        if not extracted.has_text:
            self.stderr.write(f"{name}: het document bevat geen tekst; de suggesties zijn leeg.")
        return extracted.text
