"""The site-wide change log: every django-simple-history record of every model, newest first, filtered by user,
model, action and date, each with its differences (field label: old → new) against the record's previous version.

The history tables are read as one ``UNION ALL`` of (id, date, model) rows, so ordering, counting and paging happen in
the database; only the page's rows are then loaded, per model, with their previous versions.
"""

from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import models
from django.db.models import IntegerField, Value
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from core.reasons import reason_label

__all__ = ["ACTIONS", "ChangeLogFilterForm", "change_log_page", "history_models"]

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Bookkeeping columns every save touches: shown nowhere as a "change".
TECHNICAL_FIELDS = {"updated_at", "created_at", "version"}
PAGE_SIZE = 50

# Where a record of a model is shown in the portal: (url name, attribute of the record that the URL takes).
DETAIL_URLS = {
    "registry.hub": ("registry:hub_detail", "slug"),
    "registry.fieldlab": ("registry:fieldlab_detail", "slug"),
    "registry.partner": ("registry:partner_detail", "slug"),
    "registry.company": ("registry:company_detail", "id"),
    "funding.funder": ("funding:funder_detail", "slug"),
    "funding.fundingrecord": ("funding:funding_record_detail", "id"),
}


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def history_models() -> list[tuple]:
    """(model, its historical model) for every model with a history, in a stable order (by label)."""
    pairs = [
        (model.instance_type, model)
        for model in apps.get_models()
        # Not the m2m through tables' histories: their rows are part of their owner's history entry.
        if issubclass(model, HistoricalChanges)
        and hasattr(model, "instance_type")
        and _has_field(model, "history_date")
    ]
    return sorted(pairs, key=lambda pair: pair[0]._meta.label_lower)


def _model_choices():
    return [("", _("every model"))] + [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize()) for model, _h in history_models()
    ]


def _user_choices():
    users = get_user_model().objects.order_by("username").values_list("username", flat=True)
    return [("", _("everyone"))] + [(name, name) for name in users]


class ChangeLogFilterForm(forms.Form):
    user = forms.ChoiceField(label=_("User"), required=False)
    model = forms.ChoiceField(label=_("Model"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("every action")), *ACTIONS.items()])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _user_choices()
        self.fields["model"].choices = _model_choices()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@dataclass
class ChangeLogEntry:
    date: object
    user: object
    action: str
    action_label: str
    model_label: str
    object_label: str
    url: str
    reason: str
    changes: list


def _filtered(historical, filters: dict):
    qs = historical.objects.all()
    if filters.get("user"):
        qs = qs.filter(history_user__username=filters["user"])
    if filters.get("action"):
        qs = qs.filter(history_type=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(history_date__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(history_date__date__lte=filters["date_to"])
    return qs


def _display(model_field, value, related: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.many_to_many:
        return ", ".join(str(related.get((model_field.name, v), v)) for v in value) or "—"
    if model_field.is_relation:
        return str(related.get((model_field.name, value), value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DecimalField):
        # As amounts show elsewhere on the page's language: 12.500,00 in Dutch, 12,500.00 in English.
        return number_format(value, decimal_pos=model_field.decimal_places, use_l10n=True, force_grouping=True)
    return str(value)


def _object_label(model, record) -> str:
    name = getattr(record, "name", "") or getattr(record, "username", "")
    return str(name) if name else f"{str(model._meta.verbose_name).capitalize()} #{record.id}"


def _object_url(model, record) -> str:
    spec = DETAIL_URLS.get(model._meta.label_lower)
    if spec is None or record.history_type == "-":
        return ""
    try:
        return reverse(spec[0], args=[getattr(record, spec[1])])
    except NoReverseMatch:
        return ""


def _m2m_id(row, target: str):
    return row.get(target) if isinstance(row, dict) else row


def _entries(model, records: list) -> dict:
    """history_id → ChangeLogEntry for these historical records of one model, diffs resolved with labels."""
    deltas = {}
    fk_ids: dict[str, set] = {}
    for record in records:
        previous = record.prev_record if record.history_type == "~" else None
        delta = record.diff_against(previous, excluded_fields=TECHNICAL_FIELDS) if previous is not None else None
        deltas[record.history_id] = delta
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            if model_field.many_to_many:
                # m2m history values are rows of the through table: {"hub": id, "province": id}
                target = model_field.m2m_reverse_field_name()
                for side in (change.old, change.new):
                    fk_ids.setdefault(change.field, set()).update(_m2m_id(row, target) for row in side)
            elif model_field.is_relation:
                fk_ids.setdefault(change.field, set()).update(v for v in (change.old, change.new) if v)
    related = {}
    for name, ids in fk_ids.items():
        for pk, obj in model._meta.get_field(name).related_model._default_manager.in_bulk(ids).items():
            related[(name, pk)] = obj
    entries = {}
    for record in records:
        delta = deltas[record.history_id]
        changes = []
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            old, new = change.old, change.new
            if model_field.many_to_many:
                target = model_field.m2m_reverse_field_name()
                old, new = [_m2m_id(row, target) for row in old], [_m2m_id(row, target) for row in new]
            changes.append(
                {
                    "field": str(model_field.verbose_name),
                    "old": _display(model_field, old, related),
                    "new": _display(model_field, new, related),
                }
            )
        entries[record.history_id] = ChangeLogEntry(
            date=record.history_date,
            user=record.history_user,
            action=record.history_type,
            action_label=str(ACTIONS[record.history_type]),
            model_label=str(model._meta.verbose_name).capitalize(),
            object_label=_object_label(model, record),
            url=_object_url(model, record),
            reason=reason_label(record.history_change_reason or "", model),
            changes=changes,
        )
    return entries


def change_log_page(*, filters: dict, page: int | str = 1, per_page: int = PAGE_SIZE):
    """A page (django Paginator page) of ChangeLogEntry, newest first, across every history table that the filters
    leave in. A page number past the end gives the last page."""
    pairs = history_models()
    if filters.get("model"):
        pairs = [pair for pair in pairs if pair[0]._meta.label_lower == filters["model"]]
    parts = [
        _filtered(historical, filters)
        .annotate(changelog_model=Value(index, output_field=IntegerField()))
        .values_list("history_id", "history_date", "changelog_model")
        .order_by()
        for index, (_model, historical) in enumerate(pairs)
    ]
    if not parts:
        return Paginator([], per_page).get_page(1)
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    union = union.order_by("-history_date", "-history_id", "changelog_model")
    page_obj = Paginator(union, per_page).get_page(page)
    rows = list(page_obj.object_list)
    wanted: dict[int, list] = {}
    for history_id, _date, kind in rows:
        wanted.setdefault(kind, []).append(history_id)
    entries = {}
    for kind, ids in wanted.items():
        model, historical = pairs[kind]
        records = list(historical.objects.filter(history_id__in=ids).select_related("history_user"))
        for history_id, entry in _entries(model, records).items():
            entries[(kind, history_id)] = entry
    page_obj.object_list = [entries[(kind, history_id)] for history_id, _date, kind in rows]
    return page_obj
