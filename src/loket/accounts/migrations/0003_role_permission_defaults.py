"""The default role-by-action table (issue 13), as it was decided when this migration was written.

Frozen here on purpose: ``loket.accounts.permissions.DEFAULTS`` may change later, and a later
change belongs in a migration of its own, not in a rewrite of history. Rows are only added where
missing, so running it against a table someone already filled keeps their choices."""

from django.db import migrations

ACTIONS = [
    "view",
    "assign",
    "reopen",
    "extend",
    "decide",
    "sign",
    "knowledge",
    "templates",
    "catalogue",
    "figures",
    "contact",
    "hand_over",
]
CASE_WORKER = {"view", "decide", "sign", "contact", "hand_over"}
ALLOWED = {
    "case_worker": CASE_WORKER,
    "team_lead": CASE_WORKER | {"assign", "reopen", "extend", "figures"},
    "front_office": {"view", "contact", "hand_over", "knowledge"},
    "partner_worker": CASE_WORKER,
    "administrator": {"view", "templates", "catalogue", "knowledge", "figures", "assign"},
}


def write_defaults(apps, schema_editor):
    RolePermission = apps.get_model("accounts", "RolePermission")
    for role, allowed in ALLOWED.items():
        for action in ACTIONS:
            RolePermission.objects.get_or_create(
                municipality=None,
                role=role,
                action=action,
                defaults={"allowed": action in allowed},
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(municipality=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_permission"),
    ]

    operations = [
        migrations.RunPython(write_defaults, remove_defaults),
    ]
