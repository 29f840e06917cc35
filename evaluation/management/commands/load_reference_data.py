from django.core.management.base import BaseCommand

# The whole dataset: registry, funding, then the evaluation's part, which builds on the others. So the command lives
# here, with the one function that loads them all in order: a lower app cannot name the evaluation's loader.
from evaluation.reference_data import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the committed reference dataset (reference_data/): partners, bureau, provinces, hubs, 47 fieldlabs, "
        "funders, funding records and the evaluation's reference data. Idempotent: existing records are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="Overwrite existing records whose values differ from the files."
        )

    def handle(self, *args, update=False, **options):
        report = reference_data_load(update=update)
        if options["verbosity"] >= 1:
            for bucket in ("created", "updated", "unchanged"):
                counts = {k: v for k, v in getattr(report, bucket).items() if v}
                if counts:
                    summary = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
                    self.stdout.write(f"{bucket}: {summary}")
            if not report.changed_anything:
                self.stdout.write(self.style.SUCCESS("Reference data already loaded; nothing changed."))
            else:
                self.stdout.write(self.style.SUCCESS("Reference data loaded."))
