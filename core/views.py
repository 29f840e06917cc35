"""Generic building blocks of the browser portal: list, detail, edit and delete views as declarations.

A list view declares its exporter (core/exporters: its queryset, FilterSet — the same one the API uses — and table,
core/tables.py: one column definition for the page and the export); the generic code does filtering, search,
sorting, pagination and "export this view", which the exporter writes. Edit views call the app's services and show
their ValidationErrors next to the fields; PermissionDenied becomes a 403 page.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters as df
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from core import policy
from core.constants import EXPORT_FORMATS
from core.deletion import deletion_preview
from core.exporters import Exporter, ExportInvalid, ExportRefused, TableExporter, export_answer, job_starter
from core.models import Provenance
from core.paginator import EstimatingPaginator
from core.reasons import reason_label
from core.restriction import RestrictedRowsMixin
from core.services import StaleVersion
from core.tables import Table


class ListValue:
    """A one-value widget whose value reaches a multi-valued filter as a list (every repeated value kept)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class SingleSelect(ListValue, forms.Select):
    """A plain select for a multi-valued filter."""

    def format_value(self, value):
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else super().format_value(value)


class SingleSelectMultipleChoiceField(forms.MultipleChoiceField):
    widget = SingleSelect

    def valid_value(self, value):
        return value == "" or super().valid_value(value)

    def clean(self, value):
        return [v for v in super().clean(value) if v != ""]


@dataclass
class FilterField:
    """How a FilterSet field is shown on the web: a translated label and, for slugs, a select of names."""

    name: str
    label: str
    choices: Callable[[], list[tuple[str, str]]] | None = None
    extra: dict = field(default_factory=dict)


def enum_choices(choices) -> Callable:
    """A filter's choices from an enumeration, with an empty "—" first (for a select of one value)."""
    return lambda: [("", "—"), *[(str(v), str(label)) for v, label in choices]]


# A select of more names than this costs more to render than the rest of the page (1,000 fieldlabs were most of
# /funding/'s time at a million records, docs/benchmarks.md) and is no way to pick one anyway: above it, the filter
# is a text box that takes the slug, as the API does.
MAX_SELECT_CHOICES = 200


def model_choices(model, value_field: str = "slug", label_field: str = "name") -> Callable:
    """A filter's select of a model's rows by name; None when there are more than MAX_SELECT_CHOICES."""

    def load():
        rows = list(model.objects.order_by(label_field).values_list(value_field, label_field)[: MAX_SELECT_CHOICES + 1])
        if len(rows) > MAX_SELECT_CHOICES:
            return None
        return [("", "—")] + [(str(v), str(label)) for v, label in rows]

    return load


class SlugInput(ListValue, forms.TextInput):
    """A text box for a multi-valued slug filter (too many rows for a select): one slug typed, a list for the filter."""

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        return super().format_value(value)


# The page sizes a list offers (?per_page=); the first is the default.
PAGE_SIZES = (25, 50, 100, 250, 500)


def export_view_response(request, exporter: Exporter, *, back: str):
    """The portal's answer to an export: the file, the page of the job that writes it (core.exporters decides), or
    back to ``back`` with the reason it cannot be made (an Excel sheet's limit, bad filters)."""
    try:
        answer = export_answer(exporter)
    except ExportInvalid as exc:
        messages.error(request, _("Check the filters: %(errors)s") % {"errors": exc})
        return HttpResponseRedirect(back)
    except ExportRefused as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    if answer.job is not None:
        return HttpResponseRedirect(job_starter().page_url(answer.job))
    return answer.response


class PortalListView(RestrictedRowsMixin, LoginRequiredMixin, ListView):
    """A list of the portal. Its ``exporter`` (a registered TableExporter) declares its rows: the model, the
    queryset (shown through the access policy: RestrictedRowsMixin), the FilterSet, the table and the default
    order; the view shows them a page at a time, and "export this view" is the exporter's file of the same query."""

    template_name = "portal/list.html"
    paginate_by = PAGE_SIZES[0]
    paginator_class = EstimatingPaginator  # no exact COUNT(*) or joined deep OFFSET over a huge list
    exporter: type[TableExporter] | None = None
    filterset_class = None
    filter_fields: list[FilterField] = []
    table: type[Table] = Table
    default_ordering: tuple[str, ...] = ("name",)
    title = ""
    create_url = None  # a URL name; shown to bureau staff only

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        exporter = cls.__dict__.get("exporter")
        if exporter is not None:
            declared = {"model": exporter.queryset.model, "filterset_class": exporter.filterset_class}
            declared |= {"table": exporter.table, "default_ordering": exporter.default_ordering}
            for name, value in declared.items():
                if name not in cls.__dict__:
                    setattr(cls, name, value)

    def base_queryset(self):
        """The list's rows before the policy: the exporter's queryset (the joins and annotations its table reads), in
        its order. The view shows (and exports) only ``restricted_queryset()``: these rows as far as the user may see
        them; the exporter restricts its own rows too (a job's file is written for its owner)."""
        exporter = self.exporter(user=self.request.user)
        queryset = exporter.get_queryset()
        return queryset.order_by(*exporter.ordering) if exporter.ordering else queryset

    def restricted_queryset(self):
        return self.restrict(self.base_queryset())

    def _filterset(self):
        params = self.request.GET.copy()
        for key in ("page", "per_page", "sort", "format"):
            params.pop(key, None)
        filterset = self.filterset_class(params or None, queryset=self.restricted_queryset(), request=self.request)
        form = filterset.form
        shown = {f.name: f for f in self.filter_fields}
        for name in list(form.fields):
            multi = isinstance(filterset.filters.get(name), (df.MultipleChoiceFilter, df.ModelMultipleChoiceFilter))
            if name not in shown and name != "q":
                # A multi-valued filter keeps every value it was given (the API's dialect: repeated means OR).
                form.fields[name].widget = forms.MultipleHiddenInput() if multi else forms.HiddenInput()
                continue
            spec = shown.get(name)
            if name == "q":
                form.fields[name].label = _("Search")
            if spec:
                form.fields[name].label = spec.label
                choices = spec.choices() if spec.choices else None
                if spec.choices and choices is None:
                    # Too many to list: the filter's own field (it checks the slugs) behind a text box.
                    form.fields[name].widget = SlugInput() if multi else forms.TextInput()
                    form.fields[name].help_text = _("Its slug, as in the address of its page.")
                elif choices is not None and isinstance(filterset.filters[name], df.MultipleChoiceFilter):
                    # The API's "repeat for several" filters: one checkbox per choice, each with its label.
                    choices = [(value, label) for value, label in choices if value != ""]
                    form.fields[name] = forms.MultipleChoiceField(
                        label=spec.label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
                    )
                elif choices is not None and multi:
                    # A relation by slug (hub, fieldlab …): one pick in the page's select, a list for the filter.
                    form.fields[name] = SingleSelectMultipleChoiceField(
                        label=spec.label, choices=choices, required=False
                    )
                elif choices is not None:
                    form.fields[name] = forms.ChoiceField(label=spec.label, choices=choices, required=False)
        return filterset

    def current_sort(self) -> str:
        return self.exporter.sort_of(self.request.GET.get("sort"))

    def get_queryset(self):
        self.filterset = self._filterset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs.order_by(*self.exporter.ordering_for(self.current_sort()))

    def get_paginate_by(self, queryset):
        """The page size the reader chose (?per_page=), if it is one of PAGE_SIZES; otherwise the default."""
        try:
            size = int(self.request.GET.get("per_page", ""))
        except ValueError:
            return self.paginate_by
        return size if size in PAGE_SIZES else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        """Like ListView's, but a page past the end (a bookmark of a list that shrank, ?page=9999) shows the last
        page instead of a 404, and a page that is not a number shows the first."""
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in EXPORT_FORMATS:
            return self.export(request, fmt)
        return super().get(request, *args, **kwargs)

    def export(self, request, fmt: str):
        """ "Export this view": the exporter's file of this query (its filters and sort), streamed, or written by a
        background job above EXPORT_STREAM_MAX_ROWS (the job page shows progress, then the download). Never a file
        cut short: what cannot be made comes back to the list as a message."""
        exporter = self.exporter(user=request.user, query=request.GET, fmt=fmt)
        return export_view_response(request, exporter, back=self._url_with(format=None))

    def _url_with(self, **changes) -> str:
        params = self.request.GET.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return "?" + params.urlencode() if params else "?"

    def _page_links(self, page) -> dict:
        """Previous/next and the numbered pages, with "…" where pages are left out (1 2 … 7 8 9 … 32 33)."""
        if page is None:
            return {"previous": None, "next": None, "numbers": []}
        numbers = []
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=2):
            if number == page.paginator.ELLIPSIS:
                numbers.append({"number": None, "url": None, "current": False})
            else:
                url = self._url_with(page=None if number == 1 else number)
                numbers.append({"number": number, "url": url, "current": number == page.number})
        return {
            "previous": self._url_with(page=page.previous_page_number()) if page.has_previous() else None,
            "next": self._url_with(page=page.next_page_number()) if page.has_next() else None,
            "numbers": numbers,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = self.current_sort()
        headers = []
        for column in self.table.page_columns():
            header = {"label": column.label, "kind": column.kind, "url": None, "direction": None}
            if column.sort:
                ascending = sort == column.sort
                descending = sort == "-" + column.sort
                header["direction"] = "ascending" if ascending else "descending" if descending else None
                header["url"] = self._url_with(sort=("-" if ascending else "") + column.sort, page=None)
            headers.append(header)
        rows = self.table.page_rows(context["object_list"])
        page = context.get("page_obj")
        per_page = self.get_paginate_by(None)
        context.update(
            title=self.title,
            filterset=self.filterset,
            headers=headers,
            rows=rows,
            export_links=[(fmt.upper(), self._url_with(format=fmt, page=None)) for fmt in EXPORT_FORMATS],
            page_links=self._page_links(page),
            page_sizes=PAGE_SIZES,
            per_page=per_page,
            # The page-size form carries every other parameter (filters, sort) and starts again at page 1.
            page_size_params=[
                (key, value)
                for key, values in self.request.GET.lists()
                if key not in ("page", "per_page", "format")
                for value in values
            ],
            create_url=self.create_url,
        )
        return context


class PortalDetailView(RestrictedRowsMixin, LoginRequiredMixin, DetailView):
    """A row's page, looked up among the rows the user may see (``get_queryset()`` restricted by the policy): any
    other row is a 404, as if it did not exist. A view whose hidden rows are no secret (a funding record's id is on
    its hub's report) sets ``hidden_row_refused`` to answer 403 with the policy's reason instead."""

    slug_field = "slug"
    hidden_row_refused = False

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        try:
            return super().get_object(self.restrict(queryset))
        except Http404:
            if self.hidden_row_refused:
                hidden = super().get_object(queryset)  # still a 404 when there is no such row at all
                policy.require(self.request.user, policy.Action.VIEW, hidden)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_entries(self.object)
        return context


# --- change history ------------------------------------------------------------------------------------------


def _display(model_field, value, related: dict):
    if value in (None, ""):
        return "—"
    if model_field.is_relation and model_field.many_to_one:
        return str(related.get((model_field.name, value), value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def history_entries(instance: models.Model, *, limit: int = 50) -> list[dict]:
    """Who changed what when, newest first: each entry lists the fields that changed with old and new values."""
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    pairs = []
    fk_ids: dict[str, set] = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        delta = record.diff_against(previous) if previous is not None and record.history_type == "~" else None
        pairs.append((record, delta))
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            if model_field.is_relation and model_field.many_to_one:
                fk_ids.setdefault(change.field, set()).update(v for v in (change.old, change.new) if v)
    related = {}
    for name, ids in fk_ids.items():
        for pk, obj in model._meta.get_field(name).related_model._default_manager.in_bulk(ids).items():
            related[(name, pk)] = obj
    entries = []
    for record, delta in pairs:
        changes = []
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            if model_field.many_to_many:
                old = ", ".join(str(v) for v in change.old) or "—"
                new = ", ".join(str(v) for v in change.new) or "—"
            else:
                old, new = _display(model_field, change.old, related), _display(model_field, change.new, related)
            changes.append({"field": capfirst(model_field.verbose_name), "old": old, "new": new})
        type_label = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}[record.history_type]
        reason = reason_label(record.history_change_reason or "", model)
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": record.history_type,
                "type_label": type_label,
                # "Aangemaakt (aangemaakt)" says it twice: a reason that only repeats the kind of entry is left out.
                "reason": "" if reason.lower() == type_label.lower() else reason,
                "changes": changes,
            }
        )
    return entries


# --- edit helpers --------------------------------------------------------------------------------------------


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or at the top of the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_values(form: forms.ModelForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}


def confirm_delete(
    request,
    *,
    obj,
    delete: Callable[[], None],
    cancel_url: str,
    success_url: str,
    precheck: Callable[[], None] | None = None,
):
    """GET: show what the delete would take with it and what stops it, then ask. POST: delete through the
    service; a refusal is shown and nothing changes. ``precheck`` raises the service's ValidationError for a
    refusal that is not a relation (a closed reporting period), so the page can say it before the POST."""
    preview = deletion_preview(obj)
    refusals = []
    if precheck is not None:
        try:
            precheck()
        except ValidationError as exc:
            refusals = exc.messages
    context = {
        "object": obj,
        "cancel_url": cancel_url,
        "verbose_name": obj._meta.verbose_name,
        "preview": preview,
        "refusals": refusals,
        "possible": preview.possible and not refusals,
    }
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            context["refusal"] = " ".join(exc.messages)
            context["possible"] = False
            return render(request, "portal/confirm_delete.html", context, status=409)
        messages.success(request, _("%(name)s was deleted.") % {"name": obj})
        return HttpResponseRedirect(success_url)
    return render(request, "portal/confirm_delete.html", context)


MONEY = gettext_lazy("Amount (EUR)")

PROVENANCE_FILTER = FilterField("provenance", gettext_lazy("Provenance"), enum_choices(Provenance.choices))


# --- edit helpers ---------------------------------------------------------------------------------------------


def _add_version_field(form: forms.Form, instance) -> None:
    # The version the editor read travels with the form; the service refuses the save if it is no longer stored.
    if instance is not None and hasattr(instance, "version"):
        form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=instance.version, required=False)


def _blank_dash(value) -> str:
    return "—" if value in (None, "") else str(value)


def _show_conflict(form: forms.Form, form_class, error: StaleVersion) -> None:
    """A stale save: next to each field say what was saved meanwhile where it differs from what this editor sent,
    and carry the stored version so that saving again (a deliberate choice) applies this editor's values."""
    stored = form_class(instance=error.instance)
    form.add_error(None, error.error_dict["version"])
    for name, field_ in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        theirs = stored[name].initial if name in stored.fields else None
        yours = form.cleaned_data[name]
        if field_.prepare_value(theirs) != field_.prepare_value(yours) and str(theirs) != str(yours):
            shown = theirs
            if isinstance(field_, forms.ModelChoiceField) and theirs not in (None, ""):
                shown = field_.queryset.filter(pk=getattr(theirs, "pk", theirs)).first() or theirs
            elif getattr(field_, "choices", None) and not isinstance(field_, forms.ModelChoiceField):
                shown = dict(field_.choices).get(theirs, theirs)
            form.add_error(
                name,
                _("Saved meanwhile by someone else: %(theirs)s — yours: %(yours)s.")
                % {"theirs": _blank_dash(shown), "yours": _blank_dash(yours)},
            )
    data = form.data.copy()
    data["version"] = error.instance.version
    form.data = data


def service_form(request, *, form_class, instance, save, title, cancel_url, success_url):
    """Show a model form; on a valid POST call the service. The form validates a copy, so the service sees the
    unchanged record and records exactly what changed. A save based on an older version than the stored one is
    refused (409) and the form shows both values."""
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=copy.deepcopy(instance) if instance else None)
        _add_version_field(form, instance)
        if form.is_valid():
            try:
                obj = save(form_values(form))
            except StaleVersion as exc:
                _show_conflict(form, form_class, exc)
                status = 409
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": obj})
                return redirect(success_url(obj))
        if status == 200 and form.errors:
            status = 400
    else:
        form = form_class(instance=instance)
        _add_version_field(form, instance)
    context = {"form": form, "title": title, "cancel_url": cancel_url, "object": instance}
    return render(request, "portal/form.html", context, status=status)
