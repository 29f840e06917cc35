"""Synthetic companies and participations for benchmarks: the "companies reached" figures see volume too."""

from django.db import transaction

from core.models import Provenance
from devtools.bulk import bulk_load
from devtools.spread import Spread, mix
from registry.choices import CompanySize, SupportType
from registry.models import Company, Fieldlab, Hub, Participation

SYNTHETIC = "Synthetic scale data from `manage.py generate_scale_data`, for benchmarks only"


@transaction.atomic
def participations_generate(*, companies: int, participations: int, start_year: int, end_year: int) -> dict[str, int]:
    """Add ``companies`` new companies and ``participations`` of them at every fieldlab and hub, every year.

    Only this run's companies take part, so the participations never collide with earlier ones.
    """
    if companies < 1 or participations < 0:
        return {"companies": 0, "participations": 0}
    offset = Company.objects.filter(provenance_source=SYNTHETIC).count()
    sizes = CompanySize.values
    bulk_load(
        Company,
        (
            {
                "name": f"Synthetic company {offset + i:07d}",
                "size_class": sizes[mix(i, 1) % len(sizes)],
                "provenance": Provenance.ILLUSTRATIVE,
                "provenance_source": SYNTHETIC,
            }
            for i in range(companies)
        ),
    )
    company_pks = list(
        Company.objects.filter(provenance_source=SYNTHETIC).order_by("pk").values_list("pk", flat=True)[offset:]
    )
    hosts = [("fieldlab_id", pk) for pk in Fieldlab.objects.order_by("pk").values_list("pk", flat=True)]
    hosts += [("hub_id", pk) for pk in Hub.objects.order_by("pk").values_list("pk", flat=True)]
    years = list(range(start_year, end_year + 1))
    supports = SupportType.values
    spread = Spread([len(company_pks), len(hosts), len(years), len(supports)])
    participations = min(participations, spread.capacity)

    def rows():
        for index in range(participations):
            company, host, year, support = spread.key(index)
            field, pk = hosts[host]
            yield {
                "company_id": company_pks[company],
                field: pk,
                "year": years[year],
                "support_type": supports[support],
                "provenance": Provenance.ILLUSTRATIVE,
                "provenance_source": SYNTHETIC,
            }

    made = bulk_load(Participation, rows(), big=participations >= 100_000)
    return {"companies": len(company_pks), "participations": made}
