from rest_framework import serializers

from ..models import Company, Fieldlab, Hub, Partner, Province


class PartnerSerializer(serializers.ModelSerializer):
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
            "provenance",
            "provenance_source",
        ]


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "slug", "name", "code"]


class HubSerializer(serializers.ModelSerializer):
    provinces = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    fieldlab_count = serializers.IntegerField(read_only=True)

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
            "provenance",
            "provenance_source",
        ]


class FieldlabSerializer(serializers.ModelSerializer):
    hub = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    province = serializers.SlugRelatedField(read_only=True, slug_field="slug")

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
            "provenance",
            "provenance_source",
        ]


class CompanySerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = Company
        fields = ["id", "name", "kvk_number", "size_class", "city", "province", "provenance", "provenance_source"]
