"""Reads of the evaluation: every sum and count is computed by the database (GROUP BY), never by a Python loop over
records. Python only combines the few aggregated rows (one per group) into ratios and verdicts.

Each selector answers in a fixed number of queries, whatever the number of records (pinned in tests). Money is
Decimal quantised to cents, ratios to four decimals; the API turns both into strings unchanged. Selectors take parsed,
typed arguments: evaluation.filters turns query parameters into them.

The rooms:
- funding.py: approved funding per group, running total, leverage (and FundingFilters, what they filter by);
- measurements.py: approved measurements, the hubs' reported reach;
- effectiveness.py: actual against target, verdicts from the bands;
- efficiency.py: cost per unit of output against the norms, also from the regions' view;
- numbers.py: rounding of money and ratios.
Above them, evaluation.checks (the five recommendations) and evaluation.results (the whole evaluation and its data
fingerprint) combine these reads; evaluation.comparison compares two frozen runs. Unique companies reached is one
definition for the whole portal: registry.selectors.companies_reached.
"""

__all__ = [
    "CENT",
    "GROUP_KEYS",
    "ONE",
    "RATIO",
    "ZERO",
    "FundingFilters",
    "approved_funding",
    "approved_measurements",
    "cost_per_output",
    "effectiveness_tables",
    "efficiency_by_activity_type",
    "funding_cumulative",
    "funding_leverage",
    "funding_leverage_by",
    "funding_totals",
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

from .effectiveness import effectiveness_tables, verdict_bands, verdict_for
from .efficiency import cost_per_output, efficiency_by_activity_type, regional_cost_per_output
from .funding import (
    GROUP_KEYS,
    FundingFilters,
    approved_funding,
    funding_cumulative,
    funding_leverage,
    funding_leverage_by,
    funding_totals,
)
from .measurements import approved_measurements, measured_reach_by_year, measurement_totals
from .numbers import CENT, ONE, RATIO, ZERO, jsonable, money, per_unit, ratio
