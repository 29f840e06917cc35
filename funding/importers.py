"""Spreadsheet import of funding records: the export's columns, all rows or none.

The columns are a record's fields as funding/fields.py lists them (the funding list's export is the template). Each
row is checked by the API's serializer (funding/serializers.py: the same fields, recipient lookup, amount parser
and messages as a POST or PUT to /api/v1/funding-records/) and written by the same services (permissions, closed
periods, model and database rules, history), so a row gets the same verdict here as through the API.
`funding_records_import` collects the errors row by row and, if there is any error or this is a preview (dry run),
rolls the whole transaction back: nothing changes unless every row is good.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from rest_framework.settings import api_settings

from accounts import policy

from .fields import KEY_OF_MODEL_FIELD, RECORD_KEYS
from .models import FundingRecord
from .serializers import FundingRecordSerializer
from .services import funding_record_create, funding_record_update

COLUMNS = list(RECORD_KEYS)
# Bounds checked before anything is parsed (docs/operations.md, "Import limits"): the file's size, and for XLSX the
# unpacked size of every zip part as the zip's directory states it (zipfile never inflates a part beyond its stated
# size, so a part that lies fails its CRC instead of growing). Rows are counted while reading and reading stops at
# the limit; an over-long cell or a NUL byte is an error of its row.
MAX_ROWS = 20000
MAX_FILE_BYTES = settings.IMPORT_MAX_FILE_BYTES
MAX_UNPACKED_BYTES = settings.IMPORT_MAX_UNPACKED_BYTES
MAX_CELL_CHARS = 1000


def required_columns() -> list[str]:
    """The columns a new record cannot do without: the ones the serializer requires."""
    fields = FundingRecordSerializer().fields
    return [key for key in COLUMNS if fields[key].required]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, missing columns, too many rows)."""


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # {"row": n, "messages": ["amount: …", …], "fields": {"amount": ["…"], …}}: fields holds the row's errors as the
    # API answers them for the same record (empty for a refusal of permission, the API's 403).
    errors: list[dict] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "dry_run": self.dry_run,
            "ok": self.ok,
        }


def _cell(value) -> str | int | float:
    """A cell as text, or as the number a spreadsheet stored (never re-read through a language's separators)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value).strip()


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def check_file(*, name: str, size: int, file) -> None:
    """Refuse a file too large, or an XLSX that would unpack too large (a zip bomb, a giant shared string), before
    any of it is parsed. Reads the zip's directory only."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is %(size)s MB; at most %(max)s MB can be imported. Split it into smaller files.")
            % {"size": _megabytes(size), "max": _megabytes(MAX_FILE_BYTES)}
        )
    if not name.lower().endswith(".xlsx"):
        return
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    finally:
        file.seek(0)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        largest = max(parts, key=lambda part: part.file_size)
        raise ImportFileError(
            _(
                "This XLSX file would unpack to %(size)s MB (%(part)s alone is %(part_size)s MB); at most %(max)s MB "
                "can be read. It was not opened. Save the sheet again, or as CSV."
            )
            % {
                "size": _megabytes(unpacked),
                "part": largest.filename,
                "part_size": _megabytes(largest.file_size),
                "max": _megabytes(MAX_UNPACKED_BYTES),
            }
        )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})


def _xlsx_values(content: bytes):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("This is not a readable XLSX file.")) from exc
    return workbook.worksheets[0].iter_rows(values_only=True)


def _csv_values(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("Save the CSV file as UTF-8.")) from exc
    dialect = csv.excel
    with contextlib.suppress(csv.Error):  # an unsniffable file is read as plain comma-separated
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    reader = csv.reader(io.StringIO(text), dialect)
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell beyond the csv module's field limit (128 KB)
            raise ImportFileError(
                _("Line %(line)s cannot be read (%(error)s).") % {"line": reader.line_num, "error": exc}
            ) from exc


def read_rows(*, name: str, content: bytes) -> list[dict]:
    """Parse a CSV or XLSX file into a list of {column: text}; refuse a file too large (check_file), without the
    required columns, or with more than MAX_ROWS rows (reading stops there)."""
    check_file(name=name, size=len(content), file=io.BytesIO(content))
    values = _xlsx_values(content) if name.lower().endswith(".xlsx") else _csv_values(content)
    first = next(values, None)
    header = [str(_cell(v)) for v in first] if first else []
    missing = [c for c in required_columns() if c not in header]
    if missing:
        raise ImportFileError(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = []
    for count, raw in enumerate(values, start=1):
        if count > 2 * MAX_ROWS:  # empty rows count too, so a sheet of a million blank rows stops early
            raise _too_many_rows()
        if raw is None or all(_cell(v) == "" for v in raw):
            continue
        if len(rows) == MAX_ROWS:
            raise _too_many_rows()
        rows.append({name: _cell(raw[i]) if i < len(raw) else "" for i, name in enumerate(header) if name})
    return rows


def _check_cells(row: dict) -> None:
    """A NUL byte or an over-long cell is this row's error (the database and the serializer would choke on it)."""
    errors = {}
    for key, value in row.items():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            errors[key] = [_("The cell contains a NUL byte (\\x00); remove it.")]
        elif len(value) > MAX_CELL_CHARS:
            errors[key] = [
                _("The cell has %(n)s characters; at most %(max)s.") % {"n": len(value), "max": MAX_CELL_CHARS}
            ]
    if errors:
        raise ValidationError(errors)


def _payload(row: dict, fields: dict) -> dict:
    """A row's cells as the API would receive them. An empty cell is null where the API takes null (funder, activity
    type), blank text where it takes blank text, and absent otherwise: a required column then says "This field is
    required." and an optional one keeps its default (new record) or its current value (changed record)."""
    data = {}
    for key in COLUMNS:
        if key not in row or fields[key].read_only:
            continue
        value = row[key]
        if value != "":
            data[key] = value
        elif fields[key].allow_null:
            data[key] = None
        elif getattr(fields[key], "allow_blank", False):
            data[key] = ""
    return data


def _record_to_change(row: dict, *, actor) -> FundingRecord | None:
    """The record a row's id names, among those the actor may see (as the API's PUT finds it); None for a new one."""
    record_id = row.get("id", "")
    if record_id == "":
        return None
    try:
        return policy.visible_to(actor, FundingRecord.objects.all()).get(pk=int(record_id))
    except (ValueError, FundingRecord.DoesNotExist):
        raise ValidationError({"id": _("No funding record with id %(id)s.") % {"id": record_id}}) from None


def _import_row(row: dict, *, actor, fields: dict, result: ImportResult) -> None:
    _check_cells(row)
    record = _record_to_change(row, actor=actor)
    serializer = FundingRecordSerializer(instance=record, data=_payload(row, fields))
    if not serializer.is_valid():
        raise ValidationError({name: list(map(str, errors)) for name, errors in serializer.errors.items()})
    data = dict(serializer.validated_data)
    if record is None:
        funding_record_create(actor=actor, **data)
        result.created += 1
        return
    before = record.history.count()
    funding_record_update(record=record, actor=actor, data=data)
    if record.history.count() > before:
        result.updated += 1
    else:
        result.unchanged += 1


def row_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A row's errors by machine key, as the API answers them: a service's error on "fieldlab" is on "recipient",
    rules across fields are "non_field_errors"."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    errors: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else KEY_OF_MODEL_FIELD.get(name, name)
        errors.setdefault(key, []).extend(messages)
    return errors


def funding_records_import(
    *, rows: list[dict], actor, dry_run: bool, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Check (dry run) or import all rows; any error rolls everything back. Row numbers count the header as 1."""
    result = ImportResult(total=len(rows), dry_run=dry_run)
    fields = FundingRecordSerializer().fields  # how the API reads each column, built once for every row
    with transaction.atomic():
        for index, row in enumerate(rows, start=2):
            try:
                with transaction.atomic():  # a savepoint, so one bad row does not poison the others' checks
                    _import_row(row, actor=actor, fields=fields, result=result)
            except ValidationError as exc:
                errors = row_errors(exc)
                messages = [
                    " ".join(texts) if key == api_settings.NON_FIELD_ERRORS_KEY else f"{key}: {' '.join(texts)}"
                    for key, texts in errors.items()
                ]
                result.errors.append({"row": index, "messages": messages, "fields": errors})
            except PermissionDenied as exc:
                result.errors.append({"row": index, "messages": [str(exc) or _("Not allowed.")], "fields": {}})
            if progress and (index - 1) % 50 == 0:
                progress(index - 1, len(rows))
        if dry_run or result.errors:
            transaction.set_rollback(True)
    if progress:
        progress(len(rows), len(rows))
    return result
