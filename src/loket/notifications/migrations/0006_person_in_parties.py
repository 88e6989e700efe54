"""A message's resident is a person of the parties app now (issue 13, "Rooms"); only Django's
picture changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('notifications', '0005_decision_letters'),
        ('parties', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='outboxmessage',
                    name='person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='parties.person'),
                ),
            ],
            database_operations=[],
        ),
    ]
