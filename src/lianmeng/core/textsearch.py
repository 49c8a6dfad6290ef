"""Index-backed "contains" search on Chinese names (PostgreSQL), shared by the lists that search
a name: the registry (alliance and lead unit names, alliances migration 0009), the duplicate
check (proposal names).

``name__icontains`` is ``UPPER(name) LIKE '%…%'``: no btree index can serve it, so at national
scale (10,000 alliances, 200,000 units) every search reads every row. Chinese has no spaces, so
no word parser helps either. As in the patent base (lianmeng.ipbase.search), a name is cut into
**tokens** — every 汉字, every pair of neighbouring 汉字, and the same for runs of Latin letters
and digits (lower case) — and the tokens become a ``tsvector`` without any parser or locale
(``lianmeng_cjk_vector(name)``, an immutable SQL function), indexed with GIN (migration
core 0005). A query is cut into its pairs (its character when it is one long) and all of them
must be present: "新材料" is ``'新材' & '材料'``. The index narrows the rows to a handful; the
plain ``icontains`` is kept beside it, so the result is exactly the rows whose name contains
the query, as before.

**SQLite** (development, tests): the plain ``icontains`` alone.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.migrations.operations import RunSQL
from django.db.models import BooleanField, Expression, F, Q

#: 汉字 (CJK unified ideographs and extension A, compatibility ideographs)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(f"[{_CJK}]+|[a-z0-9]+")
#: the most pieces a query is cut into (a pasted paragraph is not a query)
MAX_TERMS = 24
#: the index expression; the query repeats it so that the planner uses the index
VECTOR_SQL = "lianmeng_cjk_vector({column})"
#: unigrams and bigrams of every run of 汉字 or of Latin letters/digits, as a tsvector; plpgsql
#: (never inlined) with a high COST so that the planner reads the GIN index rather than
#: computing the vector row by row
FUNCTION_SQL = (
    "CREATE OR REPLACE FUNCTION lianmeng_cjk_vector(text) RETURNS tsvector "
    "LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ "
    "DECLARE run text; toks text[] := '{}'; n int; "
    "BEGIN "
    "FOR run IN SELECT m[1] FROM regexp_matches(lower($1), "
    "'([\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]+|[a-z0-9]+)', 'g') AS m LOOP "
    "n := char_length(run); "
    "FOR i IN 1..n LOOP "
    "toks := toks || substr(run, i, 1); "
    "IF i < n THEN toks := toks || substr(run, i, 2); END IF; "
    "END LOOP; END LOOP; "
    "RETURN array_to_tsvector(toks); END $$"
)


def query_terms(q: str) -> list[str]:
    """The pieces of a query that a matching name's tokens must all hold: the pairs of
    neighbouring characters of each run (its character when the run is one long)."""
    terms: dict[str, None] = {}
    for run in _RUN_RE.findall((q or "").lower()):
        if len(run) == 1:
            terms.setdefault(run)
        for i in range(len(run) - 1):
            terms.setdefault(run[i : i + 2])
    return list(terms)[:MAX_TERMS]


class VectorMatches(Expression):
    """``lianmeng_cjk_vector(<column>) @@ '<query>'::tsquery`` (PostgreSQL only); another
    app's own vector function (``vector_sql``, e.g. ipbase's) is matched the same way."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, query: str, vector_sql: str = VECTOR_SQL) -> None:
        super().__init__()
        self.query = query
        self.column = F(column)
        self.vector_sql = vector_sql

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        clone = self.copy()
        clone.column = self.column.resolve_expression(query, *args, **kwargs)
        return clone

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column_sql, params = compiler.compile(self.column)
        sql = f"({self.vector_sql.format(column=column_sql)} @@ %s::tsquery)"
        return sql, [*params, self.query]


def tsquery_for(q: str) -> str | None:
    """The tsquery of ``q`` for the index (``'新材' & '材料'``); None without a 汉字, letter or
    digit in it. The terms hold only 汉字, letters and digits, never a quote."""
    terms = query_terms(q)
    return " & ".join(f"'{t}'" for t in terms) if terms else None


def name_contains(field: str, q: str) -> Q:
    """Rows whose ``field`` contains ``q`` (case-insensitive), exactly as ``icontains``; on
    PostgreSQL through the GIN index on ``lianmeng_cjk_vector(field)`` when ``q`` has a
    汉字, letter or digit. ``field`` is a column of the queried model itself (not a join)."""
    contains = Q(**{f"{field}__icontains": q})
    query = tsquery_for(q)
    if connection.vendor != "postgresql" or query is None:
        return contains
    return Q(VectorMatches(field, query)) & contains


# -- migrations ----------------------------------------------------------------------------------


class PostgresOnlySQL(RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere (SQLite keeps working)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # noqa: ANN001
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def function_sql() -> tuple[str, str]:
    return FUNCTION_SQL, "DROP FUNCTION IF EXISTS lianmeng_cjk_vector(text)"


def index_sql(table: str, column: str = "name") -> tuple[str, str]:
    """The GIN index on ``lianmeng_cjk_vector(column)`` of ``table`` (its migration runs it
    through :class:`PostgresOnlySQL`)."""
    name = f"{table}_{column}_cjk"
    return (
        f"CREATE INDEX {name} ON {table} USING gin (({VECTOR_SQL.format(column=column)}))",
        f"DROP INDEX IF EXISTS {name}",
    )
