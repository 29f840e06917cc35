import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from funding.models import FundingRecord
from registry.models import Fieldlab

pytestmark = pytest.mark.django_db


def test_generate_scale_data_adds_exactly_what_was_asked_marked_illustrative():
    call_command("generate_scale_data", "--fieldlabs", "7", "--records", "500", verbosity=0)
    assert Fieldlab.objects.filter(slug__startswith="scale-").count() == 7
    records = FundingRecord.objects.all()
    assert records.count() == 500
    assert set(records.values_list("provenance", flat=True).distinct()) == {"illustrative"}
    assert set(records.values_list("status", flat=True).distinct()) == {"approved"}
    assert records.values("fieldlab").annotate(n=Count("id")).count() == 7
    assert FundingRecord.history.count() == 500  # bulk-loaded, history still kept
    # Run again: more rows, no collision with the first run.
    call_command("generate_scale_data", "--fieldlabs", "3", "--records", "100", verbosity=0)
    assert FundingRecord.objects.count() == 600


def test_generate_scale_data_refuses_impossible_requests():
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--fieldlabs", "0", "--records", "10")
    assert not Fieldlab.objects.exists()
