"""The reference dataset in tests: loaded by the real loader once per test process, copied row for row after that.

`load_reference_data` writes every row through the audited save (validation, history, rollups): about 6 s of CPU.
A dozen modules need the dataset as their starting point without testing the loader itself, so the first load in a
process (the real command, into an empty database) is kept as the rows it wrote, and later uses insert exactly those
rows again (ids, timestamps, history and rollups included) in a fraction of a second. What tests the loader itself
(tests/registry/test_reference_data.py, tests/funding/test_rollups_reference.py) asks for `loader=True` and always
runs the real command.

A copy is only made into a database whose reference tables are empty, and only of a load that wrote into empty
tables and refers to nothing outside what it wrote (ids of content types, for one, change when a transactional
test flushes the database); otherwise the real loader runs, as before.
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

# (model, the rows the real load wrote into it), in this process; None until a load could be copied.
_copy: list[tuple[type, list]] | None = None


def _tables() -> list[type]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def reference_data_install(*, loader: bool = False) -> None:
    """Put the reference dataset into the test database: a copy of this process's first load when the database is
    empty enough to take it (and `loader` is false), the real `load_reference_data` otherwise."""
    global _copy
    if not loader and _copy is not None and not any(model._base_manager.exists() for model, _rows in _copy):
        _restore(_copy)
        return
    models = _tables()
    before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
    call_command("load_reference_data", verbosity=0)
    if _copy is None:
        _copy = _rows_written(models, before)


def _rows_written(models: list[type], before: dict) -> list[tuple[type, list]] | None:
    written = []
    for model in models:
        rows = [row for row in model._base_manager.order_by("pk") if row.pk not in before[model]]
        if rows:
            if before[model]:
                return None  # the load added to rows that were there already: not a load into an empty database
            written.append((model, rows))
    own = {model for model, _rows in written}
    for model, rows in written:
        for field in model._meta.concrete_fields:
            outside = field.is_relation and field.related_model not in own
            if outside and any(getattr(row, field.attname) is not None for row in rows):
                return None  # refers to a row the copy would not bring along
    return written


def _restore(copy: list[tuple[type, list]]) -> None:
    # Raw inserts, as loaddata does them: the values as they were (auto_now fields included), no signals. Foreign
    # keys are checked at the end of the transaction (both backends create them deferrable), so order is free.
    with transaction.atomic():
        for model, rows in copy:
            fields = model._meta.local_concrete_fields
            batch = connection.ops.bulk_batch_size(fields, rows) or len(rows)
            for start in range(0, len(rows), batch):
                model._base_manager._insert(rows[start : start + batch], fields=fields, raw=True)
        # The ids were given explicitly: move each table's id sequence past them (PostgreSQL; SQLite does it itself).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _rows in copy]):
                cursor.execute(sql)
