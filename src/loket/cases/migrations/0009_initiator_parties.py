"""A case's applicant is a person or organisation of the parties app now (issue 13, "Rooms");
only Django's picture changes, the columns and their constraints stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('cases', '0008_decision_event'),
        ('parties', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='initiator_organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='parties.organisation'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='initiator_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='parties.person'),
                ),
            ],
            database_operations=[],
        ),
    ]
