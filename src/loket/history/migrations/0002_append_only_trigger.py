"""On PostgreSQL the database itself refuses UPDATE and DELETE on the change record."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION loket_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history_changerecord is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER history_changerecord_append_only
    BEFORE UPDATE OR DELETE ON history_changerecord
    FOR EACH ROW EXECUTE FUNCTION loket_history_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS history_changerecord_append_only ON history_changerecord;
DROP FUNCTION IF EXISTS loket_history_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("history", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
