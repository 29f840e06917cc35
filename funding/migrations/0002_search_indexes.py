"""GIN indexes for the global search (smartindustry/search.py) on PostgreSQL: one expression index per searched model,
on exactly the vector the search builds (``SearchVector(*SEARCH_FIELDS[model], config="simple")``), so the planner
can answer a search from the index. Other databases (SQLite, the embedded default) search with icontains and get
nothing here.
"""

from django.db import migrations

INDEXES = {
    "funding_funder_search": ("funding_funder", ("name",)),
    "funding_fundingrecord_search": ("funding_fundingrecord", ("evidence_note", "provenance_source")),
}


def _vector(fields):
    return "to_tsvector('simple'::regconfig, " + " || ' ' || ".join(f"COALESCE(\"{f}\", '')" for f in fields) + ")"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({_vector(fields)})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
