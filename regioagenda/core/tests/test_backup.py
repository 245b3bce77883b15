"""Backups: a seeded database and its uploaded files are backed up, restored into an empty
database and compared table by table and file by file; damaged archives and filled targets are
refused.

The empty target is the test database's schema and migration records copied into a scratch
database (see scratch_databases.py): running the migrations again would take longer than all the
rest of these tests.
"""

import datetime
import gzip
import hashlib
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connections

from regioagenda.agenda.tests.factories import make_action, report
from regioagenda.core.tests.scratch_databases import drop, migrated_copy
from regioagenda.events.tests.factories import make_event
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.proposals.documents import store_document
from regioagenda.proposals.tests.factories import make_proposal

TARGET = "restore_target"
DOCUMENT = b"Voorstel over de regionale woningbouw.\n\nDe raad besluit in te stemmen.\n"


@pytest.fixture
def source_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def seeded(leidse_regio: Any, leiden: Any, leiden_editor: Any, source_media: Path) -> None:
    action = make_action(leiden)
    report(action, leiden_editor, 40, datetime.date(2026, 3, 1))
    proposal = make_proposal(leiden)
    store_document(proposal, DOCUMENT, name="voorstel.txt", by=leiden_editor)
    make_event(leidse_regio)
    make_meeting(leidse_regio)


@pytest.fixture(scope="module")
def empty_target(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The alias of a migrated database without rows. A test that uses it must name it in its
    `django_db(databases=...)`, so the alias has to exist before the test's database setup:
    hence a module fixture. The test's transaction leaves the target empty for the next."""
    with django_db_blocker.unblock():
        settings_dict = migrated_copy(tmp_path_factory.mktemp("target") / "restore.sqlite3")
    connections.settings[TARGET] = settings_dict
    try:
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]
        drop(settings_dict)


def _rows(alias: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as the application reads them, ordered by primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower == "sessions.session":
            continue
        columns = [field.attname for field in model._meta.local_concrete_fields]
        rows = model._base_manager.using(alias).order_by("pk").values_list(*columns)
        tables[model._meta.db_table] = list(rows)
    return tables


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db(databases=["default", TARGET])
def test_backup_restored_into_an_empty_database_holds_every_row_and_file(
    empty_target: str, seeded: None, source_media: Path, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    before = _rows("default")
    files_before = _files(source_media)

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore", str(archive), database=empty_target, verbosity=0)

    after = _rows(empty_target)
    assert sum(1 for rows in before.values() if rows) > 40, "the seed should fill many tables"
    for table in ("agenda_progressupdate", "proposals_proposaldocument", "accounts_membership"):
        assert before[table], table
    for table, rows in before.items():
        assert after[table] == rows, table
    assert DOCUMENT in files_before.values()
    assert _files(Path(settings.MEDIA_ROOT)) == files_before


def _flip_a_byte(archive: Path, member_name: str) -> None:
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(member_name))
    with archive.open("r+b") as stream:
        stream.seek(member.offset_data + member.size // 2)
        byte = stream.read(1)
        stream.seek(-1, 1)
        stream.write(bytes([byte[0] ^ 0x01]))


@pytest.mark.django_db
def test_a_changed_byte_anywhere_in_the_archive_is_refused_before_anything_is_restored(
    seeded: None, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    # A table's rows, an uploaded file, the manifest: each named in the refusal.
    for member, named in [
        ("data/regions.municipality", "data/regions.municipality.jsonl.gz"),
        ("media/", "media/"),
        ("manifest.json", "manifest"),
    ]:
        damaged = tmp_path / f"damaged-{member.replace('/', '-')}.tar"
        damaged.write_bytes(archive.read_bytes())
        _flip_a_byte(damaged, member)

        with pytest.raises(CommandError, match="beschadigd of gewijzigd") as refusal:
            call_command("restore", str(damaged), verbosity=0)

        assert named in str(refusal.value)
        assert not Path(settings.MEDIA_ROOT).exists() or not _files(Path(settings.MEDIA_ROOT))
    call_command("restore", str(archive), verify_only=True, verbosity=0)


@pytest.mark.django_db
def test_restore_into_a_database_that_holds_rows_is_refused_naming_the_tables(
    seeded: None, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    before = _rows("default")
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    with pytest.raises(CommandError, match="niet leeg") as refusal:
        call_command("restore", str(archive), verbosity=0)

    assert "regions_municipality" in str(refusal.value)
    assert _rows("default") == before


def _forge(archive: Path, folder: Path, model: str, column: str, value: Any) -> None:
    """Unpack `archive` into `folder` and set `column` of the first row of `model` to `value`,
    with a manifest rewritten to match the changed file: only the restore itself can notice."""
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    manifest = json.loads((folder / "manifest.json").read_bytes())
    entry = next(entry for entry in manifest["models"] if entry["model"] == model)
    lines = gzip.decompress((folder / entry["file"]).read_bytes()).decode().splitlines()
    row = json.loads(lines[0])
    row[entry["columns"].index(column)] = value
    lines[0] = json.dumps(row, separators=(",", ":"), ensure_ascii=False)
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    (folder / entry["file"]).write_bytes(data)
    entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    del manifest["checksum"]
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    manifest["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.django_db(databases=["default", TARGET])
def test_a_restored_table_that_differs_from_the_manifest_is_named_and_rolled_back(
    empty_target: str, seeded: None, tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    # Another name: the rows go in, but the recomputed checksum differs. No name: the database
    # refuses the row.
    for value, refusal_says in [("Leyden", "klopt na het terugzetten niet"), (None, "kon niet")]:
        forged = tmp_path / f"forged-{value}"
        _forge(archive, forged, "regions.municipality", "name", value)

        with pytest.raises(CommandError, match="regions_municipality") as refusal:
            call_command("restore", str(forged), database=empty_target, verbosity=0)

        assert refusal_says in str(refusal.value)
        assert "niets gewijzigd" in str(refusal.value)
        assert not _rows(empty_target)["regions_municipality"]
        assert not _rows(empty_target)["regions_region"]
        assert not _files(Path(settings.MEDIA_ROOT))
