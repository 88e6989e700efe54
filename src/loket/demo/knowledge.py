"""Demo knowledge articles: one per product, written from the catalogue's own plain-language
texts, with instructions for staff by who handles the product."""

from __future__ import annotations

from datetime import date

from loket.catalogue.models import Product
from loket.knowledge.models import Article
from loket.tenancy.models import Municipality

INSTRUCTIONS_NL = {
    "department": (
        "Beantwoord de vraag met de tekst hiernaast. Kan de inwoner het niet zelf online regelen,"
        " registreer het contact met uitkomst “zaak aangemaakt” of draag over aan {handler}."
        " Vraag niets opnieuw wat al in het inwonerbeeld staat."
    ),
    "partner": (
        "{handler} voert dit uit voor de gemeente. Leg de vraag met de hele context vast en draag"
        " over aan {handler}; zeg de inwoner dat die binnen de termijn contact opneemt."
    ),
}
INSTRUCTIONS_EN = {
    "department": (
        "Answer with the text beside this. If the resident cannot arrange it online, register the"
        " contact with outcome “case created” or hand it over to {handler}. Do not ask again for"
        " anything already in the resident's view."
    ),
    "partner": (
        "{handler} does this for the municipality. Record the question with its whole context and"
        " hand it over to {handler}; tell the resident they will be contacted within the term."
    ),
}


def _answer(product: Product, language: str) -> str:
    text = getattr(product, f"description_{language}")
    needs = getattr(product, f"needs_{language}").splitlines()
    costs = getattr(product, f"costs_{language}")
    norm = product.term.describe() if language == "nl" else product.service_norm
    parts = [text]
    if needs:
        label = "Wat heeft u nodig" if language == "nl" else "What you need"
        parts.append(f"{label}: " + "; ".join(n.strip() for n in needs if n.strip()) + ".")
    if costs:
        parts.append(("Kosten: " if language == "nl" else "Costs: ") + costs + ".")
    parts.append(
        f"U krijgt antwoord binnen {norm}." if language == "nl" else f"Service norm: {norm}."
    )
    return "\n\n".join(parts)


def create_demo_articles(municipalities: list[Municipality], today: date) -> int:
    articles = []
    for product in Product.objects.filter(is_active=True).select_related("team", "partner"):
        kind = "partner" if product.partner_id else "department"
        handler = str(product.handler)
        articles.append(
            Article(
                product=product,
                title_nl=product.name_nl,
                title_en=product.name_en,
                answer_nl=_answer(product, "nl"),
                answer_en=_answer(product, "en"),
                instructions_nl=INSTRUCTIONS_NL[kind].format(handler=handler),
                instructions_en=INSTRUCTIONS_EN[kind].format(handler=handler),
                valid_from=date(today.year, 1, 1),
            )
        )
    # One municipality's own article, and an article that is no longer valid.
    grofvuil = Product.objects.filter(slug="grofvuil").first()
    if grofvuil is not None and municipalities:
        articles.append(
            Article(
                product=grofvuil,
                municipality=municipalities[0],
                title_nl=f"Grofvuil in {municipalities[0].name}: vier keer per jaar gratis",
                title_en=f"Bulky waste in {municipalities[0].name}: four free pickups a year",
                answer_nl="Inwoners laten grofvuil vier keer per jaar gratis ophalen. Maak online"
                " een afspraak; zet het grofvuil de avond ervoor aan de straat.",
                answer_en="Residents have bulky waste collected four times a year for free. Book"
                " online; put it out the evening before.",
                instructions_nl="Vanaf de vijfde keer kost ophalen € 25. Boek zo nodig zelf in"
                " het systeem van het afvalbedrijf.",
                instructions_en="From the fifth pickup it costs €25.",
                valid_from=date(today.year, 1, 1),
            )
        )
        articles.append(
            Article(
                product=grofvuil,
                title_nl="Grofvuil (oude regeling)",
                title_en="Bulky waste (old scheme)",
                answer_nl="Deze regeling geldt niet meer.",
                answer_en="This scheme no longer applies.",
                valid_from=date(today.year - 2, 1, 1),
                valid_until=date(today.year - 1, 12, 31),
            )
        )
    return len(Article.objects.bulk_create(articles))
