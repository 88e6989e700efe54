"""The demo municipalities' faces: logo, phone, addresses, opening hours, contact text.

Everything is fictional. Dutch municipalities answer on "14" + area code (14 010, 14 0591...);
the 099x "area codes" used here do not exist, and neither do the postcodes' streets or the
``.example`` domains. The service organisation holds the defaults: its phone hours and its
postal address serve a member that has none of its own (Lindeoord).
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.core.files.base import ContentFile

from loket.tenancy.models import Municipality, ServiceOrganisation


def _week(days: tuple[str, ...], *spans: str) -> dict[str, list[str]]:
    return {day: list(spans) for day in days}


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

ORGANISATION_FACE: dict[str, Any] = {
    "phone": "14 0990",
    "email": "info@lindenwaard.example",
    "website": "https://www.lindenwaard.example",
    "postal_address": "Dienstverlening Lindenwaard\nPostbus 99\n3300 AB Lindenwaard",
    "opening_hours": {"telefoon": _week(WEEKDAYS, "08:30-17:00")},
    "contact_text_nl": (
        "Heeft u een vraag? Kijk eerst bij Producten en diensten: daar staat bijna alles, en u"
        " regelt veel meteen online.\n\nKomt u er niet uit, bel ons dan of stuur een e-mail. We"
        " helpen u graag, ook als uw vraag niet bij de gemeente hoort: dan zoeken we uit wie u"
        " verder helpt."
    ),
    "contact_text_en": (
        "Do you have a question? First look at Products and services: almost everything is"
        " there, and you can arrange a lot online straight away.\n\nIf you cannot find it, call"
        " or e-mail us. We are happy to help, also when your question is not for the"
        " municipality: then we find out who can help you."
    ),
}

FACES: dict[str, dict[str, Any]] = {
    "waterdal": {
        "phone": "14 0991",
        "email": "info@waterdal.example",
        "website": "https://www.waterdal.example",
        "visiting_address": "Stadhuis\nMarkt 1\n3311 AA Waterdal",
        "postal_address": "Gemeente Waterdal\nPostbus 100\n3310 AA Waterdal",
        "counter_by_appointment": True,
        "opening_hours": {
            "telefoon": _week(WEEKDAYS, "08:30-17:00"),
            "balie": {
                **_week(WEEKDAYS, "09:00-16:30"),
                "thu": ["09:00-16:30", "18:00-20:00"],
            },
        },
    },
    "beekveld": {
        "phone": "14 0992",
        "email": "gemeente@beekveld.example",
        "website": "https://www.beekveld.example",
        "visiting_address": "Gemeentehuis\nBeekplein 2\n3351 BK Beekveld",
        "postal_address": "Gemeente Beekveld\nPostbus 20\n3350 AA Beekveld",
        "counter_by_appointment": False,
        "opening_hours": {
            "telefoon": _week(WEEKDAYS, "08:30-17:00"),
            "balie": {**_week(WEEKDAYS, "09:00-12:30"), "wed": ["09:00-12:30", "13:30-16:00"]},
        },
    },
    # Lindeoord has its own number and counter; its phone hours, postal address and contact
    # text are the service organisation's.
    "lindeoord": {
        "phone": "14 0993",
        "email": "info@lindeoord.example",
        "website": "https://www.lindeoord.example",
        "visiting_address": "Dorpshuis\nKerkstraat 12\n3371 LK Lindeoord",
        "counter_by_appointment": True,
        "opening_hours": {"balie": {"tue": ["09:00-12:00"], "thu": ["13:00-16:00"]}},
    },
}

# Colours of the emblems: each has 4.5:1 or more against white.
COLOURS = {"waterdal": "#0b4f82", "beekveld": "#1d6b35", "lindeoord": "#7a3b00"}


def emblem_png(slug: str, size: int = 96) -> bytes:
    """A simple shield with a sign for the place (waves, a brook through a field, a linden),
    drawn with Pillow at four times the size and scaled down for smooth edges."""
    from PIL import Image, ImageDraw

    scale = 4
    s = size * scale
    colour = COLOURS.get(slug, "#0b4f82")
    image = Image.new("RGBA", (s, s), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    w = s * 0.08
    shield = [
        (s * 0.12, s * 0.08),
        (s * 0.88, s * 0.08),
        (s * 0.88, s * 0.52),
        (s * 0.5, s * 0.94),
        (s * 0.12, s * 0.52),
    ]
    draw.polygon(shield, fill=colour)
    white = (255, 255, 255, 255)
    if slug == "waterdal":
        for row in range(3):
            y0 = s * (0.28 + row * 0.16)
            points = [
                (s * (0.22 + 0.56 * i / 40), y0 + math.sin(i / 40 * 2 * math.pi * 2) * s * 0.035)
                for i in range(41)
            ]
            draw.line(points, fill=white, width=int(w * 0.7), joint="curve")
    elif slug == "beekveld":
        draw.line([(s * 0.2, s * 0.62), (s * 0.8, s * 0.62)], fill=white, width=int(w * 0.5))
        points = [
            (s * (0.3 + 0.4 * i / 40), s * (0.2 + 0.62 * i / 40) + math.sin(i / 6) * s * 0.03)
            for i in range(41)
        ]
        draw.line(points, fill=white, width=int(w), joint="curve")
    else:
        draw.rectangle([s * 0.46, s * 0.45, s * 0.54, s * 0.78], fill=white)
        draw.ellipse([s * 0.26, s * 0.16, s * 0.74, s * 0.56], fill=white)
        draw.ellipse([s * 0.4, s * 0.28, s * 0.6, s * 0.44], fill=colour)
    buffer = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def load_demo_faces(organisation_slug: str) -> int:
    """Give the demo organisation and its municipalities their contact details and logos.
    Running it again changes nothing that is already there."""
    ServiceOrganisation.objects.filter(slug=organisation_slug).update(**ORGANISATION_FACE)
    done = 0
    for municipality in Municipality.objects.filter(slug__in=FACES):
        for field, value in FACES[municipality.slug].items():
            setattr(municipality, field, value)
        if not municipality.logo:
            municipality.logo.save(
                f"{municipality.slug}.png", ContentFile(emblem_png(municipality.slug)), save=False
            )
        municipality.full_clean()
        municipality.save()
        done += 1
    return done
