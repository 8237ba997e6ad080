"""DocumentChange.batch_id becomes a plain indexed id (it was a foreign key to
ingest.ImportBatch, which made ledger's first migration depend on ingest).

0001 now creates the plain column. A database migrated before keeps its ``batch_id`` values and
index; this drops the foreign-key constraint it still has (PostgreSQL: the constraint; SQLite:
the table is rebuilt from the current model, as Django rebuilds tables for any column change)."""

from django.db import migrations

TABLE = "ledger_documentchange"


def drop_batch_foreign_key(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    stale = [
        name
        for name, info in constraints.items()
        if info["foreign_key"] and info["columns"] == ["batch_id"]
    ]
    if not stale:
        return  # created by the current 0001: a plain column already
    if connection.vendor == "sqlite":
        schema_editor._remake_table(apps.get_model("ledger", "DocumentChange"))
        return
    for name in stale:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(TABLE)} "
            f"DROP CONSTRAINT {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(drop_batch_foreign_key, migrations.RunPython.noop)]
