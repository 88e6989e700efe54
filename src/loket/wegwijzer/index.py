"""The full-text index of the catalogue, in the database's own search engine.

* PostgreSQL: table ``wegwijzer_document`` with a weighted ``tsvector`` built with the ``dutch``
  and the ``english`` text search configurations, and a GIN index; queried with ``to_tsquery``
  and ranked with ``ts_rank``.
* SQLite (the embedded default): FTS5 virtual table ``wegwijzer_fts``, filled with Snowball
  stems (Dutch and English, ``loket.wegwijzer.text``) and ranked with ``bm25``.

Both are fed the same words per field: *name* (product names), *keywords* (what residents call
it, plus synonyms and compound parts) and *body* (summary and description).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from loket.catalogue.models import Product
from loket.wegwijzer.models import IndexState
from loket.wegwijzer.text import stems, words

SQLITE_TABLE = "wegwijzer_fts"
POSTGRES_TABLE = "wegwijzer_document"

# Relative weight of the fields: a word in the name or keywords says more than one in the text.
SQLITE_WEIGHTS = (0.0, 10.0, 6.0, 1.0)  # product_id, name, keywords, body
POSTGRES_WEIGHTS = "{0.05, 0.2, 0.6, 1.0}"  # D, C (body), B (keywords), A (name)


def create_tables(vendor: str, execute) -> None:  # type: ignore[no-untyped-def]
    if vendor == "postgresql":
        execute(
            # No foreign key: the index is derived data, rebuilt as a whole, and a constraint
            # would stop ``TRUNCATE catalogue_product`` (test database flushes).
            f"CREATE TABLE {POSTGRES_TABLE} ("
            " product_id bigint PRIMARY KEY,"
            " document tsvector NOT NULL)"
        )
        execute(f"CREATE INDEX wegwijzer_document_gin ON {POSTGRES_TABLE} USING gin(document)")
    else:
        execute(
            f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5("
            "product_id UNINDEXED, name, keywords, body, tokenize = 'unicode61')"
        )


def drop_tables(vendor: str, execute) -> None:  # type: ignore[no-untyped-def]
    execute(f"DROP TABLE IF EXISTS {POSTGRES_TABLE if vendor == 'postgresql' else SQLITE_TABLE}")


@dataclass(frozen=True)
class Fields:
    name: str
    keywords: str
    body: str


def _stemmed(text: str) -> str:
    return " ".join(s for w in words(text) for s in stems(w))


def index_product(product: Product, fields: Fields) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {POSTGRES_TABLE} (product_id, document) VALUES (%s,"
                " setweight(to_tsvector('dutch', %s) || to_tsvector('english', %s), 'A')"
                " || setweight(to_tsvector('dutch', %s) || to_tsvector('english', %s), 'B')"
                " || setweight(to_tsvector('dutch', %s) || to_tsvector('english', %s), 'C'))"
                " ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document",
                [
                    product.pk,
                    fields.name,
                    fields.name,
                    fields.keywords,
                    fields.keywords,
                    fields.body,
                    fields.body,
                ],
            )
        else:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE product_id = %s", [product.pk])
            cursor.execute(
                f"INSERT INTO {SQLITE_TABLE} (product_id, name, keywords, body)"
                " VALUES (%s, %s, %s, %s)",
                [
                    product.pk,
                    _stemmed(fields.name),
                    _stemmed(fields.keywords),
                    _stemmed(fields.body),
                ],
            )


def clear() -> None:
    table = POSTGRES_TABLE if connection.vendor == "postgresql" else SQLITE_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def needs_idf() -> bool:
    """Whether ranks must still be weighed by inverse document frequency (ts_rank does not)."""
    return connection.vendor == "postgresql"


def bump_generation() -> None:
    with transaction.atomic():
        state, _ = IndexState.objects.select_for_update().get_or_create(pk=1)
        state.generation += 1
        state.built_at = timezone.now()
        state.save()


def current_generation() -> tuple[int, str]:
    """Which build of the index is current: its number and the moment it was built. The moment
    tells two builds with the same number apart (after a database was emptied and loaded again,
    as the test suite does, the number starts over and a process would keep a stale model)."""
    row = IndexState.objects.filter(pk=1).values_list("generation", "built_at").first()
    if row is None:
        return (0, "")
    return (row[0], row[1].isoformat() if row[1] else "")


def query(terms: list[str]) -> dict[int, float]:
    """Product id -> rank (higher is better) of every product matching any of ``terms``.

    ``terms`` are folded words ``[a-z0-9]+`` (so they need no quoting in either syntax)."""
    terms = [t for t in terms if t.isalnum()]
    if not terms:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            expression = " | ".join(terms)
            cursor.execute(
                f"SELECT product_id, ts_rank(%s::float4[], document, q) FROM {POSTGRES_TABLE},"
                " (SELECT to_tsquery('dutch', %s) || to_tsquery('english', %s) AS q) AS query"
                " WHERE document @@ q",
                [POSTGRES_WEIGHTS, expression, expression],
            )
        else:
            expression = " OR ".join(f'"{s}"' for t in terms for s in stems(t))
            cursor.execute(
                f"SELECT product_id, -bm25({SQLITE_TABLE}, %s, %s, %s, %s) FROM {SQLITE_TABLE}"
                f" WHERE {SQLITE_TABLE} MATCH %s",
                [*SQLITE_WEIGHTS, expression],
            )
        return {int(pid): float(rank) for pid, rank in cursor.fetchall()}
