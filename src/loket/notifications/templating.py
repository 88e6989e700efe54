"""Message texts: placeholders per event, the built-in default texts (Dutch and English, plain
language), and rendering. A placeholder is ``{{ name }}``; a text with a placeholder its event
does not know is refused when the template is saved, never when a message is sent."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# The words of the case's kind (loket.catalogue.kinds): ``kind`` "aanvraag" / "melding",
# ``your_case`` "uw aanvraag voor Paspoort" / "uw melding “Melding openbare ruimte”",
# ``deadline`` "We beslissen uiterlijk op 7 december 2026." / "We handelen uw melding ...",
# ``new_deadline`` the same after the date moved, ``outcome`` "Er is een besluit over uw aanvraag".
KIND_WORDS = ("kind", "your_case", "deadline", "new_deadline", "outcome")
COMMON = ("name", "municipality", "product", "reference", "case_url", *KIND_WORDS)
# An appointment: ``when`` "dinsdag 8 december 2026 om 10:20", ``location`` its name and address,
# ``products`` "2 \u00d7 Paspoort" (a multiplication sign), ``bring`` what to bring (from the product texts), and the links.
APPOINTMENT = (
    "name",
    "municipality",
    "reference",
    "when",
    "location",
    "products",
    "bring",
    "move_url",
    "cancel_url",
    "book_url",
)
# A public-space report, to whoever follows it (issue 15): ``category`` its kind, ``place`` the
# nearest address, ``follow_url`` the page that shows its steps (with its own secret link).
REPORT = ("name", "municipality", "reference", "category", "place", "follow_url")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "case_received": (*COMMON, "decide_by"),
    "step_changed": (*COMMON, "step", "step_text", "decide_by"),
    "information_requested": (*COMMON, "what", "respond_by"),
    "term_extended": (*COMMON, "reason", "decide_by"),
    "decision": (*COMMON, "result"),
    "decision_sent": (*COMMON, "decision", "objection"),
    "message": (*COMMON, "message"),
    "callback_scheduled": ("name", "municipality", "call_before", "phone"),
    "reminder": (*COMMON, "what", "respond_by"),
    **{
        event: APPOINTMENT
        for event in (
            "appointment_booked",
            "appointment_moved",
            "appointment_cancelled",
            "appointment_reminder",
        )
    },
    "report_received": REPORT,
    "report_followed": REPORT,
    "report_update": (*REPORT, "step", "step_text"),
    "report_merged": (*REPORT, "duplicate"),
    "report_closed": (*REPORT, "result", "solved_url", "not_solved_url"),
}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


_NL = {
    "report_received": Text(
        "We hebben uw melding ontvangen ({{ reference }})",
        "Hallo,\n\nDank u wel voor uw melding over {{ category }} bij {{ place }}. Het"
        " kenmerk is {{ reference }}. We laten u weten wat we ermee doen.\n\nVolg de melding:"
        " {{ follow_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "report_followed": Text(
        "U volgt melding {{ reference }}",
        "Hallo,\n\nU volgt nu de melding over {{ category }} bij {{ place }} ({{ reference }})."
        " U hoort het als er iets verandert.\n\nBekijk de melding of stop met volgen:"
        " {{ follow_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "report_update": Text(
        "Melding {{ reference }}: {{ step }}",
        "Hallo,\n\nNieuws over de melding over {{ category }} bij {{ place }}"
        " ({{ reference }}): {{ step_text }}\n\nBekijk de melding: {{ follow_url }}\n\n"
        "Met vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "report_merged": Text(
        "Uw melding {{ duplicate }} is samengevoegd met {{ reference }}",
        "Hallo,\n\nHetzelfde probleem was al gemeld. We hebben uw melding {{ duplicate }}"
        " samengevoegd met melding {{ reference }} over {{ category }} bij {{ place }}. U hoort"
        " voortaan hoe het daarmee gaat.\n\nBekijk de melding: {{ follow_url }}\n\n"
        "Met vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "report_closed": Text(
        "Melding {{ reference }} is afgehandeld. Is het opgelost?",
        "Hallo,\n\nWe hebben de melding over {{ category }} bij {{ place }} ({{ reference }})"
        " afgehandeld: {{ result }}.\n\nIs het probleem opgelost?\nJa: {{ solved_url }}\n"
        "Nee: {{ not_solved_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "case_received": Text(
        "We hebben uw {{ kind }} ontvangen ({{ reference }})",
        "Beste {{ name }},\n\nWe hebben {{ your_case }} ontvangen. Uw kenmerk is"
        " {{ reference }}. {{ deadline }}\n\nU volgt uw {{ kind }} in"
        " Mijn Loket: {{ case_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "step_changed": Text(
        "Nieuws over uw {{ kind }} {{ reference }}",
        "Beste {{ name }},\n\n{{ step_text }}\n\n{{ deadline }}"
        "\n\nBekijk uw {{ kind }}: {{ case_url }}\n\nMet vriendelijke groet,\nGemeente"
        " {{ municipality }}",
    ),
    "information_requested": Text(
        "We hebben iets van u nodig ({{ reference }})",
        "Beste {{ name }},\n\nVoor {{ your_case }} hebben we meer informatie"
        " nodig:\n\n{{ what }}\n\nStuur het ons uiterlijk {{ respond_by }} via Mijn Loket:"
        " {{ case_url }}\n\nZolang we wachten, staat de termijn stil.\n\nMet vriendelijke"
        " groet,\nGemeente {{ municipality }}",
    ),
    "term_extended": Text(
        "We hebben meer tijd nodig ({{ reference }})",
        "Beste {{ name }},\n\nWe hebben meer tijd nodig voor {{ your_case }}."
        " De reden: {{ reason }}\n\n{{ new_deadline }}\n\n"
        "{{ case_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "decision_sent": Text(
        "Besluit over uw {{ kind }} ({{ reference }})",
        "Beste {{ name }},\n\nWe hebben een besluit genomen over {{ your_case }}: {{ decision }}."
        " U vindt de brief met het besluit in de bijlage en in Mijn Loket: {{ case_url }}"
        "\n\n{{ objection }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "decision": Text(
        "{{ outcome }} ({{ reference }})",
        "Beste {{ name }},\n\nWe hebben {{ your_case }} afgerond: {{ result }}.\n\n"
        "U leest er meer over in Mijn Loket: {{ case_url }}\n\nMet vriendelijke groet,\nGemeente"
        " {{ municipality }}",
    ),
    "message": Text(
        "Nieuw bericht over uw {{ kind }} {{ reference }}",
        "Beste {{ name }},\n\nU heeft een nieuw bericht over {{ your_case }}:"
        "\n\n{{ message }}\n\nAntwoorden kan in Mijn Loket: {{ case_url }}\n\nMet vriendelijke"
        " groet,\nGemeente {{ municipality }}",
    ),
    "callback_scheduled": Text(
        "We bellen u terug",
        "Beste {{ name }},\n\nWe bellen u uiterlijk {{ call_before }} terug op {{ phone }}.\n\n"
        "Met vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "reminder": Text(
        "Herinnering: we wachten op uw informatie ({{ reference }})",
        "Beste {{ name }},\n\nWe wachten nog op informatie voor {{ your_case }}:"
        "\n\n{{ what }}\n\nStuur het ons uiterlijk {{ respond_by }}: {{ case_url }}\n\nMet"
        " vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "appointment_booked": Text(
        "Uw afspraak op {{ when }} ({{ reference }})",
        "Beste {{ name }},\n\nU heeft een afspraak op {{ when }} bij {{ location }} voor"
        " {{ products }}.\n\nNeem mee:\n{{ bring }}\n\nDe afspraak staat in de bijlage; open"
        " die om hem in uw agenda te zetten.\n\nVerzetten: {{ move_url }}\nAnnuleren:"
        " {{ cancel_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "appointment_moved": Text(
        "Uw afspraak is verzet naar {{ when }} ({{ reference }})",
        "Beste {{ name }},\n\nUw afspraak is verzet. De nieuwe afspraak is op {{ when }} bij"
        " {{ location }} voor {{ products }}.\n\nNeem mee:\n{{ bring }}\n\nDe bijlage zet"
        " de nieuwe tijd in uw agenda.\n\nVerzetten: {{ move_url }}\nAnnuleren:"
        " {{ cancel_url }}\n\nMet vriendelijke groet,\nGemeente {{ municipality }}",
    ),
    "appointment_cancelled": Text(
        "Uw afspraak op {{ when }} is geannuleerd ({{ reference }})",
        "Beste {{ name }},\n\nUw afspraak op {{ when }} bij {{ location }} is geannuleerd."
        "\n\nEen nieuwe afspraak maakt u op {{ book_url }}\n\nMet vriendelijke groet,\n"
        "Gemeente {{ municipality }}",
    ),
    "appointment_reminder": Text(
        "Herinnering: uw afspraak op {{ when }} ({{ reference }})",
        "Beste {{ name }},\n\nU heeft een afspraak op {{ when }} bij {{ location }} voor"
        " {{ products }}.\n\nNeem mee:\n{{ bring }}\n\nKunt u niet? Verzetten:"
        " {{ move_url }}\nAnnuleren: {{ cancel_url }}\n\nMet vriendelijke groet,\nGemeente"
        " {{ municipality }}",
    ),
}
_EN = {
    "report_received": Text(
        "We have received your report ({{ reference }})",
        "Hello,\n\nThank you for your report about {{ category }} at {{ place }}. Its"
        " reference is {{ reference }}. We will let you know what we do about it.\n\nFollow"
        " the report: {{ follow_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "report_followed": Text(
        "You are following report {{ reference }}",
        "Hello,\n\nYou are now following the report about {{ category }} at {{ place }}"
        " ({{ reference }}). We will tell you when something changes.\n\nSee the report or"
        " stop following: {{ follow_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "report_update": Text(
        "Report {{ reference }}: {{ step }}",
        "Hello,\n\nNews about the report about {{ category }} at {{ place }}"
        " ({{ reference }}): {{ step_text }}\n\nSee the report: {{ follow_url }}\n\n"
        "Kind regards,\nMunicipality of {{ municipality }}",
    ),
    "report_merged": Text(
        "Your report {{ duplicate }} was merged with {{ reference }}",
        "Hello,\n\nThe same problem had already been reported. We merged your report"
        " {{ duplicate }} with report {{ reference }} about {{ category }} at {{ place }}. From"
        " now on you will hear how that one goes.\n\nSee the report: {{ follow_url }}\n\n"
        "Kind regards,\nMunicipality of {{ municipality }}",
    ),
    "report_closed": Text(
        "Report {{ reference }} is closed. Is it solved?",
        "Hello,\n\nWe have dealt with the report about {{ category }} at {{ place }}"
        " ({{ reference }}): {{ result }}.\n\nIs the problem solved?\nYes: {{ solved_url }}\n"
        "No: {{ not_solved_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "case_received": Text(
        "We received your {{ kind }} ({{ reference }})",
        "Dear {{ name }},\n\nWe received {{ your_case }}. Your reference is"
        " {{ reference }}. {{ deadline }}\n\nFollow your {{ kind }} in"
        " Mijn Loket: {{ case_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "step_changed": Text(
        "News about your {{ kind }} {{ reference }}",
        "Dear {{ name }},\n\n{{ step_text }}\n\n{{ deadline }}\n\n"
        "See your {{ kind }}: {{ case_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "information_requested": Text(
        "We need something from you ({{ reference }})",
        "Dear {{ name }},\n\nFor {{ your_case }} we need more information:\n\n"
        "{{ what }}\n\nPlease send it by {{ respond_by }} through Mijn Loket: {{ case_url }}\n\n"
        "While we wait, the term stands still.\n\nKind regards,\nMunicipality of"
        " {{ municipality }}",
    ),
    "term_extended": Text(
        "We need more time ({{ reference }})",
        "Dear {{ name }},\n\nWe need more time for {{ your_case }}. The reason:"
        " {{ reason }}\n\n{{ new_deadline }}\n\n{{ case_url }}\n\n"
        "Kind regards,\nMunicipality of {{ municipality }}",
    ),
    "decision_sent": Text(
        "Decision on your {{ kind }} ({{ reference }})",
        "Dear {{ name }},\n\nWe have made a decision on {{ your_case }}: {{ decision }}. The"
        " letter with the decision is attached and in Mijn Loket: {{ case_url }}\n\n"
        "{{ objection }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "decision": Text(
        "{{ outcome }} ({{ reference }})",
        "Dear {{ name }},\n\nWe have completed {{ your_case }}: {{ result }}.\n\nRead"
        " more in Mijn Loket: {{ case_url }}\n\nKind regards,\nMunicipality of"
        " {{ municipality }}",
    ),
    "message": Text(
        "New message about your {{ kind }} {{ reference }}",
        "Dear {{ name }},\n\nYou have a new message about {{ your_case }}:\n\n"
        "{{ message }}\n\nYou can reply in Mijn Loket: {{ case_url }}\n\nKind regards,\n"
        "Municipality of {{ municipality }}",
    ),
    "callback_scheduled": Text(
        "We will call you back",
        "Dear {{ name }},\n\nWe will call you back on {{ phone }} by {{ call_before }}.\n\n"
        "Kind regards,\nMunicipality of {{ municipality }}",
    ),
    "reminder": Text(
        "Reminder: we are waiting for your information ({{ reference }})",
        "Dear {{ name }},\n\nWe are still waiting for information for"
        " {{ your_case }}:\n\n{{ what }}\n\nPlease send it by {{ respond_by }}: {{ case_url }}\n\n"
        "Kind regards,\nMunicipality of {{ municipality }}",
    ),
    "appointment_booked": Text(
        "Your appointment on {{ when }} ({{ reference }})",
        "Dear {{ name }},\n\nYou have an appointment on {{ when }} at {{ location }} for"
        " {{ products }}.\n\nPlease bring:\n{{ bring }}\n\nThe appointment is attached; open"
        " it to add it to your calendar.\n\nMove it: {{ move_url }}\nCancel it:"
        " {{ cancel_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "appointment_moved": Text(
        "Your appointment moved to {{ when }} ({{ reference }})",
        "Dear {{ name }},\n\nYour appointment has moved. The new appointment is on {{ when }}"
        " at {{ location }} for {{ products }}.\n\nPlease bring:\n{{ bring }}\n\nThe"
        " attachment puts the new time in your calendar.\n\nMove it: {{ move_url }}\n"
        "Cancel it: {{ cancel_url }}\n\nKind regards,\nMunicipality of {{ municipality }}",
    ),
    "appointment_cancelled": Text(
        "Your appointment on {{ when }} is cancelled ({{ reference }})",
        "Dear {{ name }},\n\nYour appointment on {{ when }} at {{ location }} is cancelled."
        "\n\nYou can make a new appointment at {{ book_url }}\n\nKind regards,\n"
        "Municipality of {{ municipality }}",
    ),
    "appointment_reminder": Text(
        "Reminder: your appointment on {{ when }} ({{ reference }})",
        "Dear {{ name }},\n\nYou have an appointment on {{ when }} at {{ location }} for"
        " {{ products }}.\n\nPlease bring:\n{{ bring }}\n\nCannot come? Move it:"
        " {{ move_url }}\nCancel it: {{ cancel_url }}\n\nKind regards,\nMunicipality of"
        " {{ municipality }}",
    ),
}
DEFAULTS = {"nl": _NL, "en": _EN}

# A text message is short: the first line of the e-mail text and the link.
SMS_DEFAULTS = {
    language: {
        event: Text(
            "",
            f"{text.subject}. {{{{ case_url }}}}"
            if "case_url" in PLACEHOLDERS[event]
            else text.body.split("\n\n")[1],
        )
        for event, text in texts.items()
    }
    for language, texts in DEFAULTS.items()
}
# An appointment by text message: when, where, and the links (no attachment in an SMS).
_SMS_APPOINTMENT = {
    "nl": {
        "appointment_booked": "Afspraak {{ reference }}: {{ when }}, {{ location }}. Verzetten:"
        " {{ move_url }} Annuleren: {{ cancel_url }}",
        "appointment_moved": "Afspraak {{ reference }} verzet naar {{ when }}, {{ location }}."
        " Verzetten: {{ move_url }} Annuleren: {{ cancel_url }}",
        "appointment_cancelled": "Afspraak {{ reference }} op {{ when }} is geannuleerd.",
        "appointment_reminder": "Herinnering: afspraak {{ when }}, {{ location }}. Verzetten:"
        " {{ move_url }} Annuleren: {{ cancel_url }}",
    },
    "en": {
        "appointment_booked": "Appointment {{ reference }}: {{ when }}, {{ location }}. Move:"
        " {{ move_url }} Cancel: {{ cancel_url }}",
        "appointment_moved": "Appointment {{ reference }} moved to {{ when }}, {{ location }}."
        " Move: {{ move_url }} Cancel: {{ cancel_url }}",
        "appointment_cancelled": "Appointment {{ reference }} on {{ when }} is cancelled.",
        "appointment_reminder": "Reminder: appointment {{ when }}, {{ location }}. Move:"
        " {{ move_url }} Cancel: {{ cancel_url }}",
    },
}
# A report by text message: the subject and the follow link (with the answers at the end).
for _language, _closed in (
    ("nl", "Opgelost? Ja: {{ solved_url }} Nee: {{ not_solved_url }}"),
    ("en", "Solved? Yes: {{ solved_url }} No: {{ not_solved_url }}"),
):
    for _event in ("report_received", "report_followed", "report_update", "report_merged"):
        _SMS_APPOINTMENT[_language][_event] = (
            DEFAULTS[_language][_event].subject + ". {{ follow_url }}"
        )
    _SMS_APPOINTMENT[_language]["report_closed"] = (
        DEFAULTS[_language]["report_closed"].subject.split(".")[0] + ". " + _closed
    )
for _language, _texts in _SMS_APPOINTMENT.items():
    SMS_DEFAULTS[_language].update({event: Text("", body) for event, body in _texts.items()})


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def refuse_unknown_placeholders(event: str, texts: dict[str, str]) -> None:
    """ValidationError (per field) when a text uses a placeholder its event does not know."""
    allowed = set(PLACEHOLDERS.get(event, ()))
    errors = {}
    for field, text in texts.items():
        unknown = sorted(set(placeholders(text)) - allowed)
        if unknown:
            errors[field] = _("Unknown placeholder(s): %(unknown)s. You can use: %(allowed)s.") % {
                "unknown": ", ".join(f"{{{{ {u} }}}}" for u in unknown),
                "allowed": ", ".join(f"{{{{ {a} }}}}" for a in sorted(allowed)),
            }
    if errors:
        raise ValidationError(errors)


def render(text: str, context: dict[str, Any], *, as_html: bool = False) -> str:
    def value(match: re.Match[str]) -> str:
        raw = str(context.get(match[1], ""))
        return html.escape(raw) if as_html else raw

    return _PLACEHOLDER.sub(value, html.escape(text) if as_html else text)


def to_html(text: str, context: dict[str, Any]) -> str:
    """The HTML part of an e-mail: the same text, escaped, with paragraphs and working links."""
    rendered = render(text, context, as_html=True)
    linked = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', rendered)
    paragraphs = "".join(
        f"<p>{part.replace(chr(10), '<br>')}</p>" for part in linked.split("\n\n") if part
    )
    return (
        '<!doctype html><html><body style="font-family: sans-serif; font-size: 16px;'
        f' line-height: 1.5; color: #1a1a1a;">{paragraphs}</body></html>'
    )
