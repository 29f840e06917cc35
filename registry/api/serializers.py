from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ApiModelSerializer

from ..models import Company, Fieldlab, Hub, Participation, Partner, Province

PROVENANCE_FIELDS = ["provenance", "provenance_source"]


class PartnerSerializer(ApiModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "kind",
            "joined_year",
            "website",
            "description",
            *PROVENANCE_FIELDS,
        ]
        brief_fields = ["id", "slug", "short_name"]


class ProvinceSerializer(ApiModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "slug", "name", "code"]
        brief_fields = ["id", "slug", "name"]


class HubSerializer(ApiModelSerializer):
    provinces = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Province.objects.all(), help_text=_("Provinces covered (slugs).")
    )
    fieldlab_count = serializers.IntegerField(read_only=True, help_text=_("Number of fieldlabs in this hub."))

    class Meta:
        model = Hub
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "provinces",
            "founded_year",
            "coordinating_organisation",
            "website",
            "description",
            "fieldlab_count",
            *PROVENANCE_FIELDS,
        ]
        brief_fields = ["id", "slug", "name"]


class FieldlabSerializer(ApiModelSerializer):
    hub = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Hub.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Hub (slug); null for a fieldlab that works nationally."),
    )
    province = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Province.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Province (slug)."),
    )

    class Meta:
        model = Fieldlab
        fields = [
            "id",
            "slug",
            "name",
            "theme",
            "tno_type",
            "city",
            "province",
            "hub",
            "start_year",
            "end_year",
            "status",
            "website",
            "description",
            *PROVENANCE_FIELDS,
        ]
        brief_fields = ["id", "slug", "name"]


class CompanySerializer(ApiModelSerializer):
    province = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Province.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Province (slug)."),
    )

    class Meta:
        model = Company
        fields = ["id", "name", "kvk_number", "size_class", "city", "province", *PROVENANCE_FIELDS]
        brief_fields = ["id", "name", "kvk_number"]


class ParticipationSerializer(ApiModelSerializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all(), help_text=_("Company (id)."))
    company_name = serializers.CharField(source="company.name", read_only=True, help_text=_("Company name."))
    fieldlab = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Fieldlab.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Fieldlab (slug); set this or hub, not both."),
    )
    hub = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Hub.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Hub (slug); set this or fieldlab, not both."),
    )

    class Meta:
        model = Participation
        fields = ["id", "company", "company_name", "fieldlab", "hub", "year", "support_type", *PROVENANCE_FIELDS]
        brief_fields = ["id", "company", "fieldlab", "hub", "year"]
        # DRF would turn the conditional unique constraints into "fieldlab and hub both required"; the service's
        # full_clean() checks those constraints (with their conditions) instead.
        validators = []
