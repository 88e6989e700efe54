"""Persons, organisations and contact persons leave the contacts app for parties (issue 13,
"Rooms"): Django forgets them here after ``parties.0001_initial`` took them over; the tables,
their rows and every foreign key to them stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('cases', '0009_initiator_parties'),
        ('contacts', '0004_alter_person_preferred_channel'),
        ('notifications', '0006_person_in_parties'),
        ('parties', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='contactperson',
                    name='organisation',
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='contact_person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contacts', to='parties.contactperson'),
                ),
                migrations.RemoveConstraint(
                    model_name='organisation',
                    name='organisation_kvk_unique',
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='parties.organisation'),
                ),
                migrations.AlterField(
                    model_name='contactrequest',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='parties.organisation'),
                ),
                migrations.RemoveIndex(
                    model_name='person',
                    name='contacts_pe_municip_93714e_idx',
                ),
                migrations.RemoveIndex(
                    model_name='person',
                    name='contacts_pe_municip_4792c7_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='person',
                    name='person_bsn_unique_per_municipality',
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='parties.person'),
                ),
                migrations.AlterField(
                    model_name='contactrequest',
                    name='person',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='parties.person'),
                ),
                migrations.DeleteModel(
                    name='ContactPerson',
                ),
                migrations.RemoveField(
                    model_name='person',
                    name='municipality',
                ),
                migrations.DeleteModel(
                    name='Organisation',
                ),
                migrations.DeleteModel(
                    name='Person',
                ),
            ],
            database_operations=[],
        ),
    ]
