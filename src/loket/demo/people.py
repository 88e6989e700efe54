"""Fictional people and places for demo and synthetic data. Any likeness is accidental."""

from __future__ import annotations

import random

FIRST_NAMES = [
    "Anna",
    "Sophie",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sara",
    "Lotte",
    "Noor",
    "Fleur",
    "Lieke",
    "Evi",
    "Iris",
    "Fenna",
    "Roos",
    "Sanne",
    "Ingrid",
    "Marieke",
    "Annelies",
    "Petra",
    "Wilma",
    "Fatima",
    "Aylin",
    "Yasmina",
    "Nadia",
    "Priya",
    "Mei",
    "Olga",
    "Hanneke",
    "Daan",
    "Sem",
    "Lucas",
    "Finn",
    "Levi",
    "Milan",
    "Bram",
    "Thijs",
    "Ruben",
    "Jesse",
    "Luuk",
    "Stijn",
    "Koen",
    "Jeroen",
    "Mark",
    "Peter",
    "Henk",
    "Kees",
    "Johan",
    "Willem",
    "Ahmed",
    "Mohamed",
    "Youssef",
    "Mehmet",
    "Emre",
    "Kevin",
    "Dennis",
    "Rik",
    "Gerrit",
    "Joost",
]
SURNAMES = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Jong",
    "Schouten",
    "van Dijk",
    "Prins",
    "Kuipers",
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "Bouzid",
    "Nguyen",
    "Wouters",
    "Verhoeven",
    "Koster",
    "Willems",
    "Postma",
    "Hoekstra",
    "Maas",
    "Verbeek",
    "Timmermans",
    "Kramer",
]
STREETS = [
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Schoolstraat",
    "Lindelaan",
    "Beukenlaan",
    "Rivierdijk",
    "Havenkade",
    "Wilgenhof",
    "Populierenstraat",
    "Zandpad",
    "Weidelaan",
    "Brugstraat",
    "Sluisweg",
    "Veerweg",
    "Marktplein",
    "Esdoornstraat",
    "Vlietkade",
    "Boogaardstraat",
    "Rietgors",
]
PREFIXES = ("van", "de", "van de", "van der", "van den", "den", "ter")


def split_surname(full: str) -> tuple[str, str]:
    """``"van der Meer"`` -> ``("van der", "Meer")``: Dutch surname prefixes sort apart."""
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if full.startswith(prefix + " "):
            return prefix, full[len(prefix) + 1 :]
    return "", full


def make_bsn(rng: random.Random) -> str:
    """A random number that passes the BSN 11-test (for fictional people only)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        partial = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        last = partial % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


def make_phone(rng: random.Random) -> str:
    # E.164, as the front office stores it; 06-1 to 06-5: numbers that exist in the NL plan
    return f"+316{rng.randint(1, 5)}{rng.randint(1000000, 9999999)}"
