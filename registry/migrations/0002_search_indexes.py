"""GIN indexes for the global search (smartindustry/search.py) on PostgreSQL: one expression index per searched model,
on exactly the vector the search builds (``SearchVector(*SEARCH_FIELDS[model], config="simple")``), so the planner
can answer a search from the index. Other databases (SQLite, the embedded default) search with icontains and get
nothing here.
"""

from django.db import migrations

INDEXES = {
    "registry_hub_search": ("registry_hub", ("name", "short_name", "coordinating_organisation", "description")),
    "registry_fieldlab_search": ("registry_fieldlab", ("name", "theme", "city", "description")),
    "registry_partner_search": ("registry_partner", ("name", "short_name", "description")),
    "registry_company_search": ("registry_company", ("name", "kvk_number", "city")),
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
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
