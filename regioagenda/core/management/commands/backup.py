"""manage.py backup [archive.tar]: the database and the uploaded files in one verifiable archive."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from regioagenda.audit.records import record
from regioagenda.core.backup import BackupError, make_backup


def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"regioagenda-{stamp}.tar"


class Command(BaseCommand):
    help = (
        "Schrijft de database en de geüploade bestanden naar één archief (.tar) met een "
        "manifest van rijen, bestanden en controlegetallen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            help="Het archief om te schrijven (standaard var/backups/regioagenda-<tijd>.tar).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"]) if options["archive"] else default_path()
        using = options["database"]
        audited = using == DEFAULT_DB_ALIAS
        # Recorded before the snapshot, so that the archive itself shows who made it.
        if audited:
            record("export", obj=str(path), detail={"kind": "backup"})
        try:
            summary = make_backup(path, using=using)
        except BackupError as exc:
            if audited:
                record("export", obj=str(path), result="failure", detail={"kind": "backup"})
            raise CommandError(str(exc)) from exc
        if int(options["verbosity"]) > 1:
            for table in summary.tables:
                self.stdout.write(
                    _("  %(table)s: %(rows)s rijen") % {"table": table.table, "rows": table.rows}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Back-up geschreven naar %(path)s: %(tables)s tabellen, %(rows)s rijen, "
                    "%(files)s bestanden, in %(seconds).1f s."
                )
                % {
                    "path": path,
                    "tables": len(summary.tables),
                    "rows": summary.rows,
                    "files": summary.files,
                    "seconds": summary.seconds,
                }
            )
        )
