"""Admin of the registry's organisations: the policy decides, the services write (core/admin.py)."""

from django.contrib import admin

from core.admin import ServiceAdmin

from .models import Company, Fieldlab, Hub, Participation, Partner, ProgrammeBureau, Province


@admin.register(Partner)
class PartnerAdmin(ServiceAdmin):
    list_display = ("short_name", "name", "kind", "joined_year", "provenance")
    list_filter = ("kind", "provenance")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(ProgrammeBureau)
class ProgrammeBureauAdmin(ServiceAdmin):
    list_display = ("name", "founded_year", "city", "provenance")


@admin.register(Province)
class ProvinceAdmin(ServiceAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Hub)
class HubAdmin(ServiceAdmin):
    list_display = ("name", "slug", "founded_year", "coordinating_organisation", "provenance")
    list_filter = ("provenance", "provinces")
    search_fields = ("name", "short_name", "slug")
    filter_horizontal = ("provinces",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Fieldlab)
class FieldlabAdmin(ServiceAdmin):
    list_display = ("name", "theme", "city", "province", "hub", "tno_type", "start_year", "status", "provenance")
    list_filter = ("hub", "status", "tno_type", "start_year", "provenance", "province")
    list_select_related = ("hub", "province")
    search_fields = ("name", "theme", "city", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("hub", "province")


@admin.register(Company)
class CompanyAdmin(ServiceAdmin):
    list_display = ("name", "kvk_number", "size_class", "city", "province", "provenance")
    list_filter = ("size_class", "provenance", "province")
    list_select_related = ("province",)
    search_fields = ("name", "kvk_number", "city")


@admin.register(Participation)
class ParticipationAdmin(ServiceAdmin):
    list_display = ("company", "fieldlab", "hub", "year", "support_type", "provenance")
    list_filter = ("year", "support_type", "hub", "provenance")
    list_select_related = ("company", "fieldlab", "hub")
    search_fields = ("company__name", "fieldlab__name", "hub__name")
    autocomplete_fields = ("company", "fieldlab", "hub")
