from rest_framework import mixins, viewsets
from rest_framework.renderers import JSONRenderer

from accounts import policy
from jobs.models import Job

from .serializers import JobSerializer


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A job's status, progress, result or error: its owner and the bureau only (others get 404)."""

    queryset = Job.objects.select_related("owner")
    serializer_class = JobSerializer
    renderer_classes = [JSONRenderer]  # a job is one object: no CSV or XLSX of it

    def get_queryset(self):
        return policy.visible_to(self.request.user, super().get_queryset())
