"""History reasons for people, in the page's language.

Services store a short, stable English reason with every history row ("changed: city, start_year", "returned",
"reference data"): it is data (the API, the comparison of runs and the exports read it as written). Pages show
it through ``reason_label``, which translates the known forms and names the changed fields by their translated
labels: "changed: city, start_year" becomes "plaats, startjaar" on a Dutch page (the entry already says
"Gewijzigd"). A reason it does not know is shown as stored. Role labels come from the user model's own field
choices, so the core imports no app.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIXED = {
    "created": gettext_lazy("created"),
    "deleted": gettext_lazy("deleted"),
    "closed": gettext_lazy("period closed"),
    "reopened": gettext_lazy("period reopened"),
    "user created": gettext_lazy("user created"),
    "token created": gettext_lazy("token created"),
    "token revoked": gettext_lazy("token revoked"),
    "reference data": gettext_lazy("reference data"),
    "reference data (updated)": gettext_lazy("reference data (updated)"),
    "reference data (evaluation attributes)": gettext_lazy("reference data (evaluation attributes)"),
    "back to review": gettext_lazy("back to review"),
    # A workflow step stores the status it leads to.
    # (the workflow's status codes, review.choices.RecordStatus: stable data, so named here as written)
    "draft": gettext_lazy("back to draft"),
    "submitted": gettext_lazy("submitted"),
    "approved": gettext_lazy("approved"),
    "returned": gettext_lazy("returned"),
}


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def reason_label(reason: str, model: type[models.Model] | None = None) -> str:
    """The stored reason in the active language (see the module's docstring)."""
    if not reason:
        return ""
    parts = []
    for part in reason.split("; "):
        if part.startswith("changed: "):
            names = [n.strip() for n in part.removeprefix("changed: ").split(",") if n.strip()]
            parts.append(", ".join(_field_label(model, n) for n in names))
        elif part.startswith("role set to "):
            role = part.removeprefix("role set to ")
            parts.append(_("role set to %(role)s") % {"role": _role_label(role)})
        elif part in FIXED:
            parts.append(str(FIXED[part]))
        else:
            parts.append(part)
    return "; ".join(parts)


def _role_label(code: str) -> str:
    # The role's label from the user model's own choices (accounts.models.Role), without importing the app above.
    choices = dict(get_user_model()._meta.get_field("role").flatchoices)
    return str(choices.get(code, code))
