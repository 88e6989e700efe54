"""Delivery in order per case (``order_key``), and honesty after a crash: an attempt whose
outcome is unknown (``ok`` empty) and messages possibly delivered twice."""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def fill_order_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The same keys ``services.order_key`` gives new messages."""
    message = apps.get_model("notifications", "OutboxMessage")
    message.objects.filter(case__isnull=False).update(
        order_key=Concat(Value("case:"), Cast("case_id", CharField()))
    )
    message.objects.filter(case__isnull=True).update(
        order_key=Concat("channel", Value(":"), "recipient")
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="order_key",
            field=models.CharField(
                default="",
                help_text="Messages with the same key (one case, or one recipient without a"
                " case) are delivered in the order they were queued.",
                max_length=320,
                verbose_name="delivered in order with",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_order_keys, migrations.RunPython.noop),
        migrations.AddField(
            model_name="outboxmessage",
            name="possibly_duplicated",
            field=models.BooleanField(
                default=False,
                help_text="A worker stopped while handing this message over, before it could"
                " record whether the server accepted it; it was sent again with the same"
                " Message-ID, so the resident may have received it twice.",
                verbose_name="possibly delivered twice",
            ),
        ),
        migrations.AlterField(
            model_name="deliveryattempt",
            name="ok",
            field=models.BooleanField(
                help_text="Empty: unknown whether the server accepted it.",
                null=True,
                verbose_name="accepted",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "waiting"),
                    ("sending", "being handed over"),
                    ("sent", "sent"),
                    ("failed", "failed (dead letter)"),
                ],
                db_index=True,
                default="pending",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "sending"])),
                fields=["order_key", "id"],
                name="outbox_undelivered_in_order",
            ),
        ),
    ]
