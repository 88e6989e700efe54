"""Joins two migrations made side by side on 0008: the letter templates (0009_letter_templates)
and the applicant in the parties app (0009_initiator_parties). Nothing to do in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_initiator_parties"),
        ("cases", "0009_letter_templates"),
    ]

    operations = []
