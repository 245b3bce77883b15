"""manage.py verify_audit_log: check the audit log's hash chain; exits non-zero on a break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from regioagenda.audit.models import AuditRecord
from regioagenda.audit.records import verify_chain


class Command(BaseCommand):
    help = "Controleert de hashketen van het auditlog en meldt het eerste gewijzigde record."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"De hashketen is verbroken bij record {broken.pk} ({broken.at:%Y-%m-%d %H:%M:%S}"
                f" UTC, {broken.action}): dit record of het record ervoor is gewijzigd of "
                "verwijderd."
            )
        last = AuditRecord.objects.order_by("-id").first()
        count = AuditRecord.objects.count()
        summary = f"De hashketen is intact: {count} records"
        if last is not None:
            summary += f", laatste hash {last.hash}"
        self.stdout.write(self.style.SUCCESS(summary + "."))
