"""Reads of the registry that count or join; all counting is done by the database."""

from django.db.models import Count, Q

from .models import Fieldlab, Participation


def fieldlabs_per_year(*, year_min: int, year_max: int) -> list[dict]:
    """How many fieldlabs existed in each year (started by then, not yet ended): one query with a count per year."""
    years = range(year_min, year_max + 1)
    counts = Fieldlab.objects.aggregate(
        **{
            f"y{year}": Count("id", filter=Q(start_year__lte=year) & (Q(end_year__isnull=True) | Q(end_year__gte=year)))
            for year in years
        }
    )
    return [{"year": year, "fieldlabs": counts[f"y{year}"]} for year in years]


def companies_reached(*, year_min: int | None = None, year_max: int | None = None) -> int:
    """Unique companies that took part in any fieldlab or hub activity in the window (each counted once)."""
    qs = Participation.objects.all()
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    return qs.aggregate(n=Count("company", distinct=True))["n"]
