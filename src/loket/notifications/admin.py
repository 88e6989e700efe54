"""For administrators: message templates with a preview, the outbox with dead letters to retry,
and the print queue of letters."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from loket.accounts.admin_access import RoleTableAdmin
from loket.accounts.permissions import Action
from loket.notifications.delivery import retry
from loket.notifications.models import DeliveryAttempt, OutboxMessage, Template
from loket.notifications.templating import PLACEHOLDERS, render, to_html

SAMPLE = {
    "name": "Emma Visser",
    "municipality": "Waterdal",
    "product": "Parkeervergunning voor bewoners",
    "reference": "ZAAK-2026-0000123",
    "case_url": "https://loket.example/waterdal/mijn/zaken/voorbeeld",
    "decide_by": "14 december 2026",
    "step": "Inhoudelijke beoordeling",
    "step_text": "We beoordelen uw aanvraag.",
    "what": "Stuur ons een kopie van uw kentekenbewijs.",
    "respond_by": "9 december 2026",
    "reason": "We wachten op advies van de brandweer.",
    "result": "verleend",
    "message": "Uw aanvraag is compleet.",
    "call_before": "25 november 2026",
    "phone": "06 12345678",
    "kind": "aanvraag",
    "your_case": "uw aanvraag voor Parkeervergunning voor bewoners",
    "deadline": "We beslissen uiterlijk op 14 december 2026.",
    "new_deadline": "We beslissen nu uiterlijk op 14 december 2026.",
    "outcome": "Er is een besluit over uw aanvraag",
    "decision": "Vergunning verleend",
    "objection": "Bent u het niet eens met het besluit? Dan kunt u tot en met 14 januari 2027"
    " bezwaar maken. Hoe dat gaat, staat in de brief.",
}


@admin.register(Template)
class TemplateAdmin(RoleTableAdmin[Template]):
    # A municipality's own templates by its row of the table; the shared defaults (no
    # municipality) by the role's default row.
    action = Action.TEMPLATES

    def municipality_of(self, obj: Template | None) -> int | None:
        return obj.municipality_id if obj is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Template]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = getattr(request.user, "municipality_ids", [])
        return queryset.filter(Q(municipality__isnull=True) | Q(municipality_id__in=ids))

    list_display = ("event", "channel", "language", "municipality", "updated_at")
    list_filter = ("event", "channel", "language", "municipality")
    readonly_fields = ("placeholders", "preview")

    @admin.display(description=_("placeholders you can use"))
    def placeholders(self, obj: Template) -> str:
        return ", ".join("{{ %s }}" % p for p in PLACEHOLDERS.get(obj.event, ()))  # noqa: UP031

    @admin.display(description=_("preview with example data"))
    def preview(self, obj: Template) -> str | Promise:
        if not obj.pk:
            return _("Save first to see a preview.")
        return format_html(
            "<p><strong>{}</strong></p><div style='border:1px solid #ccc;padding:1em'>{}</div>",
            render(obj.subject, SAMPLE),
            mark_safe(to_html(obj.body, SAMPLE)),  # noqa: S308 - to_html escapes its input
        )


class AttemptInline(admin.TabularInline[DeliveryAttempt, OutboxMessage]):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = ("at", "worker", "ok", "permanent", "error", "milliseconds")
    can_delete = False


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = (
        "created_at",
        "event",
        "channel",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "twice",
    )
    list_filter = ("status", "possibly_duplicated", "channel", "event", "municipality")
    search_fields = ("recipient", "subject")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [AttemptInline]
    actions = ["retry_dead_letters", "mark_printed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(
        description=_("possibly delivered twice"), boolean=True, ordering="possibly_duplicated"
    )
    def twice(self, obj: OutboxMessage) -> bool:
        return obj.possibly_duplicated

    @admin.action(description=_("Send the selected dead letters again"))
    def retry_dead_letters(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        dead = queryset.filter(status=OutboxMessage.Status.FAILED)
        for message in dead:
            retry(message)
        messages.success(request, _("%(n)s messages will be sent again.") % {"n": dead.count()})

    @admin.action(description=_("Mark the selected letters as printed"))
    def mark_printed(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        from django.utils import timezone

        queryset.filter(channel="brief", printed_at__isnull=True).update(printed_at=timezone.now())
