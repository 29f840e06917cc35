"""Synthetic measurements for benchmarks: the evaluation's tables see volume, in every workflow status."""

from decimal import Decimal

from django.db import transaction

from core.models import Provenance
from devtools.bulk import bulk_load
from devtools.scale_data.funding import SYNTHETIC, review_fields, status_of
from devtools.spread import Spread, mix
from evaluation.models import Measurement, OutputGoal
from registry.models import Fieldlab, Hub


@transaction.atomic
def measurements_generate(*, measurements: int, fieldlab_pks: list[int], start_year: int, end_year: int) -> int:
    """Add up to ``measurements`` measurements of the indicators the output goals name, per activity type, at the
    given fieldlabs (new ones, so no earlier measurement collides), the hubs and programme-wide.

    Returns how many were added (0 without output goals to measure, as in a database without reference data).
    """
    pairs = sorted(
        set(OutputGoal.objects.filter(indicator__isnull=False).values_list("activity_type_id", "indicator_id"))
    )
    if not pairs or measurements < 1 or not fieldlab_pks:
        return 0
    hosts = [("fieldlab_id", pk) for pk in fieldlab_pks]
    hosts += [("hub_id", pk) for pk in Hub.objects.order_by("pk").values_list("pk", flat=True)]
    hosts.append((None, None))  # programme-wide
    years = list(range(start_year, end_year + 1))
    spread = Spread([len(years), len(pairs), len(hosts)])
    count = min(measurements, spread.capacity)
    # The new fieldlabs have no measurements yet; the hubs and the programme may (reference data, earlier runs).
    taken = set(
        Measurement.objects.filter(fieldlab__isnull=True).values_list(
            "activity_type_id", "indicator_id", "year", "hub_id"
        )
    )
    now = Fieldlab.objects.filter(pk__in=fieldlab_pks[:1]).values_list("created_at", flat=True).first()

    def rows():
        for index in range(count):
            year, pair, host = spread.key(index)
            activity_type, indicator = pairs[pair]
            field, pk = hosts[host]
            if field != "fieldlab_id" and (activity_type, indicator, years[year], pk) in taken:
                continue  # measured already (reference data or an earlier run)
            draw = mix(index, 2)
            row = {
                "activity_type_id": activity_type,
                "indicator_id": indicator,
                "year": years[year],
                "value": Decimal(1 + draw % 500),
                "provenance": Provenance.ILLUSTRATIVE,
                "provenance_source": SYNTHETIC,
                **review_fields(status_of(draw >> 8), now),
            }
            if field:
                row[field] = pk
            yield row

    return bulk_load(Measurement, rows())
