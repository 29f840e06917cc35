"""Spreadsheet import of funding records: the export's columns, all rows or none, checked and written in bulk.

The columns are a record's fields as funding/fields.py lists them (the funding list's export is the template). Every
cell is read by the API's serializer fields (funding/serializers.py: the same parsers and messages as a POST or PUT
to /api/v1/funding-records/), so a row gets the same verdict here as through the API. Choice columns also take their
Dutch or English label (``choice_codes``), and funders and activity types their name.

New rows (no id) are checked set-wise: the recipients, funders, activity types, closed periods and the existing
records' unique keys are read with one query per table for the whole file, and each row is then checked in memory
by the serializer's fields, the workflow's rules for a new item (permission, open period, status) and the model's
own rules (``full_clean`` without the per-row database round trips). Every error of a row is reported at once.
The good rows are then written by one service call (services.funding_records_bulk_create: bulk inserts with their
history rows); the database's constraints still guard that write. Rows with an id change an existing record one by
one through funding_record_update (row lock, version, back to review), as the API's PUT does.
`funding_records_import` rolls the whole transaction back if there is any error or this is a preview (dry run):
nothing changes unless every row is good.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint, Q
from django.utils import translation
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.settings import api_settings

from core import policy
from core.models import Provenance
from review.workflow import closed_periods, workflow_prepare_new

from .choices import FundingKind, Realisation, RecipientKind, RecordStatus, Source
from .fields import (
    EDITABLE_FIELDS,
    KEY_OF_MODEL_FIELD,
    RECIPIENT_MODELS,
    RECORD_KEYS,
    recipient_error,
    recipient_fields,
)
from .models import Funder, FundingRecord
from .serializers import FundingRecordSerializer
from .services import funding_record_create, funding_record_update, funding_records_bulk_create

COLUMNS = list(RECORD_KEYS)
# Bounds checked before anything is parsed (docs/operations.md, "Import limits"): the file's size, and for XLSX the
# unpacked size of every zip part as the zip's directory states it (zipfile never inflates a part beyond its stated
# size, so a part that lies fails its CRC instead of growing). Rows are counted while reading and reading stops at
# the limit; an over-long cell or a NUL byte is an error of its row.
MAX_ROWS = 100_000
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


# --- the set-wise import ---------------------------------------------------------------------------------------

# The choice columns and their choices: a cell may hold the code or its label in English or Dutch.
CHOICE_COLUMNS = {
    "recipient_kind": RecipientKind,
    "source": Source,
    "kind": FundingKind,
    "realisation": Realisation,
    "status": RecordStatus,
    "provenance": Provenance,
}
# Other words people use for a choice, besides the code and the two labels.
CHOICE_ALIASES = {
    "kind": {"contant": FundingKind.CASH, "in-kind": FundingKind.IN_KIND, "natura": FundingKind.IN_KIND},
    "recipient_kind": {"bureau": RecipientKind.BUREAU, "programmabureau": RecipientKind.BUREAU},
}
LABEL_LANGUAGES = ("en", "nl")
# Slugs per lookup query: one query per table for any real file; chunks keep a file of 100k distinct (wrong) slugs
# within the database's limit of bound parameters.
LOOKUP_CHUNK = 5000
# Progress is reported every tenth of the file, at most every this many rows (each report writes the job's row).
PROGRESS_EVERY = 1000


def _fold(text: str) -> str:
    """Compare case-insensitively, trimmed, with runs of spaces as one."""
    return " ".join(str(text).split()).casefold()


def choice_labels(choices) -> list[tuple[str, ...]]:
    """(code, English label, Dutch label) of each choice: the accepted values the XLSX template lists."""
    labels = []
    for code, label in choices.choices:
        in_languages = []
        for language in LABEL_LANGUAGES:
            with translation.override(language):
                in_languages.append(str(label))
        labels.append((code, *in_languages))
    return labels


def choice_codes() -> dict[str, dict[str, str]]:
    """For each choice column: every accepted spelling (folded) → the code."""
    codes = {}
    for column, choices in CHOICE_COLUMNS.items():
        known = {}
        for code, *labels in choice_labels(choices):
            for spelling in labels:
                known.setdefault(_fold(spelling), code)
            known[_fold(code)] = code  # a code always means itself, whatever label another code has
        for alias, code in CHOICE_ALIASES.get(column, {}).items():
            known.setdefault(_fold(alias), str(code))
        codes[column] = known
    return codes


def accepted_values() -> list[tuple[str, str, str, str, str]]:
    """Every value a column accepts, for the template's second sheet: (column, code, English, Dutch, for which).

    Choice columns list their codes with both labels (all three are accepted); recipients, funders and activity
    types list their slugs or codes with their names ("for which": the recipient's kind, the funder's source)."""
    values = []
    for column, choices in CHOICE_COLUMNS.items():
        values += [(column, code, english, dutch, "") for code, english, dutch in choice_labels(choices)]
    for kind, model in RECIPIENT_MODELS.items():
        values += [
            ("recipient", slug, name, name, str(kind)) for slug, name in model.objects.values_list("slug", "name")
        ]
    values += [
        ("funder", slug, name, name, source)
        for slug, name, source in Funder.objects.values_list("slug", "name", "source")
    ]
    activity_type_model = FundingRecord._meta.get_field("activity_type").related_model
    values += [
        ("activity_type", code, name, name, "")
        for code, name in activity_type_model.objects.values_list("code", "name")
    ]
    return values


def import_template_xlsx() -> bytes:
    """The import template as XLSX: the columns on the first sheet, and a sheet of accepted values (codes, and the
    English and Dutch labels that are accepted as well)."""
    workbook = Workbook()
    records = workbook.active
    records.title = "funding_records"
    records.append(COLUMNS)
    records.freeze_panes = "A2"
    for cell in records[1]:
        cell.font = Font(bold=True)
    accepted = workbook.create_sheet("accepted_values")
    accepted.append(["column", "code", "English", "Nederlands", _("for")])
    for cell in accepted[1]:
        cell.font = Font(bold=True)
    for row in accepted_values():
        accepted.append(list(row))
    accepted.freeze_panes = "A2"
    for sheet in (records, accepted):
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(
                12, min(40, max(len(str(c.value or "")) for c in column) + 2)
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class _Lookups:
    """What a file's rows name, read with one query per table (see _lookups)."""

    recipients: dict[str, dict[str, object]]  # kind → slug → fieldlab, hub or bureau
    funders: dict[str, Funder]  # slug → funder
    funder_slugs: dict[str, str]  # folded name → slug
    activity_types: dict[str, object]  # code → activity type
    activity_type_codes: dict[str, str]  # folded name → code
    closed: frozenset  # closed (hub id, year)


def _chunks(values: set[str]):
    values = sorted(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _by_slug(queryset, field: str, wanted: set[str]) -> dict:
    found = {}
    for chunk in _chunks(wanted):
        found.update({getattr(obj, field): obj for obj in queryset.filter(**{f"{field}__in": chunk})})
    return found


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def _lookups(rows: list[dict]) -> _Lookups:
    wanted = {kind: set() for kind in RECIPIENT_MODELS}
    for row in rows:
        kind, slug = row.get("recipient_kind"), row.get("recipient")
        if kind in wanted and slug not in (None, ""):
            wanted[kind].add(_text(slug))
    recipients = {
        str(kind): _by_slug(model.objects.all(), "slug", wanted[kind]) for kind, model in RECIPIENT_MODELS.items()
    }
    # Funders and activity types are few (reference tables) and may be named by name as well as by slug or code, so
    # each is read whole, in one query.
    funders = {funder.slug: funder for funder in Funder.objects.all()}
    activity_type_model = FundingRecord._meta.get_field("activity_type").related_model
    activity_types = {activity.code: activity for activity in activity_type_model.objects.all()}
    return _Lookups(
        recipients=recipients,
        funders=funders,
        funder_slugs={_fold(funder.name): slug for slug, funder in funders.items()},
        activity_types=activity_types,
        activity_type_codes={_fold(activity.name): code for code, activity in activity_types.items()},
        closed=closed_periods(),
    )


def _with_codes(row: dict, *, codes: dict[str, dict[str, str]]) -> dict:
    """The row with every label that names a choice replaced by its code; anything else left as it is (the checks
    then say what is wrong with it)."""
    row = dict(row)
    for column, known in codes.items():
        value = row.get(column)
        if isinstance(value, str) and value:
            row[column] = known.get(_fold(value), value)
    return row


def _with_slugs(row: dict, *, lookups: _Lookups) -> dict:
    """The row with a funder or activity type named by its name replaced by its slug or code."""
    for column, table, by_name in (
        ("funder", lookups.funders, lookups.funder_slugs),
        ("activity_type", lookups.activity_types, lookups.activity_type_codes),
    ):
        value = row.get(column)
        if isinstance(value, str) and value and value not in table:
            row[column] = by_name.get(_fold(value), value)
    return row


def _cell_errors(row: dict) -> dict[str, list[str]]:
    try:
        _check_cells(row)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _add_errors(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for key, messages in row_errors(exc).items():
        errors.setdefault(key, []).extend(messages)


# The record's foreign keys: full_clean would check each with a query of its own (the lookups did it set-wise).
_RELATION_FIELDS = [f.name for f in FundingRecord._meta.concrete_fields if f.is_relation]
# Fields full_clean need not check again: the relations (the lookups found them) and what the serializer read.
_CHECKED_BY_SERIALIZER = sorted({*_RELATION_FIELDS, *EDITABLE_FIELDS})
# What model.clean() reads besides the funder: set to blank when its cell is wrong, so clean() judges nothing twice.
_CHOICE_MODEL_FIELDS = ("source", "kind", "realisation", "provenance")
_UNIQUE_ENTRY = next(c for c in FundingRecord._meta.constraints if c.name.endswith("_unique_entry"))


_CHECKS = [c for c in FundingRecord._meta.constraints if isinstance(c, CheckConstraint)]
_COMPARE = {
    "exact": lambda value, expected: value == expected,
    "in": lambda value, expected: value in expected,
    "gte": lambda value, expected: value >= expected,
    "gt": lambda value, expected: value > expected,
    "lte": lambda value, expected: value <= expected,
    "lt": lambda value, expected: value < expected,
}


def _condition_holds(condition: Q, record: FundingRecord) -> bool | None:
    """A check constraint's condition on an unsaved record, in memory; None where this cannot tell (a lookup or value
    it does not know, or SQL's NULL, which a CHECK lets pass), and the caller then asks the database."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            holds = _condition_holds(child, record)
        else:
            lookup, expected = child
            name, _sep, operator = lookup.partition("__")
            operator = operator or "exact"
            value = getattr(record, FundingRecord._meta.get_field(name).attname)
            if operator == "isnull":
                holds = (value is None) == bool(expected)
            elif operator not in _COMPARE or value is None or hasattr(expected, "resolve_expression"):
                return None
            else:
                holds = _COMPARE[operator](value, expected)
        if holds is None:
            return None
        results.append(holds)
    holds = all(results) if condition.connector == Q.AND else any(results)
    return not holds if condition.negated else holds


def _check_constraints(record: FundingRecord, *, unchecked: list[str]) -> None:
    """The model's check constraints as full_clean(validate_constraints=True) reports them (the same messages, on
    non_field_errors), evaluated in memory instead of with a query each. A constraint on a field whose cell is wrong
    is skipped, as full_clean skips excluded fields."""
    messages = []
    for constraint in _CHECKS:
        if any(name in unchecked for name in constraint.condition.referenced_base_fields):
            continue
        holds = _condition_holds(constraint.condition, record)
        if holds is None:  # rare: let the database judge this one record
            try:
                constraint.validate(FundingRecord, record)
            except ValidationError as exc:
                messages.extend(exc.messages)
        elif not holds:
            messages.append(str(constraint.get_violation_error_message()))
    if messages:
        raise ValidationError(messages)


def _unique_key(record: FundingRecord) -> tuple:
    """The values of the unique_entry constraint (the database's rule), with its NULLs as 0 like the constraint."""
    return (
        record.fieldlab_id or 0,
        record.hub_id or 0,
        record.bureau_id or 0,
        record.year,
        record.source,
        record.funder_id or 0,
        record.kind,
        record.realisation,
    )


def _existing_keys(records: list[FundingRecord]) -> set[tuple]:
    """The unique keys of the stored records that could clash with ``records``: one query, narrowed to their years
    and recipients."""
    if not records:
        return set()
    years = {record.year for record in records}
    recipients = {name: {getattr(r, f"{name}_id") for r in records} - {None} for name in ("fieldlab", "hub", "bureau")}
    query = Q()
    for name, ids in recipients.items():
        if ids:
            query |= Q(**{f"{name}_id__in": ids})
    stored = FundingRecord.objects.filter(query, year__in=years).values_list(
        "fieldlab_id", "hub_id", "bureau_id", "year", "source", "funder_id", "kind", "realisation"
    )
    return {(f or 0, h or 0, b or 0, y, s, fu or 0, k, r) for f, h, b, y, s, fu, k, r in stored}


def _related(field, table: dict, value):
    """A slug-related field's value from a lookup table, with the field's own error when it is not there."""
    found = table.get(_text(value))
    if found is None:
        field.fail("does_not_exist", slug_name=field.slug_field, value=smart_str(value))
    return found


def _check_new_row(row: dict, *, actor, fields: dict, lookups: _Lookups):
    """A new record from a row, checked in memory: (record or None, errors by key, refusal of permission or None).

    The checks are the API's (the serializer's fields, then its recipient lookup), the workflow's for a new item
    (permission, open period, status) and the model's (field rules and clean()). A check runs whenever the cells it
    reads are good, so one pass names every error of the row.
    """
    errors = _cell_errors(row)
    data = _payload(row, fields)
    values = {}
    for key in COLUMNS:
        field = fields[key]
        if field.read_only or key in errors:
            continue
        primitive = data.get(key, empty)
        try:
            if key == "funder" and primitive not in (empty, None):
                values[key] = _related(field, lookups.funders, primitive)
            elif key == "activity_type" and primitive not in (empty, None):
                values[key] = _related(field, lookups.activity_types, primitive)
            else:
                values[key] = field.run_validation(primitive)
        except SkipField:
            continue
        except serializers.ValidationError as exc:
            errors[key] = [str(message) for message in exc.detail]
    kind, slug = values.pop("recipient_kind", None), values.pop("recipient", None)
    requested = values.pop("status", None)
    record = FundingRecord(created_by=actor)
    for name, value in values.items():
        setattr(record, name, value)
    for name in _CHOICE_MODEL_FIELDS:
        if name in errors:
            setattr(record, name, "")
    recipient = lookups.recipients[kind].get(slug) if kind and slug else None
    if kind and slug and recipient is None:
        _add_errors(errors, recipient_error(kind=kind, slug=slug))
    denied = None
    if recipient is not None:
        for name, value in recipient_fields(kind=kind, recipient=recipient).items():
            setattr(record, name, value)
        if "year" in values:
            try:
                workflow_prepare_new(record, actor=actor, requested=requested, closed=lookups.closed)
            except PermissionDenied as exc:
                denied = str(exc) or _("Not allowed.")
            except ValidationError as exc:
                _add_errors(errors, exc)
    unchecked = [name for name in ("year", "amount", *_CHOICE_MODEL_FIELDS) if name not in values]
    try:
        # The rules across fields (clean()) and the rules of the fields the serializer does not read; the fields it
        # read were checked above by the serializer's fields, which ModelSerializer built from these model fields
        # (choices, bounds, lengths). The check constraints follow in memory, the unique one set-wise.
        record.full_clean(exclude=_CHECKED_BY_SERIALIZER, validate_constraints=False)
    except ValidationError as exc:
        _add_errors(errors, exc)
    if recipient is not None:
        try:
            _check_constraints(record, unchecked=[*unchecked, *errors])
        except ValidationError as exc:
            _add_errors(errors, exc)
    if errors or denied or recipient is None:
        return None, errors, denied
    return record, errors, denied


def _error_entry(index: int, errors: dict[str, list[str]], denied: str | None = None) -> dict:
    messages = [denied] if denied else []
    messages += [
        " ".join(texts) if key == api_settings.NON_FIELD_ERRORS_KEY else f"{key}: {' '.join(texts)}"
        for key, texts in errors.items()
    ]
    return {"row": index, "messages": messages, "fields": errors}


def funding_records_import(
    *, rows: list[dict], actor, dry_run: bool, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Check (dry run) or import all rows; any error rolls everything back. Row numbers count the header as 1.

    Rows with an id change their record one by one (_import_row); the new rows are checked set-wise and written
    with one bulk service call. A preview of new rows writes nothing at all.
    """
    result = ImportResult(total=len(rows), dry_run=dry_run)
    fields = FundingRecordSerializer().fields  # how the API reads each column, built once for every row
    codes = choice_codes()
    rows = [_with_codes(row, codes=codes) for row in rows]  # first: the lookups read the recipient kind as a code
    lookups = _lookups(rows)
    rows = [_with_slugs(row, lookups=lookups) for row in rows]
    errors: dict[int, dict] = {}
    with transaction.atomic():
        new_rows = []
        for index, row in enumerate(rows, start=2):
            if row.get("id", "") == "":
                new_rows.append((index, row))
                continue
            try:
                with transaction.atomic():  # a savepoint, so one bad row does not poison the others' checks
                    _import_row(row, actor=actor, fields=fields, result=result)
            except ValidationError as exc:
                errors[index] = _error_entry(index, row_errors(exc))
            except PermissionDenied as exc:
                errors[index] = _error_entry(index, {}, str(exc) or _("Not allowed."))
        done = len(rows) - len(new_rows)
        checked = []
        step = max(1, min(PROGRESS_EVERY, len(rows) // 10))
        for count, (index, row) in enumerate(new_rows, start=1):
            record, row_errs, denied = _check_new_row(row, actor=actor, fields=fields, lookups=lookups)
            if record is None:
                errors[index] = _error_entry(index, row_errs, denied)
            else:
                checked.append((index, record))
            if progress and count % step == 0:
                progress(done + count, len(rows))
        # The database's unique rule, checked for the whole file at once: against the stored records (after the
        # changes above), and between the file's own rows (the first one wins, as if they were saved in order).
        seen = _existing_keys([record for _, record in checked])
        records = []
        for index, record in checked:
            key = _unique_key(record)
            if key in seen:
                message = str(_UNIQUE_ENTRY.get_violation_error_message())
                errors[index] = _error_entry(index, {api_settings.NON_FIELD_ERRORS_KEY: [message]})
                continue
            seen.add(key)
            records.append(record)
        result.created = len(records)
        result.errors = [errors[index] for index in sorted(errors)]
        if not dry_run and not result.errors:
            try:
                funding_records_bulk_create(records=records, actor=actor)
            except IntegrityError as exc:  # a rule only the database knows, or a record saved meanwhile
                result.errors.append(
                    {
                        "row": "",
                        "messages": [
                            _("The database refused the import; nothing was saved (%(error)s).") % {"error": exc}
                        ],
                        "fields": {},
                    }
                )
        if dry_run or result.errors:
            transaction.set_rollback(True)
    if progress:
        progress(len(rows), len(rows))
    return result
