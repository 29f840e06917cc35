from rest_framework import viewsets

from ..filtersets import FunderFilterSet, FundingRecordFilterSet
from ..models import Funder, FundingRecord
from . import serializers


class FunderViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Funder.objects.select_related("province")
    serializer_class = serializers.FunderSerializer
    filterset_class = FunderFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "source"]


class FundingRecordViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = FundingRecord.objects.select_related("fieldlab", "hub", "bureau", "funder", "activity_type")
    serializer_class = serializers.FundingRecordSerializer
    filterset_class = FundingRecordFilterSet
    ordering_fields = ["year", "amount", "source", "id"]
