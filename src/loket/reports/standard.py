"""The standard report categories a municipality starts with (issue 15), after the main groups
of the Signalen category tree: waste, street lighting, roads and pavements, greenery. Each
main category names the team or partner that handles it (the catalogue's "Beheer Openbare
Ruimte" department, the partner "Afvalbedrijf") and a service norm in working days; a
municipality changes them in the admin afterwards."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from loket.organisation.models import Partner, Team
from loket.reports.models import Category
from loket.tenancy.models import Municipality

TEAM = "Beheer Openbare Ruimte"
PARTNER = "Afvalbedrijf"

# (code, name nl, name en, handler ("team"/"partner"), norm, [sub-categories])
# sub: (code, nl, en, keywords, attributes)
_TREE: list[
    tuple[str, str, str, str, str, list[tuple[str, str, str, str, list[dict[str, Any]]]]]
] = [
    (
        "afval",
        "Afval",
        "Waste",
        "partner",
        "3wd",
        [
            (
                "zwerfafval",
                "Zwerfafval",
                "Litter",
                "zwerfvuil\nvuil\nrommel\nglas\nscherven\nlitter\nrubbish",
                [],
            ),
            (
                "afvalbak-vol",
                "Volle afvalbak",
                "Overflowing bin",
                "prullenbak\nafvalbak\nvuilnisbak\nvol\nbin",
                [],
            ),
            (
                "gedumpt-afval",
                "Gedumpt afval",
                "Dumped waste",
                "gedumpt\ndumping\nvuilniszakken\nbankstel\nmatras\ndumped\nfly tipping",
                [],
            ),
        ],
    ),
    (
        "verlichting",
        "Straatverlichting",
        "Street lighting",
        "team",
        "10wd",
        [
            (
                "lantaarnpaal",
                "Lantaarnpaal kapot",
                "Street light broken",
                "lantaarnpaal\nlantaarn\nlamp\nlicht\nstraatverlichting\nstreet light\nstreetlight\nlight",
                [],
            ),
        ],
    ),
    (
        "wegen",
        "Wegen en stoepen",
        "Roads and pavements",
        "team",
        "15wd",
        [
            (
                "stoeptegel",
                "Losse of scheve stoeptegel",
                "Loose paving stone",
                "stoeptegel\ntegel\ntegels\nstoep\nverzakt\npaving\npavement",
                [],
            ),
            (
                "gat-in-de-weg",
                "Gat in de weg",
                "Pothole",
                "gat\nkuil\nweg\nasfalt\nfietspad\npothole\nroad",
                [],
            ),
        ],
    ),
    (
        "groen",
        "Bomen en groen",
        "Trees and greenery",
        "team",
        "10wd",
        [
            (
                "takken",
                "Overhangende takken of struiken",
                "Overhanging branches",
                "takken\ntak\nstruik\nstruiken\nheg\noverhangend\nbranches\nbushes",
                [],
            ),
            (
                "omgevallen-boom",
                "Omgevallen boom",
                "Fallen tree",
                "omgevallen\nboom\nstorm\nfallen tree\ntree",
                [
                    {
                        "code": "op-de-weg",
                        "datatype": "singlevaluelist",
                        "required": True,
                        "description_nl": "Ligt de boom op de weg of het fietspad?",
                        "description_en": "Is the tree lying on the road or cycle path?",
                        "values": [
                            {"key": "ja", "name_nl": "Ja", "name_en": "Yes"},
                            {"key": "nee", "name_nl": "Nee", "name_en": "No"},
                        ],
                    }
                ],
            ),
        ],
    ),
]


@transaction.atomic
def categories_install(municipality: Municipality) -> int:
    """Give ``municipality`` the standard categories it does not have yet; returns how many
    were added. The team and partner are the catalogue's (``catalogue_load``)."""
    team = Team.objects.get(slug=slugify(TEAM))
    partner = Partner.objects.get(slug=slugify(PARTNER))
    added = 0
    for order, (code, nl, en, handler, norm, subs) in enumerate(_TREE, start=1):
        main, created = Category.objects.get_or_create(
            municipality=municipality,
            code=code,
            defaults={
                "name_nl": nl,
                "name_en": en,
                "team": team if handler == "team" else None,
                "partner": partner if handler == "partner" else None,
                "service_norm": norm,
                "order": order,
            },
        )
        added += created
        for sub_order, (sub_code, sub_nl, sub_en, keywords, attributes) in enumerate(subs, 1):
            _, created = Category.objects.get_or_create(
                municipality=municipality,
                code=sub_code,
                defaults={
                    "parent": main,
                    "name_nl": sub_nl,
                    "name_en": sub_en,
                    "keywords": keywords,
                    "attributes": attributes,
                    "order": sub_order,
                },
            )
            added += created
    return added
