"""manage.py evaluate [--format table|csv|json] [--year-min Y] [--year-max Y]: print the evaluation tables."""

import csv
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from evaluation.filters import parse_year_window
from evaluation.results import evaluation_results
from evaluation.services import evaluation_run_start

# (title, key in the results, columns): the tables, in the order a reader of the evaluation expects them.
TABLES = [
    (_("Approved funding by source and year"), "funding_by_source_year", ["source", "year", "amount", "records"]),
    (_("Fieldlab funding by source"), "fieldlab_funding_by_source", ["source", "amount", "records"]),
    (_("Cumulative funding per year"), "funding_cumulative", ["year", "amount", "records", "cumulative"]),
    (_("Funding by activity type"), "funding_by_activity_type", ["activity_type", "amount", "records"]),
    (
        _("Effectiveness per activity type"),
        "effectiveness.overall",
        ["activity_type", "goals", "measurable_goals", "ratio", "verdict"],
    ),
    (
        _("Effectiveness per activity type and year"),
        "effectiveness.by_year",
        ["activity_type", "year", "measurable_goals", "ratio", "verdict"],
    ),
    (
        _("Output goals: actual against target"),
        "effectiveness.goals",
        ["activity_type", "goal", "indicator", "year", "target", "actual", "ratio"],
    ),
    (
        _("Cost per unit of output"),
        "cost_per_output",
        ["activity_type", "indicator", "cost", "output", "cost_per_unit", "norm", "verdict"],
    ),
    (
        _("The regions' view: regional euro per unit of regional output"),
        "regional_cost_per_output",
        ["hub", "activity_type", "indicator", "regional_amount", "output", "cost_per_unit", "norm", "verdict"],
    ),
    (_("Efficiency per activity type"), "efficiency", ["activity_type", "verdict", "regional_verdict"]),
    (_("Recommendations"), "recommendations", ["number", "code", "status", "compliant", "total", "share", "title"]),
]


def _lookup(results: dict, dotted: str):
    value = results
    for part in dotted.split("."):
        value = value[part]
    return value


class Command(BaseCommand):
    help = "Print the evaluation tables (effectiveness, efficiency, recommendations) computed from the records."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--year-min", type=int, default=None)
        parser.add_argument("--year-max", type=int, default=None)
        parser.add_argument(
            "--save",
            action="store_true",
            help="Also freeze the evaluation as a run (parameters, fingerprint, results).",
        )

    def handle(self, *args, **options):
        try:
            year_min, year_max = parse_year_window({"year_min": options["year_min"], "year_max": options["year_max"]})
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        if options["save"]:
            run = evaluation_run_start(actor=None, parameters={"year_min": year_min, "year_max": year_max})
            run.refresh_from_db()
            self.stderr.write(f"run {run.pk}: {run.job.status} {run.fingerprint}")
        results = evaluation_results(year_min=year_min, year_max=year_max)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(results, indent=2, ensure_ascii=False))
            return
        for index, (title, key, columns) in enumerate(TABLES):
            rows = _lookup(results, key)
            if index:
                self.stdout.write("")
            if fmt == "csv":
                self.stdout.write(f"# {title} ({year_min}-{year_max})")
                writer = csv.writer(self.stdout, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
            else:
                self._table(f"{title} ({year_min}–{year_max})", columns, rows)
        if fmt == "table":
            self._leverage(results)

    def _table(self, title, columns, rows):
        cells = [[("–" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        self.stdout.write("  ".join("-" * w for w in widths))
        for r in cells:
            self.stdout.write(
                "  ".join(v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(r, widths, strict=True))
            )

    def _leverage(self, results):
        lev, reach = results["leverage"], results["companies_reached"]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Leverage and reach")))
        self.stdout.write(
            f"private {lev['private']}  public {lev['public']}  private euro per public euro {lev['leverage']}"
        )
        self.stdout.write(
            f"companies reached {reach['unique_companies']} "
            f"(at fieldlabs {reach['companies_at_fieldlabs']}, at hubs {reach['companies_at_hubs']}; "
            f"company-fieldlab pairs {reach['company_fieldlab_pairs']})"
        )


def _numeric(value: str) -> bool:
    return value.replace(".", "", 1).replace("-", "", 1).isdigit()
