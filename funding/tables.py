"""The funding lists, one table each (see core/tables.py). The funding records' file columns are a record's
fields (funding/fields.py): the export is the import template, and the table refuses to differ from it."""

from operator import attrgetter

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tables import PROVENANCE_COLUMNS, Column, Table, choice_label, itself, related

from .fields import RECORD_KEYS


class FunderTable(Table):
    columns = (
        Column("slug"),
        Column("name", _("Name"), sort="name", link=lambda o: reverse("funding:funder_detail", args=[o.slug])),
        Column("source", _("Source"), choice_label("source"), export=attrgetter("source"), sort="source"),
        Column("kind", _("Kind"), choice_label("kind"), export=attrgetter("kind"), sort="kind"),
        Column(
            "province",
            _("Province"),
            related("province", "name", "—"),
            export=related("province", "slug"),
            sort="province__name",
        ),
        Column(
            "approved_funding", _("Approved funding"), attrgetter("approved_total"), sort="approved_total", kind="money"
        ),
        *PROVENANCE_COLUMNS,
    )


class FundingRecordTable(Table):
    import_keys = RECORD_KEYS
    columns = (
        Column(
            "id",
            "#",
            attrgetter("pk"),
            sort="id",
            link=lambda o: reverse("funding:funding_record_detail", args=[o.pk]),
        ),
        Column("year", _("Year"), sort="year", kind="number"),
        Column("recipient_kind"),
        Column(
            "recipient",
            _("Recipient"),
            lambda o: str(o.recipient),
            export=lambda o: o.recipient.slug if o.recipient else "",
        ),
        Column("source", _("Source"), choice_label("source"), export=attrgetter("source"), sort="source"),
        Column(
            "funder", _("Funder"), related("funder", "name", "—"), export=related("funder", "slug"), sort="funder__name"
        ),
        Column("amount", _("Amount"), sort="amount", kind="money"),
        Column("kind", _("Cash or in kind"), choice_label("kind"), export=attrgetter("kind"), sort="kind"),
        Column("realisation"),
        Column("activity_type", export=related("activity_type", "code")),
        Column("status", _("Status"), itself, export=attrgetter("status"), sort="status", kind="status"),
        *PROVENANCE_COLUMNS,
        Column("evidence_note"),
    )
