"""Database triggers that refuse any change or deletion of audit records, whoever asks.

The model refuses too (models.py), but raw SQL and other programs reach past the model; these
triggers stop them in the database itself. Someone who may drop a trigger can still change a
row; the hash chain (records.verify_chain) shows that.

On SQLite, a migration that alters the table rebuilds it and so loses the triggers: such a
migration must call `install` again.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditrecord"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit records cannot be changed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit records cannot be deleted'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]
_POSTGRESQL_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit records cannot be changed or deleted (%)', TG_OP;
    END $$""",
    f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return _POSTGRESQL_INSTALL if install else _POSTGRESQL_REMOVE
    raise NotImplementedError(f"No audit triggers for {connection.vendor}.")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
