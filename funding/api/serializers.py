from rest_framework import serializers

from ..models import Funder, FundingRecord


class FunderSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = Funder
        fields = ["id", "slug", "name", "source", "kind", "province", "provenance", "provenance_source"]


class FundingRecordSerializer(serializers.ModelSerializer):
    recipient_kind = serializers.CharField(read_only=True)
    recipient = serializers.SerializerMethodField()
    funder = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    activity_type = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = FundingRecord
        fields = [
            "id",
            "recipient_kind",
            "recipient",
            "year",
            "source",
            "funder",
            "amount",
            "kind",
            "realisation",
            "activity_type",
            "status",
            "provenance",
            "provenance_source",
            "evidence_note",
            "review_comment",
            "created_at",
            "updated_at",
        ]

    def get_recipient(self, obj) -> str:
        return obj.recipient.slug
