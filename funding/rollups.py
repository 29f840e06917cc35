"""The approved-funding rollups, kept in the same transaction as every write to a funding record.

Two levels (funding/models.py): ``FundingRollup`` per recipient × year × source × kind × realisation × activity type,
and ``FundingRollupTotal`` without the recipient (recipient kind instead); beside them ``FundingStatusCount``, the
number of records of every status per recipient × year (the dashboard's reporting status panel). The one reader is
funding/selectors.py (the evaluation reads through it): the coarse level unless the question names a recipient, a
hub or a province. The reporting status panel (reporting/selectors.py) reads the status counts.

**The update.** ``funding_rollup_apply(removed=…, added=…)`` takes what records counted before a write and what they
count after it (``FundingRecord.rollup_contribution()``: the group, status and amount; only approved ones add to the
funding levels, every one to the status counts) and adds the difference to each level: one ``INSERT … ON CONFLICT
(group_key) DO UPDATE SET amount = amount + excluded.amount`` per level for groups that grow, an ``UPDATE`` for those
that shrink, then groups left without records are deleted. Adding a difference under the group row's lock is what
keeps concurrent writers right: each transaction adds its own change, whatever the others do meanwhile (recomputing
a group from the records would let two writers each overwrite the other's sum).

**Who calls it.** Explicitly, in the writer's transaction; there is no signal. Every write path ends in
funding/services.py, which calls it after each create, update, delete, workflow step (``funding_record_step``, which
review/workflow.py calls back as the step's ``after``) and bulk insert (the spreadsheet import's); the reference
data loader (funding/reference_data.py) calls it once for what it wrote; the synthetic scale data rebuilds instead.
A write that goes around all of these (``save()``, ``QuerySet.update``, a raw delete) leaves the rollups behind until
``manage.py rebuild_rollups``: tests/funding/test_rollups.py proves no receiver does it behind the caller's back.

**Bulk writers** (``bulk_create``, ``bulk_update``, ``QuerySet.update``, COPY) call it once per batch::

    created = FundingRecord.objects.bulk_create(batch)
    funding_rollup_apply(added=created)                        # records or contributions, any number

    before = [r.rollup_contribution() for r in FundingRecord.objects.filter(pk__in=ids)]   # before the change
    ...bulk_update / QuerySet.update...
    after = [r.rollup_contribution() for r in FundingRecord.objects.filter(pk__in=ids)]
    funding_rollup_apply(removed=before, added=after)

**Repair.** ``funding_rollups_rebuild()`` (``manage.py rebuild_rollups``) recomputes both levels from the records in
two ``INSERT … SELECT … GROUP BY`` statements; ``funding_rollup_differences()`` lists every group where a rollup and
the records disagree (``manage.py rebuild_rollups --check``).
"""

from __future__ import annotations

__all__ = [
    "funding_rollup_apply",
    "funding_rollup_differences",
    "funding_rollups_rebuild",
]

import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from .models import FundingRecord, FundingRollup, FundingRollupTotal, FundingStatusCount, RollupContribution

ZERO = Decimal("0.00")
logger = logging.getLogger(__name__)

Contribution = RollupContribution | FundingRecord | None


def _contribution(item: Contribution) -> RollupContribution | None:
    if item is None or isinstance(item, RollupContribution):
        return item
    return item.rollup_contribution()


_STATUS_UPSERT = (
    "INSERT INTO funding_fundingstatuscount (group_key, fieldlab_id, hub_id, bureau_id, year, status, amount, records) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (group_key) DO UPDATE SET "
    "amount = funding_fundingstatuscount.amount + excluded.amount, "
    "records = funding_fundingstatuscount.records + excluded.records"
)


def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(("group_key", *columns, "amount", "records"))
    marks = ", ".join(["%s"] * (len(columns) + 3))
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (group_key) DO UPDATE SET "
        f"amount = {table}.amount + excluded.amount, records = {table}.records + excluded.records"
    )


_FINE_COLUMNS = (
    "recipient_kind",
    "fieldlab_id",
    "hub_id",
    "bureau_id",
    "year",
    "source",
    "kind",
    "realisation",
    "activity_type_id",
)
_TOTAL_COLUMNS = ("recipient_kind", "year", "source", "kind", "realisation", "activity_type_id")


def funding_rollup_apply(*, removed: Iterable[Contribution] = (), added: Iterable[Contribution] = ()) -> None:
    """Take ``removed`` out of the rollups and put ``added`` in, in the caller's transaction.

    Each item is a FundingRecord (its current values) or a ``RollupContribution`` (what a record counted before a
    change: ``record.rollup_contribution()`` taken before it); None counts nothing;
    records that are not approved count in the status counts only.
    Two or three statements per level whatever the number of items, so a bulk writer calls it once per batch.
    """
    fine: dict[str, list] = {}
    total: dict[str, list] = {}
    statuses: dict[str, list] = {}
    for sign, items in ((-1, removed), (1, added)):
        for item in items:
            c = _contribution(item)
            if c is None:
                continue
            row = statuses.get(c.status_key)
            if row is None:
                row = statuses[c.status_key] = [c.fieldlab_id, c.hub_id, c.bureau_id, c.year, c.status, ZERO, 0]
            row[-2] += sign * c.amount
            row[-1] += sign
            if not c.approved:
                continue
            for groups, key, values in (
                (fine, c.group_key, (c.recipient_kind, c.fieldlab_id, c.hub_id, c.bureau_id)),
                (total, c.total_key, (c.recipient_kind,)),
            ):
                row = groups.get(key)
                if row is None:
                    row = groups[key] = [
                        *values,
                        c.year,
                        c.source,
                        c.kind,
                        c.realisation,
                        c.activity_type_id,
                        ZERO,
                        0,
                    ]
                row[-2] += sign * c.amount
                row[-1] += sign
    statuses = {key: row for key, row in statuses.items() if row[-1] or row[-2]}
    if not fine and not statuses:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        grown = [(key, *row) for key, row in sorted(statuses.items()) if row[-1] > 0]
        shrunk = [(row[-2], row[-1], key) for key, row in sorted(statuses.items()) if row[-1] <= 0]
        if grown:
            cursor.executemany(_STATUS_UPSERT, grown)
        if shrunk:
            cursor.executemany(
                "UPDATE funding_fundingstatuscount SET amount = amount + %s, records = records + %s "
                "WHERE group_key = %s",
                shrunk,
            )
            emptied = [key for _amount, count, key in shrunk if count < 0]
            FundingStatusCount.objects.filter(group_key__in=emptied, records__lte=0).delete()
        for model, columns, groups in (
            (FundingRollup, _FINE_COLUMNS, fine),
            (FundingRollupTotal, _TOTAL_COLUMNS, total),
        ):
            table = model._meta.db_table
            # Sorted: two writers touching the same groups lock them in the same order (no deadlock).
            changed = sorted((key, row) for key, row in groups.items() if row[-1] or row[-2])
            # A group that gains records may be new: insert it or add to it. One that loses records or only changes
            # its amount exists already; a plain UPDATE, because the database checks an INSERT's candidate row
            # (negative records) against records >= 0 before it sees the conflict.
            grown = [(key, *row) for key, row in changed if row[-1] > 0]
            shrunk = [(row[-2], row[-1], key) for key, row in changed if row[-1] <= 0]
            if grown:
                cursor.executemany(_upsert_sql(table, columns), grown)
            if shrunk:
                cursor.executemany(
                    f"UPDATE {table} SET amount = amount + %s, records = records + %s WHERE group_key = %s", shrunk
                )
                if cursor.rowcount is not None and 0 <= cursor.rowcount < len(shrunk):
                    logger.warning("The %s rollup lacks groups it should have: run manage.py rebuild_rollups", table)
                emptied = [key for _amount, count, key in shrunk if count < 0]
                if emptied:
                    model.objects.filter(group_key__in=emptied, records__lte=0).delete()


# --- repair ----------------------------------------------------------------------------------------------------

# The group keys built in SQL exactly as RollupContribution.group_key / total_key build them in Python. `||` and
# CAST … AS VARCHAR mean the same in PostgreSQL and SQLite.
_RECIPIENT_KIND_SQL = (
    "CASE WHEN fieldlab_id IS NOT NULL THEN 'fieldlab' WHEN hub_id IS NOT NULL THEN 'hub' ELSE 'bureau' END"
)
_GROUP_TAIL_SQL = (
    "CAST(year AS VARCHAR(8)) || '|' || source || '|' || kind || '|' || realisation || '|' || "
    "CAST(COALESCE(activity_type_id, 0) AS VARCHAR(20))"
)
REBUILD_SQL = (
    "DELETE FROM funding_fundingrolluptotal",
    "DELETE FROM funding_fundingrollup",
    "DELETE FROM funding_fundingstatuscount",
    f"""INSERT INTO funding_fundingstatuscount
        (group_key, fieldlab_id, hub_id, bureau_id, year, status, amount, records)
    SELECT {_RECIPIENT_KIND_SQL} || ':' || CAST(COALESCE(fieldlab_id, hub_id, bureau_id) AS VARCHAR(20)) || '|' ||
           CAST(year AS VARCHAR(8)) || '|' || status,
           fieldlab_id, hub_id, bureau_id, year, status, SUM(amount), COUNT(*)
    FROM funding_fundingrecord
    GROUP BY fieldlab_id, hub_id, bureau_id, year, status""",
    f"""INSERT INTO funding_fundingrollup
        (group_key, recipient_kind, fieldlab_id, hub_id, bureau_id, year, source, kind, realisation, activity_type_id,
         amount, records)
    SELECT {_RECIPIENT_KIND_SQL} || ':' || CAST(COALESCE(fieldlab_id, hub_id, bureau_id) AS VARCHAR(20)) || '|' ||
           {_GROUP_TAIL_SQL},
           {_RECIPIENT_KIND_SQL}, fieldlab_id, hub_id, bureau_id, year, source, kind, realisation, activity_type_id,
           SUM(amount), COUNT(*)
    FROM funding_fundingrecord WHERE status = 'approved'
    GROUP BY fieldlab_id, hub_id, bureau_id, year, source, kind, realisation, activity_type_id""",
    f"""INSERT INTO funding_fundingrolluptotal
        (group_key, recipient_kind, year, source, kind, realisation, activity_type_id, amount, records)
    SELECT recipient_kind || '|' || {_GROUP_TAIL_SQL},
           recipient_kind, year, source, kind, realisation, activity_type_id, SUM(amount), SUM(records)
    FROM funding_fundingrollup
    GROUP BY recipient_kind, year, source, kind, realisation, activity_type_id""",
)


@transaction.atomic
def funding_rollups_rebuild() -> dict[str, int]:
    """Recompute both rollup levels from the approved records. On PostgreSQL the records are locked against writes
    meanwhile (SHARE), so no write lands between the sums and the swap; readers are not blocked."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE funding_fundingrecord IN SHARE MODE")
            cursor.execute(
                "LOCK TABLE funding_fundingrollup, funding_fundingrolluptotal, funding_fundingstatuscount "
                "IN EXCLUSIVE MODE"
            )
        for statement in REBUILD_SQL:
            cursor.execute(statement)
    return {
        "groups": FundingRollup.objects.count(),
        "totals": FundingRollupTotal.objects.count(),
        "statuses": FundingStatusCount.objects.count(),
    }


_GROUP_FIELDS = ("fieldlab_id", "hub_id", "bureau_id", "year", "source", "kind", "realisation", "activity_type_id")


def funding_rollup_differences() -> list[dict]:
    """Every group where a rollup disagrees with the approved records: the fine level against the records' own
    GROUP BY, the coarse level against the fine one. Empty when all is well. Costs a full GROUP BY of the records:
    for repair and tests, not for every request."""

    def rows(qs, fields, records):
        return {
            tuple(row[f] for f in fields): (Decimal(row["s"]).quantize(ZERO), row["n"])
            for row in qs.values(*fields).annotate(s=Sum("amount"), n=records).order_by()
        }

    status_fields = ("fieldlab_id", "hub_id", "bureau_id", "year", "status")
    counted = rows(FundingRecord.objects.all(), status_fields, Count("id"))
    kept = rows(FundingStatusCount.objects.all(), status_fields, Sum("records"))
    status_differences = [
        {"level": "status", "group": key, "records": counted.get(key), "rollup": kept.get(key)}
        for key in sorted(set(counted) | set(kept), key=repr)
        if counted.get(key) != kept.get(key)
    ]
    raw = rows(FundingRecord.objects.approved(), _GROUP_FIELDS, Count("id"))
    fine = rows(FundingRollup.objects.all(), _GROUP_FIELDS, Sum("records"))
    differences = [
        {"level": "recipient", "group": key, "records": raw.get(key), "rollup": fine.get(key)}
        for key in sorted(set(raw) | set(fine), key=repr)
        if raw.get(key) != fine.get(key)
    ]
    coarse_fields = ("recipient_kind", "year", "source", "kind", "realisation", "activity_type_id")
    from_fine: dict[tuple, list] = defaultdict(lambda: [ZERO, 0])
    for row in FundingRollup.objects.values(*coarse_fields, "amount", "records"):
        acc = from_fine[tuple(row[f] for f in coarse_fields)]
        acc[0] += Decimal(row["amount"]).quantize(ZERO)
        acc[1] += row["records"]
    coarse = rows(FundingRollupTotal.objects.all(), coarse_fields, Sum("records"))
    expected = {key: (amount, n) for key, (amount, n) in from_fine.items()}
    differences += [
        {"level": "total", "group": key, "records": expected.get(key), "rollup": coarse.get(key)}
        for key in sorted(set(expected) | set(coarse), key=repr)
        if expected.get(key) != coarse.get(key)
    ]
    return differences + status_differences
