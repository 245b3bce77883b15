"""manage.py restore <archive.tar>: check a backup, then put it into an empty installation."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from regioagenda.audit.records import record
from regioagenda.core.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Controleert een back-up tegen zijn manifest en zet hem terug in een lege, gemigreerde "
        "database en een lege map voor geüploade bestanden; daarna worden alle tabellen en "
        "bestanden opnieuw gecontroleerd."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Het archief (.tar) dat 'manage.py backup' schreef.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Alleen het archief tegen zijn manifest controleren; niets terugzetten.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        try:
            if options["verify_only"]:
                manifest = verify_backup(path)
                rows = sum(entry["rows"] for entry in manifest["models"])
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "%(path)s klopt met zijn manifest: %(tables)s tabellen, %(rows)s "
                            "rijen, %(files)s bestanden, gemaakt op %(created)s uit %(vendor)s."
                        )
                        % {
                            "path": path,
                            "tables": len(manifest["models"]),
                            "rows": rows,
                            "files": len(manifest["files"]),
                            "created": manifest["created_at"],
                            "vendor": manifest["database"]["vendor"],
                        }
                    )
                )
                return
            summary = restore_backup(path, using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["database"] == DEFAULT_DB_ALIAS:
            record(
                "import",
                obj=str(path),
                detail={"kind": "restore", "created_at": summary.manifest["created_at"]},
            )
        if int(options["verbosity"]) > 1:
            for table in summary.tables:
                self.stdout.write(
                    _("  %(table)s: %(rows)s rijen, controlegetal klopt")
                    % {"table": table.table, "rows": table.rows}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Back-up van %(created)s teruggezet en gecontroleerd: %(tables)s tabellen, "
                    "%(rows)s rijen, %(files)s bestanden, in %(seconds).1f s."
                )
                % {
                    "created": summary.manifest["created_at"],
                    "tables": len(summary.tables),
                    "rows": summary.rows,
                    "files": summary.files,
                    "seconds": summary.seconds,
                }
            )
        )
