"""Template filters of the portal: euro amounts in the active language's format, provenance and status badges."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.formats import format_eur
from core.forms import error_summary, prepare_form

register = template.Library()


@register.filter
def eur(value, decimals=2):
    """€ 1.234.567,89 in Dutch, € 1,234,567.89 in English; '—' for nothing (core.formats.format_eur)."""
    if value in (None, ""):
        return "—"
    try:
        Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return format_eur(value, decimals)


@register.simple_tag
def prepared_form(form):
    """The form with its required fields marked and its first error focused (core.forms.prepare_form),
    the list of its errors for the summary at the top, and whether any field is required:
    ``{% prepared_form form as prepared %}`` → ``prepared.errors``, ``prepared.has_required``."""
    prepare_form(form)
    return {
        "errors": error_summary(form),
        "has_required": any(f.required and not f.widget.is_hidden for f in form.fields.values()),
    }


@register.filter
def num(value):
    """A whole number with the active language's thousand separator."""
    if value in (None, ""):
        return "—"
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.simple_tag
def provenance_badge(obj):
    """Published (with its source as a tooltip) or illustrative; never one shown as the other."""
    if getattr(obj, "provenance", None) == "published":
        return format_html(
            '<span class="badge badge-published" title="{}">{}</span>', obj.provenance_source, _("Published")
        )
    return format_html(
        '<span class="badge badge-illustrative" title="{}">{}</span>',
        getattr(obj, "provenance_source", ""),
        _("Illustrative"),
    )


@register.simple_tag
def status_badge(status, label=None):
    return format_html('<span class="badge status-{}">{}</span>', status, label or status)


@register.filter
def matrix_chart(matrix):
    """The Chart.js payload of a source × year matrix (funding.selectors.funding_by_source_and_year).

    Each source carries its own colour, so the core needs no app's palette."""
    return {
        "type": "bar",
        "stacked": True,
        "money": True,
        "labels": [str(y) for y in matrix["years"]],
        "datasets": [
            {
                "label": str(source["label"]),
                "data": [f"{amount:.2f}" for amount in source["amounts"]],
                "backgroundColor": source["colour"],
            }
            for source in matrix["sources"]
            if source["total"]
        ],
    }
