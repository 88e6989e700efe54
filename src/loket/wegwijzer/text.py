"""Text handling of the wegwijzer: folding, stop words, stems, typo correction, compounds.

Everything here is pure Python and deterministic, so the SQLite and PostgreSQL indexes are fed
the same words, and a question is read the same way on both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+")

# Function words of Dutch and English that say nothing about the product asked for, plus the
# words residents use around any question ("ik wil graag", "how do I").
STOPWORDS = frozenset(
    """
    de het een en of maar dat die dit deze wat wie waar wanneer hoe waarom welke welk
    ik je jij u we wij ze zij hij mijn m'n mn me mij jouw uw ons onze hun zijn haar
    is ben bent was waren wordt worden werd heb heeft hebben had moet moeten kan kun kunt
    kunnen mag mogen wil wilt willen zou zouden zal zullen ga gaat gaan doe doet doen
    te van voor met op in aan bij naar om over uit tot door als dan ook nog al er hier daar
    niet geen wel graag even eens nou toch hoor hallo hoi goedemorgen beste dag
    iets alles heel erg zo zeer meer veel
    the a an and or but that this these those what who where when how why which
    i me my mine we our you your he she it its they their them is am are was were be been
    do does did have has had can could would should will shall may might must
    to of for with on in at by from about as into than then also too not no please
    hi hello there want need get got like just some any
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_STEM_NL = snowballstemmer.stemmer("dutch")
_STEM_EN = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: ``Café's`` -> ``cafes``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", "")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


@lru_cache(maxsize=100_000)
def stems(word: str) -> tuple[str, ...]:
    """The Dutch and the English Snowball stem of a word (one when they agree)."""
    dutch = _STEM_NL.stemWord(word)
    english = _STEM_EN.stemWord(word)
    return (dutch,) if dutch == english else (dutch, english)


def stem_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(s for w in items for s in stems(w))


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions),
    or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def max_typos(word: str) -> int:
    """How many typos a word may contain and still be recognised: none in short words."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


@dataclass
class Vocabulary:
    """The words of the catalogue, with a symmetric-delete index for fast typo correction
    (the SymSpell method: candidates share a deletion variant with the word typed)."""

    counts: dict[str, int] = field(default_factory=dict)
    _by_delete: dict[str, set[str]] = field(default_factory=dict)

    def add(self, word: str) -> None:
        if word in self.counts:
            self.counts[word] += 1
            return
        self.counts[word] = 1
        for variant in _deletes(word, max_typos(word)):
            self._by_delete.setdefault(variant, set()).add(word)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def correct(self, word: str) -> str | None:
        """The catalogue word closest to ``word`` within its typo budget, most frequent first."""
        limit = max_typos(word)
        if limit == 0:
            return None
        candidates: set[str] = set()
        for variant in _deletes(word, limit):
            candidates |= self._by_delete.get(variant, set())
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if max_typos(candidate) == 0:
                continue
            d = distance(word, candidate, limit)
            if d <= limit:
                key = (d, -self.counts[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def split(self, word: str) -> list[str]:
        """A Dutch compound as two known words: ``parkeerplek`` -> ``parkeer``, ``plek``.

        Tries the longest head first and allows the linking ``s`` and ``en`` (tussenklank)."""
        if len(word) < 7:
            return []
        for cut in range(len(word) - 3, 2, -1):
            head, tail = word[:cut], word[cut:]
            if len(tail) < 3 or tail not in self.counts:
                continue
            for linker in ("", "s", "en", "e"):
                if linker and not head.endswith(linker):
                    continue
                stem = head[: len(head) - len(linker)] if linker else head
                if len(stem) >= 3 and stem in self.counts:
                    return [stem, tail]
        return []
