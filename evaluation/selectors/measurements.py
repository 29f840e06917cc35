"""Approved measurements (the indicators' actual figures), summed by the database."""

from __future__ import annotations

__all__ = ["REACH_UNITS", "approved_measurements", "measured_reach_by_year", "measurement_totals"]

from django.db.models import Count, F, Sum

from core.numbers import money

from ..choices import IndicatorUnit
from ..models import Measurement

# Indicators that count companies: what the hubs report as their reach.
REACH_UNITS = (IndicatorUnit.COMPANIES_REACHED, IndicatorUnit.COMPANIES_PARTICIPATING)


def approved_measurements(*, year_min: int | None = None, year_max: int | None = None):
    qs = Measurement.objects.filter(status="approved")
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return qs


def measured_reach_by_year(*, year_min: int | None = None, year_max: int | None = None) -> list[dict]:
    """Companies reached per year as reported in approved measurements (indicators counting companies). One query.

    These are the hubs' reported figures; the count of unique companies from the participation records is
    registry.selectors.companies_reached."""
    return [
        {"year": row["year"], "companies": money(row["companies"])}
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .filter(indicator__unit__in=REACH_UNITS)
        .values("year")
        .annotate(companies=Sum("value"))
        .order_by("year")
    ]


def measurement_totals(*, year_min: int | None = None, year_max: int | None = None) -> list[dict]:
    """Approved output per activity type, indicator and year. One query."""
    return [
        {**row, "value": money(row["value"])}
        for row in approved_measurements(year_min=year_min, year_max=year_max)
        .values("year", activity_type_code=F("activity_type__code"), indicator_code=F("indicator__code"))
        .annotate(value=Sum("value"), measurements=Count("id"))
        .order_by("activity_type_code", "indicator_code", "year")
    ]
