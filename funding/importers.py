"""Spreadsheet import of funding records: the same columns as the export, all rows or none.

`funding_records_import` checks every row through the same services the portal uses (so permissions, closed
periods, validation and history all apply), collects the errors row by row and, if there is any error or this is
a preview (dry run), rolls the whole transaction back: nothing changes unless every row is good.
"""

import contextlib
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import ActivityType

from .fields import RECORD_KEYS, recipient_fields, recipient_lookup
from .forms import parse_amount
from .models import Funder, FundingRecord
from .services import funding_record_create, funding_record_update

COLUMNS = list(RECORD_KEYS)
REQUIRED = ["year", "recipient_kind", "recipient", "source", "amount"]
MAX_ROWS = 20000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong format, missing columns, too many rows)."""


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "messages": [...]}
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


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def read_rows(*, name: str, content: bytes) -> list[dict]:
    """Parse a CSV or XLSX file into a list of {column: text}; refuse a file without the required columns."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError(_("This is not a readable XLSX file.")) from exc
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        header = [_cell(v) for v in values[0]] if values else []
        body = values[1:]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("Save the CSV file as UTF-8.")) from exc
        dialect = csv.excel
        with contextlib.suppress(csv.Error):  # an unsniffable file is read as plain comma-separated
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        reader = csv.reader(io.StringIO(text), dialect)
        values = list(reader)
        header = [_cell(v) for v in values[0]] if values else []
        body = values[1:]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    rows = []
    for raw in body:
        if raw is None or all(_cell(v) == "" for v in raw):
            continue
        rows.append({name: _cell(raw[i]) if i < len(raw) else "" for i, name in enumerate(header) if name})
    return rows


def _lookup(model, label: str, **kwargs):
    try:
        return model.objects.get(**kwargs)
    except ObjectDoesNotExist:
        raise ValidationError(
            _("Unknown %(what)s: %(value)s.") % {"what": label, "value": next(iter(kwargs.values()))}
        ) from None


def _row_data(row: dict) -> dict:
    errors = {}
    data = {}
    try:
        data["year"] = int(row.get("year", ""))
    except ValueError:
        errors["year"] = _("Year must be a whole number.")
    try:
        amount = parse_amount(row.get("amount", ""))
        if amount is None:
            errors["amount"] = _("Amount is required.")
        data["amount"] = amount
    except ValidationError as exc:
        errors["amount"] = " ".join(exc.messages)
    kind, slug = row.get("recipient_kind", ""), row.get("recipient", "")
    try:
        data.update(recipient_fields(kind=kind, recipient=recipient_lookup(kind=kind, slug=slug)))
    except ValidationError as exc:
        errors.update({name: " ".join(messages) for name, messages in exc.message_dict.items()})
    if row.get("funder"):
        try:
            data["funder"] = _lookup(Funder, _("funder"), slug=row["funder"])
        except ValidationError as exc:
            errors["funder"] = " ".join(exc.messages)
    else:
        data["funder"] = None
    if row.get("activity_type"):
        try:
            data["activity_type"] = _lookup(ActivityType, _("activity type"), code=row["activity_type"])
        except ValidationError as exc:
            errors["activity_type"] = " ".join(exc.messages)
    for name in ("source", "kind", "realisation", "provenance", "provenance_source", "evidence_note"):
        if row.get(name, "") != "" or name in ("provenance_source", "evidence_note"):
            data[name] = row.get(name, "")
    if errors:
        raise ValidationError(errors)
    return data


def _import_row(row: dict, *, actor, result: ImportResult) -> None:
    data = _row_data(row)
    record_id = row.get("id", "")
    if record_id:
        try:
            record = FundingRecord.objects.get(pk=int(record_id))
        except (ValueError, FundingRecord.DoesNotExist):
            raise ValidationError({"id": _("No funding record with id %(id)s.") % {"id": record_id}}) from None
        status = row.get("status", "")
        if status and status != record.status:
            raise ValidationError({"status": _("Status changes go through submit, approve and return, not import.")})
        before = record.history.count()
        funding_record_update(record=record, actor=actor, data=data)
        if record.history.count() > before:
            result.updated += 1
        else:
            result.unchanged += 1
    else:
        if row.get("status"):
            data["status"] = row["status"]
        funding_record_create(actor=actor, **data)
        result.created += 1


def funding_records_import(
    *, rows: list[dict], actor, dry_run: bool, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Check (dry run) or import all rows; any error rolls everything back. Row numbers count the header as 1."""
    result = ImportResult(total=len(rows), dry_run=dry_run)
    with transaction.atomic():
        for index, row in enumerate(rows, start=2):
            try:
                with transaction.atomic():  # a savepoint, so one bad row does not poison the others' checks
                    _import_row(row, actor=actor, result=result)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    messages = [
                        " ".join(errs) if name == "__all__" else name + ": " + " ".join(errs)
                        for name, errs in exc.message_dict.items()
                    ]
                else:
                    messages = exc.messages
                result.errors.append({"row": index, "messages": messages})
            except PermissionDenied as exc:
                result.errors.append({"row": index, "messages": [str(exc) or _("Not allowed.")]})
            if progress and (index - 1) % 50 == 0:
                progress(index - 1, len(rows))
        if dry_run or result.errors:
            transaction.set_rollback(True)
    if progress:
        progress(len(rows), len(rows))
    return result
