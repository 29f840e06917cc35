"""Constants that every app shares, defined once.

Change a bound here and the models' validators and database checks (through a migration), the filtersets, the
forms, the API schema and the portal all follow.
"""

# Years the registry accepts: the programme's prehistory (2010) to well past any plan. The database enforces them
# (CheckConstraint via core.models.year_range_q); filtersets and forms use the same bounds.
YEAR_MIN = 2010
YEAR_MAX = 2040

# The window of the Dialogic evaluation (2021): fieldlab funding 2015–2019, the €314M figure. The dashboard, the
# evaluation page, the API's evaluation tables and `manage.py evaluate` default to it.
EVALUATION_YEAR_MIN = 2015
EVALUATION_YEAR_MAX = 2019

# The first year hubs report for (the programme started in 2015).
REPORT_FIRST_YEAR = 2015

# The file formats every list and table exports to (besides JSON in the API), in the order offered.
EXPORT_FORMATS = ("csv", "xlsx")

# Rows fetched per database round trip when a list is exported (the API's and the portal's); each chunk runs the
# list's prefetches once, so memory stays flat and queries grow with chunks, not rows.
EXPORT_CHUNK_SIZE = 2000

# Data rows an Excel sheet holds (1,048,576 rows, one of them the header). A larger XLSX export is refused.
XLSX_MAX_DATA_ROWS = 1_048_575

# The longest free text a person types into the registry (descriptions, evidence notes, review comments). Bounded so
# a pasted megabyte is refused with a message instead of stored and shown on every page.
TEXT_MAX_LENGTH = 10_000
