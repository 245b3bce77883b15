"""Scratch databases for tests that need a second, migrated database beside the test database.

`migrated_copy(name_or_path)` makes a database with the test database's schema (tables, indexes,
triggers) and its migration records, and no rows: a migrated, empty database in a fraction of
the time `migrate` takes. SQLite: a file; PostgreSQL: a database on the same server, made with
pg_dump and psql (reading the committed state, so never a running test's rows).
"""

import copy
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

# The client tools come from PATH, as on any machine that runs PostgreSQL's own tools.
PSQL = "psql"
PG_DUMP = "pg_dump"


def migrated_copy(where: Path) -> dict[str, Any]:
    """Settings for a new, migrated, empty database: the file `where` on SQLite, or on PostgreSQL
    a database named after the test database and `where`'s last part."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(where)
        _copy_sqlite_schema(where)
    else:
        settings_dict["NAME"] = f"{connection.settings_dict['NAME']}_{where.stem}"[:63]
        _copy_postgresql_schema(connection.settings_dict, settings_dict["NAME"])
    return settings_dict


def drop(settings_dict: dict[str, Any]) -> None:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        Path(settings_dict["NAME"]).unlink(missing_ok=True)
    else:
        _postgresql(settings_dict, f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


def database_url(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    host = settings_dict["HOST"] or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{settings_dict['USER']}{password}@{host}{port}/{settings_dict['NAME']}"


def _copy_sqlite_schema(path: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type != 'table'"
        )
        schema = [sql for (sql,) in cursor.fetchall()]
        cursor.execute("SELECT app, name, applied FROM django_migrations")
        migrations = cursor.fetchall()
    path.unlink(missing_ok=True)
    target = sqlite3.connect(path)
    try:
        for sql in schema:
            target.execute(sql)
        target.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)", migrations
        )
        target.commit()
    finally:
        target.close()


def _pg_arguments(settings_dict: dict[str, Any]) -> list[str]:
    arguments = [
        "--host",
        settings_dict["HOST"] or "127.0.0.1",
        "--username",
        settings_dict["USER"],
    ]
    if settings_dict["PORT"]:
        arguments += ["--port", str(settings_dict["PORT"])]
    return arguments


def _postgresql(settings_dict: dict[str, Any], sql: str, database: str = "postgres") -> None:
    subprocess.run(  # noqa: S603 (fixed arguments)
        [PSQL, *_pg_arguments(settings_dict), "--quiet", "--dbname", database, "-c", sql],
        check=True,
        capture_output=True,
    )


def _copy_postgresql_schema(settings_dict: dict[str, Any], name: str) -> None:
    _postgresql(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')
    _postgresql(settings_dict, f'CREATE DATABASE "{name}"')
    base = [PG_DUMP, *_pg_arguments(settings_dict), "--no-owner", "--no-privileges"]
    schema = subprocess.run(  # noqa: S603 (fixed arguments)
        [*base, "--schema-only", settings_dict["NAME"]], check=True, capture_output=True
    ).stdout
    migrations = subprocess.run(  # noqa: S603 (fixed arguments)
        [*base, "--data-only", "--table=django_migrations", settings_dict["NAME"]],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(  # noqa: S603 (fixed arguments)
        [PSQL, *_pg_arguments(settings_dict), "--quiet", "-v", "ON_ERROR_STOP=1", name],
        input=schema + migrations,
        check=True,
        capture_output=True,
    )
