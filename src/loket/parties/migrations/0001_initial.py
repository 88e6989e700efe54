"""Persons, organisations and contact persons move from the contacts app to parties (issue 13,
"Rooms"): only Django's picture of the models changes; the tables keep their names
(``db_table``) and no row is touched. The content types follow, so permissions and links to
them stay attached.
"""

import django.db.models.deletion
import loket.parties.models
import uuid
from typing import Any
from django.db import migrations, models


MOVED = ("person", "organisation", "contactperson")


def _relabel(apps: Any, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def content_types_follow(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "contacts", "parties")


def content_types_go_back(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "parties", "contacts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('tenancy', '0002_public_face'),
        ('contacts', '0004_alter_person_preferred_channel'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('kvk_number', models.CharField(max_length=8, validators=[loket.parties.models.validate_kvk], verbose_name='KvK number')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('street', models.CharField(blank=True, max_length=200, verbose_name='street')),
                        ('house_number', models.CharField(blank=True, max_length=10, verbose_name='house number')),
                        ('postcode', models.CharField(blank=True, max_length=7, verbose_name='postcode')),
                        ('city', models.CharField(blank=True, max_length=100, verbose_name='town')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('phone', models.CharField(blank=True, max_length=20, validators=[loket.parties.models.validate_phone], verbose_name='phone number')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'organisation',
                        'verbose_name_plural': 'organisations',
                        'db_table': 'contacts_organisation',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ContactPerson',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('function', models.CharField(blank=True, max_length=100, verbose_name='function')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('phone', models.CharField(blank=True, max_length=20, validators=[loket.parties.models.validate_phone], verbose_name='phone number')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_persons', to='parties.organisation')),
                    ],
                    options={
                        'verbose_name': 'contact person',
                        'verbose_name_plural': 'contact persons',
                        'db_table': 'contacts_contactperson',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Person',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('bsn', models.CharField(blank=True, max_length=9, validators=[loket.parties.models.validate_bsn], verbose_name='BSN')),
                        ('initials', models.CharField(blank=True, max_length=20, verbose_name='initials')),
                        ('first_name', models.CharField(blank=True, max_length=100, verbose_name='first name')),
                        ('surname_prefix', models.CharField(blank=True, max_length=20, verbose_name='surname prefix')),
                        ('surname', models.CharField(max_length=200, verbose_name='surname')),
                        ('birth_date', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                        ('street', models.CharField(blank=True, max_length=200, verbose_name='street')),
                        ('house_number', models.CharField(blank=True, max_length=10, verbose_name='house number')),
                        ('postcode', models.CharField(blank=True, max_length=7, verbose_name='postcode')),
                        ('city', models.CharField(blank=True, max_length=100, verbose_name='town')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('phone', models.CharField(blank=True, max_length=20, validators=[loket.parties.models.validate_phone], verbose_name='phone number')),
                        ('preferred_channel', models.CharField(blank=True, choices=[('e-mail', 'e-mail'), ('sms', 'text message (SMS)'), ('brief', 'letter by post')], max_length=20, verbose_name='preferred channel')),
                        ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], default='nl', max_length=2, verbose_name='language')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'person',
                        'verbose_name_plural': 'persons',
                        'db_table': 'contacts_person',
                        'ordering': ['surname', 'first_name'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='organisation',
                    constraint=models.UniqueConstraint(fields=('municipality', 'kvk_number'), name='organisation_kvk_unique'),
                ),
                migrations.AddIndex(
                    model_name='person',
                    index=models.Index(fields=['municipality', 'postcode', 'house_number'], name='contacts_pe_municip_93714e_idx'),
                ),
                migrations.AddIndex(
                    model_name='person',
                    index=models.Index(fields=['municipality', 'surname'], name='contacts_pe_municip_4792c7_idx'),
                ),
                migrations.AddConstraint(
                    model_name='person',
                    constraint=models.UniqueConstraint(condition=models.Q(('bsn', ''), _negated=True), fields=('municipality', 'bsn'), name='person_bsn_unique_per_municipality'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
