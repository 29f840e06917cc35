"""The evaluation page's downloads (core/exporters): each table of the page, for the chosen year window, as one
registered exporter. Its columns are the selector's row keys, in the selector's order; money keeps two decimals."""

from collections.abc import Callable
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.exporters import ExportInvalid, RowsExporter, register
from funding import selectors as funding_selectors
from funding.choices import RecipientKind

from . import selectors
from .checks import recommendation_checks
from .filters import parse_year_window


class EvaluationDownload(RowsExporter):
    """One table of the evaluation page over ``?year_min&year_max`` (the evaluation's window by default)."""

    bom = True
    money_cells = True
    empty_header = ("empty",)
    table: ClassVar[Callable[[int, int], list[dict]]]

    def window(self) -> tuple[int, int]:
        try:
            return parse_year_window({key: values[-1] for key, values in self.query.items() if values})
        except ValidationError as exc:
            raise ExportInvalid(exc.message_dict) from exc

    def file_name(self):
        year_min, year_max = self.window()
        return f"{self.filename}-{year_min}-{year_max}.{self.format}"

    def compute(self):
        return type(self).table(*self.window())


def _fieldlab_funding(year_min: int, year_max: int) -> list[dict]:
    filters = funding_selectors.FundingFilters(
        year_min=year_min, year_max=year_max, recipient_kind=RecipientKind.FIELDLAB
    )
    return funding_selectors.funding_totals(group_by=["source", "year"], filters=filters)


def _recommendations(year_min: int, year_max: int) -> list[dict]:
    return [
        {
            "number": c["number"],
            "code": c["code"],
            "title": c["title"],
            "status": c["status"],
            "compliant": c["compliant"],
            "total": c["total"],
            "share": c["share"],
            "causes": "; ".join(f"{r['code']}: {r['problem']}" for r in c["records"]),
        }
        for c in recommendation_checks(year_min=year_min, year_max=year_max)
    ]


@register
class FieldlabFundingDownload(EvaluationDownload):
    key = "evaluation:funding"
    verbose_name = _("Fieldlab funding per source and year")
    filename = "fieldlab-funding"
    table = staticmethod(_fieldlab_funding)


@register
class EffectivenessDownload(EvaluationDownload):
    key = "evaluation:effectiveness"
    verbose_name = _("Effectiveness per activity type and year")
    filename = "effectiveness"
    table = staticmethod(
        lambda year_min, year_max: selectors.effectiveness_tables(year_min=year_min, year_max=year_max)["by_year"]
    )


@register
class CostPerOutputDownload(EvaluationDownload):
    key = "evaluation:efficiency"
    verbose_name = _("Cost per unit of output")
    filename = "cost-per-output"
    table = staticmethod(lambda year_min, year_max: selectors.cost_per_output(year_min=year_min, year_max=year_max))


@register
class RegionalCostPerOutputDownload(EvaluationDownload):
    key = "evaluation:regional-efficiency"
    verbose_name = _("Regional cost per unit of output")
    filename = "regional-cost-per-output"
    table = staticmethod(
        lambda year_min, year_max: selectors.regional_cost_per_output(year_min=year_min, year_max=year_max)
    )


@register
class RecommendationsDownload(EvaluationDownload):
    key = "evaluation:recommendations"
    verbose_name = _("Recommendations")
    filename = "recommendations"
    table = staticmethod(_recommendations)


# The page's download links name a table ("evaluation:download", <table>.<format>): the exporter of each.
DOWNLOADS: dict[str, type[EvaluationDownload]] = {
    exporter.key.removeprefix("evaluation:"): exporter
    for exporter in (
        FieldlabFundingDownload,
        EffectivenessDownload,
        CostPerOutputDownload,
        RegionalCostPerOutputDownload,
        RecommendationsDownload,
    )
}
