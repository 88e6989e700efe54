"""Wegwijzer: a resident's question in their own words in, the right products out.

``"ik ben verhuisd"`` -> *Verhuizing doorgeven*. Seed 003 asks the municipality to be the
resident's guide; this is the piece that understands the question. It runs in the database's
own full-text search (``loket.wegwijzer.index``) and adds, in Python, what a search engine
alone does not: typo correction against the catalogue's words, Dutch compound splitting,
synonyms, and a bonus when the question contains one of the phrases residents use for a
product. No external services.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from django.db import transaction

from loket.catalogue.models import Product
from loket.tenancy.models import Municipality
from loket.wegwijzer import index
from loket.wegwijzer.text import STOPWORDS, Vocabulary, content_words, stem_set, stems, words

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"
MAX_RESULTS = 5

# How the two signals add up: the full-text rank (normalised to the best match of the question)
# and the phrase bonus (a keyword phrase of the product found whole in the question).
FTS_WEIGHT = 1.0
PHRASE_WEIGHT = 0.6
SYNONYM_WEIGHT = 0.5


@dataclass(frozen=True)
class Hit:
    product: Product
    score: float


@dataclass
class _Model:
    """What each process keeps in memory about the catalogue; rebuilt when the index changes."""

    generation: tuple[int, str]
    vocabulary: Vocabulary
    synonyms: dict[str, frozenset[str]]
    # product id -> keyword phrases as sets of stems (content words only)
    phrases: dict[int, list[frozenset[str]]] = field(default_factory=dict)


_lock = threading.Lock()
_model: _Model | None = None


def _keyword_phrases(product: Product) -> list[str]:
    return [line.strip() for line in product.keywords.splitlines() if line.strip()]


def _synonym_groups() -> list[list[str]]:
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append([w for w in (words(part)[0] for part in line.split(",") if words(part))])
    return groups


def _texts(product: Product) -> tuple[str, str, str]:
    name = f"{product.name_nl} {product.name_en}"
    # Each keyword word counts once: "kwijt" in ten phrases must not outweigh everything else.
    keywords = " ".join(dict.fromkeys(w for k in _keyword_phrases(product) for w in words(k)))
    body = " ".join(
        (product.summary_nl, product.summary_en, product.description_nl, product.description_en)
    )
    return name, keywords, body


def _vocabulary(products: list[Product], groups: list[list[str]]) -> Vocabulary:
    vocabulary = Vocabulary()
    for product in products:
        for text in _texts(product):
            for word in content_words(text):
                vocabulary.add(word)
    for group in groups:
        for word in group:
            vocabulary.add(word)
    return vocabulary


def _compound_parts(text: str, vocabulary: Vocabulary) -> list[str]:
    return [part for word in content_words(text) for part in vocabulary.split(word)]


def index_rebuild() -> int:
    """(Re)build the full-text index of every active product; returns how many were indexed.

    Called after a product change commits: the catalogue's services and the product admin call
    ``loket.catalogue.services.products_changed``, which this app listens to (``apps.py``)."""
    products = list(Product.objects.filter(is_active=True))
    groups = _synonym_groups()
    vocabulary = _vocabulary(products, groups)
    with transaction.atomic():
        index.clear()
        for product in products:
            name, keywords, body = _texts(product)
            extra = " ".join(_compound_parts(f"{name} {keywords}", vocabulary))
            index.index_product(
                product, index.Fields(name=name, keywords=f"{keywords} {extra}", body=body)
            )
        index.bump_generation()
    return len(products)


def _load_model() -> _Model:
    global _model
    generation = index.current_generation()
    model = _model
    if model is not None and model.generation == generation:
        return model
    with _lock:
        products = list(Product.objects.filter(is_active=True))
        groups = _synonym_groups()
        synonyms: dict[str, frozenset[str]] = {}
        for group in groups:
            for word in group:
                synonyms[word] = frozenset(w for w in group if w != word)
        model = _Model(
            generation=generation,
            vocabulary=_vocabulary(products, groups),
            synonyms=synonyms,
            phrases={
                p.pk: [s for s in (stem_set(content_words(k)) for k in _keyword_phrases(p)) if s]
                + [stem_set(content_words(p.name_nl)), stem_set(content_words(p.name_en))]
                for p in products
            },
        )
        _model = model
    return model


@dataclass
class Reading:
    """How the wegwijzer read a question: the words it searched for, with their weight."""

    terms: dict[str, float]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(s for term in self.terms for s in stems(term))


def read_question(question: str, model: _Model) -> Reading:
    """Words -> corrected words, compound parts, joined compounds and synonyms."""
    vocabulary = model.vocabulary
    typed = [w for w in words(question)[:40] if len(w) > 1]
    terms: dict[str, float] = {}

    def add(word: str, weight: float) -> None:
        if word not in STOPWORDS:
            terms[word] = max(terms.get(word, 0.0), weight)

    for first, second in pairwise(typed):
        if first + second in vocabulary:
            add(first + second, 1.0)
    for word in typed:
        if word in STOPWORDS:
            continue
        if word in vocabulary or word.isdigit():
            add(word, 1.0)
        else:
            corrected = vocabulary.correct(word)
            parts = vocabulary.split(word)
            if corrected:
                add(corrected, 0.9)
            elif parts:
                for part in parts:
                    add(part, 0.8)
            else:
                add(word, 1.0)
    for word, weight in list(terms.items()):
        for synonym in model.synonyms.get(word, ()):
            add(synonym, weight * SYNONYM_WEIGHT)
    return Reading(terms=terms)


def _phrase_bonus(reading: Reading, phrases: list[frozenset[str]]) -> float:
    found = reading.stems
    best = sorted((len(p) for p in phrases if p <= found), reverse=True)[:2]
    return sum(min(size, 3) for size in best) / 4


def wegwijzer_search(
    question: str, *, municipality: Municipality | None = None, limit: int = MAX_RESULTS
) -> list[Hit]:
    """The products of ``municipality`` (or of the whole catalogue) that answer ``question``,
    best first, with a score between 0 and 1. An empty or meaningless question finds nothing."""
    model = _load_model()
    reading = read_question(question, model)
    if not reading.terms:
        return []
    ranks: dict[int, float] = {}
    documents = max(len(model.phrases), 1)
    for term, weight in reading.terms.items():
        matches = index.query([term])
        # ts_rank (PostgreSQL) does not weigh how rare a word is; bm25 (SQLite) already does.
        rarity = math.log(1 + documents / len(matches)) if matches and index.needs_idf() else 1.0
        for product_id, rank in matches.items():
            ranks[product_id] = ranks.get(product_id, 0.0) + rank * weight * rarity
    best_rank = max(ranks.values(), default=0.0)
    scores: dict[int, float] = {}
    for product_id, phrases in model.phrases.items():
        fts = ranks.get(product_id, 0.0) / best_rank if best_rank else 0.0
        total = FTS_WEIGHT * fts + PHRASE_WEIGHT * _phrase_bonus(reading, phrases)
        if total > 0:
            scores[product_id] = total
    if not scores:
        return []
    candidates = Product.objects.filter(pk__in=scores)
    if municipality is not None:
        candidates = candidates & Product.objects.offered_in(municipality)
    by_id = {p.pk: p for p in candidates}
    ranked = sorted((pid for pid in scores if pid in by_id), key=lambda pid: -scores[pid])
    top = max(scores[pid] for pid in ranked) if ranked else 1.0
    confidence = min(1.0, top / (FTS_WEIGHT + PHRASE_WEIGHT * 0.75))
    return [
        Hit(product=by_id[pid], score=round(confidence * scores[pid] / top, 3))
        for pid in ranked[:limit]
    ]
