"""Every write to funding: keyword-only, atomic, validated (forms, model and database rules) and audited.

Funding records are reviewable items: who may write them is accounts/policy.py's business, their workflow
(draft → submitted → approved / returned, closed periods, back to review on a counted change) is
review/workflow.py's. Only approved records count in evaluations.

**The rollups.** Every write here also moves the approved-funding rollups and the status counts
(funding/rollups.py), by an explicit ``funding_rollup_apply`` in the same transaction: what the record counted
before (read under the row lock) out, what it counts after in. No signal does this behind the caller's back, so a
write that bypasses these services (``save()``, ``QuerySet.update``, a raw delete) leaves the rollups behind; such a
writer calls ``funding_rollup_apply`` itself (the reference data loader, the scale data's rebuild) or is repaired
with ``manage.py rebuild_rollups``. The workflow's steps go through ``funding_record_step``, which hands
review/workflow.py the rollups' update as its ``after``: every caller that steps a funding record (the portal's
buttons, the API, the admin's actions, the hub report's submit and review) calls that function, never
``workflow_transition`` itself.
"""

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core import policy
from core.services import apply_changes, audited_delete, audited_save
from review.choices import WorkflowAction
from review.workflow import (
    ClosedPeriods,
    period_check_open,
    workflow_check_edit,
    workflow_prepare_new,
    workflow_transition,
)

from .fields import EDITABLE_FIELDS
from .models import FundingRecord
from .rollups import funding_rollup_apply

__all__ = [
    "COUNTED_FIELDS",
    "funding_record_approve",
    "funding_record_create",
    "funding_record_delete",
    "funding_record_return",
    "funding_record_step",
    "funding_record_submit",
    "funding_record_update",
    "funding_records_bulk_create",
]

# A record's author may set EDITABLE_FIELDS (funding/fields.py, the one list of a record's fields); status and review
# fields move only through the workflow.
# Changing one of these on an approved record changes what the evaluation counts: it goes back to review.
COUNTED_FIELDS = frozenset(
    {"fieldlab", "hub", "bureau", "year", "source", "funder", "amount", "kind", "realisation", "activity_type"}
)


# --- funding records ----------------------------------------------------------------------------------------


@transaction.atomic
def funding_record_create(*, actor: User, closed: ClosedPeriods | None = None, **fields) -> FundingRecord:
    """Create a record. Coordinators create drafts for their own hub's fieldlabs; the bureau may set any status.
    ``closed``: the caller's reading of the periods (review.workflow.period_check_open), else read here."""
    requested = fields.pop("status", None)
    record = FundingRecord(created_by=actor)
    apply_changes(record, fields, allowed=EDITABLE_FIELDS)
    workflow_prepare_new(record, actor=actor, requested=requested, closed=closed)
    audited_save(record, actor=actor, reason="created")
    funding_rollup_apply(added=[record])
    return record


# Rows per INSERT of a bulk write: large enough that 100k rows take a hundred statements, small enough for SQLite's
# limit of bound parameters (about 25 per row).
BULK_BATCH_SIZE = 1000


@transaction.atomic
def funding_records_bulk_create(*, records: list[FundingRecord], actor: User, reason: str = "created") -> int:
    """Save many new records at once, each with its history row (who: ``actor``; why: ``reason``), all or none.

    The one bulk writer of funding records (the spreadsheet import's). The caller has prepared every record as
    funding_record_create would (workflow_prepare_new: permission, open period, status) and checked the model's
    rules (importers.py does that set-wise); the database's constraints guard this write as they guard every other:
    a violation raises IntegrityError and nothing is saved. The rollups of approved funding (funding/rollups.py)
    are told here once for the whole batch, after the insert, inside this transaction.

    On PostgreSQL the rows go in with COPY (ids drawn from the table's sequence first, so the history rows can name
    them); elsewhere with bulk_create_with_history. Both write the same rows.
    """
    now = timezone.now()
    for record in records:
        record.created_by = actor
        record.created_at = record.updated_at = now
    if connection.vendor == "postgresql":
        _copy_with_history(records, actor=actor, reason=reason, when=now)
    else:
        bulk_create_with_history(
            records,
            FundingRecord,
            batch_size=BULK_BATCH_SIZE,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
    funding_rollup_apply(added=records)  # a few statements per rollup table, whatever the number of records
    return len(records)


def _copy_with_history(records: list[FundingRecord], *, actor: User, reason: str, when) -> None:
    """COPY the records and then their history rows ("+", created) into their tables; PostgreSQL only."""
    if not records:
        return
    table = FundingRecord._meta.db_table
    history_model = FundingRecord.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(records)]
        )
        for record, (pk,) in zip(records, cursor.fetchall(), strict=True):
            record.pk = pk
            record._state.adding, record._state.db = False, connection.alias
        fields = FundingRecord._meta.concrete_fields
        _copy(cursor, table, [f.column for f in fields], ([getattr(r, f.attname) for f in fields] for r in records))
        history_own = {"history_date": when, "history_change_reason": reason, "history_type": "+"}
        history_own["history_user_id"] = actor.pk
        history_fields = [f for f in history_model._meta.concrete_fields if f.attname != "history_id"]
        _copy(
            cursor,
            history_model._meta.db_table,
            [f.column for f in history_fields],
            (
                [history_own[f.attname] if f.attname in history_own else getattr(r, f.attname) for f in history_fields]
                for r in records
            ),
        )


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    # The raw psycopg cursor (Django's wrapper has no COPY); wrap_database_errors turns a refusal by a constraint
    # into django.db.IntegrityError, as on every other write.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _locked(record: FundingRecord) -> FundingRecord:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the fieldlab.
    return FundingRecord.objects.select_for_update(of=("self",)).select_related("fieldlab").get(pk=record.pk)


@transaction.atomic
def funding_record_update(
    *, record: FundingRecord, actor: User, data: dict, closed: ClosedPeriods | None = None
) -> FundingRecord:
    """Change a record (``closed``: as in funding_record_create)."""
    record = _locked(record)
    before = record.rollup_contribution()  # what the stored row counts, read under its lock
    policy.require(actor, policy.Action.CHANGE, record)
    # The period the record is in now; workflow_check_edit checks the one it moves to.
    period_check_open(record, closed=closed)
    changed = apply_changes(record, data, allowed=EDITABLE_FIELDS)
    if not changed:
        return record
    reason = workflow_check_edit(record, actor=actor, changed=changed, counted=COUNTED_FIELDS, closed=closed)
    audited_save(record, actor=actor, reason=reason)
    funding_rollup_apply(removed=[before], added=[record])
    return record


@transaction.atomic
def funding_record_delete(*, record: FundingRecord, actor: User, closed: ClosedPeriods | None = None) -> None:
    record = _locked(record)
    policy.require(actor, policy.Action.DELETE, record)
    period_check_open(record, closed=closed)
    before = record.rollup_contribution()
    audited_delete(record, actor=actor, reason="deleted")
    funding_rollup_apply(removed=[before])


# --- the workflow's steps ------------------------------------------------------------------------------------


def _rollup_after_step(record: FundingRecord, previous_status: str) -> None:
    # A step moves only the status: the record counted the same group and amount under the status it left.
    after = record.rollup_contribution()
    funding_rollup_apply(removed=[after._replace(status=previous_status)], added=[after])


def funding_record_step(record: FundingRecord, *, action: str, actor: User, comment: str = "") -> FundingRecord:
    """One step of the workflow (submit, approve, return) on a funding record, and its rollups in the same
    transaction. The one way a record's status moves outside create and update: the portal's buttons, the API, the
    admin's actions and the hub report's submit and review all call this (same signature as workflow_transition)."""
    return workflow_transition(record, action=action, actor=actor, comment=comment, after=_rollup_after_step)


def funding_record_submit(*, record: FundingRecord, actor: User) -> FundingRecord:
    return funding_record_step(record, action=WorkflowAction.SUBMIT, actor=actor)


def funding_record_approve(*, record: FundingRecord, actor: User, comment: str = "") -> FundingRecord:
    return funding_record_step(record, action=WorkflowAction.APPROVE, actor=actor, comment=comment)


def funding_record_return(*, record: FundingRecord, actor: User, comment: str) -> FundingRecord:
    return funding_record_step(record, action=WorkflowAction.RETURN, actor=actor, comment=comment)
