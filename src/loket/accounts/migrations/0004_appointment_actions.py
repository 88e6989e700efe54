"""Issue 14: booking for residents (front office, team leads) and serving at the counter.

Frozen like 0003: rows are only added where missing, so a table someone changed keeps its
choices."""

from django.db import migrations

ALLOWED = {
    "front_office": {"book", "counter"},
    "team_lead": {"book", "counter"},
    "case_worker": set(),
    "partner_worker": set(),
    "administrator": set(),
}


def write_defaults(apps, schema_editor):
    RolePermission = apps.get_model("accounts", "RolePermission")
    if not RolePermission.objects.filter(municipality=None).exists():
        return  # an empty table is filled whole after migrating (defaults_write)
    for role, allowed in ALLOWED.items():
        for action in ("book", "counter"):
            RolePermission.objects.get_or_create(
                municipality=None, role=role, action=action, defaults={"allowed": action in allowed}
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(
        municipality=None, action__in=["book", "counter"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_permission_defaults"),
    ]

    operations = [
        migrations.RunPython(write_defaults, remove_defaults),
    ]
