"""Concurrent writers in one rollup group, on PostgreSQL with real threads and connections: every approval counts
once and every change back to review leaves the group, because each transaction adds its own difference under the
group row's lock (a recomputed sum would let one writer overwrite the other's). SQLite serialises writes, so this
only proves something on PostgreSQL; CI runs it there."""

from decimal import Decimal

from funding.models import FundingRecord, FundingRollup, FundingRollupTotal
from funding.rollups import funding_rollup_differences
from funding.services import funding_record_approve, funding_record_update
from tests import factories
from tests.races import RACE_MARKS, race

pytestmark = RACE_MARKS


def test_concurrent_approvals_and_edits_in_one_group_all_count():
    bureau = factories.BureauUserFactory(username="racer")
    lab = factories.FieldlabFactory()
    # One group (recipient, year, source, kind, realisation, activity type); the funder tells the records apart.
    records = [
        factories.FundingRecordFactory(
            fieldlab=lab,
            year=2019,
            source="regional",
            funder=factories.FunderFactory(source="regional"),
            amount=Decimal(f"{100 + i}.25"),
            status="submitted",
        )
        for i in range(6)
    ]
    outcomes = race(*[(lambda r=r: funding_record_approve(record=r, actor=bureau)) for r in records])
    assert all(isinstance(o, FundingRecord) for o in outcomes), outcomes
    group = FundingRollup.objects.get()
    assert (group.amount, group.records) == (sum(r.amount for r in records), 6)
    assert FundingRollupTotal.objects.get().records == 6
    assert funding_rollup_differences() == []

    # Changing an approved amount sends it back to review: six at once leave the group empty, and it goes.
    outcomes = race(
        *[
            (lambda r=r: funding_record_update(record=r, actor=bureau, data={"amount": Decimal("1.00")}))
            for r in FundingRecord.objects.all()
        ]
    )
    assert all(isinstance(o, FundingRecord) for o in outcomes), outcomes
    assert not FundingRollup.objects.exists() and not FundingRollupTotal.objects.exists()
    assert funding_rollup_differences() == []
