"""Fast inserts for generated rows: primary keys assigned here (above the table's largest),
values prepared by each field as Django would, and ``executemany`` in batches — without
``bulk_create``'s per-value compilation, which dominates at national scale. On PostgreSQL
each insert moves the table's sequence past the keys it used, so later ordinary inserts
never collide with them."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateField, DecimalField, JSONField, Max, Model
from django.utils import timezone

#: fields whose values need Django's preparation (DateTimeField is a DateField)
PREPARED = (DateField, DecimalField, JSONField)


def insert(objs: Sequence[Model], batch: int = 2000) -> int:
    """Insert unsaved ``objs`` (one model) with new primary keys, which are set on them."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    first = (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    fields = [f for f in meta.concrete_fields if not getattr(f, "generated", False)]
    steps = [
        (
            f.attname,
            bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)),
            # text, numbers, booleans and keys go as they are; dates and JSON as Django
            # prepares them for the database
            f.get_db_prep_save if isinstance(f, PREPARED) else None,
        )
        for f in fields
    ]
    qn = db.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
    rows = []
    for number, obj in enumerate(objs, start=first):
        obj.pk = number
        obj._state.adding = False
        obj._state.db = "default"
        row = []
        for attname, auto, prep in steps:
            value = getattr(obj, attname)
            if auto and value is None:
                value = now
                setattr(obj, attname, now)
            row.append(value if prep is None or value is None else prep(value, db))
        rows.append(row)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY: PostgreSQL's bulk load (Django binds on the client, where executemany
            # would send a statement per row)
            raw = cursor.cursor
            with raw.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for i in range(0, len(rows), batch):
                cursor.executemany(sql, rows[i : i + batch])
        if db.vendor == "postgresql":
            # the sequence past the keys used here (SQLite's AUTOINCREMENT follows by itself)
            for statement in db.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    return len(objs)
