import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from devtools.scale_data import funding as scale_data
from evaluation.models import Measurement
from funding.models import FundingRecord
from registry.models import Fieldlab, Participation
from review.choices import RecordStatus
from tests.reference import reference_data_install

pytestmark = pytest.mark.django_db


def test_generate_scale_data_adds_exactly_what_was_asked_marked_illustrative():
    call_command("generate_scale_data", "--fieldlabs", "7", "--records", "500", verbosity=0)
    assert Fieldlab.objects.filter(slug__startswith="scale-").count() == 7
    records = FundingRecord.objects.all()
    assert records.count() == 500
    assert set(records.values_list("provenance", flat=True).distinct()) == {"illustrative"}
    assert records.filter(fieldlab__isnull=False).values("fieldlab").annotate(n=Count("id")).count() == 7
    assert FundingRecord.history.count() == 500  # bulk-loaded, history still kept
    assert set(FundingRecord.history.values_list("history_type", flat=True).distinct()) == {"+"}
    # Run again: more rows, no collision with the first run.
    call_command("generate_scale_data", "--fieldlabs", "3", "--records", "100", verbosity=0)
    assert FundingRecord.objects.count() == 600
    assert FundingRecord.history.count() == 600


def test_even_a_small_load_spreads_over_years_sources_recipient_kinds_and_statuses():
    call_command("generate_scale_data", "--fieldlabs", "5", "--records", "600", verbosity=0)
    records = FundingRecord.objects.all()
    assert set(records.values_list("year", flat=True)) == set(range(2015, 2027))
    assert set(records.values_list("source", flat=True)) == {"companies", "national", "regional", "knowledge", "eu"}
    assert records.filter(hub__isnull=False).exists()
    assert records.filter(bureau__isnull=False).exists()
    statuses = dict(records.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == set(RecordStatus.values)
    assert statuses[RecordStatus.APPROVED] > records.count() / 2
    # Every funder belongs to its record's source (the model's cross-field rule).
    assert not records.exclude(funder__source=F("source")).exists()
    assert Participation.objects.count() == 60


def test_with_reference_data_records_name_activity_types_and_measurements_are_added():
    reference_data_install()
    before = Measurement.objects.count()
    call_command("generate_scale_data", "--fieldlabs", "5", "--records", "2000", verbosity=0)
    synthetic = FundingRecord.objects.filter(provenance_source__startswith="Synthetic")
    assert synthetic.filter(activity_type__isnull=False).count() > synthetic.count() / 2
    assert Measurement.objects.count() > before
    for record in synthetic[:200]:
        record.full_clean()  # every validation rule of the model, not only the database's


def test_generate_scale_data_refuses_impossible_requests():
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--fieldlabs", "0", "--records", "10")
    assert not Fieldlab.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index and foreign-key rebuild is PostgreSQL's")
def test_a_big_load_puts_every_index_and_foreign_key_back(monkeypatch):
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'funding_fundingrecord' "
                "UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'funding_fundingrecord'::regclass"
            )
            return sorted(row[0] for row in cursor.fetchall())

    before = schema()
    monkeypatch.setattr(scale_data, "BIG_LOAD", 10)  # the big path (drop, COPY, rebuild) for a small load
    call_command("generate_scale_data", "--fieldlabs", "3", "--records", "300", verbosity=0)
    assert schema() == before
    assert FundingRecord.objects.count() == 300
    assert FundingRecord.history.count() == 300
