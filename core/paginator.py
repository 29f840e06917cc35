"""Pages of big lists without counting or sorting a million rows (the portal's lists and the API's).

``EstimatingPaginator`` is Django's Paginator with two changes that only matter at volume:

* **Count.** It counts exactly up to ``COUNT_EXACT_UP_TO`` matching rows, with one query that stops there
  (``SELECT COUNT(*) FROM (… LIMIT n+1)``). Above that, the count is PostgreSQL's planner estimate for the same
  filtered query (``EXPLAIN``, no rows read), and ``count_is_estimate`` is set. A page that comes back short
  corrects the count to the exact figure. Small lists (every test's) keep the exact count and the same queries.
* **Deep pages.** From ``DEFERRED_JOIN_FROM`` rows in, the page's rows are picked by primary key in a subquery
  that reads only the ordering's index, and only those rows are joined to their related tables (one SQL
  statement: ``… WHERE id IN (SELECT id … ORDER BY … LIMIT 50 OFFSET n) ORDER BY …``). Without it, PostgreSQL joins
  every skipped row.
* **Pages of an estimated list** (any page, the first included) pick their keys in a query of their own and then
  read ``… WHERE id IN (<those keys>)``: two statements that plan in a fraction of the time of one (the planner
  weighs every join order and index of a seven-table join; for a list of keys it has little to weigh).
"""

import json
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

COUNT_EXACT_UP_TO = 10_000
DEFERRED_JOIN_FROM = 1_000


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` matches (from EXPLAIN; nothing is read); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.values("pk").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    count_is_estimate = False

    def _is_queryset(self) -> bool:
        return isinstance(self.object_list, QuerySet)

    @cached_property
    def count(self) -> int:
        if not self._is_queryset():
            return super().count
        capped = self.object_list.values("pk").order_by()[: COUNT_EXACT_UP_TO + 1].count()
        if capped <= COUNT_EXACT_UP_TO:
            return capped
        estimate = planner_estimate(self.object_list)
        if estimate is None:  # no planner to ask (SQLite): count exactly
            return self.object_list.count()
        self.count_is_estimate = True
        return max(estimate, capped)

    def validate_number(self, number):
        self.count  # noqa: B018 - decides whether the count is an estimate
        if not self.count_is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number  # past the estimate is allowed: the page itself says whether rows are there

    def _rows(self, bottom: int, top: int):
        queryset = self.object_list
        if not self._is_queryset() or queryset.query.distinct:
            return queryset[bottom:top]
        if self.count_is_estimate:
            # A big list: the page's keys first, from the ordering's index alone (a one-table query that plans in
            # a tenth of a millisecond), then only those rows with their related rows. As one statement PostgreSQL
            # spends several times longer planning the seven-table join than running it (docs/benchmarks.md).
            picked = list(queryset.values_list("pk", flat=True)[bottom:top])
            if not picked:
                return []
            if queryset._iterable_class is not ModelIterable:  # dicts or tuples: let the database keep the order
                return queryset.filter(pk__in=picked)
            position = {pk: index for index, pk in enumerate(picked)}
            return sorted(queryset.order_by().filter(pk__in=picked), key=lambda row: position[row.pk])
        if bottom < DEFERRED_JOIN_FROM:
            return queryset[bottom:top]
        picked = queryset.values("pk")[bottom:top]
        return queryset.filter(pk__in=picked)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.count_is_estimate:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        # An estimated count cannot say where the list ends: read one row more than the page to know.
        rows = list(self._rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(rows) > self.per_page
        if not has_next:
            self.count = bottom + len(rows)  # the end is in sight: the count is exact now
            self.count_is_estimate = False
        elif self.count <= bottom + self.per_page:
            self.count = bottom + self.per_page + 1  # at least this many
        return EstimatedPage(rows[: self.per_page], number, self, has_next=has_next)


class EstimatedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next
