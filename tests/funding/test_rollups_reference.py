"""The reference data loader (audited saves) keeps the rollups: rollup == raw aggregate after load_reference_data."""

import pytest

from funding.models import FundingRollupTotal
from funding.rollups import funding_rollup_differences

pytestmark = pytest.mark.django_db


def test_the_reference_data_keeps_the_rollups(reference_db_by_loader):
    # The reference data (loaded through audited saves, as load_reference_data does) reaches €314M in the rollups.
    assert funding_rollup_differences() == []
    assert FundingRollupTotal.objects.filter(recipient_kind="fieldlab", year__range=(2015, 2019)).exists()
