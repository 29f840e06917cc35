"""The registry's lists, one table each: the page's columns and the export's, in one definition (see
core/tables.py). Export keys are stable English machine keys; changing one breaks users' spreadsheets."""

from operator import attrgetter

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tables import PROVENANCE_COLUMNS, Column, Table, choice_label, related


class HubTable(Table):
    columns = (
        Column("slug"),
        Column("name", _("Name"), sort="name", link=lambda o: reverse("registry:hub_detail", args=[o.slug])),
        Column(
            "provinces",
            _("Provinces"),
            lambda o: ", ".join(p.name for p in o.provinces.all()),
            export=lambda o: ";".join(p.slug for p in o.provinces.all()),
        ),
        Column("founded_year", _("Founded in"), sort="founded_year", kind="number"),
        Column("coordinating_organisation"),
        Column("fieldlabs", _("Fieldlabs"), attrgetter("fieldlab_count"), sort="fieldlab_count", kind="number"),
        *PROVENANCE_COLUMNS,
    )


class FieldlabTable(Table):
    columns = (
        Column("slug"),
        Column("name", _("Name"), sort="name", link=lambda o: reverse("registry:fieldlab_detail", args=[o.slug])),
        Column("theme", _("Theme"), sort="theme"),
        Column("tno_type"),
        Column("city", _("City"), sort="city"),
        Column("province", export=related("province", "slug")),
        Column("hub", _("Hub"), related("hub", "name", _("national")), export=related("hub", "slug"), sort="hub__name"),
        Column("start_year", _("Start year"), sort="start_year", kind="number"),
        Column("end_year"),
        Column("status", _("Status"), choice_label("status"), export=attrgetter("status"), sort="status"),
        Column(
            "approved_funding",
            _("Approved funding"),
            attrgetter("approved_total"),
            sort="approved_total",
            kind="money",
        ),
        *PROVENANCE_COLUMNS,
    )


class PartnerTable(Table):
    columns = (
        Column("slug"),
        Column("name", _("Name"), sort="name", link=lambda o: reverse("registry:partner_detail", args=[o.slug])),
        Column("short_name", _("Short name"), sort="short_name"),
        Column("kind", _("Kind"), choice_label("kind"), export=attrgetter("kind"), sort="kind"),
        Column("joined_year", _("Joined in"), sort="joined_year", kind="number"),
        *PROVENANCE_COLUMNS,
    )


class CompanyTable(Table):
    columns = (
        Column("id", export=attrgetter("pk")),
        Column("name", _("Name"), sort="name", link=lambda o: reverse("registry:company_detail", args=[o.pk])),
        Column(
            "kvk_number",
            _("KvK number"),
            lambda o: o.kvk_number or "—",
            export=attrgetter("kvk_number"),
            sort="kvk_number",
        ),
        Column(
            "size_class",
            _("Size class"),
            choice_label("size_class"),
            export=attrgetter("size_class"),
            sort="size_class",
        ),
        Column("city", _("City"), sort="city"),
        Column("province", export=related("province", "slug")),
        Column("fieldlabs", _("Fieldlabs"), attrgetter("fieldlab_count"), sort="fieldlab_count", kind="number"),
        *PROVENANCE_COLUMNS,
    )
