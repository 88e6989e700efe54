"""Letters: the message rendered to an A4 PDF with WeasyPrint, into the print queue."""

from __future__ import annotations

import html

from django.utils import timezone
from django.utils.formats import date_format

from loket.notifications.models import OutboxMessage


def render_letter(message: OutboxMessage) -> bytes:
    from weasyprint import HTML  # needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)

    person = message.person
    address = ""
    if person is not None:
        address = (
            f"{html.escape(person.full_name)}<br>"
            f"{html.escape(person.street)} {html.escape(person.house_number)}<br>"
            f"{html.escape(person.postcode)} {html.escape(person.city)}"
        )
    paragraphs = "".join(
        f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>"
        for part in message.body_text.split("\n\n")
    )
    document = f"""<!doctype html><html lang="{message.language}"><head><meta charset="utf-8">
<style>@page {{ size: A4; margin: 25mm 20mm; }} body {{ font-family: sans-serif;
font-size: 11pt; line-height: 1.45; }} .sender {{ font-weight: bold; margin-bottom: 18mm; }}
.address {{ margin-bottom: 15mm; }} .date {{ margin-bottom: 8mm; }}</style></head><body>
<div class="sender">Gemeente {html.escape(message.municipality.name)}</div>
<div class="address">{address}</div>
<div class="date">{date_format(timezone.localdate(), "j F Y")}</div>
<h1 style="font-size: 13pt">{html.escape(message.subject)}</h1>{paragraphs}</body></html>"""
    pdf: bytes = HTML(string=document).write_pdf()
    return pdf
