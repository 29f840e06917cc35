"""The committed reference dataset: what it loads, its calibration to the public figures, and idempotency."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Q, Sum

from core.reference_data import read_csv
from evaluation.models import ActivityType
from evaluation.reference_data import reference_data_load
from funding.choices import PUBLIC_SOURCES, RecordStatus, Source
from funding.models import Funder, FundingRecord
from registry.models import Fieldlab, Hub, Partner, ProgrammeBureau, Province

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db_by_loader")]

PROVENANCE_MODELS = [Partner, ProgrammeBureau, Hub, Fieldlab, Funder, FundingRecord, ActivityType]


def fieldlab_funding(year_min=2015, year_max=2019):
    return FundingRecord.objects.filter(fieldlab__isnull=False, year__gte=year_min, year__lte=year_max)


def test_organisations_loaded():
    assert set(Partner.objects.values_list("short_name", flat=True)) == {"FME", "TNO", "KvK", "VNO-NCW", "EZK"}
    assert ProgrammeBureau.objects.count() == 1
    assert Province.objects.count() == 12
    assert set(Hub.objects.values_list("slug", flat=True)) == {"noord", "oost", "zuid-holland", "zuid", "noordwest"}
    assert Fieldlab.objects.count() == 47


def test_hubs_cover_the_published_provinces():
    covered = {hub.slug: set(hub.provinces.values_list("name", flat=True)) for hub in Hub.objects.all()}
    assert covered["noord"] == {"Groningen", "Friesland", "Drenthe"}
    assert covered["oost"] == {"Gelderland", "Overijssel"}
    assert covered["zuid-holland"] == {"Zuid-Holland"}
    assert covered["zuid"] == {"Noord-Brabant", "Limburg", "Zeeland"}
    assert covered["noordwest"] == {"Noord-Holland", "Utrecht", "Flevoland"}
    # Every province belongs to exactly one hub.
    assert sorted(p for provinces in covered.values() for p in provinces) == sorted(
        Province.objects.values_list("name", flat=True)
    )


def test_fieldlab_counts_per_year_follow_the_public_counts():
    def existing_by_end_of(year):
        return Fieldlab.objects.filter(start_year__lte=year).count()

    assert existing_by_end_of(2015) == 10  # first call
    assert existing_by_end_of(2017) == 29
    assert existing_by_end_of(2018) == 35
    assert existing_by_end_of(2020) == 47


def test_fieldlab_funding_2015_2019_is_314_million_over_five_sources():
    records = fieldlab_funding().filter(status=RecordStatus.APPROVED)
    total = records.aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("314000000.00")  # DESIGN: exactly €314,000,000.00, to the cent
    by_source = dict(records.values_list("source").annotate(s=Sum("amount")))
    assert set(by_source) == set(Source.values)
    assert all(amount > 0 for amount in by_source.values())


def test_private_share_is_near_the_published_split():
    total = fieldlab_funding().aggregate(t=Sum("amount"))["t"]
    private = fieldlab_funding().filter(source=Source.COMPANIES).aggregate(t=Sum("amount"))["t"]
    public = fieldlab_funding().filter(source__in=PUBLIC_SOURCES).aggregate(t=Sum("amount"))["t"]
    assert private + public == total
    assert Decimal("0.40") <= private / total <= Decimal("0.45")


def test_fieldlabs_are_funded_only_in_years_they_existed():
    outside = FundingRecord.objects.filter(fieldlab__isnull=False).filter(
        Q(year__lt=F("fieldlab__start_year")) | Q(fieldlab__end_year__lt=F("year"))
    )
    assert outside.count() == 0
    funded_per_year = {
        year: fieldlab_funding(year, year).values("fieldlab").distinct().count() for year in range(2015, 2020)
    }
    assert funded_per_year == {
        year: Fieldlab.objects.filter(start_year__lte=year).count() for year in range(2015, 2020)
    }


def test_cash_and_in_kind_both_present():
    kinds = set(fieldlab_funding().values_list("kind", flat=True).distinct())
    assert kinds == {"cash", "in_kind"}


def test_every_record_has_provenance_and_published_ones_name_a_source():
    for model in PROVENANCE_MODELS:
        assert not model.objects.exclude(provenance__in=["published", "illustrative"]).exists(), model
        assert not model.objects.filter(provenance="published", provenance_source="").exists(), model
    # Both kinds occur: the dataset is honest about what is illustrative.
    assert Fieldlab.objects.filter(provenance="published").count() == 21
    assert Fieldlab.objects.filter(provenance="illustrative", name__contains="illustratief").count() == 26
    published_funding = FundingRecord.objects.filter(provenance="published")
    assert published_funding.count() == 4
    assert published_funding.get(fieldlab__slug="smart-bending-factory").amount == Decimal("2000000.00")


def test_reference_funding_loads_as_approved():
    assert FundingRecord.objects.count() == len(read_csv("funding.csv"))
    assert set(FundingRecord.objects.values_list("status", flat=True).distinct()) == {RecordStatus.APPROVED}


def test_loading_twice_changes_nothing():
    models = [*PROVENANCE_MODELS, Province]

    def snapshot():
        return {
            model.__name__: (model.objects.count(), model.history.count(), model.objects.aggregate(u=Sum("id"))["u"])
            for model in models
        }

    before = snapshot()
    report = reference_data_load()
    call_command("load_reference_data", verbosity=0)
    assert not report.changed_anything
    assert report.unchanged["FundingRecord"] == FundingRecord.objects.count()
    assert snapshot() == before


def test_loader_keeps_bureau_edits_unless_asked_to_update():
    fieldlab = Fieldlab.objects.get(slug="ramlab")
    fieldlab.theme = "Edited by the bureau"
    fieldlab.save()
    reference_data_load()
    fieldlab.refresh_from_db()
    assert fieldlab.theme == "Edited by the bureau"
    report = reference_data_load(update=True)
    fieldlab.refresh_from_db()
    assert fieldlab.theme == "Large metal 3D printing"
    assert report.updated == {"Fieldlab": 1}
