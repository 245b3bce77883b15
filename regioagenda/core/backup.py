"""Backups of the database and the uploaded files, and restoring one into an empty installation.

    make_backup(path, using=…)     write one .tar: every table, every uploaded file, a manifest
    verify_backup(path)            check an archive against its manifest; returns the manifest
    restore_backup(path, using=…)  verify, refuse a target that holds data, restore, verify again

The archive is portable (see docs/decisions/0012-backup-and-restore.md): a backup of SQLite
restores into PostgreSQL and back. It holds

    data/<app_label>.<model>.jsonl.gz   one row per line, the values of the table's columns in
                                        the order the manifest lists them, as JSON
    media/<path>                        every file under MEDIA_ROOT, as it is
    manifest.json                       when, from which database, at which migrations; per
                                        table its row count and a checksum over its rows; per
                                        file its size and SHA-256; and its own checksum

A table's checksum is the SHA-256 of its rows as canonical JSON lines (sorted keys, no spaces,
UTF-8), ordered by primary key, so it can be computed again from any database that holds the
same rows; `restore_backup` does exactly that before it commits. (The data files keep the keys
of JSON values in the order the database gave them.)

All tables are read in one transaction, so the backup is one consistent moment. Sessions are left
out: a backup should not carry keys that let anyone act as a signed-in user.
"""

import base64
import gzip
import hashlib
import json
import shutil
import tarfile
import tempfile
import time as clock
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_string
from django.utils.translation import gettext as _

from regioagenda.core import page_cache

FORMAT = "regioagenda-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
MEDIA_DIR = "media"
# Left out on purpose (see the module's docstring).
EXCLUDED_MODELS = {"sessions.session"}
# Rows `migrate` creates by itself; a restore replaces them with the backup's, so that content
# type ids (which the audit trail and generic relations store) keep meaning the same thing.
RECREATED_BY_MIGRATE = (Permission, ContentType)
CHUNK = 2000
FILE_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why, in Dutch."""


@dataclass
class TableResult:
    model: str
    table: str
    rows: int
    checksum: str


@dataclass
class Summary:
    manifest: dict[str, Any]
    seconds: float
    tables: list[TableResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(entry["rows"] for entry in self.manifest["models"])

    @property
    def files(self) -> int:
        return len(self.manifest["files"])


# -- rows as JSON ------------------------------------------------------------------------------


def _backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        column
        for column in model._meta.local_concrete_fields
        if not getattr(column, "generated", False)
    ]


def _encode(value: Any) -> Any:
    """A value as read from the database, as JSON that `Field.to_python` reads back exactly."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime | date | time):
        # Never DjangoJSONEncoder: it cuts times to milliseconds (the audit log's hashes
        # cover microseconds).
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_string(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _as_written(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _integer_key(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField)


def _rows(model: type[models.Model], using: str) -> Iterator[list[Any]]:
    """The table's rows as lists of JSON values, ordered by primary key."""
    names = [column.attname for column in _columns(model)]
    rows = model._base_manager.using(using).order_by("pk").values_list(*names)
    if _integer_key(model):
        for row in rows.iterator(chunk_size=CHUNK):
            yield [_encode(value) for value in row]
        return
    # Text keys sort differently in SQLite and PostgreSQL; Python's order is the same everywhere.
    position = names.index(model._meta.pk.attname)
    encoded = [[_encode(value) for value in row] for row in rows.iterator(chunk_size=CHUNK)]
    yield from sorted(encoded, key=lambda values: values[position])


def table_checksum(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> TableResult:
    """The number of rows and the SHA-256 of their canonical JSON lines."""
    digest = hashlib.sha256()
    count = 0
    for row in _rows(model, using):
        digest.update(_canonical(row) + b"\n")
        count += 1
    return TableResult(model._meta.label_lower, model._meta.db_table, count, digest.hexdigest())


# -- the manifest ------------------------------------------------------------------------------


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    return hashlib.sha256(
        _canonical({key: value for key, value in manifest.items() if key != "checksum"})
    ).hexdigest()


def _latest_migrations(using: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        latest[app_label] = max(name, latest.get(app_label, name))
    return dict(sorted(latest.items()))


def _file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(FILE_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


# -- backup ------------------------------------------------------------------------------------


def make_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the database and the uploaded files to the archive `path` (a .tar), all or nothing."""
    started = clock.monotonic()
    path = Path(path)
    if path.exists():
        raise BackupError(_("%(path)s bestaat al; kies een nieuwe naam.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=path.parent))
    # Written under another name and renamed when complete: a name ending in .tar is a whole
    # archive.
    partial = path.with_name(path.name + ".partial")
    try:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().astimezone(UTC).isoformat(),
            "database": {"vendor": connection.vendor},
            "migrations": {},
            "models": [],
            "files": [],
        }
        tables: list[TableResult] = []
        (work / DATA_DIR).mkdir()
        with _snapshot(using):
            manifest["migrations"] = _latest_migrations(using)
            for model in _backed_up_models():
                result, entry = _dump_table(model, work, using)
                tables.append(result)
                manifest["models"].append(entry)
        for file in _media_files(media_root):
            size, sha256 = _file_digest(file)
            name = file.relative_to(media_root).as_posix()
            manifest["files"].append({"path": name, "size": size, "sha256": sha256})
        manifest["checksum"] = _manifest_checksum(manifest)
        (work / MANIFEST).write_bytes(json.dumps(manifest, indent=1).encode())

        with tarfile.open(partial, "w") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            for entry in manifest["models"]:
                archive.add(work / entry["file"], entry["file"])
            for entry in manifest["files"]:
                archive.add(media_root / entry["path"], f"{MEDIA_DIR}/{entry['path']}")
        partial.replace(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return Summary(manifest, clock.monotonic() - started, tables)


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One transaction around every read, so that the backup shows one moment. On PostgreSQL it
    is REPEATABLE READ (one snapshot for all statements); SQLite's transactions are that already
    (and, IMMEDIATE here, make writers wait until the backup has read everything)."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _dump_table(
    model: type[models.Model], work: Path, using: str
) -> tuple[TableResult, dict[str, Any]]:
    name = f"{DATA_DIR}/{model._meta.label_lower}.jsonl.gz"
    has_json = any(isinstance(column, models.JSONField) for column in _columns(model))
    digest = hashlib.sha256()
    count = 0
    # mtime 0: the same rows give the same bytes, whenever they are written.
    with (
        (work / name).open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream,
    ):
        for row in _rows(model, using):
            canonical = _canonical(row)
            # JSON objects keep their keys' order in the file (SQLite stores JSON as written);
            # the checksum sees them sorted, as PostgreSQL's jsonb may reorder them.
            line = _as_written(row) if has_json else canonical
            stream.write(line + b"\n")
            digest.update(canonical + b"\n")
            count += 1
    size, file_sha256 = _file_digest(work / name)
    result = TableResult(model._meta.label_lower, model._meta.db_table, count, digest.hexdigest())
    entry = {
        "model": result.model,
        "table": result.table,
        "columns": [column.attname for column in _columns(model)],
        "rows": count,
        "checksum": result.checksum,
        "file": name,
        "size": size,
        "sha256": file_sha256,
    }
    return result, entry


# -- verify ------------------------------------------------------------------------------------


def verify_backup(path: Path) -> dict[str, Any]:
    """The manifest of the archive at `path`, once every member matches it; BackupError if not."""
    with tempfile.TemporaryDirectory(prefix=".verify-") as folder:
        return _unpack(Path(path), Path(folder))


def _unpack(path: Path, folder: Path) -> dict[str, Any]:
    """Unpack the archive into `folder` and check it against its manifest."""
    if path.is_dir():
        source = path
    else:
        try:
            with tarfile.open(path, "r") as archive:
                members = archive.getmembers()
                # Only the names the manifest may list; the "data" filter refuses links, devices
                # and paths outside the folder as well.
                for member in members:
                    parts = PurePosixPath(member.name)
                    if not member.isfile() or parts.is_absolute() or ".." in parts.parts:
                        raise BackupError(
                            _("%(path)s bevat een onverwacht onderdeel: %(name)s.")
                            % {"path": path, "name": member.name}
                        )
                archive.extractall(folder, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(
                _("%(path)s is geen leesbaar back-uparchief (%(error)s).")
                % {"path": path, "error": exc}
            ) from exc
        source = folder
    try:
        manifest = json.loads((source / MANIFEST).read_bytes())
    except (OSError, ValueError) as exc:
        raise BackupError(
            _(
                "%(path)s heeft geen leesbaar manifest (manifest.json); de back-up is "
                "beschadigd of gewijzigd."
            )
            % {"path": path}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s is geen back-up van Regio-agenda.") % {"path": path})
    if manifest.get("checksum") != _manifest_checksum(manifest):
        raise BackupError(
            _(
                "Het manifest van %(path)s klopt niet met zijn eigen controlegetal; de back-up is "
                "beschadigd of gewijzigd."
            )
            % {"path": path}
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "%(path)s heeft formaatversie %(version)s; deze versie leest alleen versie "
                "%(supported)s."
            )
            % {"path": path, "version": manifest.get("format_version"), "supported": FORMAT_VERSION}
        )
    expected = {entry["file"]: (entry["size"], entry["sha256"]) for entry in manifest["models"]}
    expected.update(
        {
            f"{MEDIA_DIR}/{entry['path']}": (entry["size"], entry["sha256"])
            for entry in manifest["files"]
        }
    )
    present = {file.relative_to(source).as_posix() for file in source.rglob("*") if file.is_file()}
    present.discard(MANIFEST)
    unexpected = sorted(present - expected.keys())
    if unexpected:
        raise BackupError(
            _("%(path)s bevat %(name)s, dat niet in het manifest staat.")
            % {"path": path, "name": unexpected[0]}
        )
    for name, (size, sha256) in sorted(expected.items()):
        file = source / name
        if not file.is_file():
            raise BackupError(_("%(name)s ontbreekt in %(path)s.") % {"path": path, "name": name})
        if _file_digest(file) != (size, sha256):
            raise BackupError(
                _(
                    "%(name)s in %(path)s klopt niet met het manifest (grootte of SHA-256); de "
                    "back-up is beschadigd of gewijzigd."
                )
                % {"path": path, "name": name}
            )
    if source is not folder:
        shutil.copytree(source, folder, dirs_exist_ok=True)
    return manifest


# -- restore -----------------------------------------------------------------------------------


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Restore the archive at `path` into the database `using` and MEDIA_ROOT, all or nothing.

    The archive is checked against its manifest first. The target must be migrated to the same
    migrations as the backup and hold no rows (apart from those `migrate` creates) and no
    uploaded files; anything else is refused before anything is written. The restored rows are
    counted and checksummed again before the transaction commits."""
    started = clock.monotonic()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Beside MEDIA_ROOT, so that moving the files into place is a rename on one file system.
    folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    moved: list[Path] = []
    try:
        manifest = _unpack(Path(path), folder)
        _check_target(manifest, using, media_root)
        tables: list[TableResult] = []
        with transaction.atomic(using=using):
            _load_rows(manifest, folder, using)
            tables = _check_restored_rows(manifest, using)
            _move_files(manifest, folder, media_root, moved)
        ContentType.objects.clear_cache()
        # The rows came in without signals; pages kept from before the restore must go.
        page_cache.bump_generation()
    except BaseException:
        for file in moved:
            file.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Summary(manifest, clock.monotonic() - started, tables)


def _check_target(manifest: dict[str, Any], using: str, media_root: Path) -> None:
    try:
        migrations = _latest_migrations(using)
    except DatabaseError as exc:
        raise BackupError(
            _("De doeldatabase is niet te lezen (%(error)s); voer eerst 'manage.py migrate' uit.")
            % {"error": exc}
        ) from exc
    if migrations != manifest["migrations"]:
        differences = sorted(
            label
            for label in migrations.keys() | manifest["migrations"].keys()
            if migrations.get(label) != manifest["migrations"].get(label)
        )
        raise BackupError(
            _(
                "De doeldatabase staat op andere migraties dan de back-up (%(apps)s). Zet de code "
                "op de versie van de back-up en voer 'manage.py migrate' uit op een lege database."
            )
            % {"apps": ", ".join(differences)}
        )
    models_here = {model._meta.label_lower for model in _backed_up_models()}
    in_backup = {entry["model"] for entry in manifest["models"]}
    if models_here != in_backup:
        raise BackupError(
            _(
                "De back-up en deze versie van Regio-agenda hebben niet dezelfde tabellen "
                "(%(models)s)."
            )
            % {"models": ", ".join(sorted(models_here ^ in_backup))}
        )
    recreated = {model._meta.label_lower for model in RECREATED_BY_MIGRATE}
    filled = [
        model._meta.db_table
        for model in _backed_up_models()
        if model._meta.label_lower not in recreated and model._base_manager.using(using).exists()
    ]
    if filled:
        raise BackupError(
            _(
                "De doeldatabase is niet leeg: %(tables)s bevat al rijen. Een back-up wordt alleen "
                "in een lege, gemigreerde database teruggezet; er is niets gewijzigd."
            )
            % {"tables": ", ".join(filled)}
        )
    if _media_files(media_root):
        raise BackupError(
            _("De map voor geüploade bestanden (%(path)s) is niet leeg; er is niets gewijzigd.")
            % {"path": media_root}
        )
    for entry in manifest["models"]:
        model = apps.get_model(entry["model"])
        columns = [column.attname for column in _columns(model)]
        if columns != entry["columns"]:
            raise BackupError(
                _("De kolommen van tabel %(table)s verschillen van die in de back-up.")
                % {"table": entry["table"]}
            )


def _rows_in(file: Path) -> Iterator[list[Any]]:
    with gzip.open(file, "rb") as stream:
        for line in stream:
            yield json.loads(line)


def _load_rows(manifest: dict[str, Any], folder: Path, using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in RECREATED_BY_MIGRATE:
            # Plain SQL: nothing refers to these rows yet (the target is otherwise empty), and
            # no signal should see them go.
            # Names from the models, quoted; no value is formatted into SQL.
            sql = f"DELETE FROM {quote(model._meta.db_table)}"  # noqa: S608 # nosec B608
            cursor.execute(sql)
        restored = []
        for entry in manifest["models"]:
            model = apps.get_model(entry["model"])
            try:
                _load_table(model, folder / entry["file"], cursor, connection)
            except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
                raise BackupError(
                    _(
                        "Tabel %(table)s kon niet worden teruggezet (%(error)s); er is niets "
                        "gewijzigd."
                    )
                    % {"table": entry["table"], "error": exc}
                ) from exc
            restored.append(model)
        # New rows must not take the keys of restored ones (PostgreSQL's sequences; SQLite
        # moves its counters past inserted keys by itself).
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)


def _load_table(model: type[models.Model], file: Path, cursor: Any, connection: Any) -> None:
    quote = connection.ops.quote_name
    columns = _columns(model)
    # Plain INSERTs of the stored values: save() and bulk_create() would fill in auto_now
    # fields and send signals, and the audit log refuses its models' save().
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 # nosec B608
        quote(model._meta.db_table),
        # A concrete field always has a column; only the stubs allow None.
        ", ".join(quote(cast(str, column.column)) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    batch: list[list[Any]] = []
    for row in _rows_in(file):
        batch.append(
            [
                _to_database(column, value, connection)
                for column, value in zip(columns, row, strict=True)
            ]
        )
        if len(batch) >= CHUNK:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)


def _to_database(column: models.Field[Any, Any], value: Any, connection: Any) -> Any:
    if value is not None and not isinstance(column, models.JSONField):
        value = column.to_python(value)
    return column.get_db_prep_save(value, connection)


def _check_restored_rows(manifest: dict[str, Any], using: str) -> list[TableResult]:
    connection = connections[using]
    try:
        # Foreign keys are checked at commit; checked now, a broken reference is reported
        # while the restore can still be undone.
        connection.check_constraints()
    except DatabaseError as exc:
        raise BackupError(
            _(
                "De teruggezette rijen verwijzen naar rijen die ontbreken (%(error)s); er is niets "
                "gewijzigd."
            )
            % {"error": exc}
        ) from exc
    results = []
    for entry in manifest["models"]:
        result = table_checksum(apps.get_model(entry["model"]), using)
        if (result.rows, result.checksum) != (entry["rows"], entry["checksum"]):
            raise BackupError(
                _(
                    "Tabel %(table)s klopt na het terugzetten niet met de back-up: %(rows)s rijen "
                    "in plaats van %(expected)s, of andere waarden. Er is niets gewijzigd."
                )
                % {
                    "table": entry["table"],
                    "rows": result.rows,
                    "expected": entry["rows"],
                }
            )
        results.append(result)
    return results


def _move_files(
    manifest: dict[str, Any], folder: Path, media_root: Path, moved: list[Path]
) -> None:
    """Move the unpacked files into MEDIA_ROOT, noting each in `moved` (to undo on failure)."""
    for entry in manifest["files"]:
        target = media_root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        (folder / MEDIA_DIR / entry["path"]).replace(target)
        moved.append(target)
        if _file_digest(target) != (entry["size"], entry["sha256"]):
            raise BackupError(
                _("Bestand %(name)s klopt na het terugzetten niet met de back-up.")
                % {"name": entry["path"]}
            )
