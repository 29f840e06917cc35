from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from devtools.scale_data.evaluation import measurements_generate
from devtools.scale_data.funding import END_YEAR, START_YEAR, scale_data_generate
from devtools.scale_data.registry import participations_generate
from evaluation.models import Measurement
from funding.models import FundingRecord
from registry.models import Fieldlab, Participation


class Command(BaseCommand):
    help = (
        "Bulk-load synthetic fieldlabs, funding records (every year, source, recipient kind and status), measurements, "
        "companies and participations, marked illustrative, for benchmarks. Deterministic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fieldlabs", type=int, required=True)
        parser.add_argument("--records", type=int, required=True)
        parser.add_argument("--start-year", type=int, default=START_YEAR)
        parser.add_argument("--end-year", type=int, default=END_YEAR)
        parser.add_argument(
            "--measurements", type=int, default=None, help="Measurements to add (default: one per 20 records)."
        )
        parser.add_argument(
            "--participations", type=int, default=None, help="Participations to add (default: one per 10 records)."
        )

    def handle(self, *args, fieldlabs, records, start_year, end_year, measurements, participations, **options):
        started = perf_counter()
        years = {"start_year": start_year, "end_year": end_year}
        measurements = records // 20 if measurements is None else measurements
        participations = records // 10 if participations is None else participations
        try:
            with transaction.atomic():
                made = scale_data_generate(fieldlabs=fieldlabs, records=records, **years)
                new_fieldlabs = list(
                    Fieldlab.objects.filter(slug__startswith="scale-")
                    .order_by("-pk")
                    .values_list("pk", flat=True)[: made["fieldlabs"]]
                )
                made["measurements"] = measurements_generate(
                    measurements=measurements, fieldlab_pks=sorted(new_fieldlabs), **years
                )
                made.update(
                    participations_generate(
                        companies=max(1, participations // 5), participations=participations, **years
                    )
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            # Statistics for the planner (and the lists' estimated counts), and the visibility map, without which a
            # deep page's primary-key subquery cannot be answered from the index alone (autovacuum would, later).
            # VACUUM cannot run inside a transaction (a caller's, or a test's): ANALYZE there.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (FundingRecord, FundingRecord.history.model, Measurement, Participation):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        summary = ", ".join(f"{value} {key}" for key, value in made.items())
        self.stdout.write(self.style.SUCCESS(f"Added {summary} in {perf_counter() - started:.1f} s."))
