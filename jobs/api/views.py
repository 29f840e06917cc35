from rest_framework import mixins, viewsets
from rest_framework.renderers import JSONRenderer

from accounts import policy
from jobs.models import Job
from smartindustry.api.views import ApiViewMixin

from .serializers import JobSerializer


class JobViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs: status, progress, result or error. Each its owner's and the bureau's only (others get 404); the list
    holds the caller's own jobs (the bureau's: every job), newest first."""

    queryset = Job.objects.select_related("owner").order_by("-created_at", "-pk")
    serializer_class = JobSerializer
    renderer_classes = [JSONRenderer]  # a job is one object: no CSV or XLSX of it

    def get_queryset(self):
        return policy.visible_to(self.request.user, super().get_queryset())
