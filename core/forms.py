"""What every portal form shares: slugs made from the name, required fields marked, the first error focused.

``prepare_form`` is applied by ``portal/_form_fields.html`` (through ``{% prepare_form form %}``), so every form
the portal renders gets it: the label of a required field carries the class ``required`` (the page shows "*" and
says what it means), the control carries ``aria-required="true"``, and the first control with an error carries
``autofocus`` so that the browser moves there without JavaScript (static/js/forms.js does the same, and links
the error summary to the fields).
"""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class SlugFromNameMixin:
    """A blank slug is made from the name. The page's script (static/js/forms.js) fills it in as the name is
    typed; this is the same rule on the server, for a form sent without JavaScript or with the slug cleared."""

    slug_source = "name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None:
            slug.required = False
            slug.help_text = _("Made from the name when left empty; used in web addresses and files.")
            slug.widget.attrs["data-slug-from"] = f"id_{self.slug_source}"

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            slug = slugify(self.cleaned_data.get(self.slug_source) or "")
        return slug


def prepare_form(form: forms.BaseForm) -> forms.BaseForm:
    form.required_css_class = "required"
    first_error = next((name for name in form.fields if name in form.errors), None) if form.is_bound else None
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        if field.required and not field.widget.is_hidden:
            attrs["aria-required"] = "true"
        if name == first_error:
            attrs["autofocus"] = True
            attrs["aria-invalid"] = "true"
        elif form.is_bound and name in form.errors:
            attrs["aria-invalid"] = "true"
    return form


def error_summary(form: forms.BaseForm) -> list[dict]:
    """Every error of the form, in field order, each with the id of the control it belongs to (None: the form)."""
    if not form.is_bound or not form.errors:
        return []
    items = [{"id": None, "label": "", "message": message} for message in form.non_field_errors()]
    for name, field in form.fields.items():
        if name in form.errors and not field.widget.is_hidden:
            bound = form[name]
            widget_id = bound.id_for_label or bound.auto_id
            for message in form.errors[name]:
                items.append({"id": widget_id, "label": bound.label, "message": message})
    return items
