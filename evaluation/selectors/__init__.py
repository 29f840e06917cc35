"""Reads of the evaluation: every sum and count is computed by the database (GROUP BY), never by a Python loop over
records. Python only combines the few aggregated rows (one per group) into ratios and verdicts.

Each selector answers in a fixed number of queries, whatever the number of records (pinned in tests). Money is
Decimal quantised to cents, ratios to four decimals; the API turns both into strings unchanged. Selectors take parsed,
typed arguments: evaluation.filters turns query parameters into them.

The rooms:
- measurements.py: approved measurements, the hubs' reported reach;
- effectiveness.py: actual against target, verdicts from the bands;
- efficiency.py: cost per unit of output against the norms, also from the regions' view.
Approved funding (per group, the running total, leverage, and FundingFilters, what they filter by) is read through
funding.selectors, the one home of the funding sums; money and ratios are rounded by core.numbers.
Above them, evaluation.checks (the five recommendations) and evaluation.results (the whole evaluation and its data
fingerprint) combine these reads; evaluation.comparison compares two frozen runs. Unique companies reached is one
definition for the whole portal: registry.selectors.companies_reached.
"""

__all__ = [
    "CENT",
    "ONE",
    "RATIO",
    "ZERO",
    "approved_measurements",
    "cost_per_output",
    "effectiveness_tables",
    "efficiency_by_activity_type",
    "jsonable",
    "measured_reach_by_year",
    "measurement_totals",
    "money",
    "per_unit",
    "ratio",
    "regional_cost_per_output",
    "verdict_bands",
    "verdict_for",
]

from core.numbers import CENT, ONE, RATIO, ZERO, jsonable, money, per_unit, ratio

from .effectiveness import effectiveness_tables, verdict_bands, verdict_for
from .efficiency import cost_per_output, efficiency_by_activity_type, regional_cost_per_output
from .measurements import approved_measurements, measured_reach_by_year, measurement_totals
