"""Every migration of the project's apps can be undone on a database that holds data, and done
again: a release can be rolled back without restoring a backup.

Runs in a separate process against a scratch database (a migrated copy of the test database's
schema, see scratch_databases.py), because undoing migrations drops the tables every other test
in this process needs.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from regioagenda.core.tests.scratch_databases import database_url, drop, migrated_copy

# Loads the Leidse regio and the demo users (rows in most tables), undoes every migration of the
# project's apps (and so those of other apps that depend on them: admin, auditlog, axes,
# django-otp), migrates forward again and says what is left applied and what is pending.
SCRIPT = """
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from regioagenda.accounts.demo import create_demo_users
from regioagenda.vision.dataset import load_region

region = load_region(settings.BASE_DIR / "regioagenda" / "data" / "regions" / "leidse-regio").region
create_demo_users(region)
executor = MigrationExecutor(connection)
labels = [
    config.label
    for config in apps.get_app_configs()
    if config.name.startswith("regioagenda.") and config.label in executor.loader.migrated_apps
]
# One plan for all, so that the project's state is built once, not once per app.
executor.migrate([(label, None) for label in labels])
applied = MigrationRecorder(connection).applied_migrations()
left = sorted(f"{app}.{name}" for app, name in applied if app in labels)
print("applied after zero:", left)
call_command("migrate", verbosity=0)
executor = MigrationExecutor(connection)
print("pending:", executor.migration_plan(executor.loader.graph.leaf_nodes()))
"""


# About a minute of undoing and redoing: once per CI run, in the PostgreSQL round, which has no
# browser tests. The audit triggers are the only vendor-specific migration; both are reversible.
@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Runs once per CI run, in the PostgreSQL round (make test with DATABASE_URL).",
)
def test_every_migration_can_be_undone_and_done_again_on_a_database_with_data(
    tmp_path: Path,
) -> None:
    scratch = migrated_copy(tmp_path / "migrations.sqlite3")
    try:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(scratch),
            "REGIOAGENDA_VAR_DIR": str(tmp_path / "var"),
            "DJANGO_SETTINGS_MODULE": "regioagenda.settings",
        }
        done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
            [sys.executable, "-c", SCRIPT],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        drop(scratch)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "applied after zero: []" in done.stdout, done.stdout
    assert "pending: []" in done.stdout, done.stdout
