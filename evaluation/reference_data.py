"""Reference data of the evaluation module: reference_data/evaluation.yaml and evaluation_measurements.csv.

Called by `manage.py load_reference_data` after the registry and funding reference data (activity types, hubs and
fieldlabs must exist). Idempotent like the rest of the loader: a record that exists (by its natural key) is kept as
it is, so a second load creates nothing and later edits by the bureau survive.

Besides the evaluation tables it adds illustrative registry.Company and registry.Participation rows
(evaluation_participations.csv): the evaluation needs them to count unique companies reached across fieldlabs.
They are bulk-inserted (validated in Python first, history rows written alongside) because there are ~1,150.

reference_data_load loads the whole dataset in order: the registry's part (registry/reference_data.py), the activity
types, funding's part (funding/reference_data.py), then this. It lives here, on top, because the evaluation's data
builds on the registry's and funding's and not the other way round: their loaders do not know this one exists.
"""

__all__ = ["activity_types_reference_load", "evaluation_reference_load", "reference_data_load"]

from datetime import date
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.reference_data import LoadReport, ensure, provenance, read_csv, read_yaml
from core.services import audited_save
from funding.reference_data import funding_reference_load
from registry.models import Company, Fieldlab, Hub, Participation
from registry.reference_data import registry_reference_load

from .models import (
    ActivityType,
    Bottleneck,
    EfficiencyNorm,
    FollowUpAction,
    Indicator,
    Measurement,
    OutputGoal,
    OutputTarget,
    Recommendation,
    VerdictBand,
)


@transaction.atomic
def reference_data_load(*, actor=None, update: bool = False) -> LoadReport:
    """Load the whole reference dataset, all or nothing: organisations and fieldlabs, funding, then the evaluation."""
    report = LoadReport()
    registry_reference_load(report=report, actor=actor, update=update)
    activity_types = activity_types_reference_load(report=report, actor=actor, update=update)
    funding_reference_load(report=report, activity_types=activity_types, actor=actor, update=update)
    report.merge("created", evaluation_reference_load(actor=actor))
    return report


def activity_types_reference_load(*, report: LoadReport, actor=None, update: bool = False) -> dict:
    """The activity types (activity_types.csv); funding records are tagged with them. Returns them by code."""
    for row in read_csv("activity_types.csv"):
        ensure(
            ActivityType,
            {"code": row["code"]},
            {
                "name": row["name"],
                "name_nl": row.get("name_nl", ""),
                "lead_level": row["lead_level"],
                "sort_order": int(row["sort_order"]),
                "target_groups": row["target_groups"],
                **provenance(row),
            },
            report=report,
            actor=actor,
            update=update,
        )

    return {a.code: a for a in ActivityType.objects.all()}


def evaluation_reference_load(*, actor=None) -> dict[str, int]:
    """Load the evaluation reference data; return counts of rows created per model."""
    data = read_yaml("evaluation.yaml")
    report = LoadReport()
    illustrative = {"provenance": "illustrative", "provenance_source": data["illustrative_note"]}

    def put(model, key, values, **kwargs):
        return ensure(model, key, values, report=report, actor=actor, **kwargs)

    with transaction.atomic():
        activity_types = {a.code: a for a in ActivityType.objects.all()}
        # The evaluation attributes of activity types are applied on the first load only (no recommendation yet):
        # afterwards they are the bureau's to change, and a reload must not undo that.
        if not Recommendation.objects.exists():
            for code, attributes in data["activity_types"].items():
                activity_type = activity_types.get(code)
                if activity_type is None:
                    continue
                changed = [k for k, v in attributes.items() if getattr(activity_type, k) != v]
                if changed:
                    for name in changed:
                        setattr(activity_type, name, attributes[name])
                    audited_save(activity_type, actor=actor, reason="reference data (evaluation attributes)")
                    report.count("updated", ActivityType)

        for band in data["verdict_bands"]:
            put(
                VerdictBand,
                {"verdict": band["verdict"]},
                {"min_ratio": Decimal(band["min_ratio"]), "description": band["description"], **illustrative},
            )
        bottlenecks = {
            row["code"]: put(
                Bottleneck,
                {"code": row["code"]},
                {"name": row["name"], "name_nl": row.get("name_nl", ""), "sort_order": row["order"], **illustrative},
            )
            for row in data["bottlenecks"]
        }
        indicators = {
            row["code"]: put(
                Indicator,
                {"code": row["code"]},
                {"name": row["name"], "name_nl": row.get("name_nl", ""), "unit": row["unit"], **illustrative},
            )
            for row in data["indicators"]
        }
        for row in data["output_goals"]:
            created_before = report.created.get("OutputGoal", 0)
            goal = put(
                OutputGoal,
                {"code": row["code"]},
                {
                    "name": row["name"],
                    "name_nl": row.get("name_nl", ""),
                    "activity_type": activity_types[row["activity_type"]],
                    "indicator": indicators[row["indicator"]] if row["indicator"] else None,
                    **illustrative,
                },
            )
            if report.created.get("OutputGoal", 0) > created_before:
                goal.bottlenecks.set([bottlenecks[code] for code in row["bottlenecks"]])
            for year, value in row["targets"].items():
                put(OutputTarget, {"goal": goal, "year": int(year)}, {"value": Decimal(value), **illustrative})
        for row in data["efficiency_norms"]:
            put(
                EfficiencyNorm,
                {"activity_type": activity_types[row["activity_type"]], "indicator": indicators[row["indicator"]]},
                {
                    "max_cost_per_unit": Decimal(row["max"]),
                    "max_regional_cost_per_unit": Decimal(row["regional_max"]) if row.get("regional_max") else None,
                    **illustrative,
                },
            )
        recommendations = {
            row["code"]: put(
                Recommendation,
                {"code": row["code"]},
                {
                    "number": row["number"],
                    "title": row["title"],
                    "title_nl": row.get("title_nl", ""),
                    "text": row["text"],
                    "text_nl": row.get("text_nl", ""),
                    "provenance": "published",
                    "provenance_source": data["recommendations_source"],
                },
            )
            for row in data["recommendations"]
        }
        for row in data["follow_up_actions"]:
            due = row.get("due_date")
            put(
                FollowUpAction,
                {"recommendation": recommendations[row["recommendation"]], "title": row["title"]},
                {
                    "title_nl": row.get("title_nl", ""),
                    "owner": row["owner"],
                    "owner_nl": row.get("owner_nl", ""),
                    "due_date": due if isinstance(due, date) or due is None else date.fromisoformat(due),
                    "status": row["status"],
                    "provenance": "illustrative",
                    "provenance_source": "Illustrative follow-up action, not taken from a published source",
                },
            )

        fieldlabs = {f.slug: f for f in Fieldlab.objects.all()}
        hubs = {h.slug: h for h in Hub.objects.all()}
        existing = {
            (m.activity_type_id, m.indicator_id, m.year, m.fieldlab_id, m.hub_id): m for m in Measurement.objects.all()
        }
        for row in read_csv("evaluation_measurements.csv"):
            key = {
                "activity_type_id": activity_types[row["activity_type"]].pk,
                "indicator_id": indicators[row["indicator"]].pk,
                "year": int(row["year"]),
                "fieldlab_id": fieldlabs[row["fieldlab"]].pk if row["fieldlab"] else None,
                "hub_id": hubs[row["hub"]].pk if row["hub"] else None,
            }
            put(
                Measurement,
                key,
                {
                    "value": Decimal(row["value"]),
                    # Reference figures are the evaluation's accepted figures: they load as approved.
                    "status": "approved",
                    "provenance": row["provenance"],
                    "provenance_source": row["provenance_source"],
                },
                existing=existing,
            )
        _load_participations(read_csv("evaluation_participations.csv"), fieldlabs, report, actor)
    return report.created


def _load_participations(rows, fieldlabs, report, actor) -> None:
    reason = "reference data"
    companies = {c.name: c for c in Company.objects.filter(name__in={r["company"] for r in rows})}
    new_companies = []
    for row in rows:
        if row["company"] not in companies:
            company = Company(
                name=row["company"],
                size_class=row["size_class"],
                provenance=row["provenance"],
                provenance_source=row["provenance_source"],
            )
            company.full_clean(validate_constraints=False)  # the database still enforces every constraint
            companies[company.name] = company
            new_companies.append(company)
    if new_companies:
        bulk_create_with_history(new_companies, Company, default_user=actor, default_change_reason=reason)
        # bulk_create does not return ids on every backend: read them back by name.
        companies = {c.name: c for c in Company.objects.filter(name__in=set(companies))}
        report.merge("created", {"Company": len(new_companies)})
    existing = set(
        Participation.objects.filter(fieldlab__isnull=False).values_list(
            "company_id", "fieldlab_id", "year", "support_type"
        )
    )
    new_participations = []
    for row in rows:
        company, fieldlab = companies[row["company"]], fieldlabs[row["fieldlab"]]
        key = (company.pk, fieldlab.pk, int(row["year"]), row["support_type"])
        if key in existing:
            continue
        existing.add(key)
        participation = Participation(
            company=company,
            fieldlab=fieldlab,
            year=int(row["year"]),
            support_type=row["support_type"],
            provenance=row["provenance"],
            provenance_source=row["provenance_source"],
        )
        participation.full_clean(validate_constraints=False)
        new_participations.append(participation)
    if new_participations:
        bulk_create_with_history(new_participations, Participation, default_user=actor, default_change_reason=reason)
        report.merge("created", {"Participation": len(new_participations)})
