"""Registry pages: lists (filters, search, sort, pages, export), detail pages and bureau editing."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import extensions, policy
from core import services as record_services
from core.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN
from core.views import (
    PROVENANCE_FILTER,
    FilterField,
    PortalDetailView,
    PortalListView,
    confirm_delete,
    enum_choices,
    model_choices,
    service_form,
)

from . import forms
from .choices import CompanySize, FieldlabStatus, PartnerKind, TnoType
from .exporters import CompanyListExporter, FieldlabListExporter, HubListExporter, PartnerListExporter
from .models import Company, Fieldlab, Hub, Participation, Partner, Province
from .selectors import companies_reached

# --- hubs ----------------------------------------------------------------------------------------------------


class HubListView(PortalListView):
    exporter = HubListExporter
    title = gettext_lazy("Hubs")
    create_url = "registry:hub_create"
    filter_fields = [
        FilterField("province", gettext_lazy("Province"), model_choices(Province)),
        FilterField("founded_year", gettext_lazy("Founded in")),
        PROVENANCE_FILTER,
    ]


class HubDetailView(PortalDetailView):
    model = Hub
    template_name = "registry/hub_detail.html"

    def get_queryset(self):
        return Hub.objects.prefetch_related("provinces")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hub = self.object
        # What other apps add to the page (funding: the source × year matrix; core/extensions.py).
        context.update(extensions.context("registry.hub_detail", request=self.request, obj=hub))
        # order_by explicitly: Meta.ordering is not applied to a query with GROUP BY (a row's figures, such as its
        # approved funding, are sums).
        context["fieldlabs"] = extensions.annotate(
            "registry.fieldlab_rows", hub.fieldlabs.select_related("province")
        ).order_by("name")
        context["periods"] = hub.reporting_periods.order_by("-year")
        context["coordinator_count"] = hub.coordinators.filter(is_active=True).count()
        # The same figure as the dashboard's and the evaluation's, for this hub and its fieldlabs.
        context["reach_years"] = (EVALUATION_YEAR_MIN, EVALUATION_YEAR_MAX)
        context["reach"] = companies_reached(year_min=EVALUATION_YEAR_MIN, year_max=EVALUATION_YEAR_MAX, hub=hub.slug)
        return context


# --- fieldlabs -----------------------------------------------------------------------------------------------


class FieldlabListView(PortalListView):
    exporter = FieldlabListExporter
    title = gettext_lazy("Fieldlabs")
    create_url = "registry:fieldlab_create"
    filter_fields = [
        FilterField("hub", gettext_lazy("Hub"), model_choices(Hub)),
        FilterField("province", gettext_lazy("Province"), model_choices(Province)),
        FilterField("status", gettext_lazy("Status"), enum_choices(FieldlabStatus.choices)),
        FilterField("tno_type", gettext_lazy("TNO type"), enum_choices(TnoType.choices)),
        FilterField("active_in", gettext_lazy("Existed in year")),
        PROVENANCE_FILTER,
    ]


class FieldlabDetailView(PortalDetailView):
    model = Fieldlab
    template_name = "registry/fieldlab_detail.html"

    def get_queryset(self):
        return Fieldlab.objects.select_related("hub", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fieldlab = self.object
        # What other apps add to the page (funding: the matrix, the records, "Add funding"; core/extensions.py).
        context.update(extensions.context("registry.fieldlab_detail", request=self.request, obj=fieldlab))
        participations = Participation.objects.filter(fieldlab=fieldlab)
        context["company_count"] = participations.aggregate(n=Count("company", distinct=True))["n"]
        context["participations"] = participations.select_related("company").order_by("-year", "company__name")[:50]
        context["may_edit"] = policy.can(self.request.user, policy.Action.CHANGE, fieldlab)
        return context


# --- partners and companies ----------------------------------------------------------------------------------


class PartnerListView(PortalListView):
    exporter = PartnerListExporter
    title = gettext_lazy("Coalition partners")
    create_url = "registry:partner_create"
    filter_fields = [
        FilterField("kind", gettext_lazy("Kind"), enum_choices(PartnerKind.choices)),
        FilterField("joined_year", gettext_lazy("Joined in")),
        PROVENANCE_FILTER,
    ]


class PartnerDetailView(PortalDetailView):
    model = Partner
    template_name = "registry/partner_detail.html"


class CompanyListView(PortalListView):
    exporter = CompanyListExporter
    title = gettext_lazy("Companies")
    create_url = "registry:company_create"
    filter_fields = [
        FilterField("size_class", gettext_lazy("Size class"), enum_choices(CompanySize.choices)),
        FilterField("province", gettext_lazy("Province"), model_choices(Province)),
        FilterField("fieldlab", gettext_lazy("Fieldlab"), model_choices(Fieldlab)),
        PROVENANCE_FILTER,
    ]


class CompanyDetailView(PortalDetailView):
    model = Company
    template_name = "registry/company_detail.html"

    def get_queryset(self):
        return Company.objects.select_related("province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participations"] = self.object.participations.select_related("fieldlab", "hub").order_by("-year")
        return context


# --- bureau editing (one set of functions for every registry model) ------------------------------------------

EDITABLE = {
    "hub": (Hub, forms.HubForm, "slug"),
    "fieldlab": (Fieldlab, forms.FieldlabForm, "slug"),
    "partner": (Partner, forms.PartnerForm, "slug"),
    "company": (Company, forms.CompanyForm, "pk"),
}


def _lookup(kind: str, key):
    model, _form, field = EDITABLE[kind]
    return get_object_or_404(model, **{field: key})


def _detail_url(kind: str, obj) -> str:
    field = EDITABLE[kind][2]
    return reverse(f"registry:{kind}_detail", args=[getattr(obj, field)])


@login_required
def record_create(request, kind):
    model, form_class, _field = EDITABLE[kind]
    policy.require(request.user, policy.Action.ADD, model)
    return service_form(
        request,
        form_class=form_class,
        instance=None,
        save=lambda data: record_services.record_create(model=model, actor=request.user, data=data),
        title=_("New %(name)s") % {"name": model._meta.verbose_name},
        cancel_url=reverse(f"registry:{kind}_list"),
        success_url=lambda obj: _detail_url(kind, obj),
    )


@login_required
def record_update(request, kind, key):
    obj = _lookup(kind, key)
    policy.require(request.user, policy.Action.CHANGE, obj)
    return service_form(
        request,
        form_class=EDITABLE[kind][1],
        instance=obj,
        save=lambda data: record_services.record_update(instance=obj, actor=request.user, data=data),
        title=_("Edit %(name)s") % {"name": obj},
        cancel_url=_detail_url(kind, obj),
        success_url=lambda o: _detail_url(kind, o),
    )


@login_required
def record_delete(request, kind, key):
    obj = _lookup(kind, key)
    policy.require(request.user, policy.Action.DELETE, obj)
    return confirm_delete(
        request,
        obj=obj,
        delete=lambda: record_services.record_delete(instance=obj, actor=request.user),
        cancel_url=_detail_url(kind, obj),
        success_url=reverse(f"registry:{kind}_list"),
    )
