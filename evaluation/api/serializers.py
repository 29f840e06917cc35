from rest_framework import serializers

from smartindustry.constants import EVALUATION_YEAR_MAX, EVALUATION_YEAR_MIN

from ..models import EvaluationRun


class RunCreateSerializer(serializers.Serializer):
    year_min = serializers.IntegerField(
        required=False, help_text=f"First year evaluated (default {EVALUATION_YEAR_MIN})"
    )
    year_max = serializers.IntegerField(
        required=False, help_text=f"Last year evaluated (default {EVALUATION_YEAR_MAX})"
    )


class RunListSerializer(serializers.ModelSerializer):
    """Flat: every field a scalar, so the CSV and XLSX renderers can write it unchanged."""

    created_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    year_min = serializers.SerializerMethodField(help_text="First year evaluated")
    year_max = serializers.SerializerMethodField(help_text="Last year evaluated")

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "status",
            "year_min",
            "year_max",
            "fingerprint",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]

    def get_year_min(self, obj) -> int | None:
        return (obj.parameters or {}).get("year_min")

    def get_year_max(self, obj) -> int | None:
        return (obj.parameters or {}).get("year_max")


class RunDetailSerializer(RunListSerializer):
    class Meta(RunListSerializer.Meta):
        fields = [*RunListSerializer.Meta.fields, "parameters", "data_summary", "results"]
