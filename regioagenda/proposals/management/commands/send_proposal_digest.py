"""manage.py send_proposal_digest: e-mail the new regional checks to staff who opted in."""

from django.core.management.base import BaseCommand

from regioagenda.proposals.digest import send_digests


class Command(BaseCommand):
    help = (
        "Stuurt medewerkers die zich hebben aangemeld de regionale toetsen die sinds hun vorige "
        "samenvatting zijn ingediend (bijvoorbeeld wekelijks vanuit cron)."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = send_digests()
        self.stdout.write(self.style.SUCCESS(f"{sent} samenvatting(en) verstuurd."))
