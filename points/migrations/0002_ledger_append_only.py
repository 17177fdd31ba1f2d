"""The points ledger is append-only below the ORM: triggers refuse UPDATE and DELETE."""

from django.db import migrations

from points import ledger_guard


def install(apps, schema_editor):
    ledger_guard.run(schema_editor.connection, install=True)


def remove(apps, schema_editor):
    ledger_guard.run(schema_editor.connection, install=False)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
