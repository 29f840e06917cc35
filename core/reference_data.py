"""Reading the committed reference dataset (reference_data/*.yaml, *.csv) and writing it idempotently: the helpers
every app's loader shares (registry/reference_data.py, evaluation/reference_data.py).

A record that exists already (by its natural key) is left as it is, so a second load changes nothing and a bureau's
later edits survive; `update=True` overwrites differing fields from the files instead. Every row goes through the
database's constraints and is written with its history entry, like any other write.
"""

__all__ = ["REASON", "REFERENCE_DIR", "LoadReport", "ensure", "provenance", "read_csv", "read_yaml"]

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models

from .services import audited_save

REFERENCE_DIR = Path(settings.BASE_DIR) / "reference_data"
REASON = "reference data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, model: type[models.Model]) -> None:
        counts = getattr(self, bucket)
        name = model._meta.object_name
        counts[name] = counts.get(name, 0) + 1

    def merge(self, bucket: str, counts: dict[str, int]) -> None:
        target = getattr(self, bucket)
        for name, n in counts.items():
            target[name] = target.get(name, 0) + n

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_yaml(name: str) -> dict:
    with open(REFERENCE_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


def ensure(
    model: type[models.Model],
    key: dict,
    values: dict,
    *,
    existing: dict | None = None,
    report: LoadReport,
    actor=None,
    update: bool = False,
) -> models.Model:
    """Create the record with this natural key, or (with update) bring an existing one in line with the file."""
    instance = existing.get(tuple(key.values())) if existing is not None else model.objects.filter(**key).first()
    if instance is None:
        # The database enforces every constraint on insert; previewing each in Python costs a query apiece.
        instance = audited_save(model(**key, **values), actor=actor, reason=REASON, validate_constraints=False)
        report.count("created", model)
        return instance
    differing = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if not update:
        # A Dutch text the files gained after the record was loaded (a `*_nl` field still empty) is filled in: it
        # adds a translation and overwrites nothing the bureau wrote.
        differing = {n: v for n, v in differing.items() if n.endswith("_nl") and v and not getattr(instance, n)}
    if differing:
        for name, value in differing.items():
            setattr(instance, name, value)
        audited_save(instance, actor=actor, reason=REASON + " (updated)", validate_constraints=False)
        report.count("updated", model)
    else:
        report.count("unchanged", model)
    return instance


def provenance(row: dict) -> dict:
    """The provenance fields of a row of the files."""
    return {"provenance": row["provenance"], "provenance_source": row.get("provenance_source", "") or ""}
