"""Loading many rows as fast as the database takes them, history included (synthetic volume for benchmarks).

``bulk_load`` writes plain rows (attname → value) with ``COPY … FROM STDIN`` on PostgreSQL and ``bulk_create``
elsewhere (SQLite in the tests), then writes the django-simple-history rows of everything it added with one
``INSERT … SELECT`` in the database, so history costs no Python per row. Every database constraint still applies:
nothing is disabled or deferred.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

BATCH = 5000


def _columns(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _defaults(model, now) -> dict:
    defaults = {}
    for field in _columns(model):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:  # the field's default, else "" (text) or None, as a model instance would start
            defaults[field.attname] = field.get_default()
    return defaults


def bulk_load(model, rows: Iterable[dict], *, history: bool = True, big: bool = False) -> int:
    """Insert ``rows`` (dicts of attname → value; other columns take their defaults) and their "+" history rows.

    Returns the number of rows written. Runs inside the caller's transaction. ``big`` (PostgreSQL): drop the table's
    plain indexes and foreign keys during the load and put them back after it (``_indexes_rebuilt_after``).
    """
    now = timezone.now()
    defaults = _defaults(model, now)
    fields = _columns(model)
    attnames = [field.attname for field in fields]
    table = model._meta.db_table
    last_pk = model.objects.aggregate(last=Max("pk"))["last"] or 0
    written = 0
    if connection.vendor == "postgresql":
        quoted = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        position = {name: i for i, name in enumerate(attnames)}
        encoded_defaults = [_encode(defaults[name]) for name in attnames]
        lines = []
        with _indexes_rebuilt_after(model if big else None), connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    parts = encoded_defaults.copy()
                    for name, value in row.items():
                        parts[position[name]] = _encode(value)
                    lines.append("\t".join(parts))
                    if len(lines) >= 10_000:
                        copy.write("\n".join(lines) + "\n")
                        written += len(lines)
                        lines.clear()
                if lines:
                    copy.write("\n".join(lines) + "\n")
                    written += len(lines)
            if history and written and hasattr(model, "history"):
                with _indexes_rebuilt_after(model.history.model if big else None):
                    _history_of_new_rows(model, after_pk=last_pk, when=now)
        return written
    else:
        batch = []
        for row in rows:
            batch.append(model(**{**defaults, **row}))
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch)
            written += len(batch)
    if history and written and hasattr(model, "history"):
        _history_of_new_rows(model, after_pk=last_pk, when=now)
    return written


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _encode(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _check_pending_foreign_keys(cursor) -> None:
    """Run the foreign-key checks deferred so far in this transaction, then defer again as Django's constraints are:
    PostgreSQL alters no table (nor one it references) with checks pending."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _indexes_rebuilt_after(model):
    """Drop ``model``'s table's plain indexes and foreign keys; on leaving, create them again.

    Building an index over the loaded table is a sort, and adding a foreign key back checks every row with one
    join, both far cheaper than maintaining each index and firing each foreign key's check row by row. The
    primary key, unique and check constraints stay in place throughout, and re-adding a foreign key validates
    every row, so nothing goes unchecked.
    """
    if model is None:
        yield
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        _check_pending_foreign_keys(cursor)
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "WHERE t.relname = %s AND NOT x.indisunique AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        _check_pending_foreign_keys(cursor)
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def _history_of_new_rows(model, *, after_pk: int, when) -> None:
    """One "+" history row per row with a primary key above ``after_pk``, as bulk_create_with_history writes them."""
    historical = model.history.model
    source_columns = {field.column for field in model._meta.concrete_fields}
    targets, selects, params = [], [], []
    for field in historical._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in source_columns:
            selects.append(connection.ops.quote_name(field.column))
        elif field.attname == "history_date":
            selects.append("%s")
            params.append(when)
        elif field.attname == "history_type":
            selects.append("%s")
            params.append("+")
        else:
            selects.append("NULL")
        targets.append(connection.ops.quote_name(field.column))
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(historical._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT {', '.join(selects)} FROM {connection.ops.quote_name(model._meta.db_table)} "
        f"WHERE {pk_column} > %s ORDER BY {pk_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, after_pk])
