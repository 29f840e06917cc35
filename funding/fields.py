"""A funding record's fields as its author writes them, defined once, and the one recipient lookup.

``RECORD_FIELDS`` is the single list. Everything else derives from it:

* the file columns of the portal's export, which are also the import columns (funding/tables.py, importers.py);
* the API serializer's writable fields (funding/api/serializers.py) — the same machine keys;
* the model fields a record's author may set: the portal form's fields (forms.py) and the service's editable set
  (services.py ``EDITABLE_FIELDS``).

In files and the API a record names its recipient by ``recipient_kind`` and ``recipient`` (a slug); the model holds
it as three foreign keys of which exactly one is set. ``recipient_lookup`` turns the one into the other for every
path (API, import, form pre-fill), with the same error text.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.models import Fieldlab, Hub, ProgrammeBureau

from .choices import RecipientKind

# The recipient's model per kind; the kind is also the name of the record's foreign key to it.
RECIPIENT_MODELS = {
    RecipientKind.FIELDLAB: Fieldlab,
    RecipientKind.HUB: Hub,
    RecipientKind.BUREAU: ProgrammeBureau,
}
RECIPIENT_FIELDS = tuple(str(kind) for kind in RECIPIENT_MODELS)  # ("fieldlab", "hub", "bureau")


@dataclass(frozen=True)
class RecordField:
    key: str  # the machine key: file column header, import column and API field name (English, stable)
    model_fields: tuple[str, ...] = ()  # the model fields the author writes through it; () for id and status


RECORD_FIELDS = (
    RecordField("id"),  # identifies the record to change on import; never written
    RecordField("year", ("year",)),
    RecordField("recipient_kind"),  # with recipient: which of the three foreign keys is set
    RecordField("recipient", RECIPIENT_FIELDS),
    RecordField("source", ("source",)),
    RecordField("funder", ("funder",)),
    RecordField("amount", ("amount",)),
    RecordField("kind", ("kind",)),
    RecordField("realisation", ("realisation",)),
    RecordField("activity_type", ("activity_type",)),
    RecordField("status"),  # set on create by the bureau; afterwards only submit, approve and return change it
    RecordField("provenance", ("provenance",)),
    RecordField("provenance_source", ("provenance_source",)),
    RecordField("evidence_note", ("evidence_note",)),
)

# The file columns of an export and an import, in order.
RECORD_KEYS = tuple(field.key for field in RECORD_FIELDS)
# The model fields a record's author may set (form fields, the service's editable set), in form order.
EDITABLE_FIELDS = tuple(name for field in RECORD_FIELDS for name in field.model_fields)
# The machine key of each editable model field: a service's error on "fieldlab" is shown on "recipient".
KEY_OF_MODEL_FIELD = {name: field.key for field in RECORD_FIELDS for name in field.model_fields}


def recipient_lookup(*, kind: str, slug: str):
    """The fieldlab, hub or bureau named by kind and slug; a ValidationError on the field that is wrong."""
    model = RECIPIENT_MODELS.get(kind)
    if model is None:
        raise recipient_error(kind=kind, slug=slug)
    recipient = model.objects.filter(slug=slug).first() if slug else None
    if recipient is None:
        raise recipient_error(kind=kind, slug=slug)
    return recipient


def recipient_error(*, kind: str, slug: str) -> ValidationError:
    """The error of a recipient that cannot be found: an unknown kind, or no recipient of the kind with the slug.
    The set-wise import (importers.py) looks recipients up in bulk and reports a miss with these same words."""
    if kind not in RECIPIENT_MODELS:
        return ValidationError({"recipient_kind": _("recipient_kind must be fieldlab, hub or bureau.")}, code="invalid")
    return ValidationError(
        {"recipient": _("No %(kind)s with slug %(slug)s.") % {"kind": kind, "slug": slug}}, code="does_not_exist"
    )


def recipient_fields(*, kind: str, recipient) -> dict:
    """The record's three recipient foreign keys for this recipient: the kind's one set, the others cleared."""
    return {name: recipient if name == kind else None for name in RECIPIENT_FIELDS}
