"""The export framework: one registered exporter class per export (base.py), the one stream-or-job decision and
the job's work (delivery.py), the CSV/XLSX writers (writers.py) and the fast path straight from the database
(database.py). docs/architecture.md, "A new exporter"."""

from .base import (
    EXPORT_PROGRESS_ROWS,
    Exporter,
    ExportInvalid,
    ExportRefused,
    QuerysetExporter,
    RowsExporter,
    TableExporter,
    exporter_get,
    exporters_all,
    grouped,
    register,
    stream_max_rows,
    too_many_rows,
    two_decimals,
    xlsx_refusal,
)
from .delivery import ExportAnswer, ExportFile, Progress, export_answer, export_run, job_starter, set_job_starter

__all__ = [
    "EXPORT_PROGRESS_ROWS",
    "ExportAnswer",
    "ExportFile",
    "ExportInvalid",
    "ExportRefused",
    "Exporter",
    "Progress",
    "QuerysetExporter",
    "RowsExporter",
    "TableExporter",
    "export_answer",
    "export_run",
    "exporter_get",
    "exporters_all",
    "grouped",
    "job_starter",
    "register",
    "set_job_starter",
    "stream_max_rows",
    "too_many_rows",
    "two_decimals",
    "xlsx_refusal",
]
