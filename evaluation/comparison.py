"""Comparing two frozen evaluation runs: what differs (parameters, the data read, every result figure) and why (the
audited changes to that data made between the two runs)."""

from __future__ import annotations

__all__ = ["HISTORY_LIMIT", "evaluation_run_comparison"]

from funding.models import FundingRecord

from .models import ActivityType, EfficiencyNorm, Measurement, OutputGoal, OutputTarget, VerdictBand

# At most this many audited changes per model are listed between two runs.
HISTORY_LIMIT = 200


def _flatten(value, prefix: str = "") -> dict[str, object]:
    """{"a": {"b": [1]}} → {"a.b[0]": 1}; rows keyed by their identifying fields where they have them, so a row
    that moves in a list is compared with itself rather than with its neighbour."""
    flat: dict[str, object] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}[{_row_key(item, index)}]"))
    else:
        flat[prefix] = value
    return flat


_ROW_KEYS = ("code", "activity_type", "goal", "indicator", "hub", "source", "year", "fieldlab", "province", "kind")


def _row_key(item, index: int) -> str:
    if isinstance(item, dict):
        parts = [f"{k}={item[k]}" for k in _ROW_KEYS if k in item and not isinstance(item[k], dict | list)]
        if parts:
            return ",".join(parts)
    return str(index)


def _history_between(start, end) -> list[dict]:
    """Audited changes to the data an evaluation reads, made between two moments. One query per model."""
    tracked = [FundingRecord, Measurement, OutputTarget, OutputGoal, ActivityType, VerdictBand, EfficiencyNorm]
    entries = []
    for model in tracked:
        for h in (
            model.history.filter(history_date__gt=start, history_date__lte=end)
            .select_related("history_user")
            .order_by("history_date", "history_id")[:HISTORY_LIMIT]
        ):
            entries.append(
                {
                    "model": model._meta.model_name,
                    "record_id": h.id,
                    "change": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                    "reason": h.history_change_reason or "",
                    "user": h.history_user.username if h.history_user else None,
                    "when": h.history_date.isoformat(),
                    # The state after the change: enough to see e.g. which amount or status an approved record got.
                    "year": getattr(h, "year", None),
                    "amount": str(getattr(h, "amount", getattr(h, "value", "")) or "") or None,
                    "status": getattr(h, "status", None),
                }
            )
    entries.sort(key=lambda e: (e["when"], e["model"], e["record_id"]))
    return entries


def evaluation_run_comparison(*, run, other) -> dict:
    """What differs between two runs (older first) and why: parameters, the data read (per table) and the audited
    changes made between them, and every result figure that changed."""
    older, newer = sorted([run, other], key=lambda r: (r.created_at, r.pk))
    flat_old, flat_new = _flatten(older.results or {}), _flatten(newer.results or {})
    result_changes = [
        {"path": path, "before": flat_old.get(path), "after": flat_new.get(path)}
        for path in sorted(set(flat_old) | set(flat_new))
        if flat_old.get(path) != flat_new.get(path)
    ]
    tables = sorted(set(older.data_summary or {}) | set(newer.data_summary or {}))
    data_changes = [
        {
            "table": table,
            "before": (older.data_summary or {}).get(table),
            "after": (newer.data_summary or {}).get(table),
        }
        for table in tables
        if (older.data_summary or {}).get(table) != (newer.data_summary or {}).get(table)
    ]
    history = []
    # When each run started is its job's (select_related("job") to read it without a query per run).
    if older.job.started_at and newer.job.started_at:
        history = _history_between(older.job.started_at, newer.job.started_at)
    return {
        "older": older.pk,
        "newer": newer.pk,
        "same_parameters": older.parameters == newer.parameters,
        "same_fingerprint": older.fingerprint == newer.fingerprint,
        "identical_results": not result_changes,
        "parameters": {"before": older.parameters, "after": newer.parameters},
        "data_changes": data_changes,
        "changes_between_runs": history,
        "result_changes": result_changes,
    }
