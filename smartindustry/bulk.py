"""Loading many rows as fast as the database takes them, history included (synthetic volume for benchmarks).

``bulk_load`` writes plain rows (attname → value) with ``COPY … FROM STDIN`` on PostgreSQL and ``bulk_create``
elsewhere (SQLite in the tests), then writes the django-simple-history rows of everything it added with one
``INSERT … SELECT`` in the database, so history costs no Python per row. Every database constraint still applies:
nothing is disabled or deferred.
"""

from collections.abc import Iterable

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


def bulk_load(model, rows: Iterable[dict], *, history: bool = True) -> int:
    """Insert ``rows`` (dicts of attname → value; other columns take their defaults) and their "+" history rows.

    Returns the number of rows written. Runs inside the caller's transaction.
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
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = {**defaults, **row}
                copy.write_row([values[name] for name in attnames])
                written += 1
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
