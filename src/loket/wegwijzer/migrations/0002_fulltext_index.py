"""The full-text index table, in the database's own search engine (see loket.wegwijzer.index)."""

from django.db import migrations

from loket.wegwijzer import index


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    index.create_tables(schema_editor.connection.vendor, schema_editor.execute)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    index.drop_tables(schema_editor.connection.vendor, schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [
        ("wegwijzer", "0001_initial"),
        ("catalogue", "0002_transition"),
    ]

    operations = [migrations.RunPython(create, drop)]
