from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from core.api.serializers import ApiModelSerializer
from core.constants import YEAR_MAX, YEAR_MIN
from registry.models import Hub
from review.models import ReportingPeriod

__all__ = ["ReportingPeriodActionSerializer", "ReportingPeriodSerializer"]


class ReportingPeriodSerializer(ApiModelSerializer):
    hub = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_lazy("Hub (slug)."))

    class Meta:
        model = ReportingPeriod
        fields = ["id", "hub", "year", "status", "deadline", "closed_at", "created_at", "updated_at"]
        brief_fields = ["id", "hub", "year", "status"]


class ReportingPeriodActionSerializer(serializers.Serializer):
    hub = serializers.SlugRelatedField(slug_field="slug", queryset=Hub.objects.all(), help_text=_lazy("Hub (slug)."))
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, help_text=_lazy("Reporting year."))
