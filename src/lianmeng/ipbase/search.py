"""Chinese search of the patent and standard base (M-61).

Chinese has no spaces between words, so the base does not rely on a word parser. Each row's
``search_text`` holds **tokens** separated by single spaces: every 汉字 of the title and of the
holders' (drafters') names, every pair of neighbouring 汉字 (bigram), and every run of Latin
letters and digits in lower case (the number's parts: ``zl202010123456``, ``202010123456``,
``gb``, ``t``, ``12345``, ``2020``). A query is cut the same way and all its pieces must be
present: "耐火" is the bigram 耐火, "耐火材料" the bigrams 耐火 火材 材料, "耐" the single
character, "12345" any token starting with 12345.

**PostgreSQL.** The tokens become a ``tsvector`` without any parser or locale
(``ipbase_search_vector(search_text)``: ``array_to_tsvector`` of the space-separated tokens),
indexed with GIN (migration 0002), and the query is a ``tsquery`` written out (``'耐火' & '火材' & '12345':*``),
so the search reads the index whatever the server's ``lc_ctype``. (pg_trgm does extract
trigrams from 汉字 under ``C.UTF-8`` — ``show_trgm('耐火材料专利')`` gives seven — but a
two-character query, the commonest Chinese search, has no trigram and would read the whole
index.)

**SQLite** (development, tests): the same rows match when the title, the number or the
search text contains the query (``icontains``) — a plain scan, fine at a workstation's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.migrations.operations import RunSQL
from django.db.models import Q, QuerySet

from lianmeng.core.textsearch import VectorMatches

#: 汉字 (CJK unified ideographs and extension A, compatibility ideographs)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(f"[{_CJK}]+|[A-Za-z0-9]+")
#: the most pieces a query is cut into (a pasted paragraph is not a query)
MAX_TERMS = 24
#: the index expression (migration 0002 creates the function and the index; the query repeats
#: it so the planner uses the index)
VECTOR_SQL = "ipbase_search_vector({column})"
#: the tokens as a tsvector without any parser; plpgsql (never inlined) and a high COST so that
#: the planner reads the GIN index rather than computing the vector row by row, even for a
#: query that matches a good share of the table (a single common character)
FUNCTION_SQL = (
    "CREATE OR REPLACE FUNCTION ipbase_search_vector(text) RETURNS tsvector "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ BEGIN "
    "RETURN array_to_tsvector(array_remove(string_to_array($1, ' '), '')); END $$"
)


def _is_cjk(run: str) -> bool:
    return bool(re.match(f"[{_CJK}]", run))


def tokens(texts: Iterable[str]) -> list[str]:
    """The tokens of the texts (unigrams and bigrams of 汉字, lower-case Latin/digit runs),
    each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _RUN_RE.findall(str(text or "")):
            if _is_cjk(run):
                for i, ch in enumerate(run):
                    seen.setdefault(ch)
                    if i + 1 < len(run):
                        seen.setdefault(run[i : i + 2])
            else:
                seen.setdefault(run.lower())
    return list(seen)


def number_texts(number: str) -> list[str]:
    """The number as stored, and a patent number's digits without ``ZL`` (so "2020101234"
    finds it)."""
    texts = [number]
    if number.upper().startswith("ZL"):
        texts.append(number[2:])
    return texts


def search_text_for(title: str, number: str, names: Iterable[str] = ()) -> str:
    """What to store in ``search_text`` for a row (also for bulk inserts: the benchmark and
    any loader should call this)."""
    return " ".join(tokens([title, *number_texts(number), *names]))


def query_terms(q: str) -> list[tuple[str, bool]]:
    """The pieces of a query: (token, prefix?) — bigrams of each 汉字 run (its character when
    the run is one long), Latin/digit runs as prefixes."""
    terms: dict[tuple[str, bool], None] = {}
    for run in _RUN_RE.findall(q or ""):
        if _is_cjk(run):
            if len(run) == 1:
                terms.setdefault((run, False))
            for i in range(len(run) - 1):
                terms.setdefault((run[i : i + 2], False))
        else:
            terms.setdefault((run.lower(), True))
    return list(terms)[:MAX_TERMS]


def tsquery(terms: list[tuple[str, bool]]) -> str:
    """``'耐火' & '12345':*`` — tokens hold only 汉字, letters and digits, never a quote."""
    return " & ".join(f"'{t}'{':*' if prefix else ''}" for t, prefix in terms)


def search(qs: QuerySet, q: str) -> QuerySet:
    """Rows of ``qs`` (patents or standards) that match the query; all rows for a blank one,
    none for a query without a 汉字, letter or digit."""
    q = (q or "").strip()
    if not q:
        return qs
    terms = query_terms(q)
    if not terms:
        return qs.none()
    if connection.vendor == "postgresql":
        return qs.filter(VectorMatches("search_text", tsquery(terms), VECTOR_SQL))
    # SQLite: the title or number contains the query, or the tokens contain every piece
    tokens_q = Q()
    for term, _prefix in terms:
        tokens_q &= Q(search_text__icontains=term)
    return qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | tokens_q)


# -- migrations ----------------------------------------------------------------------------------


class PostgresOnlySQL(RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere (SQLite keeps working)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def search_function_sql() -> tuple[str, str]:
    return FUNCTION_SQL, "DROP FUNCTION IF EXISTS ipbase_search_vector(text)"


def search_index_sql(table: str) -> tuple[str, str]:
    name = f"{table}_search"
    vector = VECTOR_SQL.format(column="search_text")
    return (
        f"CREATE INDEX {name} ON {table} USING gin (({vector}))",
        f"DROP INDEX IF EXISTS {name}",
    )
