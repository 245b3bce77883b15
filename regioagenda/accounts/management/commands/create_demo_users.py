"""manage.py create_demo_users: an editor per municipality and a coordinator, random passwords."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.accounts.demo import create_demo_users
from regioagenda.regions.models import Region


class Command(BaseCommand):
    help = (
        "Maakt demo-accounts: een redacteur per gemeente en een regiocoördinator, elk met een "
        "willekeurig wachtwoord en een TOTP-sleutel (otpauth://) die één keer worden getoond."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="Code van de regio (standaard: de getoonde regio).")
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Geef ook bestaande demo-accounts een nieuw wachtwoord.",
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = options.get("region")
        region = Region.objects.filter(slug=slug).first() if slug else Region.objects.current()
        if region is None:
            raise CommandError("Geen regio gevonden. Laad eerst een regio met load_region.")
        accounts = create_demo_users(region, reset_passwords=bool(options["reset_passwords"]))
        self.stdout.write(
            "Demo-accounts (bewaar de wachtwoorden en de TOTP-sleutels nu; ze worden niet "
            "opnieuw getoond). Scan elke otpauth://-link in een authenticator-app:"
        )
        for account in accounts:
            password = account.password or "(bestond al; wachtwoord ongewijzigd)"
            self.stdout.write(f"  {account.username:<32} {password:<24} {account.role}")
            if account.setup_uri:
                self.stdout.write(f"    TOTP: {account.setup_uri}")
