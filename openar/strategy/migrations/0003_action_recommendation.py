"""The link between an action and the credit recommendation it raised moves to strategy
(``Action.recommendation``): credit sits below strategy, so credit keeps no reference up.

A database migrated before has the link in ``credit_recommendation.action_id``: it is copied to
the new column, then that column is dropped (PostgreSQL: DROP COLUMN; SQLite: the table is
rebuilt from credit's current model, which has no such field). credit's 0001 no longer creates
it, so on a new database there is nothing to copy."""

import django.db.models.deletion
from django.db import migrations, models

OLD_TABLE = "credit_recommendation"


def move_link(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, OLD_TABLE)]
    if "action_id" not in columns:
        return
    schema_editor.execute(
        "UPDATE strategy_action SET recommendation_id = (SELECT r.id FROM credit_recommendation r "
        "WHERE r.action_id = strategy_action.id) WHERE EXISTS (SELECT 1 FROM "
        "credit_recommendation r WHERE r.action_id = strategy_action.id)"
    )
    if connection.vendor == "sqlite":
        schema_editor._remake_table(apps.get_model("credit", "Recommendation"))
    else:
        schema_editor.execute(f"ALTER TABLE {OLD_TABLE} DROP COLUMN action_id")


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0001_initial"),
        ("strategy", "0002_strategyrun"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="recommendation",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="action",
                to="credit.recommendation",
            ),
        ),
        migrations.RunPython(move_link, migrations.RunPython.noop),
    ]
