"""The rollups' repair and the bulk writers: `manage.py rebuild_rollups` (and --check) and the scale data loader
keep or restore rollup == raw aggregate; and no signal receiver moves the rollups (explicit calls only)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from devtools.scale_data.funding import scale_data_generate
from funding.models import FundingRecord, FundingRollup, FundingRollupTotal, FundingStatusCount
from funding.rollups import funding_rollup_apply, funding_rollup_differences
from tests import factories

pytestmark = pytest.mark.django_db


def test_rebuild_rollups_repairs_a_rollup_written_around_and_check_reports_it():
    lab = factories.FieldlabFactory()
    record = factories.FundingRecordFactory(fieldlab=lab, year=2019, status="approved", amount=Decimal("10.00"))
    factories.FundingRecordFactory(fieldlab=lab, year=2019, source="eu", status="draft", amount=Decimal("99.00"))
    FundingRecord.objects.filter(pk=record.pk).update(amount=Decimal("25.00"))  # around every path: no hook
    FundingRollupTotal.objects.all().delete()
    with pytest.raises(CommandError, match="disagree"):
        call_command("rebuild_rollups", "--check", stdout=StringIO())

    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "Rebuilt 1 recipient groups and 1 total groups" in out.getvalue()
    assert funding_rollup_differences() == []
    assert FundingRollupTotal.objects.get().amount == Decimal("25.00")
    # The rebuild's SQL names each group exactly as the hook does, so later writes add to these rows.
    record.refresh_from_db()
    contribution = record.rollup_contribution()
    assert FundingRollup.objects.get().group_key == contribution.group_key
    assert FundingRollupTotal.objects.get().group_key == contribution.total_key
    assert contribution.status_key in set(FundingStatusCount.objects.values_list("group_key", flat=True))
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "agree" in out.getvalue()


def test_the_scale_data_loader_keeps_the_rollups():
    scale_data_generate(fieldlabs=3, records=200)
    assert FundingRollup.objects.exists()
    assert funding_rollup_differences() == []


def test_a_bulk_writer_calls_the_hook_with_its_batch_and_with_before_and_after():
    lab = factories.FieldlabFactory()
    batch = FundingRecord.objects.bulk_create(
        [
            factories.FundingRecordFactory.build(fieldlab=lab, year=year, status="approved", amount=Decimal("5.00"))
            for year in (2018, 2019)
        ]
    )
    funding_rollup_apply(added=batch)
    assert funding_rollup_differences() == []

    records = list(FundingRecord.objects.order_by("pk"))
    before = [r.rollup_contribution() for r in records]
    FundingRecord.objects.update(status="returned")
    funding_rollup_apply(removed=before, added=FundingRecord.objects.all())
    assert funding_rollup_differences() == []
    assert not FundingRollup.objects.exists() and not FundingRollupTotal.objects.exists()


def _rollup_rows() -> list[list[tuple]]:
    return [
        list(model.objects.order_by("group_key").values_list("group_key", "amount", "records"))
        for model in (FundingRollup, FundingRollupTotal, FundingStatusCount)
    ]


def test_no_save_or_delete_receiver_moves_the_rollups():
    """The rollups move by explicit calls in funding's services, in the writer's transaction, never behind a save or
    a delete: the only receivers of a funding record's save and delete signals are the history's, and a save or a
    delete past the services leaves every rollup row as it was (the services' tests show the calls move them)."""
    for signal in (pre_save, post_save, pre_delete, post_delete):
        sync_receivers, async_receivers = signal._live_receivers(FundingRecord)
        modules = {receiver.__module__ for receiver in [*sync_receivers, *async_receivers]}
        assert modules <= {"simple_history.models"}, (signal, modules)

    lab = factories.FieldlabFactory()
    record = FundingRecord(fieldlab=lab, year=2019, source="regional", amount=Decimal("10.00"), status="approved")
    record.save()
    assert _rollup_rows() == [[], [], []]
    funding_rollup_apply(added=[record])  # what a writer past the services owes the rollups
    counted = _rollup_rows()
    assert [len(rows) for rows in counted] == [1, 1, 1]
    record.amount = Decimal("99.00")
    record.status = "draft"
    record.save()
    assert _rollup_rows() == counted
    record.delete()
    assert _rollup_rows() == counted
    assert {d["level"] for d in funding_rollup_differences()} == {"recipient", "status"}
