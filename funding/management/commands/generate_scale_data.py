from django.core.management.base import BaseCommand, CommandError

from funding.scale_data import scale_data_generate


class Command(BaseCommand):
    help = "Bulk-load synthetic fieldlabs and approved funding records (marked illustrative) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--fieldlabs", type=int, required=True)
        parser.add_argument("--records", type=int, required=True)

    def handle(self, *args, fieldlabs, records, **options):
        try:
            made = scale_data_generate(fieldlabs=fieldlabs, records=records)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Added {made['fieldlabs']} fieldlabs and {made['records']} records."))
