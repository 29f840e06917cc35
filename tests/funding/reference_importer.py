"""The funding-records import as it was before the set-wise path, kept as the reference the set-wise import is
tested against (tests/web/test_import_bulk.py: the same verdict for every row).

Every row goes through the API's serializer and the one-record services, each in its own savepoint, so it is slow
but obviously right. It lives with the tests because the portal never runs it: funding.importers.funding_records_import
is the one import of the application.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from funding.importers import ImportResult, _import_row, row_errors
from funding.serializers import FundingRecordSerializer


def funding_records_import_row_by_row(
    *, rows: list[dict], actor, dry_run: bool, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
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
