"""manage.py apply_retention: delete or anonymise personal data whose period has passed."""

from typing import Any

from django.core.management.base import BaseCommand

from regioagenda.privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Verwijdert of anonimiseert persoonsgegevens waarvan de bewaartermijn verstreken is "
        "(zie docs/data-inventory.md); bedoeld om elke nacht te draaien."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for step, count in apply_retention().items():
            self.stdout.write(f"{step}: {count}")
