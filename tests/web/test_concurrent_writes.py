"""Races on PostgreSQL, with real threads and connections: two editors, a duplicate report cell, approve vs return.

SQLite serialises every write, so these only prove something on PostgreSQL; CI runs them there (DATABASE_URL).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

from core.services import StaleVersion, record_update
from funding.models import FundingRecord
from funding.services import funding_record_approve, funding_record_return
from registry.models import Fieldlab
from tests import factories
from tests.races import RACE_MARKS, race

from .conftest import _client_for

pytestmark = RACE_MARKS


def test_two_editors_at_the_same_version_one_wins_the_other_is_refused(network):
    fieldlab = network["rosf"]
    anna, bert = factories.BureauUserFactory(username="anna"), factories.BureauUserFactory(username="bert")
    for _round in range(5):
        version = Fieldlab.objects.get(pk=fieldlab.pk).version
        outcomes = race(
            lambda v=version: record_update(
                instance=Fieldlab.objects.get(pk=fieldlab.pk), actor=anna, data={"name": "A", "version": v}
            ),
            lambda v=version: record_update(
                instance=Fieldlab.objects.get(pk=fieldlab.pk), actor=bert, data={"theme": "B", "version": v}
            ),
        )
        refused = [o for o in outcomes if isinstance(o, StaleVersion)]
        saved = [o for o in outcomes if isinstance(o, Fieldlab)]
        assert len(refused) == 1 and len(saved) == 1, outcomes
        stored = Fieldlab.objects.get(pk=fieldlab.pk)
        assert stored.version == version + 1
        # The winner's change is there and the loser's is not.
        assert (stored.name == "A") != (stored.theme == "B")
        record_update(instance=stored, actor=anna, data={"name": "Region of Smart Factories", "theme": "x"})


def test_concurrent_saves_of_the_same_empty_report_cell_make_one_record_and_no_500(network):
    rosf = network["rosf"]
    url = f"/reports/noord/2019/cells/{rosf.slug}/regional/"
    coordinator = network["coord_noord"]
    for attempt in range(5):
        factories.funding_records_delete(FundingRecord.objects.filter(fieldlab=rosf, year=2019, source="regional"))
        clients = [_client_for(coordinator) for _ in range(6)]
        amounts = [f"{1000 + attempt * 10 + i}" for i in range(6)]
        responses = race(
            *[
                (lambda c=c, a=a: c.post(url, {f"cell-{rosf.pk}-regional": a}, HTTP_HX_REQUEST="true"))
                for c, a in zip(clients, amounts, strict=True)
            ]
        )
        statuses = [getattr(r, "status_code", r) for r in responses]
        assert all(isinstance(s, int) and s < 500 for s in statuses), statuses
        records = FundingRecord.objects.filter(fieldlab=rosf, year=2019, source="regional")
        assert records.count() == 1
        assert records.get().amount in {Decimal(a) for a in amounts}


def test_approve_and_return_at_once_take_exactly_one_step(network):
    bureau_a, bureau_b = factories.BureauUserFactory(username="anna"), factories.BureauUserFactory(username="bert")
    for _round in range(5):
        record = factories.FundingRecordFactory(
            fieldlab=network["tech"], year=2015 + _round, source="eu", amount=Decimal("10.00"), status="submitted"
        )
        outcomes = race(
            lambda r=record: funding_record_approve(record=r, actor=bureau_a),
            lambda r=record: funding_record_return(record=r, actor=bureau_b, comment="check the amount"),
        )
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        taken = [o for o in outcomes if isinstance(o, FundingRecord)]
        assert len(refused) == 1 and len(taken) == 1, outcomes
        stored = FundingRecord.objects.get(pk=record.pk)
        assert stored.status == taken[0].status in ("approved", "returned")
        # One step in the history after the creation, not two.
        assert [h.history_change_reason for h in stored.history.order_by("history_id")][1:] == [stored.status]
