from django.core.management.base import BaseCommand, CommandError

from funding.rollups import funding_rollup_differences, funding_rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the approved-funding rollups from the records (repair), or with --check only list the groups where "
        "they disagree (exit status 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Compare only; change nothing. Costs a full GROUP BY of the records."
        )

    def handle(self, *args, check, **options):
        if check:
            differences = funding_rollup_differences()
            for difference in differences[:50]:
                self.stdout.write(
                    f"{difference['level']} {difference['group']}: records {difference['records']}, "
                    f"rollup {difference['rollup']}"
                )
            if differences:
                raise CommandError(f"{len(differences)} rollup groups disagree with the records; run rebuild_rollups.")
            self.stdout.write(self.style.SUCCESS("The rollups agree with the records."))
            return
        counts = funding_rollups_rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Rebuilt {counts['groups']} recipient groups and {counts['totals']} total groups.")
        )
